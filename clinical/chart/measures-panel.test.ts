import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { HealthcareService, Organization, Resource } from '@medplum/fhirtypes';

import { MEASURE_CODES } from '../fhir/measures';
import { aMeasure, anEpisode, aPatient, AS_OF, dateOnly, recordOf } from '../fhir/test-builders';
import { clinicCrisisService, clinicOrganization, clinicService } from '../templates/organization';
import { clinicCrisisContacts } from './crisis-contacts';
import { GAD7_BANDS, measuresChart, PHQ9_BANDS, phq9Safety, severityBand } from './measures-panel';

const record = (resources: Resource[]) => recordOf([aPatient(), anEpisode({ startDay: -40 }), ...resources]);

describe('severity bands', () => {
  test('PHQ-9 (Kroenke 2001): 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27 severe', () => {
    const band = (score: number) => severityBand(PHQ9_BANDS, score).label;
    assert.deepEqual([0, 4, 5, 9, 10, 14, 15, 19, 20, 27].map(band), [
      'minimal',
      'minimal',
      'mild',
      'mild',
      'moderate',
      'moderate',
      'moderately severe',
      'moderately severe',
      'severe',
      'severe',
    ]);
  });

  test('GAD-7 (Spitzer 2006): 0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe', () => {
    const band = (score: number) => severityBand(GAD7_BANDS, score).label;
    assert.deepEqual([0, 4, 5, 9, 10, 14, 15, 21].map(band), [
      'minimal',
      'minimal',
      'mild',
      'mild',
      'moderate',
      'moderate',
      'severe',
      'severe',
    ]);
  });

  test('bands cover their scale without holes', () => {
    for (const [bands, max] of [
      [PHQ9_BANDS, 27],
      [GAD7_BANDS, 21],
    ] as const) {
      assert.equal(bands[0]?.min, 0);
      assert.equal(bands.at(-1)?.max, max);
      bands.slice(1).forEach((b, i) => assert.equal(b.min, (bands[i]?.max ?? -1) + 1));
    }
  });
});

describe('measuresChart', () => {
  const phq = (value: number, day: number) => aMeasure({ code: MEASURE_CODES.phq9Total, value, day });

  test('PHQ-9 series with bands; baseline = first of the episode, latest, change', () => {
    const chart = measuresChart(record([phq(22, -60), phq(16, -35), phq(12, -21), phq(8, -7)]), AS_OF);
    assert.deepEqual(
      chart.phq9.points.map((p) => [p.day, p.value, p.band]),
      [
        [dateOnly(-35), 16, 'moderately severe'],
        [dateOnly(-21), 12, 'moderate'],
        [dateOnly(-7), 8, 'mild'],
      ],
      'the episode range leaves out the score before the episode',
    );
    assert.deepEqual([chart.phq9.baseline?.value, chart.phq9.latest?.value, chart.phq9.change], [16, 8, -8]);
    assert.equal(chart.phq9.bands, PHQ9_BANDS);
    assert.equal(measuresChart(record([phq(22, -60), phq(8, -7)]), AS_OF, 'all').phq9.points.length, 2);
    assert.deepEqual(JSON.parse(JSON.stringify(chart)), chart, 'plain JSON');
  });

  test('one value: baseline and latest are the same, no change; no values: nulls', () => {
    const one = measuresChart(record([phq(8, -7)]), AS_OF).phq9;
    assert.deepEqual([one.baseline?.value, one.latest?.value, one.change], [8, 8, null]);
    const none = measuresChart(record([]), AS_OF).gad7;
    assert.deepEqual([none.points, none.baseline, none.latest, none.change], [[], null, null, null]);
  });

  test('craving and BAM subscales: no bands, scale bounds, protective is better when higher', () => {
    const chart = measuresChart(
      record([
        aMeasure({ code: MEASURE_CODES.craving, value: 3, day: -14 }),
        aMeasure({ code: MEASURE_CODES.craving, value: 7, day: -2 }),
        aMeasure({ code: MEASURE_CODES.bamProtective, value: 15, day: -2 }),
      ]),
      AS_OF,
    );
    assert.deepEqual([chart.craving.max, chart.craving.change, chart.craving.latest?.band], [10, 4, null]);
    assert.deepEqual([chart.bamProtective.max, chart.bamProtective.higherIsWorse], [24, false]);
    assert.deepEqual([chart.bamUse.max, chart.bamRisk.max], [12, 24]);
  });

  test('a value dated after as-of is not shown', () => {
    const chart = measuresChart(record([phq(8, -7), phq(25, 2)]), AS_OF);
    assert.equal(chart.phq9.latest?.value, 8);
    assert.equal(chart.phq9.points.length, 1);
  });
});

describe('PHQ-9 item 9 safety facts and crisis resources', () => {
  const item9 = (value: number, day: number) => aMeasure({ code: MEASURE_CODES.phq9Item9, value, day });
  const contacts = clinicCrisisContacts([clinicOrganization, clinicService, clinicCrisisService]);

  test('item 9 above 0 on the latest PHQ-9 → safety with 988, the SAMHSA helpline, then the clinic line', () => {
    const safety = phq9Safety(record([item9(1, -3)]), AS_OF, contacts);
    assert.ok(safety);
    assert.equal(safety.item9.value, 1);
    assert.match(safety.text, /answered 1 of 3 on 13 Mar 2026/);
    assert.deepEqual(
      safety.resources.map((r) => [r.name, r.contact]),
      [
        ['988 Suicide & Crisis Lifeline', 'Call or text 988'],
        ['SAMHSA National Helpline', 'Call 1-800-662-4357'],
        ['Waypoint crisis line (synthetic)', 'Call 555-0199'],
      ],
    );
    assert.equal(safety.resources[2]?.source, 'HealthcareService/waypoint-crisis-line');
  });

  test('0 on the latest PHQ-9 (after an earlier positive) → no safety alert; the chart carries it', () => {
    assert.equal(phq9Safety(record([item9(2, -14), item9(0, -3)]), AS_OF), null);
    const chart = measuresChart(record([item9(2, -3)]), AS_OF);
    assert.equal(chart.safety?.resources.length, 2);
    assert.deepEqual(JSON.parse(JSON.stringify(chart)), chart, 'plain JSON');
  });
});

describe('clinicCrisisContacts', () => {
  test('reads services named or typed "crisis", and Organization contacts whose purpose is crisis', () => {
    const org: Organization = {
      resourceType: 'Organization',
      id: 'o',
      name: 'Clinic',
      contact: [
        {
          purpose: { text: 'Front desk' },
          telecom: [{ system: 'phone', value: '555-0100' }],
        },
        {
          purpose: { text: 'After-hours crisis' },
          name: { text: 'On-call counselor' },
          telecom: [
            { system: 'sms', value: '555-0111' },
            { system: 'phone', value: '555-0111' },
          ],
        },
      ],
    };
    const inactive: HealthcareService = { ...clinicCrisisService, id: 'old', active: false };
    const noPhone: HealthcareService = { ...clinicCrisisService, id: 'np', telecom: [] };
    const contacts = clinicCrisisContacts([org, clinicService, inactive, noPhone, clinicCrisisService]);
    assert.deepEqual(
      contacts.map((c) => [c.name, c.contact, c.source]),
      [
        ['On-call counselor', 'Call or text 555-0111', 'Organization/o'],
        ['Waypoint crisis line (synthetic)', 'Call 555-0199', 'HealthcareService/waypoint-crisis-line'],
      ],
    );
  });
});

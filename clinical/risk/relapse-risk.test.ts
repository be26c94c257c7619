import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Resource } from '@medplum/fhirtypes';

import { MEASURE_CODES } from '../fhir/measures';
import {
  aDispense,
  aMatOrder,
  aMeasure,
  anAdministration,
  anAppointment,
  anEpisode,
  aPatient,
  AS_OF,
  aStablePatient,
  aUds,
  aUdsPanel,
  dateOnly,
  LOINC,
  recordOf,
} from '../fhir/test-builders';
import { assessRelapseRisk, riskBand, riskTrend } from './relapse-risk';
import { RISK_MODEL_V1 } from './risk-model.config';

const rules = (resources: Resource[], asOf = AS_OF) =>
  assessRelapseRisk(recordOf(resources), asOf).points.map((p) => `${p.ruleId} +${p.points}`);

describe('relapse-risk model v1 (docs/architecture.md)', () => {
  test('stable patient (35, day 41, buprenorphine supplied, 3 weekly panels bup+ only) → score 0, low', () => {
    const result = assessRelapseRisk(recordOf(aStablePatient()), AS_OF);
    assert.deepEqual(result.points, []);
    assert.equal(result.score, 0);
    assert.equal(result.band, 'low');
    assert.equal(result.modelId, 'waypoint-relapse-risk');
    assert.equal(result.modelVersion, '1.0.0');
    assert.equal(result.asOf, AS_OF);
  });

  describe('UDS weekly rule (Luo et al. 2023): +2 per week positive for a non-prescribed opioid or missing', () => {
    test('on buprenorphine, UDS positive for buprenorphine only → no point', () => {
      assert.deepEqual(rules(aStablePatient()), []);
    });

    test('fentanyl positive on day −1 → +2 with reason naming fentanyl and evidence = the fentanyl Observation', () => {
      const panel = aUdsPanel({ day: -1, positives: [LOINC.fentanyl, LOINC.buprenorphine] });
      const rec = recordOf(aStablePatient(panel));
      const result = assessRelapseRisk(rec, AS_OF);
      const point = result.points.find((p) => p.ruleId === 'uds-opioid-positive');
      assert.ok(point, 'expected a uds-opioid-positive point');
      assert.equal(point.points, 2);
      assert.match(point.reason, /15 Mar 2026 positive for fentanyl/);
      const fentanylObs = panel.find(
        (r) => r.resourceType === 'Observation' && JSON.stringify(r).includes(LOINC.fentanyl),
      );
      assert.deepEqual(point.evidence, [{ reference: `Observation/${fentanylObs?.id}` }]);
      assert.equal(result.score, 2);
    });

    test('no UDS at all for a patient enrolled 40 days ago → 3 missing weeks, +6, high', () => {
      const result = assessRelapseRisk(recordOf([aPatient(), anEpisode({ startDay: -40 })]), AS_OF);
      assert.deepEqual(
        result.points.map((p) => p.ruleId),
        ['uds-missing', 'uds-missing', 'uds-missing'],
      );
      assert.equal(result.score, 6);
      assert.equal(result.band, 'high');
      assert.match(
        result.points[0]?.reason ?? '',
        /No urine drug screen for opioids in the week 10 Mar 2026 – 16 Mar 2026; a missing screen counts as positive/,
      );
      assert.deepEqual(result.points[0]?.evidence, []);
    });

    test('patient in week 1 (enrolled 3 days ago, no UDS yet) → only the current week is missing: +2, plus +1 new episode', () => {
      assert.deepEqual(rules([aPatient(), anEpisode({ startDay: -3 })]), [
        'uds-missing +2',
        'age-or-new-episode +1',
      ]);
    });

    test('weeks are whole UTC days: a screen on 9 Mar at 15:00 counts for 3–9 Mar, so 10–16 Mar is missing', () => {
      const late = aUdsPanel({ day: -7 }).map((r) =>
        'effectiveDateTime' in r ? { ...r, effectiveDateTime: '2026-03-09T15:00:00.000Z' } : r,
      );
      const resources = [aPatient(), anEpisode({ startDay: -12 }), ...late];
      const result = assessRelapseRisk(recordOf(resources), AS_OF);
      assert.deepEqual(
        result.points.map((p) => p.reason),
        [
          'No urine drug screen for opioids in the week 10 Mar 2026 – 16 Mar 2026; a missing screen counts as positive (Luo et al. 2023).',
          'Day 13 of the episode (first 30 days).',
        ],
      );
    });

    test('a screen that tested only cocaine does not count as an opioid screen → week still missing', () => {
      const resources = [aPatient(), anEpisode({ startDay: -10 }), aUds({ loinc: LOINC.cocaine, day: -2 })];
      assert.ok(rules(resources).includes('uds-missing +2'));
    });

    test('methadone and EDDP positive on methadone → expected, no point; methadone positive on buprenorphine → +2', () => {
      const methadone = aMatOrder({ id: 'mtd', code: '991147', authoredDay: -60 });
      const onMethadone = [
        aPatient(),
        anEpisode({ startDay: -40 }),
        methadone,
        ...Array.from({ length: 8 }, (_, i) => anAdministration({ order: methadone, day: -i })),
        ...[-1, -8, -15].flatMap((day) =>
          aUdsPanel({
            day,
            tests: [LOINC.fentanyl, LOINC.methadone, LOINC.eddp],
            positives: [LOINC.methadone, LOINC.eddp],
          }),
        ),
      ];
      assert.deepEqual(rules(onMethadone), []);
      const onBup = aStablePatient([aUds({ loinc: LOINC.methadone, day: -2, positive: true })]);
      const point = assessRelapseRisk(recordOf(onBup), AS_OF).points.find(
        (p) => p.ruleId === 'uds-opioid-positive',
      );
      assert.match(point?.reason ?? '', /positive for methadone — not prescribed/);
    });

    test('buprenorphine positive with no buprenorphine order → non-prescribed opioid, +2', () => {
      const resources = [
        aPatient(),
        anEpisode({ startDay: -40 }),
        ...aUdsPanel({ day: -1, positives: [LOINC.buprenorphine] }),
        ...aUdsPanel({ day: -8 }),
        ...aUdsPanel({ day: -15 }),
      ];
      assert.deepEqual(rules(resources), ['uds-opioid-positive +2']);
    });

    test('a fentanyl positive 22 days ago is outside the 21-day window', () => {
      const resources = aStablePatient([aUds({ loinc: LOINC.fentanyl, day: -22, positive: true })]);
      assert.deepEqual(rules(resources), []);
    });

    test('future-dated data is ignored: a fentanyl positive dated tomorrow does not count', () => {
      const resources = aStablePatient([...aUdsPanel({ day: 1, positives: [LOINC.fentanyl] })]);
      assert.deepEqual(rules(resources), []);
    });

    test('the CDC IG variant (valueString "POS") is read as positive', () => {
      const resources = aStablePatient([aUds({ loinc: '8220-6', day: -2, value: { valueString: 'POS' } })]);
      assert.deepEqual(rules(resources), ['uds-opioid-positive +2']);
    });
  });

  test('cocaine positive in the last 21 days → +1 once, even with two positives', () => {
    const resources = aStablePatient([
      aUds({ loinc: LOINC.cocaine, day: -2, positive: true }),
      aUds({ loinc: LOINC.cocaine, day: -9, positive: true }),
    ]);
    const result = assessRelapseRisk(recordOf(resources), AS_OF);
    assert.deepEqual(
      result.points.map((p) => `${p.ruleId} +${p.points}`),
      ['uds-stimulant-positive +1'],
    );
    assert.equal(result.points[0]?.evidence.length, 2);
  });

  describe('missed sessions: +1 each no-show in 21 days, at most 2', () => {
    test('one no-show 5 days ago → +1 naming the date', () => {
      const result = assessRelapseRisk(
        recordOf(aStablePatient([anAppointment({ day: -5, status: 'noshow' })])),
        AS_OF,
      );
      assert.equal(result.score, 1);
      assert.match(result.points[0]?.reason ?? '', /Missed counseling session on 11 Mar 2026/);
    });

    test('three no-shows → capped at +2; cancellations and attended sessions do not count', () => {
      const resources = aStablePatient([
        anAppointment({ day: -3, status: 'noshow' }),
        anAppointment({ day: -10, status: 'noshow' }),
        anAppointment({ day: -17, status: 'noshow' }),
        anAppointment({ day: -6, status: 'cancelled', cancelledBy: 'pat' }),
        anAppointment({ day: -13, status: 'fulfilled' }),
      ]);
      assert.deepEqual(rules(resources), ['missed-session +1', 'missed-session +1']);
    });

    test('a no-show 22 days ago does not count', () => {
      assert.deepEqual(rules(aStablePatient([anAppointment({ day: -22, status: 'noshow' })])), []);
    });
  });

  describe('MAT gap rule: +3', () => {
    test('no MAT at all (psychosocial treatment only, negative panels) → no MAT point, score 0', () => {
      const resources = [
        aPatient(),
        anEpisode({ startDay: -40 }),
        ...[-1, -8, -15].flatMap((day) => aUdsPanel({ day })),
      ];
      assert.deepEqual(rules(resources), []);
    });

    test('MAT stopped yesterday → +3 "stopped"', () => {
      const stopped = aMatOrder({ id: 'bup-order', status: 'stopped', authoredDay: -60, stoppedDay: -1 });
      const resources = aStablePatient().map((r) => (r.id === 'bup-order' ? stopped : r));
      const result = assessRelapseRisk(recordOf(resources), AS_OF);
      const point = result.points.find((p) => p.ruleId === 'mat-gap');
      assert.equal(point?.points, 3);
      assert.match(
        point?.reason ?? '',
        /MAT stopped in the last 30 days: buprenorphine order stopped on 15 Mar 2026 \(1 day ago\)/,
      );
      assert.deepEqual(point?.evidence, [{ reference: 'MedicationRequest/bup-order' }]);
    });

    test('MAT stopped 31 days ago → no point (outside 30 days)', () => {
      const stopped = aMatOrder({ id: 'bup-order', status: 'stopped', authoredDay: -90, stoppedDay: -31 });
      const resources = aStablePatient().map((r) => (r.id === 'bup-order' ? stopped : r));
      assert.ok(!rules(resources).includes('mat-gap +3'));
    });

    test('buprenorphine supply ran out (7 days handed over 9 days ago) → +3 gap', () => {
      const order = aMatOrder({ id: 'bup-order', authoredDay: -60 });
      const resources: Resource[] = [
        ...aStablePatient().filter((r) => r.resourceType !== 'MedicationDispense'),
        aDispense({ order, day: -9, daysSupply: 7 }),
      ];
      const point = assessRelapseRisk(recordOf(resources), AS_OF).points.find((p) => p.ruleId === 'mat-gap');
      assert.match(
        point?.reason ?? '',
        /MAT gap \(buprenorphine\): Out of medication: supply covered to 13 Mar 2026/,
      );
    });

    test('methadone: observed dose missed yesterday → +3 missed dose', () => {
      const order = aMatOrder({ id: 'mtd', code: '991147', authoredDay: -60, doseMg: 80 });
      const doses = [-7, -6, -5, -4, -3, -2, 0].map((day) => anAdministration({ order, day }));
      const resources = [
        ...aStablePatient().filter((r) => !r.resourceType.startsWith('Medication')),
        order,
        ...doses,
      ];
      const point = assessRelapseRisk(recordOf(resources), AS_OF).points.find((p) => p.ruleId === 'mat-gap');
      assert.match(point?.reason ?? '', /Missed MAT dose \(methadone\): Observed dose missed on 15 Mar 2026/);
    });
  });

  describe('craving rule: +1 when latest ≥ 7/10 or ≥ 2 above baseline', () => {
    test('latest craving 7 → +1 (edge: exactly the threshold)', () => {
      const resources = aStablePatient([aMeasure({ code: MEASURE_CODES.craving, value: 7, day: -2 })]);
      const result = assessRelapseRisk(recordOf(resources), AS_OF);
      assert.equal(result.points[0]?.reason, 'Craving 7/10 on 14 Mar 2026 (7 or more).');
    });

    test('latest craving 6 → no point when baseline is 5 (rise 1)', () => {
      const resources = aStablePatient([
        aMeasure({ code: MEASURE_CODES.craving, value: 5, day: -30 }),
        aMeasure({ code: MEASURE_CODES.craving, value: 6, day: -2 }),
      ]);
      assert.deepEqual(rules(resources), []);
    });

    test('baseline 2 at intake, latest 4 → +1 (rise of 2)', () => {
      const resources = aStablePatient([
        aMeasure({ code: MEASURE_CODES.craving, value: 2, day: -39 }),
        aMeasure({ code: MEASURE_CODES.craving, value: 1, day: -20 }),
        aMeasure({ code: MEASURE_CODES.craving, value: 4, day: -2 }),
      ]);
      const result = assessRelapseRisk(recordOf(resources), AS_OF);
      assert.equal(
        result.points[0]?.reason,
        'Craving 4/10 on 14 Mar 2026, up 2 from the baseline 2/10 on 5 Feb 2026.',
      );
      assert.equal(result.points[0]?.evidence.length, 2);
    });

    test('a craving of 9 from 30 days ago is stale (window 21 days) → no point', () => {
      assert.deepEqual(
        rules(aStablePatient([aMeasure({ code: MEASURE_CODES.craving, value: 9, day: -30 })])),
        [],
      );
    });
  });

  describe('BAM rules: risk subscale rising +1, protective subscale falling +1', () => {
    test('risk 8 → 12 and protective 20 → 15 → +2', () => {
      const resources = aStablePatient([
        aMeasure({ code: MEASURE_CODES.bamRisk, value: 8, day: -32 }),
        aMeasure({ code: MEASURE_CODES.bamRisk, value: 12, day: -2 }),
        aMeasure({ code: MEASURE_CODES.bamProtective, value: 20, day: -32 }),
        aMeasure({ code: MEASURE_CODES.bamProtective, value: 15, day: -2 }),
      ]);
      const result = assessRelapseRisk(recordOf(resources), AS_OF);
      assert.deepEqual(
        result.points.map((p) => p.reason),
        [
          'BAM risk subscale rose from 8 (12 Feb 2026) to 12 (14 Mar 2026).',
          'BAM protective subscale fell from 20 (12 Feb 2026) to 15 (14 Mar 2026).',
        ],
      );
    });

    test('risk falling and protective rising → no point; a single administration → no point', () => {
      assert.deepEqual(
        rules(
          aStablePatient([
            aMeasure({ code: MEASURE_CODES.bamRisk, value: 12, day: -32 }),
            aMeasure({ code: MEASURE_CODES.bamRisk, value: 8, day: -2 }),
            aMeasure({ code: MEASURE_CODES.bamProtective, value: 15, day: -32 }),
            aMeasure({ code: MEASURE_CODES.bamProtective, value: 20, day: -2 }),
          ]),
        ),
        [],
      );
      assert.deepEqual(
        rules(aStablePatient([aMeasure({ code: MEASURE_CODES.bamRisk, value: 12, day: -2 })])),
        [],
      );
    });
  });

  describe('age under 25 or first 30 days of the episode: +1 once', () => {
    test('age 24 (25th birthday tomorrow) → +1', () => {
      const result = assessRelapseRisk(recordOf(aStablePatient([], { birthDate: '2001-03-17' })), AS_OF);
      assert.deepEqual(
        result.points.map((p) => p.reason),
        ['Age 24 (under 25).'],
      );
    });

    test('age exactly 25 on the birthday → no point', () => {
      assert.deepEqual(rules(aStablePatient([], { birthDate: '2001-03-16' })), []);
    });

    test('day 30 of the episode (start 29 days ago) → +1; day 31 → no point', () => {
      const withEpisode = (startDay: number) =>
        aStablePatient().map((r) => (r.resourceType === 'EpisodeOfCare' ? anEpisode({ startDay }) : r));
      assert.deepEqual(rules(withEpisode(-29)), ['age-or-new-episode +1']);
      assert.deepEqual(rules(withEpisode(-30)), []);
    });

    test('age 22 and day 5 of the episode → still only +1, both reasons given', () => {
      const resources = [
        aPatient({ birthDate: '2004-01-01' }),
        anEpisode({ startDay: -4 }),
        ...aUdsPanel({ day: -1 }),
      ];
      const point = assessRelapseRisk(recordOf(resources), AS_OF).points.find(
        (p) => p.ruleId === 'age-or-new-episode',
      );
      assert.equal(point?.reason, 'Age 22 (under 25); day 5 of the episode (first 30 days).');
      assert.equal(point?.points, 1);
    });
  });

  describe('bands: 0–2 low, 3–5 moderate, ≥ 6 high', () => {
    test('edges 2/3 and 5/6', () => {
      assert.equal(riskBand(0), 'low');
      assert.equal(riskBand(2), 'low');
      assert.equal(riskBand(3), 'moderate');
      assert.equal(riskBand(5), 'moderate');
      assert.equal(riskBand(6), 'high');
    });

    test('worked example at the 2/3 edge: one no-show (+1) and a cocaine positive (+1) → 2 low; add age 24 → 3 moderate', () => {
      const base = [
        anAppointment({ day: -4, status: 'noshow' }),
        aUds({ loinc: LOINC.cocaine, day: -1, positive: true }),
      ];
      assert.equal(assessRelapseRisk(recordOf(aStablePatient(base)), AS_OF).band, 'low');
      const young = assessRelapseRisk(recordOf(aStablePatient(base, { birthDate: '2001-06-01' })), AS_OF);
      assert.equal(young.score, 3);
      assert.equal(young.band, 'moderate');
    });

    test('worked example at the 5/6 edge: fentanyl + (2) + MAT stopped (3) → 5 moderate; add a no-show → 6 high', () => {
      const stopped = aMatOrder({ id: 'bup-order', status: 'stopped', authoredDay: -60, stoppedDay: -3 });
      const resources = aStablePatient([aUds({ loinc: LOINC.fentanyl, day: -2, positive: true })]).map((r) =>
        r.id === 'bup-order' ? stopped : r,
      );
      const five = assessRelapseRisk(recordOf(resources), AS_OF);
      assert.equal(five.score, 5);
      assert.equal(five.band, 'moderate');
      const six = assessRelapseRisk(
        recordOf([...resources, anAppointment({ day: -5, status: 'noshow' })]),
        AS_OF,
      );
      assert.equal(six.score, 6);
      assert.equal(six.band, 'high');
    });
  });

  test('PHQ-9 item 9 positive is not part of the score', () => {
    const resources = aStablePatient([aMeasure({ code: MEASURE_CODES.phq9Item9, value: 3, day: -1 })]);
    assert.equal(assessRelapseRisk(recordOf(resources), AS_OF).score, 0);
  });

  test('the weights are read from the configuration: a v2 with 3 points per UDS week changes the score and the version', () => {
    const v2 = {
      ...RISK_MODEL_V1,
      version: '2.0.0',
      rules: { ...RISK_MODEL_V1.rules, udsOpioidWeekly: { points: 3, weeks: 3 } },
    };
    const result = assessRelapseRisk(recordOf([aPatient(), anEpisode({ startDay: -40 })]), AS_OF, v2);
    assert.equal(result.score, 9);
    assert.equal(result.modelVersion, '2.0.0');
  });

  test('riskTrend: fentanyl positive 2 days ago → up from the score a week earlier', () => {
    const resources = aStablePatient([aUds({ loinc: LOINC.fentanyl, day: -2, positive: true })]);
    assert.deepEqual(riskTrend(recordOf(resources), AS_OF), { trend: 'up', previousScore: 0, score: 2 });
  });

  test('riskTrend: the same record a week earlier did not yet know about the later no-show → down when it leaves the window', () => {
    const resources = aStablePatient([anAppointment({ day: -24, status: 'noshow' })]);
    // 7 days ago the no-show (then 17 days old) counted; now (24 days old) it does not.
    assert.deepEqual(riskTrend(recordOf(resources), AS_OF), { trend: 'down', previousScore: 1, score: 0 });
    assert.equal(riskTrend(recordOf(aStablePatient()), AS_OF).trend, 'same');
  });

  test('asOf may be a Date or a date-only string', () => {
    const rec = recordOf(aStablePatient());
    assert.equal(assessRelapseRisk(rec, new Date(AS_OF)).score, 0);
    assert.equal(assessRelapseRisk(rec, dateOnly(0)).asOf, '2026-03-16T00:00:00.000Z');
  });
});

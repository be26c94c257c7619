import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Medication, MedicationRequest, Resource } from '@medplum/fhirtypes';

import { matStatus } from './mat';
import {
  aDispense,
  aMatOrder,
  anAdministration,
  aPatient,
  AS_OF,
  at,
  dateOnly,
  recordOf,
} from './test-builders';

const status = (resources: Resource[]) => matStatus(recordOf([aPatient(), ...resources]), AS_OF);

describe('MAT status', () => {
  test('no MAT on record → "no MAT"', () => {
    const s = status([]);
    assert.equal(s.kind, 'none');
    assert.equal(s.label, 'no MAT');
  });

  describe('buprenorphine SL: supply = last whenHandedOver + daysSupply', () => {
    const order = aMatOrder({ id: 'bup', authoredDay: -30, doseMg: 16 });

    test('7 days handed over 2 days ago → on track, 5 days left, dose "16 mg"', () => {
      const s = status([order, aDispense({ order, day: -2, daysSupply: 7 })]);
      assert.equal(s.kind, 'on-track');
      assert.equal(s.daysLeft, 5);
      assert.equal(s.drug, 'buprenorphine');
      assert.equal(s.dose, '16 mg');
      assert.equal(s.detail, 'Supply covered to 20 Mar 2026 (from 14 Mar 2026).');
    });

    test('7 days handed over 4 days ago → "supply ends in 3 days"; 6 days ago → "supply ends in 1 day"', () => {
      assert.equal(
        status([order, aDispense({ order, day: -4, daysSupply: 7 })]).label,
        'supply ends in 3 days',
      );
      assert.equal(
        status([order, aDispense({ order, day: -6, daysSupply: 7 })]).label,
        'supply ends in 1 day',
      );
    });

    test('7 days handed over 7 days ago → refill day: "supply ends today", not yet a gap', () => {
      const s = status([order, aDispense({ order, day: -7, daysSupply: 7 })]);
      assert.equal(s.kind, 'supply-ending');
      assert.equal(s.label, 'supply ends today');
      assert.equal(s.daysLeft, 0);
    });

    test('7 days handed over 8 days ago → gap since yesterday (last covered day 14 Mar)', () => {
      const s = status([order, aDispense({ order, day: -8, daysSupply: 7 })]);
      assert.equal(s.kind, 'gap');
      assert.equal(s.since, '2026-03-15');
      assert.match(s.detail, /supply covered to 14 Mar 2026/);
    });

    test('the latest-ending dispense counts, and a future-dated dispense is ignored', () => {
      const s = status([
        order,
        aDispense({ order, day: -20, daysSupply: 14 }),
        aDispense({ order, day: -10, daysSupply: 7 }),
        aDispense({ order, day: 1, daysSupply: 30 }),
      ]);
      assert.equal(s.kind, 'gap');
      assert.equal(s.since, '2026-03-13');
    });

    test('order written today without a dispense yet → on track (first dispense pending); after 2 days → gap', () => {
      assert.equal(status([aMatOrder({ authoredDay: 0 })]).kind, 'on-track');
      assert.equal(status([aMatOrder({ authoredDay: -2 })]).kind, 'gap');
    });

    test('a not-done administration yesterday → missed dose', () => {
      const s = status([
        order,
        aDispense({ order, day: -2, daysSupply: 7 }),
        anAdministration({ order, day: -1, status: 'not-done' }),
      ]);
      assert.equal(s.kind, 'missed-dose');
    });

    test('order on hold → gap', () => {
      const s = status([aMatOrder({ status: 'on-hold', authoredDay: -10 })]);
      assert.equal(s.kind, 'gap');
      assert.equal(s.detail, 'The buprenorphine order is on hold.');
    });
  });

  describe('stopped', () => {
    test('MAT stopped yesterday without replacement → stopped, since yesterday', () => {
      const s = status([aMatOrder({ id: 'bup', status: 'stopped', authoredDay: -60, stoppedDay: -1 })]);
      assert.equal(s.kind, 'stopped');
      assert.equal(s.since, '2026-03-15');
      assert.equal(s.detail, 'buprenorphine order stopped on 15 Mar 2026 (1 day ago); no order since.');
      assert.deepEqual(s.order, { reference: 'MedicationRequest/bup' });
    });

    test('stopped order replaced by a new order (dose change) → status of the new order', () => {
      const replacement = aMatOrder({ authoredDay: -10, doseMg: 24 });
      const s = status([
        aMatOrder({ status: 'stopped', authoredDay: -60, stoppedDay: -10 }),
        replacement,
        aDispense({ order: replacement, day: -3, daysSupply: 14 }),
      ]);
      assert.equal(s.kind, 'on-track');
      assert.equal(s.dose, '24 mg');
    });

    test('stopped in the future (stop date after as-of) → still in force as of now', () => {
      const order = aMatOrder({ status: 'stopped', authoredDay: -30, stoppedDay: 5 });
      assert.equal(status([order, aDispense({ order, day: -1, daysSupply: 14 })]).kind, 'on-track');
    });

    test('demo-clinic shape: boundsPeriod.end is the last day in force (date only) → stopped from the next day', () => {
      const order = aMatOrder({ status: 'stopped', authoredDay: -60 });
      const stopped = {
        ...order,
        dosageInstruction: [
          { timing: { repeat: { boundsPeriod: { start: dateOnly(-60), end: dateOnly(-1) } } } },
        ],
      };
      const s = status([stopped]);
      assert.equal(s.since, '2026-03-16');
      assert.equal(s.detail, 'buprenorphine order stopped on 16 Mar 2026 (today); no order since.');
      assert.equal(
        matStatus(recordOf([aPatient(), stopped]), at(-1, 18)).kind,
        'gap',
        'still in force on its last day',
      );
    });

    test('stop date falls back to meta.lastUpdated when no period says it', () => {
      const order = {
        ...aMatOrder({ status: 'completed', authoredDay: -60 }),
        meta: { lastUpdated: '2026-03-06T08:00:00Z' },
      };
      assert.equal(status([order]).since, '2026-03-06');
    });
  });

  describe('methadone: daily observed doses except take-home days', () => {
    const order = aMatOrder({ id: 'mtd', code: '991147', authoredDay: -30, doseMg: 80 });

    test('daily doses for the last week → on track, dose "80 mg"', () => {
      const s = status([
        order,
        ...[-7, -6, -5, -4, -3, -2, -1].map((day) => anAdministration({ order, day })),
      ]);
      assert.equal(s.kind, 'on-track');
      assert.equal(s.dose, '80 mg');
    });

    test('Saturday dose + Sunday take-home (daysSupply 1) covers the weekend → on track', () => {
      // AS_OF is Monday 16 Mar; Saturday = −2, Sunday = −1.
      const s = status([
        order,
        ...[-7, -6, -5, -4, -3, -2].map((day) => anAdministration({ order, day })),
        aDispense({ order, day: -2, daysSupply: 1 }),
      ]);
      assert.equal(s.kind, 'on-track');
    });

    test('no dose yesterday → missed dose naming the day; today is not judged before it ends', () => {
      const s = status([order, ...[-7, -6, -5, -4, -3, -2].map((day) => anAdministration({ order, day }))]);
      assert.equal(s.kind, 'missed-dose');
      assert.equal(s.detail, 'Observed dose missed on 15 Mar 2026.');
    });

    test('3 days without a dose up to yesterday → gap', () => {
      const s = status([order, ...[-7, -6, -5, -4].map((day) => anAdministration({ order, day }))]);
      assert.equal(s.kind, 'gap');
      assert.equal(s.since, '2026-03-13');
      assert.match(s.detail, /No methadone dose for 3 days \(last dose or take-home covered 12 Mar 2026\)/);
    });

    test('a not-done administration on a take-home day still counts as missed', () => {
      const s = status([
        order,
        ...[-7, -6, -5, -4, -3, -2].map((day) => anAdministration({ order, day })),
        aDispense({ order, day: -2, daysSupply: 1 }),
        anAdministration({ order, day: -1, status: 'not-done' }),
      ]);
      assert.equal(s.kind, 'missed-dose');
    });
  });

  describe('long-acting injection covers 31 days, grace to 35', () => {
    const sublocade = aMatOrder({ code: '1996184', authoredDay: -90, doseMg: 300 });
    const injectedDaysAgo = (n: number) =>
      status([sublocade, anAdministration({ order: sublocade, day: -n })]);

    test('injected 20 days ago → on track; 29 days ago → supply ends in 2 days', () => {
      assert.equal(injectedDaysAgo(20).kind, 'on-track');
      assert.equal(injectedDaysAgo(29).label, 'supply ends in 2 days');
    });

    test('31 days ago → still covered (0 days left → "supply ends in 0 days")', () => {
      assert.equal(injectedDaysAgo(31).kind, 'supply-ending');
    });

    test('33 days ago → missed dose (overdue, in grace); 35 → missed dose; 36 → gap', () => {
      assert.equal(injectedDaysAgo(33).kind, 'missed-dose');
      assert.equal(injectedDaysAgo(35).kind, 'missed-dose');
      assert.equal(injectedDaysAgo(36).kind, 'gap');
    });

    test('naltrexone ER (Vivitrol) follows the same rule', () => {
      const vivitrol = aMatOrder({ code: '637213', authoredDay: -90, doseMg: 380 });
      const s = status([vivitrol, anAdministration({ order: vivitrol, day: -40 })]);
      assert.equal(s.kind, 'gap');
      assert.equal(s.drug, 'naltrexone');
    });
  });

  test('medicationReference to a Medication with an RxNorm code (CDC IG shape) is understood', () => {
    const med: Medication = {
      resourceType: 'Medication',
      id: 'buprenorphine',
      code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1010603' }] },
    };
    const order = {
      ...aMatOrder({ authoredDay: -10 }),
      medicationCodeableConcept: undefined,
      medicationReference: { reference: 'Medication/buprenorphine' },
    };
    const s = status([med, order, aDispense({ order, day: -1, daysSupply: 7 })]);
    assert.equal(s.drug, 'buprenorphine');
    assert.equal(s.kind, 'on-track');
  });

  test('a MedicationRequest for a non-MAT drug (missing codings, oxycodone) is not MAT', () => {
    const other = { ...aMatOrder(), medicationCodeableConcept: { text: 'oxycodone' } };
    assert.equal(status([other]).kind, 'none');
  });

  test('a coded order is not marked uncoded; no MAT is not uncoded either', () => {
    assert.equal(status([aMatOrder({ authoredDay: 0 })]).uncoded, false);
    assert.equal(status([]).uncoded, false);
  });
});

describe('uncoded MOUD orders: the drug read from the order text when no RxNorm code matches', () => {
  /** An order as a clinician types it into an EHR without a drug picker: text only, no coding. */
  const textOrder = (text: string, opts: Parameters<typeof aMatOrder>[0] = {}): MedicationRequest => ({
    ...aMatOrder({ authoredDay: -30, ...opts }),
    medicationCodeableConcept: { text },
  });
  const film = 'buprenorphine 8 mg/naloxone 2 mg SL film';

  test('text-only order, 7 days handed over 2 days ago → buprenorphine, on track, uncoded, product = the text', () => {
    const order = textOrder(film);
    const s = status([order, aDispense({ order, day: -2, daysSupply: 7 })]);
    assert.equal(s.kind, 'on-track');
    assert.equal(s.label, 'on track');
    assert.equal(s.drug, 'buprenorphine');
    assert.equal(s.product, film);
    assert.equal(s.uncoded, true);
    assert.equal(s.daysLeft, 5);
  });

  test('the same order, 7 days handed over 8 days ago → gap since yesterday, as for a coded order', () => {
    const order = textOrder(film);
    const s = status([order, aDispense({ order, day: -8, daysSupply: 7 })]);
    assert.equal(s.kind, 'gap');
    assert.equal(s.since, '2026-03-15');
    assert.equal(s.uncoded, true);
  });

  test('a text-only order with no dispense in 30 days → gap (an uncoded order is not silently "no MAT")', () => {
    const s = status([textOrder(film)]);
    assert.equal(s.kind, 'gap');
    assert.equal(s.detail, 'No dispense or observed dose since the order on 14 Feb 2026.');
  });

  test('a referenced Medication with only code.text (brand name Suboxone) → buprenorphine, uncoded', () => {
    const med: Medication = {
      resourceType: 'Medication',
      id: 'sbx',
      code: { text: 'SUBOXONE 8mg-2mg film' },
    };
    const order = {
      ...aMatOrder({ authoredDay: -10 }),
      medicationCodeableConcept: undefined,
      medicationReference: { reference: 'Medication/sbx' },
    };
    const s = status([med, order, aDispense({ order, day: -1, daysSupply: 7 })]);
    assert.equal(s.drug, 'buprenorphine');
    assert.equal(s.product, 'SUBOXONE 8mg-2mg film');
    assert.equal(s.uncoded, true);
    assert.equal(s.kind, 'on-track');
  });

  test('codings without a recognised RxNorm code but a display naming the drug (an NDC coding) → read from the display', () => {
    const order = {
      ...aMatOrder({ authoredDay: -10 }),
      medicationCodeableConcept: {
        coding: [
          {
            system: 'http://hl7.org/fhir/sid/ndc',
            code: '54123-0957-30',
            display: 'Zubsolv 5.7 mg/1.4 mg tablet',
          },
        ],
      },
    };
    const s = status([order, aDispense({ order, day: -1, daysSupply: 7 })]);
    assert.equal(s.drug, 'buprenorphine');
    assert.equal(s.product, 'Zubsolv 5.7 mg/1.4 mg tablet');
    assert.equal(s.uncoded, true);
  });

  test('brand names of long-acting injections (Sublocade, Brixadi, Vivitrol) follow the 31-day injection rule', () => {
    for (const [text, drug] of [
      ['Sublocade 300 mg', 'buprenorphine'],
      ['brixadi weekly 24 mg', 'buprenorphine'],
      ['Vivitrol 380 mg IM', 'naltrexone'],
      ['buprenorphine extended-release injection 300 mg/1.5 mL', 'buprenorphine'],
      ['naltrexone ER 380 mg injectable suspension', 'naltrexone'],
    ] as const) {
      const order = textOrder(text, { authoredDay: -90 });
      const injected = (day: number) => status([order, anAdministration({ order, day })]);
      assert.equal(injected(-20).kind, 'on-track', text);
      assert.equal(injected(-33).kind, 'missed-dose', text);
      assert.equal(injected(-36).kind, 'gap', text);
      assert.equal(injected(-20).drug, drug, text);
    }
  });

  test('methadone by name or brand (Methadose, Dolophine, Diskets) → the daily observed-dose rule', () => {
    for (const text of [
      'methadone 10 mg/mL oral concentrate',
      'Methadose 80 mg',
      'DOLOPHINE 10 mg',
      'Diskets 40 mg',
    ]) {
      const order = textOrder(text);
      const s = status([order, ...[-7, -6, -5, -4].map((day) => anAdministration({ order, day }))]);
      assert.equal(s.drug, 'methadone', text);
      assert.equal(s.kind, 'gap', text);
      assert.match(s.detail, /No methadone dose for 3 days/, text);
    }
  });

  test('oral naltrexone by name → supply-based; Subutex and Bunavail → buprenorphine', () => {
    const order = textOrder('naltrexone 50 mg tablet');
    const s = status([order, aDispense({ order, day: -2, daysSupply: 30 })]);
    assert.equal(s.drug, 'naltrexone');
    assert.equal(s.daysLeft, 28);
    assert.equal(status([textOrder('Subutex 8 mg', { authoredDay: 0 })]).drug, 'buprenorphine');
    assert.equal(status([textOrder('Bunavail buccal film', { authoredDay: 0 })]).drug, 'buprenorphine');
  });

  test('"buprenorphine/naloxone" is MOUD (buprenorphine); naloxone alone is an overdose-reversal drug, not MOUD', () => {
    assert.equal(status([textOrder('buprenorphine/naloxone', { authoredDay: 0 })]).drug, 'buprenorphine');
    assert.equal(status([textOrder('naloxone 4 mg nasal spray')]).kind, 'none');
    assert.equal(status([textOrder('Narcan 4 mg nasal spray')]).kind, 'none');
  });

  test('not MOUD: ibuprofen; a word inside another word (methylnaltrexone); buprenorphine for pain (Butrans patch); naltrexone/bupropion (Contrave); two drugs in one text', () => {
    for (const text of [
      'ibuprofen 400 mg',
      'methylnaltrexone 12 mg injection',
      'Butrans 10 mcg/hr transdermal patch',
      'buprenorphine 5 mcg/hour transdermal patch',
      'Belbuca 150 mcg buccal film',
      'naltrexone 8 mg/bupropion 90 mg ER tablet',
      'Contrave',
      'methadone or buprenorphine, to be decided',
    ]) {
      assert.equal(status([textOrder(text)]).kind, 'none', text);
    }
  });

  test('a recognised RxNorm code wins over the text: coded, the code’s product', () => {
    const order = {
      ...aMatOrder({ code: '991147', authoredDay: 0 }),
      medicationCodeableConcept: {
        coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '991147' }],
        text: 'Suboxone',
      },
    };
    const s = status([order]);
    assert.equal(s.drug, 'methadone');
    assert.equal(s.uncoded, false);
  });
});

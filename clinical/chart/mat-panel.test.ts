import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { MedicationRequest, Resource } from '@medplum/fhirtypes';

import {
  aDispense,
  aMatOrder,
  anAdministration,
  aPatient,
  AS_OF,
  at,
  aUdsPanel,
  dateOnly,
  LOINC,
  recordOf,
} from '../fhir/test-builders';
import { coverageGaps, proportionOfDaysCovered } from './days-covered';
import { methadoneStrip } from './dose-strip';
import { matChart } from './mat-panel';
import { TAKE_HOME_RULES_FEDERAL_2024, takeHomeEligibility, type TakeHomeRuleTable } from './take-home';

const record = (resources: Resource[]) => recordOf([aPatient(), ...resources]);
const METHADONE = '991147';
const SUBLOCADE = '1996184';
const VIVITROL = '637213';

/** Daily methadone doses on the given days (relative to AS_OF, a Monday). */
const doses = (order: MedicationRequest, days: number[]) =>
  days.map((day) => anAdministration({ order, day }));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('proportion of days covered (PQA method)', () => {
  // Buprenorphine ordered 40 days ago; 14 days handed over on day -40 (covers -40 … -27), 14 more on day -30
  // (overlaps by 4 days, so shifted to -26 … -13), 7 on day -10 (-10 … -4). Uncovered: -12, -11 and -3 … -1.
  const order = aMatOrder({ id: 'bup', authoredDay: -40 });
  const fills = [
    order,
    aDispense({ order, day: -40, daysSupply: 14 }),
    aDispense({ order, day: -30, daysSupply: 14 }),
    aDispense({ order, day: -10, daysSupply: 7 }),
  ];

  test('30 days: 25 of the 30 complete days before as-of covered → 0.83, adherent (≥ 0.80)', () => {
    const pdc = proportionOfDaysCovered(record(fills), AS_OF, 30);
    assert.equal(pdc.from, dateOnly(-30));
    assert.equal(pdc.to, dateOnly(-1), 'the as-of day is not counted: it has not ended');
    assert.equal(pdc.denominatorDays, 30);
    assert.equal(pdc.coveredDays, 25, '-30 … -13 (18 days, the overlap shifted forward) + -10 … -4 (7)');
    assert.equal(pdc.pdc, 0.83);
    assert.equal(pdc.adherent, true);
  });

  test('overlapping fills are shifted, never counted twice: two 14-day fills on one day cover 28 days', () => {
    const twice = [
      order,
      aDispense({ order, day: -30, daysSupply: 14 }),
      aDispense({ order, day: -30, daysSupply: 14 }),
    ];
    const pdc = proportionOfDaysCovered(record(twice), AS_OF, 30);
    assert.equal(pdc.coveredDays, 28, '-30 … -3');
    assert.equal(pdc.pdc, 0.93);
  });

  test('90 days: the denominator starts at the first fill (day -40) → 35 of 40 days = 0.88', () => {
    const pdc = proportionOfDaysCovered(record(fills), AS_OF, 90);
    assert.equal(pdc.from, dateOnly(-40));
    assert.equal(pdc.denominatorDays, 40);
    assert.equal(pdc.coveredDays, 35);
    assert.equal(pdc.pdc, 0.88);
  });

  test('observed doses cover their day; a long-acting injection covers 31 days', () => {
    const meth = aMatOrder({ code: METHADONE, authoredDay: -30, id: 'm' });
    const daily = record([
      meth,
      ...doses(
        meth,
        range(-30, -1).filter((d) => d !== -5),
      ),
    ]);
    assert.equal(proportionOfDaysCovered(daily, AS_OF, 30).coveredDays, 29);
    const inj = aMatOrder({ code: SUBLOCADE, authoredDay: -40, id: 'sub' });
    const monthly = record([inj, anAdministration({ order: inj, day: -40 })]);
    const pdc = proportionOfDaysCovered(monthly, AS_OF, 90);
    assert.equal(pdc.denominatorDays, 40);
    assert.equal(pdc.coveredDays, 31, 'days -40 … -10');
    assert.equal(pdc.pdc, 0.78);
    assert.equal(pdc.adherent, false);
  });

  test('an order never filled counts from its start after a day of grace; no order → no PDC', () => {
    const pdc = proportionOfDaysCovered(record([aMatOrder({ authoredDay: -10 })]), AS_OF, 30);
    assert.equal(pdc.from, dateOnly(-8));
    assert.equal(pdc.pdc, 0);
    const none = proportionOfDaysCovered(record([]), AS_OF, 30);
    assert.equal(none.pdc, null);
    assert.equal(none.adherent, null);
    assert.equal(none.denominatorDays, 0);
  });

  test('a dispense dated after as-of is not counted', () => {
    const later = [...fills, aDispense({ order, day: 1, daysSupply: 30 })];
    assert.equal(proportionOfDaysCovered(record(later), AS_OF, 30).coveredDays, 25);
  });
});

describe('coverage gaps', () => {
  test('runs of uncovered days while the order is in force; the open one reaches yesterday', () => {
    const order = aMatOrder({ id: 'bup', authoredDay: -40 });
    const gaps = coverageGaps(
      record([
        order,
        aDispense({ order, day: -40, daysSupply: 14 }),
        aDispense({ order, day: -30, daysSupply: 14 }),
        aDispense({ order, day: -10, daysSupply: 7 }),
      ]),
      AS_OF,
    );
    assert.deepEqual(
      gaps.map((g) => [g.from, g.to, g.days, g.ongoing, g.discontinuation]),
      [
        [dateOnly(-12), dateOnly(-11), 2, false, false],
        [dateOnly(-3), dateOnly(-1), 3, true, false],
      ],
    );
    assert.deepEqual(gaps[1]?.evidence.map((e) => e.reference)[0], 'MedicationRequest/bup');
  });

  test('30 days without MOUD while ordered is a discontinuation; 29 is not', () => {
    const order = aMatOrder({ id: 'bup', authoredDay: -70 });
    const at30 = coverageGaps(record([order, aDispense({ order, day: -70, daysSupply: 40 })]), AS_OF);
    assert.deepEqual([at30[0]?.days, at30[0]?.discontinuation], [30, true]);
    const at29 = coverageGaps(record([order, aDispense({ order, day: -70, daysSupply: 41 })]), AS_OF);
    assert.deepEqual([at29[0]?.days, at29[0]?.discontinuation], [29, false]);
  });

  test('days after a stop are not a gap (the stop is listed instead)', () => {
    const order = aMatOrder({ id: 'bup', authoredDay: -40, status: 'stopped', stoppedDay: -20 });
    assert.deepEqual(
      coverageGaps(record([order, aDispense({ order, day: -40, daysSupply: 21 })]), AS_OF),
      [],
    );
  });
});

describe('methadone observed-dose strip (last 28 days)', () => {
  // AS_OF is Monday 16 Mar 2026 (day 0); Sundays are days -1, -8, -15, -22; Saturdays -2, -9, -16, -23.
  const order = aMatOrder({ id: 'm', code: METHADONE, authoredDay: -60, doseMg: 80 });
  const sundays = [-1, -8, -15, -22];
  const clinicDays = range(-27, -1).filter((d) => !sundays.includes(d) && d !== -4 && d !== -5);
  const resources: Resource[] = [
    order,
    ...doses(order, clinicDays),
    anAdministration({ order, day: -5, status: 'not-done' }),
    ...sundays.map((d) => aDispense({ order, day: d - 1, daysSupply: 1 })),
  ];

  test('28 days: observed Mon–Sat, Sunday take-homes, one not-done and one day with nothing, today unknown', () => {
    const strip = methadoneStrip(record(resources), AS_OF);
    assert.ok(strip);
    assert.equal(strip.days.length, 28);
    assert.equal(strip.from, dateOnly(-27));
    assert.equal(strip.to, dateOnly(0));
    const kind = (d: number) => strip.days[d + 27]?.kind;
    assert.equal(kind(-1), 'take-home');
    assert.equal(kind(-2), 'observed');
    assert.equal(kind(-4), 'missed');
    assert.equal(strip.days[23]?.label, 'no dose recorded');
    assert.equal(kind(-5), 'missed');
    assert.equal(strip.days[22]?.label, 'missed — not done');
    assert.equal(kind(0), 'today');
    assert.deepEqual([strip.observed, strip.takeHome, strip.missed], [21, 4, 2]);
  });

  test('strip days carry their evidence: the administration, the dispense, the order on a day with nothing', () => {
    const strip = methadoneStrip(record(resources), AS_OF);
    const saturday = strip?.days[25];
    assert.equal(saturday?.label, 'observed dose; take-home handed over');
    assert.deepEqual(
      saturday?.evidence.map((e) => e.reference?.split('/')[0]),
      ['MedicationAdministration', 'MedicationDispense'],
    );
    assert.match(strip?.days[26]?.label ?? '', /^take-home \(handed over 14 Mar 2026\)$/);
    assert.deepEqual(strip?.days[23]?.evidence, [{ reference: 'MedicationRequest/m' }]);
  });

  test('days before the order and after a stop are not expected; a dose today shows as observed', () => {
    const late = aMatOrder({ id: 'late', code: METHADONE, authoredDay: -3 });
    const strip = methadoneStrip(record([late, ...doses(late, [-3, -2, -1, 0])]), AS_OF);
    assert.equal(strip?.days[0]?.kind, 'not-expected');
    assert.equal(strip?.days[0]?.label, 'before the order');
    assert.equal(strip?.days[27]?.kind, 'observed');
    const stopped = aMatOrder({
      id: 's',
      code: METHADONE,
      authoredDay: -60,
      status: 'stopped',
      stoppedDay: -3,
    });
    const after = methadoneStrip(record([stopped, ...doses(stopped, range(-27, -3))]), AS_OF);
    assert.deepEqual(
      after?.days.slice(-3).map((d) => [d.kind, d.label]),
      [
        ['not-expected', 'after the order ended'],
        ['not-expected', 'after the order ended'],
        ['not-expected', 'after the order ended'],
      ],
    );
  });

  test('no strip for buprenorphine, nor for methadone that ended before the 28 days', () => {
    assert.equal(methadoneStrip(record([aMatOrder({ authoredDay: -10 })]), AS_OF), null);
    const old = aMatOrder({ code: METHADONE, authoredDay: -90, status: 'stopped', stoppedDay: -40 });
    assert.equal(methadoneStrip(record([old]), AS_OF), null);
  });
});

describe('methadone take-home eligibility (42 CFR 8.12(i), 2024)', () => {
  const onMethadoneSince = (day: number, more: Resource[] = []) => {
    const order = aMatOrder({ id: 'm', code: METHADONE, authoredDay: day });
    return takeHomeEligibility(record([order, ...more]), AS_OF);
  };

  test('day 14 → first stage, up to 7 days; the next stage (14 days) opens tomorrow', () => {
    const t = onMethadoneSince(-13);
    assert.equal(t?.dayOfTreatment, 14);
    assert.equal(t?.maxDaysSupply, 7);
    assert.equal(t?.stage.citation, '42 CFR 8.12(i)(3)(i)');
    assert.deepEqual([t?.nextStage?.opens, t?.nextStage?.stage.maxDaysSupply], [dateOnly(1), 14]);
  });

  test('day 15 → up to 14 days; day 30 still 14; day 31 → up to 28 and no next stage', () => {
    const d15 = onMethadoneSince(-14);
    assert.deepEqual(
      [d15?.dayOfTreatment, d15?.maxDaysSupply, d15?.nextStage?.opens],
      [15, 14, dateOnly(16)],
    );
    const d30 = onMethadoneSince(-29);
    assert.deepEqual([d30?.dayOfTreatment, d30?.maxDaysSupply, d30?.nextStage?.opens], [30, 14, dateOnly(1)]);
    const d31 = onMethadoneSince(-30);
    assert.deepEqual([d31?.dayOfTreatment, d31?.maxDaysSupply, d31?.nextStage], [31, 28, null]);
  });

  test('day 1 is the start day; the start is the order that began continuous treatment (dose changes kept)', () => {
    assert.equal(onMethadoneSince(0)?.dayOfTreatment, 1);
    const first = aMatOrder({
      id: 'm1',
      code: METHADONE,
      authoredDay: -40,
      status: 'completed',
      stoppedDay: -20,
    });
    const second = {
      ...aMatOrder({ id: 'm2', code: METHADONE, authoredDay: -20 }),
      priorPrescription: { reference: 'MedicationRequest/m1' },
    };
    const t = takeHomeEligibility(record([first, second]), AS_OF);
    assert.equal(t?.treatmentStart, dateOnly(-40));
    assert.deepEqual(t?.treatmentStartEvidence, { reference: 'MedicationRequest/m1' });
    assert.equal(t?.dayOfTreatment, 41);
  });

  test('after a stop of 30 days or more, a restart counts from day 1 again', () => {
    const old = aMatOrder({
      id: 'old',
      code: METHADONE,
      authoredDay: -100,
      status: 'stopped',
      stoppedDay: -45,
    });
    const restart = aMatOrder({ id: 'new', code: METHADONE, authoredDay: -5 });
    assert.equal(takeHomeEligibility(record([old, restart]), AS_OF)?.dayOfTreatment, 6);
  });

  test('information, never a decision: the criteria in the rule’s words, what the record shows, decision null', () => {
    const order = aMatOrder({ id: 'm', code: METHADONE, authoredDay: -60 });
    const t = takeHomeEligibility(
      record([
        order,
        ...doses(order, range(-27, -2)),
        ...aUdsPanel({ day: -3, tests: [LOINC.fentanyl, LOINC.methadone], positives: [LOINC.fentanyl] }),
      ]),
      AS_OF,
    );
    assert.equal(t?.decision, null);
    assert.match(t?.decidedBy ?? '', /^The practitioner decides/);
    assert.deepEqual(
      t?.criteria.map((c) => c.id),
      ['substance-use', 'attendance', 'behavior', 'diversion', 'storage', 'other'],
    );
    assert.equal(t?.criteria[1]?.text, 'Regularity of attendance for supervised medication administration.');
    assert.match(
      t?.criteria[0]?.facts[0] ?? '',
      /^Positive for a non-prescribed substance: 13 Mar 2026 \(fentanyl\)/,
    );
    assert.match(t?.criteria[1]?.facts[0] ?? '', /^Observed doses on 26 of 27 days/);
    assert.match(
      t?.criteria[3]?.facts[0] ?? '',
      /^Negative for methadone\/EDDP while on methadone: 13 Mar 2026/,
    );
    assert.match(t?.closedDayRule ?? '', /single take-home dose for each day that the clinic is closed/);
  });

  test('a stricter state table replaces the federal default', () => {
    const state: TakeHomeRuleTable = {
      ...TAKE_HOME_RULES_FEDERAL_2024,
      id: 'example-state',
      stages: [
        { fromDay: 1, toDay: 30, maxDaysSupply: 1, text: 'Closed days only.', citation: 'State rule (a)' },
        { fromDay: 31, toDay: null, maxDaysSupply: 14, text: 'Up to 14 days.', citation: 'State rule (b)' },
      ],
    };
    const order = aMatOrder({ code: METHADONE, authoredDay: -20 });
    const t = takeHomeEligibility(record([order]), AS_OF, state);
    assert.deepEqual(
      [t?.rules.id, t?.maxDaysSupply, t?.nextStage?.opens],
      ['example-state', 1, dateOnly(10)],
    );
  });

  test('not on methadone → null', () => {
    assert.equal(takeHomeEligibility(record([aMatOrder({ authoredDay: -40 })]), AS_OF), null);
  });
});

describe('matChart', () => {
  test('current order: drug, RxNorm display, dose, schedule text, prescriber, start; history newest first', () => {
    const order: MedicationRequest = {
      ...aMatOrder({ id: 'bup', authoredDay: -30 }),
      medicationCodeableConcept: {
        coding: [
          {
            system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
            code: '1010604',
            display: 'buprenorphine 8 MG / naloxone 2 MG Sublingual Film',
          },
        ],
      },
      requester: { reference: 'Practitioner/prescriber-1', display: 'Dr Pat Prescriber' },
      dosageInstruction: [
        { text: '16 mg sublingually once daily', doseAndRate: [{ doseQuantity: { value: 16, unit: 'mg' } }] },
      ],
    };
    const chart = matChart(record([order, aDispense({ order, day: -2, daysSupply: 7 })]), AS_OF);
    assert.deepEqual(chart.current, {
      order: { reference: 'MedicationRequest/bup' },
      status: 'active',
      drug: 'buprenorphine',
      product: 'buprenorphine 8 MG / naloxone 2 MG Sublingual Film',
      rxnorm: '1010604',
      uncoded: false,
      longActing: false,
      dose: '16 mg',
      schedule: '16 mg sublingually once daily',
      prescriber: { reference: 'Practitioner/prescriber-1', display: 'Dr Pat Prescriber' },
      start: dateOnly(-30),
      end: null,
      statusReason: null,
    });
    assert.equal(
      chart.supplyRemainingDays,
      5,
      'covered -2 … 4: the supply ends in 5 days, as matStatus says',
    );
    assert.equal(chart.suppliedThrough, dateOnly(4));
    assert.equal(chart.status.kind, 'on-track');
    assert.equal(chart.strip, null);
    assert.equal(chart.takeHome, null);
    assert.equal(chart.nextInjection, null);
    assert.deepEqual(JSON.parse(JSON.stringify(chart)), chart, 'plain JSON: nothing undefined, no Dates');
  });

  test('an uncoded order shows its own text, marked uncoded; the schedule falls back to the timing', () => {
    const order: MedicationRequest = {
      ...aMatOrder({ id: 'u', authoredDay: -10 }),
      medicationCodeableConcept: { text: 'Methadone 60 mg oral liquid' },
      dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } } }],
    };
    const current = matChart(record([order]), AS_OF).current;
    assert.deepEqual(
      [current?.drug, current?.product, current?.uncoded, current?.rxnorm, current?.schedule, current?.dose],
      ['methadone', 'Methadone 60 mg oral liquid', true, null, 'once daily', null],
    );
  });

  test('stops: a dose change (completed, replaced) and a stop, newest first', () => {
    const a = aMatOrder({ id: 'a', code: METHADONE, authoredDay: -60, status: 'completed', stoppedDay: -30 });
    const b = {
      ...aMatOrder({ id: 'b', code: METHADONE, authoredDay: -30, status: 'stopped', stoppedDay: -5 }),
      priorPrescription: { reference: 'MedicationRequest/a' },
      statusReason: { text: 'patient request' },
    };
    const chart = matChart(record([a, b]), AS_OF);
    assert.deepEqual(
      chart.stops.map((s) => [
        s.order.reference,
        s.status,
        s.doseChange,
        s.date,
        s.reason,
        s.replacedBy?.reference ?? null,
      ]),
      [
        ['MedicationRequest/b', 'stopped', false, dateOnly(-5), 'patient request', null],
        ['MedicationRequest/a', 'completed', true, dateOnly(-30), null, 'MedicationRequest/b'],
      ],
    );
    assert.equal(chart.current, null);
    assert.equal(chart.status.kind, 'stopped');
    assert.equal(chart.supplyRemainingDays, null);
  });

  test('methadone: strip, take-home dispenses (days after the hand-over), take-home facts', () => {
    const order = aMatOrder({ id: 'm', code: METHADONE, authoredDay: -20, doseMg: 60 });
    const chart = matChart(
      record([order, ...doses(order, range(-20, -2)), aDispense({ order, day: -2, daysSupply: 2 })]),
      AS_OF,
    );
    assert.equal(chart.strip?.days.length, 28);
    assert.deepEqual(
      chart.dispenses.map((d) => [d.daysSupply, d.quantity, d.coversFrom, d.coversTo]),
      [[2, '2', dateOnly(-1), dateOnly(0)]],
    );
    assert.equal(chart.supplyRemainingDays, 1, 'the take-home covers today');
    assert.equal(chart.takeHome?.dayOfTreatment, 21);
    assert.equal(chart.takeHome?.maxDaysSupply, 14);
    assert.deepEqual(
      JSON.parse(JSON.stringify(chart)),
      chart,
      'plain JSON, strip and take-home facts included',
    );
  });

  test('Vivitrol due 28 days after the last injection; Sublocade 28 days, not before 26', () => {
    const viv = aMatOrder({ id: 'v', code: VIVITROL, authoredDay: -40 });
    const v = matChart(record([viv, anAdministration({ order: viv, day: -20 })]), AS_OF).nextInjection;
    assert.deepEqual(
      [v?.lastInjection, v?.due, v?.earliest, v?.daysUntilDue, v?.overdue, v?.intervalDays],
      [dateOnly(-20), dateOnly(8), null, 8, false, 28],
    );
    const twice = matChart(
      record([viv, anAdministration({ order: viv, day: -48 }), anAdministration({ order: viv, day: -20 })]),
      AS_OF,
    );
    assert.deepEqual(
      [twice.suppliedThrough, twice.supplyRemainingDays],
      [dateOnly(10), 11],
      'an injection covers 31 days from its own day: injections are not stacked',
    );
    const sub = aMatOrder({ id: 's', code: SUBLOCADE, authoredDay: -60 });
    const s = matChart(record([sub, anAdministration({ order: sub, day: -27 })]), AS_OF).nextInjection;
    assert.deepEqual([s?.due, s?.earliest, s?.overdue], [dateOnly(1), dateOnly(-1), false]);
    const late = matChart(record([sub, anAdministration({ order: sub, day: -30 })]), AS_OF).nextInjection;
    assert.deepEqual([late?.daysUntilDue, late?.overdue], [-2, true]);
    assert.match(late?.source ?? '', /minimum of 26 days/);
  });

  test('no injection yet: due on the order start; the order timing overrides the default interval', () => {
    const first = matChart(record([aMatOrder({ code: VIVITROL, authoredDay: -1 })]), AS_OF).nextInjection;
    assert.deepEqual([first?.lastInjection, first?.due, first?.overdue], [null, dateOnly(-1), true]);
    const weekly: MedicationRequest = {
      ...aMatOrder({ id: 'w', code: SUBLOCADE, authoredDay: -20 }),
      dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'wk' } } }],
    };
    const w = matChart(record([weekly, anAdministration({ order: weekly, day: -3 })]), AS_OF).nextInjection;
    assert.deepEqual([w?.intervalDays, w?.due], [7, dateOnly(4)]);
  });

  test('data after as-of is not read: a later order, dose or dispense', () => {
    const order = aMatOrder({ id: 'later', code: METHADONE, authoredDay: 2 });
    const chart = matChart(record([order, anAdministration({ order, day: 3 })]), at(0));
    assert.equal(chart.current, null);
    assert.deepEqual(chart.orders, []);
    assert.equal(chart.status.kind, 'none');
  });
});

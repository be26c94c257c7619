import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Observation, Patient, Resource } from '@medplum/fhirtypes';

import { deriveState } from '../derived/derive';
import type { PopulationFacts } from '../derived/population-facts';
import { type SummaryFacts, summaryObservation } from '../derived/summary-resource';
import {
  aDispense,
  aMatOrder,
  anAdministration,
  anAppointment,
  anEncounter,
  anEpisode,
  aPatient,
  AS_OF,
  dateOnly,
  recordOf,
} from '../fhir/test-builders';
import {
  adherenceRow,
  adherenceRows,
  filterAdherenceRows,
  followUpSuggestion,
  matchesAdherenceFilter,
  programWeeks,
} from './adherence';

// AS_OF is Monday 16 March 2026, noon UTC; "day -3" is Friday 13 March.

/** The row the rule builds from the summary the server would derive for these resources. */
function derivedRow(resources: Resource[]) {
  const record = recordOf(resources);
  const { summary } = deriveState(record, AS_OF, []);
  return adherenceRow(record.patient, summary, AS_OF);
}

const BASE_FACTS: SummaryFacts = {
  episodeActive: true,
  track: 'CBT',
  week: { week: 6, planned: 12, label: 'w 6 / 12' },
  lastSession: null,
  nextAppointment: null,
  attendance: { percent: 75, attended: 3, noShow: 1, basis: '' },
  mat: {
    status: 'on-track',
    label: 'on track',
    drug: 'buprenorphine',
    product: 'buprenorphine 8 MG / naloxone 2 MG Sublingual Film',
    uncoded: false,
    dose: '16 mg',
    daysLeft: 10,
    detail: '',
  },
  lastUds: null,
  futureUds: null,
  craving: [],
  phq9: null,
  notesDue: { unsigned: 0, over24h: 0, overdue: 0 },
};

const BASE_POPULATION: PopulationFacts = {
  careManager: null,
  pdc30: 90,
  missedDosesThisWeek: null,
  lastDispense: '2026-03-06T09:00:00.000Z',
  suppliedThrough: '2026-03-25',
  nextInjectionDue: null,
  takeHome: null,
  lastContact: '2026-03-12T10:00:00.000Z',
  negativeStreakWeeks: 4,
  openTasks: 1,
  cosignWaiting: 0,
  notes4w: 0,
  notesSigned24h4w: 0,
  notesSigned72h4w: 0,
  weeks: [],
};

/** A summary written with exactly these facts (the way the deriver writes them), read back by the rule. */
function summaryRow(
  id: string,
  facts: Partial<SummaryFacts> = {},
  population: Partial<PopulationFacts> = {},
  name = 'Rivera',
) {
  const patient: Patient = { resourceType: 'Patient', id, name: [{ given: ['Alex'], family: name }] };
  const summary = summaryObservation({ ...BASE_FACTS, ...facts }, id, AS_OF, [], {
    ...BASE_POPULATION,
    ...population,
  });
  return { patient, summary, row: adherenceRow(patient, summary, AS_OF) };
}

describe('adherence grid rows', () => {
  test('buprenorphine from 14-day dispenses: PDC 100 %, supply through 17 Mar, so "Supply ends ≤ 3 days"', () => {
    // Dispenses on days -40, -26 and -12 of 14 days each cover days -40 … +1 without a gap: every one of the 30
    // complete days before today is covered (PDC 30/30 = 100 %), and the supply in hand lasts through
    // day +1 = Tuesday 17 March: 2 days left, today included.
    const order = aMatOrder({ id: 'bup', authoredDay: -45 });
    const row = derivedRow([
      aPatient(),
      anEpisode({ startDay: -44 }),
      order,
      ...[-40, -26, -12].map((day) => aDispense({ order, day, daysSupply: 14 })),
    ]);
    assert.equal(row.mat.drug, 'buprenorphine');
    assert.equal(row.pdc30, 100);
    assert.equal(row.lastDispense?.slice(0, 10), dateOnly(-12));
    assert.equal(row.supplyEndsOn, '2026-03-17');
    assert.equal(row.supplyDaysLeft, 2);
    assert.equal(row.missedDosesThisWeek, null, 'not on observed methadone');
    assert.ok(matchesAdherenceFilter(row, 'supply-ending'));
    assert.ok(!matchesAdherenceFilter(row, 'missed-doses'));
    assert.deepEqual(followUpSuggestion(row, AS_OF), {
      description: 'Supply ends 17 Mar 2026',
      reason:
        'buprenorphine supply covers through 17 Mar 2026: arrange the next dispense with the prescriber',
    });
  });

  test('observed methadone: 3 of the last 7 days without a dose → "≥ 2 missed doses"; no supply end', () => {
    // Daily observed doses from day -20 to yesterday, except days -6, -4 and -2: 3 missed in the last 7 days.
    const order = aMatOrder({ id: 'mtd', code: '991147', authoredDay: -21, doseMg: 60 });
    const doses = [];
    for (let day = -20; day <= -1; day++) {
      if (![-6, -4, -2].includes(day)) doses.push(anAdministration({ order, day }));
    }
    const row = derivedRow([aPatient(), anEpisode({ startDay: -21 }), order, ...doses]);
    assert.equal(row.mat.drug, 'methadone');
    assert.equal(row.missedDosesThisWeek, 3);
    assert.equal(row.supplyEndsOn, null, 'observed dosing has no supply end');
    assert.ok(row.takeHome, 'a methadone patient has a take-home stage');
    assert.match(row.takeHome.label, /^Day 22: up to 14 days' supply$/);
    assert.ok(matchesAdherenceFilter(row, 'missed-doses'));
    assert.ok(!matchesAdherenceFilter(row, 'supply-ending'));
    assert.deepEqual(followUpSuggestion(row, AS_OF), {
      description: 'Call about missed doses',
      reason: '3 observed doses missed in the last 7 days',
    });
  });

  test('attendance 1 of 3 held sessions (33 %) → "Attendance < 50 %"; a cancellation does not count', () => {
    const sessions = [
      anAppointment({ id: 'a1', day: -20, status: 'fulfilled' }),
      anEncounter({ day: -20, appointment: 'a1' }),
      anAppointment({ id: 'a2', day: -13, status: 'noshow' }),
      anAppointment({ id: 'a3', day: -9, status: 'cancelled', cancelledBy: 'pat' }),
      anAppointment({ id: 'a4', day: -6, status: 'noshow' }),
    ];
    const row = derivedRow([aPatient(), anEpisode({ startDay: -30 }), ...sessions]);
    assert.deepEqual(row.attendance, { percent: 33, attended: 1, noShow: 2 });
    assert.equal(row.lastContact?.slice(0, 10), dateOnly(-20), 'the attended session');
    assert.equal(row.daysSinceContact, 20);
    assert.ok(matchesAdherenceFilter(row, 'low-attendance'));
    assert.ok(matchesAdherenceFilter(row, 'no-contact'));
    assert.equal(row.mat.drug, null);
    assert.equal(row.pdc30, null, 'no MOUD: no PDC');
    assert.deepEqual(followUpSuggestion(row, AS_OF), {
      description: 'Call about missed sessions',
      reason: 'Therapy attendance 33 % over 4 weeks (1 attended, 2 no-show)',
    });
  });

  test('days left count today: through 18 Mar is 3 days (matched), 19 Mar is 4 (not); none left is matched', () => {
    const on = (suppliedThrough: string) => summaryRow('p', {}, { suppliedThrough }).row;
    assert.equal(on('2026-03-18').supplyDaysLeft, 3);
    assert.ok(matchesAdherenceFilter(on('2026-03-18'), 'supply-ending'));
    assert.equal(on('2026-03-19').supplyDaysLeft, 4);
    assert.ok(!matchesAdherenceFilter(on('2026-03-19'), 'supply-ending'));
    assert.equal(on('2026-03-16').supplyDaysLeft, 1, 'today is the last covered day');
    const ended = on('2026-03-14');
    assert.equal(ended.supplyDaysLeft, -1, 'uncovered since 15 Mar');
    assert.ok(matchesAdherenceFilter(ended, 'supply-ending'));
    assert.equal(
      followUpSuggestion(ended, AS_OF).reason,
      'buprenorphine supply ran out after 14 Mar 2026: arrange the next dispense with the prescriber',
    );
  });

  test('no supply end for a long-acting injection (its due date instead) or without a current order', () => {
    const sublocade = summaryRow(
      'p',
      { mat: { ...BASE_FACTS.mat, product: 'Sublocade 100 MG', daysLeft: 2 } },
      { suppliedThrough: '2026-03-17', nextInjectionDue: '2026-03-15' },
    ).row;
    assert.equal(sublocade.supplyEndsOn, null);
    assert.equal(sublocade.injectionDueInDays, -1, 'due yesterday: overdue');
    assert.ok(!matchesAdherenceFilter(sublocade, 'supply-ending'));
    assert.deepEqual(followUpSuggestion(sublocade, AS_OF), {
      description: 'Injection due 15 Mar 2026',
      reason: 'Long-acting injection overdue since 15 Mar 2026',
    });
    const stopped = summaryRow(
      'p',
      { mat: { ...BASE_FACTS.mat, status: 'stopped', label: 'stopped' } },
      { suppliedThrough: '2026-03-01' },
    ).row;
    assert.equal(stopped.supplyEndsOn, null);
  });

  test('contact: 6 days ago is recent, 7 days ago is not, none on record is not', () => {
    const contact = (lastContact: string | null) => summaryRow('p', {}, { lastContact }).row;
    assert.equal(contact('2026-03-10T16:00:00.000Z').daysSinceContact, 6);
    assert.ok(!matchesAdherenceFilter(contact('2026-03-10T16:00:00.000Z'), 'no-contact'));
    assert.ok(matchesAdherenceFilter(contact('2026-03-09T08:00:00.000Z'), 'no-contact'));
    const none = contact(null);
    assert.equal(none.daysSinceContact, null);
    assert.ok(matchesAdherenceFilter(none, 'no-contact'));
    assert.deepEqual(followUpSuggestion(none, AS_OF), {
      description: 'Check in with the patient',
      reason: 'No contact on record',
    });
  });

  test('attendance without a held session is no figure and never "< 50 %"; exactly 50 % is not below', () => {
    const none = summaryRow('p', { attendance: { percent: null, attended: 0, noShow: 0, basis: '' } }).row;
    assert.ok(!matchesAdherenceFilter(none, 'low-attendance'));
    const half = summaryRow('p', { attendance: { percent: 50, attended: 1, noShow: 1, basis: '' } }).row;
    assert.ok(!matchesAdherenceFilter(half, 'low-attendance'));
  });

  test('filters combine (every one must hold); the program rows leave out finished episodes and sort by name', () => {
    const a = summaryRow('a', {}, { suppliedThrough: '2026-03-17', lastContact: null }, 'Young');
    const b = summaryRow('b', {}, { suppliedThrough: '2026-03-17' }, 'Adams');
    const c = summaryRow('c', { episodeActive: false }, { suppliedThrough: '2026-03-17' }, 'Brown');
    const resources: Resource[] = [a, b, c].flatMap((x) => [x.patient, x.summary as Observation]);
    const rows = adherenceRows(resources, AS_OF);
    assert.deepEqual(
      rows.map((r) => r.name),
      ['Alex Adams', 'Alex Young'],
    );
    assert.deepEqual(
      filterAdherenceRows(rows, ['supply-ending']).map((r) => r.patientId),
      ['b', 'a'],
    );
    assert.deepEqual(
      filterAdherenceRows(rows, ['supply-ending', 'no-contact']).map((r) => r.patientId),
      ['a'],
    );
    assert.equal(filterAdherenceRows(rows, []).length, 2);
  });

  test('program weeks: the mean of the patients with a figure that week', () => {
    const weeks = (pdc: (number | null)[], attendance: (number | null)[]) =>
      pdc.map((p, i) => ({
        weekStart: ['2026-03-02', '2026-03-09'][i] as string,
        pdc: p,
        attendance: attendance[i] ?? null,
        riskScore: null,
        riskBand: null,
      }));
    const rows = [
      summaryRow('a', {}, { weeks: weeks([100, 80], [100, 0]) }).row,
      summaryRow('b', {}, { weeks: weeks([50, null], [null, 100]) }).row,
    ];
    // Week of 2 Mar: PDC (100 + 50) / 2 = 75, attendance 100 (only a had a session);
    // week of 9 Mar: PDC 80 (only a had an order), attendance (0 + 100) / 2 = 50.
    assert.deepEqual(programWeeks(rows), [
      { weekStart: '2026-03-02', pdc: 75, pdcPatients: 2, attendance: 100, attendancePatients: 1 },
      { weekStart: '2026-03-09', pdc: 80, pdcPatients: 1, attendance: 50, attendancePatients: 2 },
    ]);
  });
});

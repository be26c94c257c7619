import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { MedicationRequest, Resource } from '@medplum/fhirtypes';

import { MEASURE_CODES } from '../fhir/measures';
import {
  aConsent,
  aDispense,
  aMatOrder,
  aMeasure,
  anAppointment,
  anEncounter,
  anEpisode,
  aNote,
  aPatient,
  AS_OF,
  aStablePatient,
  at,
  aUds,
  aUdsPanel,
  LOINC,
  recordOf,
} from '../fhir/test-builders';
import { toCaseloadRow } from './caseload-row';

describe('caseload row', () => {
  test('worked example: every column of a patient with a fentanyl positive and a draft note', () => {
    const enc = anEncounter({ day: -2 });
    const row = toCaseloadRow(
      recordOf(
        aStablePatient([
          anAppointment({ day: -16, status: 'fulfilled' }),
          anAppointment({ day: -9, status: 'noshow' }),
          anAppointment({ id: 'a-2', day: -2, status: 'fulfilled' }),
          { ...enc, appointment: [{ reference: 'Appointment/a-2' }] },
          aNote({ encounter: enc }),
          anAppointment({ day: 5, status: 'booked' }),
          aUds({ loinc: LOINC.fentanyl, day: -1, positive: true }),
          ...[3, 4, 4, 5, 6, 7, 8].map((value, i) =>
            aMeasure({ code: MEASURE_CODES.craving, value, day: -35 + 5 * i }),
          ),
          aMeasure({ code: MEASURE_CODES.phq9Total, value: 14, day: -30 }),
          aMeasure({ code: MEASURE_CODES.phq9Total, value: 11, day: -2 }),
        ]),
      ),
      AS_OF,
    );
    assert.equal(row.patientId, 'p1');
    assert.equal(row.name, 'Alex Rivera');
    assert.equal(row.age, 35);
    assert.equal(row.pronouns, null);
    assert.equal(row.track, 'CBT');
    assert.deepEqual(row.week, { week: 6, planned: 12, label: 'w 6 / 12' });
    assert.deepEqual(row.lastSession, { date: at(-2), attended: true, label: 'attended' });
    assert.deepEqual(row.nextAppointment, { date: at(5) });
    assert.equal(row.attendance.percent, 67);
    assert.equal(row.mat.label, 'on track');
    assert.equal(row.mat.drug, 'buprenorphine');
    assert.equal(row.mat.dose, '16 mg');
    assert.deepEqual(row.lastUds?.flags, ['fentanyl +']);
    assert.deepEqual(
      row.craving.map((c) => c.value),
      [4, 4, 5, 6, 7, 8],
    );
    assert.deepEqual(row.phq9, { score: 11, change: -3, severity: 'moderate', date: at(-2) });
    // fentanyl week (+2), one no-show (+1), craving 8 (+1) → 4 moderate, up from 1 a week ago (the no-show).
    assert.equal(row.risk.score, 4);
    assert.equal(row.risk.band, 'moderate');
    assert.equal(row.risk.trend, 'up');
    assert.deepEqual(
      row.risk.points.map((p) => p.ruleId),
      ['uds-opioid-positive', 'missed-session', 'craving'],
    );
    assert.deepEqual(row.notesDue, { unsigned: 1, overdue: 0, over24h: 1 });
    assert.deepEqual(
      row.alerts.map((a) => a.id),
      ['uds-fentanyl', 'note-unsigned'],
    );
  });

  test('is plain JSON: survives a JSON round trip unchanged', () => {
    const row = toCaseloadRow(recordOf(aStablePatient()), AS_OF);
    assert.deepEqual(JSON.parse(JSON.stringify(row)), row);
  });

  test('a patient with nothing but a Patient resource: nulls, no crash, alerts for missing consent', () => {
    const row = toCaseloadRow(recordOf([aPatient({ name: [{ given: [''] }] })]), AS_OF);
    assert.equal(row.name, '(no name recorded)');
    assert.equal(row.week, null);
    assert.equal(row.track, null);
    assert.equal(row.lastSession, null);
    assert.equal(row.nextAppointment, null);
    assert.equal(row.attendance.percent, null);
    assert.equal(row.mat.status, 'none');
    assert.equal(row.lastUds, null);
    assert.deepEqual(row.craving, []);
    assert.equal(row.phq9, null);
    assert.deepEqual(
      row.alerts.map((a) => a.id),
      ['part2-consent'],
    );
    // No episode to bound the look-back: 3 missing UDS weeks count (+6).
    assert.equal(row.risk.score, 6);
  });

  test("future-dated data changes nothing: the row as of today ignores tomorrow's results", () => {
    const today = toCaseloadRow(recordOf(aStablePatient()), AS_OF);
    const withFuture = toCaseloadRow(
      recordOf(
        aStablePatient([
          aUds({ loinc: LOINC.fentanyl, day: 1, positive: true }),
          aMeasure({ code: MEASURE_CODES.phq9Item9, value: 3, day: 1 }),
          aMeasure({ code: MEASURE_CODES.craving, value: 10, day: 1 }),
          anAppointment({ day: 1, status: 'noshow' }),
        ]),
      ),
      AS_OF,
    );
    // Only said to exist (the UDS of tomorrow), never counted.
    assert.equal(withFuture.futureUds?.count, 1);
    assert.deepEqual(
      { ...withFuture, nextAppointment: null, futureUds: null },
      { ...today, nextAppointment: null },
    );
  });

  describe('an uncoded MOUD order (text only) counts in every rule exactly like the coded one', () => {
    const FILM = 'buprenorphine 8 mg/naloxone 2 mg SL film';
    /** The stable patient's history with the order coded, or typed as text only; `lastDispense` moves the supply. */
    const patientWith = (order: MedicationRequest, lastDispense: number): Resource[] => [
      aPatient(),
      anEpisode({ startDay: -40 }),
      order,
      aDispense({ id: 'md-1', order, day: -19, daysSupply: 14 }),
      aDispense({ id: 'md-2', order, day: lastDispense, daysSupply: 14 }),
      ...[-1, -8, -15, -22, -29].flatMap((day) => aUdsPanel({ day, positives: [LOINC.buprenorphine] })),
      aConsent(),
    ];
    const coded = (): MedicationRequest => aMatOrder({ id: 'order', authoredDay: -60 });
    const uncoded = (): MedicationRequest => ({ ...coded(), medicationCodeableConcept: { text: FILM } });
    const rowOf = (order: MedicationRequest, lastDispense: number) =>
      toCaseloadRow(recordOf(patientWith(order, lastDispense)), AS_OF);

    test('on track: MAT buprenorphine, marked uncoded with the order text; buprenorphine positives expected; score 0', () => {
      const row = rowOf(uncoded(), -5);
      assert.equal(row.mat.status, 'on-track');
      assert.equal(row.mat.drug, 'buprenorphine');
      assert.equal(row.mat.product, FILM);
      assert.equal(row.mat.uncoded, true);
      assert.deepEqual(row.lastUds?.flags, []);
      assert.equal(row.lastUds?.label, 'buprenorphine + (expected)');
      assert.equal(row.risk.score, 0);
      assert.deepEqual(row.alerts, []);
      assert.equal(rowOf(coded(), -5).mat.uncoded, false);
    });

    test('supply ran out: the same MAT gap alert and +3 risk point as the coded order', () => {
      // Last 14-day dispense 20 days ago (after the one 19 days ago): covered to 10 Mar, gap since 11 Mar.
      const text = rowOf(uncoded(), -20);
      const code = rowOf(coded(), -20);
      assert.equal(text.mat.status, 'gap');
      assert.deepEqual(
        text.alerts.map((a) => a.id),
        ['mat-gap'],
      );
      assert.deepEqual(text.alerts, code.alerts);
      assert.deepEqual(text.risk, code.risk);
      assert.ok(text.risk.points.some((p) => p.ruleId === 'mat-gap' && p.points === 3));
      assert.deepEqual(
        { ...text.mat, product: null, uncoded: null },
        { ...code.mat, product: null, uncoded: null },
      );
    });
  });

  test('a UDS dated in 2031 is shown as "future date — check the record" and changes no rule', () => {
    const today = toCaseloadRow(recordOf(aStablePatient()), AS_OF);
    // 1766 days after 16 Mar 2026: 15 Jan 2031, positive for fentanyl.
    const withFuture = toCaseloadRow(
      recordOf(aStablePatient(aUdsPanel({ day: 1766, positives: [LOINC.fentanyl] }))),
      AS_OF,
    );
    assert.equal(today.futureUds, null);
    assert.deepEqual(withFuture.futureUds, {
      date: '2031-01-15T09:00:00.000Z',
      count: 1,
      label: 'future date — check the record',
    });
    assert.deepEqual(withFuture.risk, today.risk);
    assert.deepEqual(withFuture.alerts, today.alerts);
    assert.deepEqual(withFuture.lastUds, today.lastUds);
    assert.deepEqual({ ...withFuture, futureUds: null }, today);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Resource } from '@medplum/fhirtypes';

import { attendance, consecutiveNoShows, lastSession, nextAppointment } from './sessions';
import { anAppointment, anEncounter, aPatient, AS_OF, at, recordOf } from './test-builders';

const rec = (resources: Resource[]) => recordOf([aPatient(), ...resources]);

describe('attendance over the last 4 weeks', () => {
  test('3 attended, 1 no-show, 1 cancelled by the clinic → 75 %, cancellation not counted (and said so)', () => {
    const a = attendance(
      rec([
        anAppointment({ day: -2, status: 'fulfilled' }),
        anAppointment({ day: -9, status: 'noshow' }),
        anAppointment({ day: -16, status: 'fulfilled' }),
        anAppointment({ day: -23, status: 'fulfilled' }),
        anAppointment({ day: -12, status: 'cancelled', cancelledBy: 'prov' }),
        anAppointment({ day: -30, status: 'noshow' }), // outside 28 days
        anAppointment({ day: 3, status: 'booked' }),
      ]),
      AS_OF,
    );
    assert.equal(a.percent, 75);
    assert.equal(a.attended, 3);
    assert.equal(a.noShow, 1);
    assert.equal(a.cancelledByClinic, 1);
    assert.equal(
      a.basis,
      '3 of 4 sessions attended in the last 4 weeks; 1 cancelled (1 by the clinic, 0 by the patient), not counted',
    );
  });

  test('no sessions → percent undefined, basis says so', () => {
    const a = attendance(rec([]), AS_OF);
    assert.equal(a.percent, undefined);
    assert.equal(a.basis, 'No sessions in the last 4 weeks; cancelled sessions are not counted');
  });

  test('a finished Encounter without an Appointment counts as attended; one linked to an Appointment is not double-counted', () => {
    const appt = anAppointment({ id: 'a1', day: -5, status: 'fulfilled' });
    const a = attendance(
      rec([
        appt,
        anEncounter({ day: -5, appointment: 'a1' }),
        anEncounter({ day: -12 }),
        anAppointment({ day: -19, status: 'noshow' }),
      ]),
      AS_OF,
    );
    assert.equal(a.attended, 2);
    assert.equal(a.percent, 67);
  });

  test('a window that is not whole weeks is said in days (a plan goal over 53 days)', () => {
    const a = attendance(rec([anAppointment({ day: -2, status: 'fulfilled' })]), AS_OF, 53);
    assert.equal(a.basis, '1 of 1 sessions attended in the last 53 days; cancelled sessions are not counted');
  });

  test('future-dated fulfilled appointment (data after as-of) does not count', () => {
    assert.equal(attendance(rec([anAppointment({ day: 1, status: 'fulfilled' })]), AS_OF).attended, 0);
  });
});

describe('last session and next appointment', () => {
  test('last session skips cancellations and says attended / no-show', () => {
    const r = rec([
      anAppointment({ day: -8, status: 'fulfilled' }),
      anAppointment({ id: 'ns', day: -1, status: 'noshow' }),
      anAppointment({ day: 0, hour: 8, status: 'cancelled' }),
    ]);
    assert.deepEqual(lastSession(r, AS_OF), {
      date: at(-1),
      attended: false,
      label: 'no-show',
      evidence: { reference: 'Appointment/ns' },
    });
  });

  test('next appointment is the earliest booked one after as-of; cancelled ones are skipped', () => {
    const r = rec([
      anAppointment({ day: 2, status: 'cancelled' }),
      anAppointment({ id: 'next', day: 4, status: 'booked' }),
      anAppointment({ day: 11, status: 'booked' }),
    ]);
    assert.deepEqual(nextAppointment(r, AS_OF), { date: at(4), evidence: { reference: 'Appointment/next' } });
  });

  test('seen from an earlier as-of, an appointment later fulfilled was the next one', () => {
    const r = rec([anAppointment({ id: 'later', day: -2, status: 'fulfilled' })]);
    assert.equal(nextAppointment(r, at(-5))?.evidence.reference, 'Appointment/later');
    assert.equal(lastSession(r, at(-5)), undefined);
  });

  test('no sessions → both undefined', () => {
    assert.equal(lastSession(rec([]), AS_OF), undefined);
    assert.equal(nextAppointment(rec([]), AS_OF), undefined);
  });
});

describe('no-shows in a row', () => {
  test('attended, then 2 no-shows (a cancellation between them is skipped) → 2 in a row', () => {
    const r = rec([
      anAppointment({ day: -15, status: 'fulfilled' }),
      anAppointment({ day: -8, status: 'noshow' }),
      anAppointment({ day: -5, status: 'cancelled' }),
      anAppointment({ day: -1, status: 'noshow' }),
    ]);
    assert.equal(consecutiveNoShows(r, AS_OF).length, 2);
  });

  test('the latest session attended → 0', () => {
    const r = rec([
      anAppointment({ day: -8, status: 'noshow' }),
      anAppointment({ day: -1, status: 'fulfilled' }),
    ]);
    assert.equal(consecutiveNoShows(r, AS_OF).length, 0);
  });
});

describe('group session', () => {
  test('one Appointment with two patients joins both records', () => {
    const group = anAppointment({ patients: ['p1', 'p2'], day: -1, status: 'fulfilled' });
    const both = [aPatient({ id: 'p1' }), aPatient({ id: 'p2' }), group];
    assert.equal(recordOf(both, 'p1').appointments.length, 1);
    assert.equal(recordOf(both, 'p2').appointments.length, 1);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { QuestionnaireResponse, Resource, Task } from '@medplum/fhirtypes';

import {
  aCosignTask,
  anAppointment,
  anEncounter,
  aNote,
  aPatient,
  AS_OF,
  aSignature,
  at,
  recordOf,
} from '../fhir/test-builders';
import { LOCAL_SYSTEM, REVISE_TASK_CODE } from '../terminology';
import { sessionList } from './sessions-panel';

const record = (resources: Resource[]) => recordOf([aPatient(), ...resources]);

function reviseTask(note: QuestionnaireResponse, day: number, comment: string): Task {
  return {
    resourceType: 'Task',
    id: `revise-${note.id ?? ''}`,
    status: 'requested',
    intent: 'order',
    code: { coding: [{ system: LOCAL_SYSTEM.task, code: REVISE_TASK_CODE }] },
    focus: { reference: `QuestionnaireResponse/${note.id ?? ''}` },
    for: { reference: 'Patient/p1' },
    authoredOn: at(day, 15),
    note: [{ text: comment }],
  };
}

describe('sessionList: attendance', () => {
  test('attended / no-show / cancelled / upcoming / not recorded, newest first, with counts', () => {
    const list = sessionList(
      record([
        anAppointment({ id: 'a1', day: -14, status: 'fulfilled' }),
        anAppointment({ id: 'a2', day: -10, status: 'cancelled', cancelledBy: 'pat' }),
        anAppointment({ id: 'a3', day: -7, status: 'noshow' }),
        anAppointment({ id: 'a4', day: -1, status: 'booked' }),
        anAppointment({ id: 'a5', day: 3, status: 'booked' }),
        anAppointment({ id: 'a6', day: 5, status: 'cancelled', cancelledBy: 'prov' }),
        anEncounter({ id: 'e0', day: -20 }),
      ]),
      AS_OF,
    );
    assert.deepEqual(
      list.sessions.map((s) => [s.session.reference, s.status, s.cancelledBy]),
      [
        ['Appointment/a6', 'cancelled', 'clinic'],
        ['Appointment/a5', 'upcoming', null],
        ['Appointment/a4', 'not-recorded', null],
        ['Appointment/a3', 'no-show', null],
        ['Appointment/a2', 'cancelled', 'patient'],
        ['Appointment/a1', 'attended', null],
        ['Encounter/e0', 'attended', null],
      ],
    );
    assert.deepEqual([list.attended, list.noShow, list.cancelled, list.upcoming], [2, 1, 2, 1]);
  });

  test('a later fulfilled appointment is upcoming when seen from before it', () => {
    const list = sessionList(record([anAppointment({ id: 'a', day: 3, status: 'fulfilled' })]), AS_OF);
    assert.equal(list.sessions[0]?.status, 'upcoming');
  });
});

describe('sessionList: notes and their status (the notes module’s chip)', () => {
  const appt = anAppointment({ id: 'a1', day: -5, status: 'fulfilled' });
  const enc = anEncounter({ id: 'e1', day: -5, appointment: 'a1' });
  const noteOf = (id: string, status: QuestionnaireResponse['status']) =>
    aNote({ id, encounter: enc, status, authoredHoursAfter: 1 });
  const statusOf = (resources: Resource[], asOf = AS_OF) =>
    sessionList(record([appt, enc, ...resources]), asOf).sessions[0]?.notes.map((n) => [n.status, n.label]);

  test('draft, signed (author Provenance), signed without any Provenance, amended', () => {
    const signed = noteOf('n2', 'completed');
    assert.deepEqual(statusOf([noteOf('n1', 'in-progress')]), [['draft', 'Draft']]);
    assert.deepEqual(statusOf([signed, aSignature({ note: signed, recorded: at(-5, 13) })]), [
      ['signed', 'Signed'],
    ]);
    assert.deepEqual(statusOf([noteOf('n3', 'completed')]), [['signed', 'Signed']]);
    assert.deepEqual(statusOf([noteOf('n4', 'amended')]), [['amended', 'Amended']]);
  });

  test('co-sign pending (open co-sign Task), co-signed (verifier Provenance), returned for revision', () => {
    const n = noteOf('n', 'completed');
    const sig = aSignature({ note: n, recorded: at(-5, 13) });
    assert.deepEqual(statusOf([n, sig, aCosignTask({ note: n, authoredDay: -5 })]), [
      ['cosign-pending', 'Co-sign pending'],
    ]);
    const cosigned = [
      n,
      sig,
      aCosignTask({ note: n, authoredDay: -5, status: 'completed' }),
      aSignature({ note: n, recorded: at(-3), type: 'verifier' }),
    ];
    const facts = sessionList(record([appt, enc, ...cosigned]), AS_OF).sessions[0]?.notes[0];
    assert.deepEqual([facts?.status, facts?.signedAt, facts?.cosignedAt], ['cosigned', at(-5, 13), at(-3)]);
    const returned = sessionList(record([appt, enc, n, sig, reviseTask(n, -4, 'Add the homework')]), AS_OF)
      .sessions[0]?.notes[0];
    assert.deepEqual(
      [returned?.status, returned?.label, returned?.returnReason, returned?.task?.reference],
      ['returned', 'Returned for revision', 'Add the homework', 'Task/revise-n'],
    );
  });

  test('as of an earlier date: a signature recorded later leaves a draft; a later Task is not read', () => {
    const n = noteOf('n', 'completed');
    const sig = aSignature({ note: n, recorded: at(-2) });
    assert.deepEqual(statusOf([n, sig], at(-3)), [['draft', 'Draft']]);
    assert.deepEqual(statusOf([n, sig, aCosignTask({ note: n, authoredDay: -1 })], at(-2, 12)), [
      ['signed', 'Signed'],
    ]);
  });

  test('notes link through the session’s Encounter; others are listed apart; later notes are not listed', () => {
    const other = anEncounter({ id: 'e9', day: -30, status: 'cancelled' });
    const list = sessionList(
      record([
        appt,
        enc,
        other,
        noteOf('n1', 'in-progress'),
        aNote({ id: 'n9', encounter: other }),
        aNote({ id: 'late', encounter: enc, authoredHoursAfter: 24 * 10 }),
      ]),
      AS_OF,
    );
    assert.deepEqual(list.sessions[0]?.encounter, { reference: 'Encounter/e1' });
    assert.deepEqual(
      list.sessions[0]?.notes.map((x) => x.note.reference),
      ['QuestionnaireResponse/n1'],
    );
    assert.deepEqual(
      list.otherNotes.map((x) => x.note.reference),
      ['QuestionnaireResponse/n9'],
    );
    assert.deepEqual(JSON.parse(JSON.stringify(list)), list, 'plain JSON');
  });
});

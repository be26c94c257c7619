import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { aCosignTask, anEncounter, aNote, aPatient } from '../fhir/test-builders';
import { queueRows } from './cosign-queue';

describe('co-sign queue', () => {
  test('oldest request first, with the note template, the patient and who asked', () => {
    const enc = anEncounter({ day: -5 });
    const older = aNote({ encounter: enc, status: 'completed' });
    const newer = aNote({ encounter: enc, status: 'completed' });
    const tasks = [
      {
        ...aCosignTask({ note: newer, authoredDay: -1 }),
        requester: { reference: 'Practitioner/c7', display: 'Jo Park' },
      },
      { ...aCosignTask({ note: older, authoredDay: -4 }), requester: { reference: 'Practitioner/c8' } },
    ];
    const rows = queueRows(tasks, [older, newer, aPatient()]);
    assert.deepEqual(
      rows.map((r) => [r.noteId, r.patient, r.template, r.counselor]),
      [
        [older.id, 'Alex Rivera', 'CBT thought record', 'Practitioner/c8'],
        [newer.id, 'Alex Rivera', 'CBT thought record', 'Jo Park'],
      ],
    );
  });

  test('a Task that is neither co-sign nor revise is not in the queue', () => {
    const note = aNote({ encounter: anEncounter({ day: -2 }) });
    const task = { ...aCosignTask({ note, authoredDay: -1 }), code: { text: 'call the patient' } };
    assert.deepEqual(queueRows([task], [note]), []);
  });
});

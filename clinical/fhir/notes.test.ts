import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { notesDue } from './notes';
import { anEncounter, aNote, aPatient, AS_OF, aSignature, at, recordOf } from './test-builders';

describe('notes due', () => {
  test('draft 25 h after the session → unsigned 1, over 24 h 1, overdue 0', () => {
    // Session ends at 11:00 the day before as-of (12:00): 25 h.
    const enc = anEncounter({ day: -1 });
    const due = notesDue(recordOf([aPatient(), enc, aNote({ encounter: enc })]), AS_OF);
    assert.deepEqual(
      { unsigned: due.unsigned, over24h: due.over24h, overdue: due.overdue },
      { unsigned: 1, over24h: 1, overdue: 0 },
    );
    assert.equal(due.notes[0]?.hoursSinceSession, 25);
  });

  test('draft 4 days old → overdue (> 72 h); draft from this morning → unsigned but not yet due', () => {
    const old = anEncounter({ day: -4 });
    const today = { ...anEncounter({ day: 0 }), period: { start: at(0, 8), end: at(0, 9) } };
    const due = notesDue(
      recordOf([aPatient(), old, today, aNote({ encounter: old }), aNote({ encounter: today })]),
      AS_OF,
    );
    assert.deepEqual(
      { unsigned: due.unsigned, over24h: due.over24h, overdue: due.overdue },
      { unsigned: 2, over24h: 1, overdue: 1 },
    );
  });

  test('signed note (completed + author Provenance) → not due', () => {
    const enc = anEncounter({ day: -3 });
    const note = aNote({ encounter: enc, status: 'completed' });
    const due = notesDue(
      recordOf([aPatient(), enc, note, aSignature({ note, recorded: at(-3, 15) })]),
      AS_OF,
    );
    assert.equal(due.unsigned, 0);
  });

  test('signed after as-of → still unsigned as of then (future-dated signature ignored)', () => {
    const enc = anEncounter({ day: -2 });
    const note = aNote({ encounter: enc, status: 'completed' });
    const due = notesDue(recordOf([aPatient(), enc, note, aSignature({ note, recorded: at(1) })]), AS_OF);
    assert.equal(due.overdue, 0);
    assert.equal(due.over24h, 1);
  });

  test('a verifier-only Provenance (co-signature) does not sign the note', () => {
    const enc = anEncounter({ day: -2 });
    const note = aNote({ encounter: enc, status: 'completed' });
    const due = notesDue(
      recordOf([aPatient(), enc, note, aSignature({ note, recorded: at(-1), type: 'verifier' })]),
      AS_OF,
    );
    assert.equal(due.unsigned, 1);
  });

  test('completed without any Provenance (servers that do not record it) → taken as signed', () => {
    const enc = anEncounter({ day: -2 });
    assert.equal(
      notesDue(recordOf([aPatient(), enc, aNote({ encounter: enc, status: 'completed' })]), AS_OF).unsigned,
      0,
    );
  });

  test('a draft started after as-of does not exist yet', () => {
    const enc = anEncounter({ day: 1 });
    assert.equal(notesDue(recordOf([aPatient(), enc, aNote({ encounter: enc })]), AS_OF).unsigned, 0);
  });
});

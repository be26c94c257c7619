import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { notesDue, noteTimeliness } from './notes';
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

describe('note timeliness', () => {
  test('of 4 notes in the last 4 weeks: signed after 2 h, 30 h, 100 h, and one draft → 25 % within 24 h, 50 % within 72 h', () => {
    // Sessions end at 11:00 on their day; as-of is day 0 at 12:00.
    const encounters = [-3, -8, -15, -2].map((day) => anEncounter({ day }));
    const [e1, e2, e3, e4] = encounters as [
      ReturnType<typeof anEncounter>,
      ReturnType<typeof anEncounter>,
      ReturnType<typeof anEncounter>,
      ReturnType<typeof anEncounter>,
    ];
    const signedNote = (encounter: typeof e1, hours: number) => {
      const note = aNote({ encounter, status: 'completed' });
      const end = Date.parse(encounter.period?.end ?? '');
      return [note, aSignature({ note, recorded: new Date(end + hours * 3_600_000).toISOString() })];
    };
    const old = anEncounter({ day: -40 });
    const record = recordOf([
      aPatient(),
      ...encounters,
      old,
      ...signedNote(e1, 2),
      ...signedNote(e2, 30),
      ...signedNote(e3, 100),
      aNote({ encounter: e4 }),
      ...signedNote(old, 1), // outside the 4 weeks
    ]);
    assert.deepEqual(noteTimeliness(record, AS_OF), {
      notes: 4,
      signedWithin24h: 1,
      signedWithin72h: 2,
      percent24h: 25,
      percent72h: 50,
    });
  });
});

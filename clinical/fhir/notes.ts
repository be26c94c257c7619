import type { Encounter, Reference } from '@medplum/fhirtypes';

import { SYSTEM } from '../terminology';
import { hasCoding } from './coding';
import { type AsOf, asOfMillis, HOUR_MS, toMillis } from './fhir-date';
import type { NoteMeta, PatientRecord } from './patient-record';
import { memo } from './record-cache';
import { referenceKey } from './reference';

/**
 * Notes due: session notes not yet signed as of a date. A note is unsigned while it is a draft
 * (status in-progress), or when it is completed/amended but its first author signature (Provenance
 * agent type "author", or with a signature) was recorded after as-of. A completed note without any
 * Provenance is taken as signed (servers that do not record Provenance).
 * The clock runs from the end of the session (Encounter.period.end, else its start), else from the
 * note's authored time. Unsigned > 24 h is "due"; > 72 h is "overdue".
 */

export const NOTE_RULES = { dueAfterHours: 24, overdueAfterHours: 72 } as const;

export interface UnsignedNote {
  readonly note: Reference;
  readonly sessionDate?: string;
  readonly hoursSinceSession: number;
}

export interface NotesDue {
  /** Every unsigned note (any age). */
  readonly unsigned: number;
  /** Unsigned more than 24 h after the session. */
  readonly over24h: number;
  /** Unsigned more than 72 h after the session. */
  readonly overdue: number;
  readonly notes: readonly UnsignedNote[];
}

interface SignatureFacts {
  /** Earliest author signature time per note id. */
  readonly signedMs: ReadonlyMap<string, number>;
  /** Note ids that have any Provenance at all. */
  readonly withProvenance: ReadonlySet<string>;
}

/** Author signatures (Provenance agent type "author", or an agent who also signed) indexed by note, once per record. */
function signatureFacts(record: PatientRecord): SignatureFacts {
  return memo(record, 'notes.signatures', () => {
    const signedMs = new Map<string, number>();
    const withProvenance = new Set<string>();
    for (const p of record.provenances) {
      const noteIds = (p.target ?? [])
        .map((t) => referenceKey(t.reference))
        .filter((k): k is string => k?.startsWith('QuestionnaireResponse/') === true)
        .map((k) => k.slice('QuestionnaireResponse/'.length));
      noteIds.forEach((id) => withProvenance.add(id));
      const byAuthor = (p.agent ?? []).some(
        (a) =>
          hasCoding(a.type, SYSTEM.provenanceParticipantType, 'author') ||
          (p.signature ?? []).some(
            (sig) => referenceKey(sig.who?.reference) === referenceKey(a.who?.reference),
          ),
      );
      const recorded = toMillis(p.recorded);
      if (!byAuthor || recorded === undefined) continue;
      for (const id of noteIds) signedMs.set(id, Math.min(recorded, signedMs.get(id) ?? Infinity));
    }
    return { signedMs, withProvenance };
  });
}

function sessionTime(record: PatientRecord, note: NoteMeta): { ms?: number; date?: string } {
  const key = referenceKey(note.encounter?.reference);
  const enc: Encounter | undefined = record.encounters.find((e) => `Encounter/${e.id ?? ''}` === key);
  const date = enc?.period?.end ?? enc?.period?.start ?? note.authored;
  return { ms: toMillis(date), date };
}

/** Unsigned session notes as of a date. */
export function notesDue(record: PatientRecord, asOf: AsOf): NotesDue {
  const now = asOfMillis(asOf);
  const unsigned: UnsignedNote[] = [];
  for (const note of record.notes) {
    if (note.status === 'entered-in-error' || note.status === 'stopped') continue;
    const { ms, date } = sessionTime(record, note);
    const authored = toMillis(note.authored);
    const started = authored ?? ms;
    if (started === undefined || started > now) continue; // not yet written as of then
    let isUnsigned = note.status === 'in-progress';
    const signatures = signatureFacts(record);
    if (!isUnsigned && signatures.withProvenance.has(note.id)) {
      const signed = signatures.signedMs.get(note.id);
      isUnsigned = signed === undefined || signed > now;
    }
    if (!isUnsigned) continue;
    const from = ms ?? started;
    unsigned.push({
      note: note.reference,
      sessionDate: date,
      hoursSinceSession: Math.max(0, (now - from) / HOUR_MS),
    });
  }
  unsigned.sort((a, b) => b.hoursSinceSession - a.hoursSinceSession);
  return {
    unsigned: unsigned.length,
    over24h: unsigned.filter((n) => n.hoursSinceSession > NOTE_RULES.dueAfterHours).length,
    overdue: unsigned.filter((n) => n.hoursSinceSession > NOTE_RULES.overdueAfterHours).length,
    notes: unsigned,
  };
}

export interface NoteTimeliness {
  /** Notes of sessions in the window that are signed with a known signing time, or still unsigned. */
  readonly notes: number;
  readonly signedWithin24h: number;
  readonly signedWithin72h: number;
  /** signedWithin24h / notes and signedWithin72h / notes as whole percentages; null without notes. */
  readonly percent24h: number | null;
  readonly percent72h: number | null;
}

/**
 * How promptly notes were signed (supervision, issue #14): of the notes of sessions in the last `days` days
 * (28: four weeks) — each signed with a known signing time (an author Provenance) or still unsigned — how many
 * were signed within 24 h and within 72 h of the session (NOTE_RULES). Notes marked signed without any
 * Provenance (other servers) have no signing time and are not counted.
 */
export function noteTimeliness(record: PatientRecord, asOf: AsOf, days = 28): NoteTimeliness {
  const now = asOfMillis(asOf);
  const from = now - days * 24 * HOUR_MS;
  const signatures = signatureFacts(record);
  let notes = 0;
  let within24 = 0;
  let within72 = 0;
  for (const note of record.notes) {
    if (note.status === 'entered-in-error' || note.status === 'stopped') continue;
    const { ms } = sessionTime(record, note);
    if (ms === undefined || ms < from || ms > now) continue;
    const signed = signatures.signedMs.get(note.id);
    const unsigned = note.status === 'in-progress' || (signed !== undefined && signed > now);
    if (!unsigned && signed === undefined) continue;
    notes++;
    if (unsigned || signed === undefined) continue;
    const hours = (signed - ms) / HOUR_MS;
    if (hours <= NOTE_RULES.dueAfterHours) within24++;
    if (hours <= NOTE_RULES.overdueAfterHours) within72++;
  }
  const percent = (n: number) => (notes === 0 ? null : Math.round((100 * n) / notes));
  return {
    notes,
    signedWithin24h: within24,
    signedWithin72h: within72,
    percent24h: percent(within24),
    percent72h: percent(within72),
  };
}

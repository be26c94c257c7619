import type { Encounter, Provenance, Task } from '@medplum/fhirtypes';

import { hasCoding } from '../fhir/coding';
import { type AsOf, asOfMillis, isoDay, toMillis, utcDay } from '../fhir/fhir-date';
import type { NoteMeta, PatientRecord } from '../fhir/patient-record';
import { referenceKey, referenceTo } from '../fhir/reference';
import { sessions } from '../fhir/sessions';
import { NOTE_CHIP_LABEL, noteChip, signatureKind } from '../notes/note-lifecycle';
import { COSIGN_TASK_CODE, LOCAL_SYSTEM, REVISE_TASK_CODE } from '../terminology';
import type { SessionFacts, SessionListFacts, SessionNoteFacts } from './chart-facts';

/**
 * The "Sessions and notes" panel's facts: every session (Appointment, or an Encounter without one —
 * fhir/sessions.ts) as attended / no-show / cancelled / upcoming, each with its notes and their status.
 *
 * A note's status is the notes module's chip (notes/note-lifecycle.ts noteChip): draft; returned for revision
 * (an open Task revise-note on it); co-sign pending (an open co-sign Task); co-signed; amended; signed. As of a
 * date, only Provenances and Tasks recorded by then count, and — as notes.ts reads signatures — a completed
 * note that has Provenance but no author signature by then is still a draft; a completed note without any
 * Provenance counts as signed (servers that do not write Provenance).
 */

const OPEN_TASK = new Set(['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold']);

function noteTime(note: NoteMeta): number | undefined {
  return toMillis(note.authored);
}

function aboutNote(noteKey: string) {
  return (r: Provenance | Task): boolean =>
    r.resourceType === 'Task'
      ? referenceKey(r.focus?.reference) === noteKey
      : (r.target ?? []).some((t) => referenceKey(t.reference) === noteKey);
}

function noteFacts(record: PatientRecord, note: NoteMeta, now: number): SessionNoteFacts {
  const key = `QuestionnaireResponse/${note.id}`;
  const about = aboutNote(key);
  const allProvenance = record.provenances.filter(about);
  const provenances = allProvenance.filter((p) => (toMillis(p.recorded) ?? Infinity) <= now);
  const tasks = record.tasks
    .filter(about)
    .filter((t) => (toMillis(t.authoredOn ?? t.lastModified) ?? -Infinity) <= now);
  const signs = provenances.filter((p) => signatureKind(p) === 'sign').map((p) => p.recorded);
  const cosigns = provenances.filter((p) => signatureKind(p) === 'cosign').map((p) => p.recorded);
  let status = noteChip(
    { id: note.id, status: note.status, meta: { versionId: note.versionId } },
    provenances,
    tasks,
  );
  const unsignedAsOf =
    (note.status === 'completed' || note.status === 'amended') &&
    allProvenance.length > 0 &&
    signs.length === 0;
  if (unsignedAsOf && status !== 'returned') status = 'draft';
  const revise = tasks.filter((t) => hasCoding(t.code, LOCAL_SYSTEM.task, REVISE_TASK_CODE));
  const cosign = tasks.filter((t) => hasCoding(t.code, LOCAL_SYSTEM.task, COSIGN_TASK_CODE));
  const openRevise = revise.find((t) => OPEN_TASK.has(t.status));
  const task = openRevise ?? cosign.find((t) => OPEN_TASK.has(t.status)) ?? cosign.at(-1) ?? revise.at(-1);
  return {
    note: note.reference,
    status,
    label: NOTE_CHIP_LABEL[status],
    questionnaire: note.questionnaire ?? null,
    authored: note.authored ?? null,
    author: note.author?.reference ? { reference: note.author.reference } : null,
    signedAt: signs.sort()[0] ?? null,
    cosignedAt: cosigns.sort().at(-1) ?? null,
    task: task ? referenceTo(task) : null,
    returnReason:
      status === 'returned'
        ? (openRevise?.note?.[0]?.text ??
          openRevise?.statusReason?.text ??
          openRevise?.businessStatus?.text ??
          null)
        : null,
  };
}

/**
 * Every session of the patient, newest first, with its notes (linked through the session's Encounter), as of a
 * date: a session after as-of that is not cancelled is `upcoming` (whatever its later outcome); a past booked
 * one without an outcome is `not-recorded`. Notes authored after as-of are not listed.
 */
export function sessionList(record: PatientRecord, asOf: AsOf): SessionListFacts {
  const now = asOfMillis(asOf);
  const notes = record.notes.filter(
    (n) => n.status !== 'entered-in-error' && (noteTime(n) ?? -Infinity) <= now,
  );
  const byEncounter = new Map<string, NoteMeta[]>();
  for (const n of notes) {
    const k = referenceKey(n.encounter?.reference);
    if (k) byEncounter.set(k, [...(byEncounter.get(k) ?? []), n]);
  }
  const encounterOfAppointment = new Map<string, Encounter>();
  for (const e of record.encounters) {
    for (const a of e.appointment ?? []) {
      const k = referenceKey(a.reference);
      if (k && !encounterOfAppointment.has(k)) encounterOfAppointment.set(k, e);
    }
  }
  const used = new Set<string>();
  const list: SessionFacts[] = sessions(record).map((s) => {
    const key = s.evidence.reference ?? '';
    const encounter = key.startsWith('Encounter/')
      ? key
      : (() => {
          const e = encounterOfAppointment.get(key);
          return e ? `Encounter/${e.id ?? ''}` : undefined;
        })();
    const own = encounter ? (byEncounter.get(encounter) ?? []) : [];
    own.forEach((n) => used.add(n.id));
    const cancelled = s.outcome === 'cancelled-by-clinic' || s.outcome === 'cancelled-by-patient';
    const status: SessionFacts['status'] = cancelled
      ? 'cancelled'
      : s.startMs > now
        ? 'upcoming'
        : s.outcome === 'attended'
          ? 'attended'
          : s.outcome === 'no-show'
            ? 'no-show'
            : 'not-recorded';
    return {
      session: s.evidence,
      encounter: encounter ? { reference: encounter } : null,
      start: s.start,
      status,
      cancelledBy:
        s.outcome === 'cancelled-by-patient'
          ? 'patient'
          : s.outcome === 'cancelled-by-clinic'
            ? 'clinic'
            : null,
      notes: own.map((n) => noteFacts(record, n, now)),
    };
  });
  list.reverse();
  const count = (st: SessionFacts['status']) => list.filter((s) => s.status === st).length;
  return {
    asOf: isoDay(utcDay(now)),
    sessions: list,
    attended: count('attended'),
    noShow: count('no-show'),
    cancelled: count('cancelled'),
    upcoming: count('upcoming'),
    otherNotes: notes.filter((n) => !used.has(n.id)).map((n) => noteFacts(record, n, now)),
  };
}

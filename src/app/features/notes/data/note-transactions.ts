import type {
  Bundle,
  BundleEntry,
  Observation,
  Practitioner,
  Questionnaire,
  QuestionnaireResponse,
  Reference,
  Resource,
  Task,
} from '@medplum/fhirtypes';

import { cosignTask, reviseTask, signatureProvenance } from '../../../../../clinical/notes/note-lifecycle';
import { extractObservations, noteEffectiveTime, withAggregates } from '../../../../../clinical/notes/note-rules';
import { compactItems } from '../form/response-tree';

/**
 * The transactions that sign, amend, co-sign and return a note (docs/notes.md; the server's rules in
 * server/src/policy/note-integrity.ts). Each is one Bundle: all of it happens, or none.
 */

const W = (version: string | undefined) => `W/"${version ?? ''}"`;

/** The version number the next write of a resource gets (versions count up by one). */
export function nextVersion(resource: Resource): string {
  return String(Number(resource.meta?.versionId ?? '0') + 1);
}

function put(resource: Resource, ifMatch?: string): BundleEntry {
  return {
    resource,
    request: {
      method: 'PUT',
      url: `${resource.resourceType}/${resource.id ?? ''}`,
      ...(ifMatch ? { ifMatch: W(ifMatch) } : {}),
    },
  };
}

function post(resource: Resource): BundleEntry {
  return { resource, request: { method: 'POST', url: resource.resourceType } };
}

function transaction(entry: BundleEntry[]): Bundle {
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

export interface SignInput {
  readonly questionnaire: Questionnaire;
  /** The note as it is on the server (its version is the If-Match), with the items to sign. */
  readonly note: QuestionnaireResponse;
  readonly me: Reference<Practitioner>;
  readonly now: string;
  /** The clinic's UTC offset on the session date ("-05:00"), for the Observations' effective time. */
  readonly utcOffset: string;
  /** A late entry's reason (signing > 72 h after the session) or an amendment's reason. */
  readonly reason?: string;
  /** The supervisor who co-signs, when the author's notes need a co-signature. */
  readonly supervisor?: Reference<Practitioner>;
  /** Observations extracted from an earlier version that this one no longer yields (amend: deleted). */
  readonly previousObservations?: readonly Observation[];
  /** Open revise Tasks of this note (amend after a return: completed). */
  readonly reviseTasks?: readonly Task[];
}

/** The note as it is signed: aggregates computed, empty items dropped. */
export function signedNote(
  questionnaire: Questionnaire,
  note: QuestionnaireResponse,
  status: 'completed' | 'amended',
  me: Reference<Practitioner>,
  now: string,
): QuestionnaireResponse {
  const complete = withAggregates(questionnaire, { ...note, item: compactItems(note.item) });
  return { ...complete, status, author: note.author ?? me, authored: now };
}

function extracted(input: SignInput, note: QuestionnaireResponse): Observation[] {
  return extractObservations(input.questionnaire, note, {
    noteId: note.id ?? '',
    effective: noteEffectiveTime(note, input.utcOffset) ?? input.now,
  });
}

/**
 * Sign: PUT the note `completed` (If-Match), the author's Provenance on the version that PUT makes (with the
 * late-entry reason), the extracted Observations (PUT by their stable ids), and a co-sign Task for the
 * supervisor when the author's notes need one.
 */
export function signTransaction(input: SignInput): Bundle {
  const note = signedNote(input.questionnaire, input.note, 'completed', input.me, input.now);
  const target = `QuestionnaireResponse/${note.id ?? ''}/_history/${nextVersion(input.note)}`;
  const entries: BundleEntry[] = [
    put(note, input.note.meta?.versionId),
    post(
      signatureProvenance({
        target,
        who: input.me,
        recorded: input.now,
        kind: 'sign',
        ...(input.reason ? { reason: input.reason } : {}),
      }),
    ),
    ...extracted(input, note).map((o) => put(o)),
  ];
  if (input.supervisor && note.subject) {
    entries.push(
      post(cosignTask({ reference: `QuestionnaireResponse/${note.id ?? ''}` }, note.subject, input.me, input.supervisor, input.now)),
    );
  }
  return transaction(entries);
}

/**
 * Amend: PUT the note `amended` (If-Match), the amendment's Provenance with its reason on the new version, the
 * Observations it yields now (replacing the earlier ones by id) and DELETE those it no longer yields; after a
 * return for revision, the revise Task completed and a new co-sign Task.
 */
export function amendTransaction(input: SignInput & { readonly reason: string }): Bundle {
  const note = signedNote(input.questionnaire, input.note, 'amended', input.me, input.now);
  note.authored = input.note.authored ?? input.now;
  const target = `QuestionnaireResponse/${note.id ?? ''}/_history/${nextVersion(input.note)}`;
  const observations = extracted(input, note);
  const kept = new Set(observations.map((o) => o.id));
  const entries: BundleEntry[] = [
    put(note, input.note.meta?.versionId),
    post(signatureProvenance({ target, who: input.me, recorded: input.now, kind: 'amend', reason: input.reason })),
    ...observations.map((o) => put(o)),
    ...(input.previousObservations ?? [])
      .filter((o) => o.id && !kept.has(o.id))
      .map((o): BundleEntry => ({ request: { method: 'DELETE', url: `Observation/${o.id ?? ''}` } })),
  ];
  for (const task of input.reviseTasks ?? []) {
    entries.push(put(closeTask(task, 'completed', input.now), task.meta?.versionId));
  }
  if ((input.reviseTasks?.length ?? 0) > 0 && input.supervisor && note.subject) {
    entries.push(
      post(cosignTask({ reference: `QuestionnaireResponse/${note.id ?? ''}` }, note.subject, input.me, input.supervisor, input.now)),
    );
  }
  return transaction(entries);
}

function closeTask(task: Task, status: 'completed' | 'rejected', now: string, comment?: string): Task {
  return {
    ...task,
    status,
    lastModified: now,
    executionPeriod: { ...task.executionPeriod, end: now },
    ...(comment ? { statusReason: { text: comment } } : {}),
  };
}

/** Co-sign: the supervisor's verifier Provenance on the note's current version and the co-sign Task completed. */
export function cosignTransaction(
  note: QuestionnaireResponse,
  task: Task,
  me: Reference<Practitioner>,
  now: string,
): Bundle {
  const target = `QuestionnaireResponse/${note.id ?? ''}/_history/${note.meta?.versionId ?? ''}`;
  return transaction([
    post(signatureProvenance({ target, who: me, recorded: now, kind: 'cosign' })),
    put(closeTask(task, 'completed', now), task.meta?.versionId),
  ]);
}

/** Return for revision: the co-sign Task rejected with the comment, and a revise Task to the author. */
export function returnTransaction(
  note: QuestionnaireResponse,
  task: Task,
  me: Reference<Practitioner>,
  comment: string,
  now: string,
): Bundle {
  const author = (note.author ?? task.requester) as Reference<Practitioner>;
  const patient = note.subject ?? task.for ?? {};
  return transaction([
    put(closeTask(task, 'rejected', now, comment), task.meta?.versionId),
    post(reviseTask({ reference: `QuestionnaireResponse/${note.id ?? ''}` }, patient, me, author, comment, now)),
  ]);
}

import type {
  Coding,
  Practitioner,
  PractitionerRole,
  Provenance,
  QuestionnaireResponse,
  Reference,
  Task,
} from '@medplum/fhirtypes';

import { hasCoding } from '../fhir/coding';
import { HOUR_MS, toMillis } from '../fhir/fhir-date';
import { referenceKey, referenceVersion } from '../fhir/reference';
import {
  COSIGN_REQUIRED_ROLE,
  COSIGN_TASK_CODE,
  LOCAL_SYSTEM,
  REVISE_TASK_CODE,
  SYSTEM,
  WAYPOINT_BASE,
} from '../terminology';

/**
 * The life of a session note (docs/notes.md). A note is a QuestionnaireResponse:
 *   draft (in-progress) → signed (completed, with an author Provenance on that exact version)
 *   signed → amended (a new version, status amended, with a reason and a Provenance) → amended …
 * A signed note never changes silently: the only change after signing is an amendment. A supervisor co-signs
 * (a verifier Provenance) or returns the note for revision (a Task back to the author, who amends).
 * Sources: CMS Medicare Program Integrity Manual ch. 3 §3.3.2.5 (amendments, corrections and delayed entries:
 * the original stays readable, the change is dated, signed and explained; a delayed entry says so and why),
 * 42 CFR §2.16 (Part 2 records kept secure), ASTM E1762-95 signature types.
 */

export type NoteStatus = QuestionnaireResponse['status'];

/** What a writer may do to a note, by its stored status and the status it writes. */
export type NoteTransition = 'create-draft' | 'edit-draft' | 'sign' | 'amend' | 'discard-draft';

/**
 * The transition a write makes, or undefined when it is not allowed: only drafts are edited or discarded, a
 * draft is signed (completed), a signed or amended note only becomes `amended`; nothing returns to a draft.
 */
export function noteTransition(from: NoteStatus | undefined, to: NoteStatus): NoteTransition | undefined {
  if (from === undefined)
    return to === 'in-progress' ? 'create-draft' : to === 'completed' ? 'sign' : undefined;
  if (from === 'in-progress') {
    if (to === 'in-progress') return 'edit-draft';
    if (to === 'completed') return 'sign';
    if (to === 'entered-in-error') return 'discard-draft';
    return undefined;
  }
  if ((from === 'completed' || from === 'amended') && to === 'amended') return 'amend';
  return undefined;
}

/** Why a transition is refused, in words a clinician understands. */
export function refusedTransitionMessage(from: NoteStatus | undefined, to: NoteStatus): string {
  if (from === 'completed' || from === 'amended') {
    return 'This note is signed: it can only be amended (a new version with status "amended", a reason and a signature).';
  }
  if (from === 'entered-in-error' || from === 'stopped') return 'This note was discarded and cannot change.';
  return `A note cannot go from "${from ?? 'new'}" to "${to}".`;
}

// ---- signatures -------------------------------------------------------------------------------------------

/** ASTM E1762-95 signature types (urn:iso-astm:E1762-95:2013). */
export const SIGNATURE_TYPE = {
  author: { system: SYSTEM.signatureType, code: '1.2.840.10065.1.12.1.1', display: "Author's Signature" },
  verifier: {
    system: SYSTEM.signatureType,
    code: '1.2.840.10065.1.12.1.5',
    display: 'Verification Signature',
  },
} as const satisfies Record<string, Coding>;

/** A note signed more than this many hours after the session is a late entry and needs a reason (clinic policy). */
export const LATE_ENTRY_HOURS = 72;

/** Whether signing at `signedAt` is a late entry for a session that ended at `sessionEnd`. */
export function isLateEntry(sessionEnd: string | undefined, signedAt: string): boolean {
  const end = toMillis(sessionEnd);
  const signed = toMillis(signedAt);
  return end !== undefined && signed !== undefined && signed - end > LATE_ENTRY_HOURS * HOUR_MS;
}

/** How far a session's start may lie after the signing time: clocks of devices differ by a few minutes. */
export const FUTURE_SESSION_TOLERANCE_MINUTES = 5;

/**
 * Whether a note signed at `signedAt` is for a session that has not started yet: it cannot be signed, because
 * the signature attests care that was given (source: the program's documentation policy, as for late entries; no
 * regulation sets the tolerance). A draft may be started ahead.
 */
export function isFutureSession(sessionStart: string | undefined, signedAt: string): boolean {
  const start = toMillis(sessionStart);
  const signed = toMillis(signedAt);
  return (
    start !== undefined && signed !== undefined && start - signed > FUTURE_SESSION_TOLERANCE_MINUTES * 60_000
  );
}

export type SignatureKind = 'sign' | 'amend' | 'cosign';

const ACTIVITY: Record<SignatureKind, { code: string; display: string; agent: 'author' | 'verifier' }> = {
  sign: { code: 'sign', display: 'Signed', agent: 'author' },
  amend: { code: 'amend', display: 'Amended', agent: 'author' },
  cosign: { code: 'cosign', display: 'Co-signed', agent: 'verifier' },
};

/** Provenance.activity of note signatures (LOCAL). */
export const NOTE_ACTIVITY_SYSTEM = `${WAYPOINT_BASE}/CodeSystem/note-activity`;

export const NOTE_ACTIVITY_DISPLAY: Record<SignatureKind, string> = {
  sign: 'Signed',
  amend: 'Amended',
  cosign: 'Co-signed',
};

export interface SignatureInput {
  /** `QuestionnaireResponse/<id>/_history/<version>`: the exact version signed. */
  readonly target: string;
  readonly who: Reference<Practitioner>;
  readonly recorded: string;
  readonly kind: SignatureKind;
  /** Required for an amendment and for a late entry (> 72 h after the session). */
  readonly reason?: string;
}

/**
 * The Provenance of a signature: target = the exact version, agent = the author (type author) or the co-signer
 * (type verifier), an ASTM signature, the activity (sign / amend / cosign) and the reason when one is given.
 */
export function signatureProvenance(input: SignatureInput): Provenance {
  const activity = ACTIVITY[input.kind];
  return {
    resourceType: 'Provenance',
    target: [{ reference: input.target }],
    recorded: input.recorded,
    activity: { coding: [{ system: NOTE_ACTIVITY_SYSTEM, code: activity.code, display: activity.display }] },
    agent: [
      {
        type: {
          coding: [{ system: SYSTEM.provenanceParticipantType, code: activity.agent }],
        },
        who: { ...input.who },
      },
    ],
    signature: [
      { type: [{ ...SIGNATURE_TYPE[activity.agent] }], when: input.recorded, who: { ...input.who } },
    ],
    ...(input.reason ? { reason: [{ text: input.reason }] } : {}),
  };
}

/** The kind of signature a Provenance records on a note, or undefined. */
export function signatureKind(provenance: Provenance): SignatureKind | undefined {
  const code = provenance.activity?.coding?.find((c) => c.system === NOTE_ACTIVITY_SYSTEM)?.code;
  if (code === 'sign' || code === 'amend' || code === 'cosign') return code;
  // Provenance written elsewhere (or by the demo clinic): an author agent signs, a verifier co-signs.
  const types = (provenance.agent ?? []).flatMap((a) => a.type?.coding ?? []).map((c) => c.code);
  if (types.includes('verifier')) return 'cosign';
  if (types.includes('author')) return 'sign';
  return undefined;
}

// ---- co-signature -----------------------------------------------------------------------------------------

/** Whether an author's notes need a supervisor's co-signature: an active PractitionerRole marked `associate`. */
export function needsCosign(roles: readonly PractitionerRole[]): boolean {
  return roles.some(
    (role) =>
      role.active !== false &&
      (role.code ?? []).some((c) => hasCoding(c, LOCAL_SYSTEM.role, COSIGN_REQUIRED_ROLE)),
  );
}

/** A work item about a session note: requested of `owner` by `requester`. */
function noteTask(
  kind: { readonly code: string; readonly display: string; readonly description: string },
  note: Reference,
  patient: Reference,
  requester: Reference<Practitioner>,
  owner: Reference<Practitioner>,
  on: string,
): Task {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: LOCAL_SYSTEM.task, code: kind.code, display: kind.display }] },
    description: kind.description,
    focus: { ...note },
    for: { ...patient },
    requester: { ...requester },
    owner: { ...owner },
    authoredOn: on,
    lastModified: on,
  };
}

/** The co-signature request Task a signed associate's note gets, owned by the supervisor. */
export function cosignTask(
  note: Reference,
  patient: Reference,
  author: Reference<Practitioner>,
  supervisor: Reference<Practitioner>,
  on: string,
): Task {
  const kind = { code: COSIGN_TASK_CODE, display: 'Co-signature', description: 'Co-sign this session note' };
  return noteTask(kind, note, patient, author, supervisor, on);
}

/** The Task that returns a note to its author for revision, with the supervisor's comment. */
export function reviseTask(
  note: Reference,
  patient: Reference,
  supervisor: Reference<Practitioner>,
  author: Reference<Practitioner>,
  comment: string,
  on: string,
): Task {
  const kind = { code: REVISE_TASK_CODE, display: 'Revise note', description: 'Revise this session note' };
  return {
    ...noteTask(kind, note, patient, supervisor, author, on),
    note: [{ text: comment, authorReference: { ...supervisor }, time: on }],
  };
}

// ---- what a list shows ------------------------------------------------------------------------------------

export type NoteChip =
  'draft' | 'signed' | 'cosign-pending' | 'returned' | 'amended' | 'cosigned' | 'discarded';

export const NOTE_CHIP_LABEL: Record<NoteChip, string> = {
  draft: 'Draft',
  signed: 'Signed',
  'cosign-pending': 'Co-sign pending',
  returned: 'Returned for revision',
  amended: 'Amended',
  cosigned: 'Co-signed',
  discarded: 'Discarded',
};

/**
 * The status chip of a note from the note, the Provenances that target it and the Tasks that focus on it:
 * a returned note that has not been amended since → returned; an open co-sign request → co-sign pending; a
 * verifier signature on the current version → co-signed; else its own status.
 */
export function noteChip(
  note: Pick<QuestionnaireResponse, 'id' | 'status' | 'meta'>,
  provenances: readonly Provenance[],
  tasks: readonly Task[],
): NoteChip {
  if (note.status === 'in-progress') return 'draft';
  if (note.status === 'entered-in-error' || note.status === 'stopped') return 'discarded';
  const key = `QuestionnaireResponse/${note.id ?? ''}`;
  const about = (t: Task) => referenceKey(t.focus?.reference) === key;
  const open = (t: Task) => ['requested', 'received', 'accepted', 'ready', 'in-progress'].includes(t.status);
  const current = note.meta?.versionId;
  if (tasks.some((t) => about(t) && open(t) && hasCoding(t.code, LOCAL_SYSTEM.task, REVISE_TASK_CODE))) {
    return 'returned';
  }
  if (tasks.some((t) => about(t) && open(t) && hasCoding(t.code, LOCAL_SYSTEM.task, COSIGN_TASK_CODE))) {
    return 'cosign-pending';
  }
  const cosignedCurrent = provenances.some(
    (p) =>
      signatureKind(p) === 'cosign' &&
      (p.target ?? []).some(
        (t) => referenceKey(t.reference) === key && (!current || referenceVersion(t.reference) === current),
      ),
  );
  if (cosignedCurrent) return 'cosigned';
  return note.status === 'amended' ? 'amended' : 'signed';
}

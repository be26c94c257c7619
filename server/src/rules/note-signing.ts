/**
 * Signed notes never change silently (clinical/notes/note-lifecycle.ts, docs/notes.md):
 * - a signed (completed) or amended note is changed only by an amendment: status `amended`, in a transaction
 *   that also writes the amendment's Provenance (activity amend, target = the new version, with a reason);
 * - a draft is signed only in a transaction that also writes the author's Provenance on the signed version;
 *   a signature more than 72 hours after the session (a late entry) carries a reason;
 * - a signed note is never deleted.
 * Creating a completed note (an import) is allowed.
 */
import type { Encounter, Provenance, QuestionnaireResponse, Resource } from '@medplum/fhirtypes';

import { referenceKey, referenceVersion } from '../../../clinical/fhir/reference';
import {
  isFutureSession,
  isLateEntry,
  noteTransition,
  refusedTransitionMessage,
  signatureKind,
} from '../../../clinical/notes/note-lifecycle';
import { ruleViolation, type WriteContext, type WriteRule } from './business-rules';

interface PendingSignature {
  readonly noteId: string;
  readonly version: string;
  readonly kind: 'sign' | 'amend';
  readonly sessionEnd?: string;
  readonly sessionStart?: string;
}

interface State {
  readonly pending: PendingSignature[];
  readonly provenances: Provenance[];
}

const SIGNED = new Set<string>(['completed', 'amended']);

function isNote(resource: Resource | undefined): resource is QuestionnaireResponse {
  return resource?.resourceType === 'QuestionnaireResponse';
}

export class NoteSigningRule implements WriteRule {
  private state(ctx: WriteContext): State {
    let state = ctx.state.get(this) as State | undefined;
    if (!state) {
      state = { pending: [], provenances: [] };
      ctx.state.set(this, state);
    }
    return state;
  }

  async beforeWrite(ctx: WriteContext, resource: Resource, existing: Resource | undefined): Promise<void> {
    if (!isNote(resource) || !isNote(existing)) return;
    if (!SIGNED.has(existing.status) && resource.status === existing.status) return;
    const transition = noteTransition(existing.status, resource.status);
    if (!transition) {
      throw ruleViolation(
        refusedTransitionMessage(existing.status, resource.status),
        'QuestionnaireResponse.status',
      );
    }
    if ((transition === 'sign' || transition === 'amend') && !ctx.inTransaction) {
      throw ruleViolation(
        transition === 'sign'
          ? 'Signing a note writes its signature (a Provenance on the signed version) in the same transaction.'
          : 'An amendment is sent with its signature (a Provenance with a reason, on the new version) in one transaction.',
      );
    }
  }

  async afterWrite(ctx: WriteContext, written: Resource, existing: Resource | undefined): Promise<void> {
    if (written.resourceType === 'Provenance') {
      this.state(ctx).provenances.push(written);
      return;
    }
    if (!isNote(written) || !isNote(existing)) return;
    const transition = noteTransition(existing.status, written.status);
    if (transition !== 'sign' && transition !== 'amend') return;
    this.state(ctx).pending.push({
      noteId: written.id ?? '',
      version: written.meta?.versionId ?? '',
      kind: transition,
      ...(await sessionPeriod(ctx, written)),
    });
  }

  async beforeDelete(_ctx: WriteContext, existing: Resource): Promise<void> {
    if (isNote(existing) && SIGNED.has(existing.status)) {
      throw ruleViolation('A signed note is never deleted: amend it instead.');
    }
  }

  async beforeCommit(ctx: WriteContext): Promise<void> {
    const { pending, provenances } = this.state(ctx);
    for (const p of pending) {
      const target = `QuestionnaireResponse/${p.noteId}`;
      const signature = provenances.find(
        (prov) =>
          signatureKind(prov) === p.kind &&
          (prov.target ?? []).some(
            (t) => referenceKey(t.reference) === target && referenceVersion(t.reference) === p.version,
          ),
      );
      if (!signature) {
        throw ruleViolation(
          p.kind === 'sign'
            ? `Signing needs a Provenance by the author on ${target}/_history/${p.version} in the same transaction.`
            : `An amendment needs a Provenance (activity amend) on ${target}/_history/${p.version} in the same transaction.`,
        );
      }
      const reason = (signature.reason ?? [])
        .map((r) => r.text ?? r.coding?.[0]?.display ?? '')
        .join('')
        .trim();
      if (p.kind === 'amend' && !reason) {
        throw ruleViolation('An amendment needs a reason (Provenance.reason).', 'Provenance.reason');
      }
      if (p.kind === 'sign' && isFutureSession(p.sessionStart, new Date().toISOString())) {
        throw ruleViolation(
          `This note is for a session that has not started yet (${p.sessionStart}): it can be signed once the session has taken place.`,
          'Encounter.period.start',
        );
      }
      if (p.kind === 'sign' && isLateEntry(p.sessionEnd, signature.recorded) && !reason) {
        throw ruleViolation(
          'This note is signed more than 72 hours after the session: a late entry needs a reason (Provenance.reason).',
          'Provenance.reason',
        );
      }
    }
  }
}

/**
 * When the note's session started and ended: its Encounter's period (an end missing: the start), else the note's
 * authored time for both.
 */
async function sessionPeriod(
  ctx: WriteContext,
  note: QuestionnaireResponse,
): Promise<{ sessionStart?: string; sessionEnd?: string }> {
  const key = referenceKey(note.encounter?.reference);
  if (key?.startsWith('Encounter/')) {
    const encounter = await ctx.repo
      .readResource<Encounter>('Encounter', key.slice('Encounter/'.length))
      .catch(() => undefined);
    const start = encounter?.period?.start;
    const end = encounter?.period?.end ?? start;
    if (end) return { ...(start ? { sessionStart: start } : {}), sessionEnd: end };
  }
  return note.authored ? { sessionStart: note.authored, sessionEnd: note.authored } : {};
}

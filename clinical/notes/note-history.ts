import type {
  Provenance,
  Questionnaire,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  Task,
} from '@medplum/fhirtypes';

import { hasCoding } from '../fhir/coding';
import { referenceKey, referenceVersion } from '../fhir/reference';
import { RENDERING } from '../templates/questionnaire-builder';
import { COSIGN_TASK_CODE, LOCAL_SYSTEM, REVISE_TASK_CODE } from '../terminology';
import { NOTE_ACTIVITY_DISPLAY, signatureKind } from './note-lifecycle';
import { answerText, findItem, questionnaireItems } from './response-items';

/**
 * A note's history and changes (docs/notes.md): who signed, co-signed, returned and amended it, when, and what
 * changed between versions, field by field. Also the copy-forward rule for a new note.
 */

// ---- field-level diff ----------------------------------------------------------------------------------------

export interface FieldChange {
  /** Path of the field, e.g. `tr.mood[2].rating` (repeats numbered from 1). */
  readonly path: string;
  readonly label: string;
  readonly before: string;
  readonly after: string;
}

/** Every answered field of a response as path → text (repeats numbered from 1; several answers joined). */
function fieldTexts(response: Pick<QuestionnaireResponse, 'item'>): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (items: readonly QuestionnaireResponseItem[] | undefined, prefix: string): void => {
    const seen = new Map<string, number>();
    for (const item of items ?? []) {
      const n = (seen.get(item.linkId) ?? 0) + 1;
      seen.set(item.linkId, n);
      const repeated = (items ?? []).filter((i) => i.linkId === item.linkId).length > 1;
      const path = `${prefix}${item.linkId}${repeated ? `[${n}]` : ''}`;
      const answers = (item.answer ?? []).map(answerText).filter((t) => t !== '');
      if (answers.length > 0) out.set(path, answers.join('; '));
      walk(item.item, `${path}/`);
    }
  };
  walk(response.item, '');
  return out;
}

/** What changed from one version of a note to the next, in the Questionnaire's item order. */
export function noteChanges(
  questionnaire: Questionnaire,
  before: Pick<QuestionnaireResponse, 'item'>,
  after: Pick<QuestionnaireResponse, 'item'>,
): FieldChange[] {
  const a = fieldTexts(before);
  const b = fieldTexts(after);
  const order = new Map(questionnaireItems(questionnaire).map(({ item }, i) => [item.linkId, i]));
  const rank = (path: string) =>
    order.get(
      path
        .split('/')
        .at(-1)
        ?.replace(/\[\d+\]$/, '') ?? '',
    ) ?? Infinity;
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort(
    (x, y) => rank(x) - rank(y) || x.localeCompare(y),
  );
  const changes: FieldChange[] = [];
  for (const path of paths) {
    const was = a.get(path) ?? '';
    const now = b.get(path) ?? '';
    if (was === now) continue;
    const linkId =
      path
        .split('/')
        .at(-1)
        ?.replace(/\[\d+\]$/, '') ?? path;
    changes.push({ path, label: findItem(questionnaire, linkId)?.text ?? linkId, before: was, after: now });
  }
  return changes;
}

// ---- history --------------------------------------------------------------------------------------------------

export type HistoryEvent =
  | {
      readonly kind: 'signed' | 'amended' | 'co-signed';
      readonly when: string;
      readonly who: string;
      readonly version?: string;
      readonly reason?: string;
    }
  | { readonly kind: 'returned'; readonly when: string; readonly who: string; readonly comment: string }
  | { readonly kind: 'co-sign requested'; readonly when: string; readonly who: string };

/** The signing history of a note, oldest first, from its Provenances and the Tasks about it. */
export function noteHistory(
  noteId: string,
  provenances: readonly Provenance[],
  tasks: readonly Task[],
): HistoryEvent[] {
  const key = `QuestionnaireResponse/${noteId}`;
  const events: HistoryEvent[] = [];
  for (const p of provenances) {
    const target = (p.target ?? []).find((t) => referenceKey(t.reference) === key);
    const kind = target ? signatureKind(p) : undefined;
    if (!target || !kind) continue;
    const who = p.agent?.[0]?.who;
    events.push({
      kind: kind === 'cosign' ? 'co-signed' : kind === 'amend' ? 'amended' : 'signed',
      when: p.recorded,
      who: who?.display ?? who?.reference ?? 'unknown',
      ...(referenceVersion(target.reference) ? { version: referenceVersion(target.reference) } : {}),
      ...(p.reason?.[0]?.text ? { reason: p.reason[0].text } : {}),
    });
  }
  for (const t of tasks) {
    if (referenceKey(t.focus?.reference) !== key) continue;
    const when = t.authoredOn ?? t.lastModified ?? '';
    if (hasCoding(t.code, LOCAL_SYSTEM.task, REVISE_TASK_CODE)) {
      events.push({
        kind: 'returned',
        when,
        who: t.requester?.display ?? t.requester?.reference ?? 'unknown',
        comment: t.note?.[0]?.text ?? '',
      });
    } else if (hasCoding(t.code, LOCAL_SYSTEM.task, COSIGN_TASK_CODE)) {
      events.push({
        kind: 'co-sign requested',
        when,
        who: t.owner?.display ?? t.owner?.reference ?? 'unknown',
      });
    }
  }
  return events.sort((a, b) => a.when.localeCompare(b.when));
}

/** Words for a history event's kind (NOTE_ACTIVITY_DISPLAY for signatures). */
export const HISTORY_LABEL: Record<HistoryEvent['kind'], string> = {
  signed: NOTE_ACTIVITY_DISPLAY.sign,
  amended: NOTE_ACTIVITY_DISPLAY.amend,
  'co-signed': NOTE_ACTIVITY_DISPLAY.cosign,
  returned: 'Returned for revision',
  'co-sign requested': 'Co-signature requested',
};

// ---- copy forward ---------------------------------------------------------------------------------------------

/**
 * The answers a new note starts with, taken from the last SIGNED note of the same template: each item marked
 * copy-forward (RENDERING.copyForward) gives its answer to the item it names — the homework assigned last time
 * becomes "homework to review", personal diary-card targets stay. Nothing else is copied: no clinical content.
 */
export function copyForwardItems(
  questionnaire: Questionnaire,
  lastSigned: Pick<QuestionnaireResponse, 'item' | 'status'> | undefined,
): QuestionnaireResponseItem[] {
  if (!lastSigned || (lastSigned.status !== 'completed' && lastSigned.status !== 'amended')) return [];
  const out: QuestionnaireResponseItem[] = [];
  for (const { item } of questionnaireItems(questionnaire)) {
    const into = item.extension?.find((e) => e.url === RENDERING.copyForward)?.valueString;
    if (!into) continue;
    const sources = (function collect(
      items: readonly QuestionnaireResponseItem[] | undefined,
    ): QuestionnaireResponseItem[] {
      return (items ?? []).flatMap((i) => [...(i.linkId === item.linkId ? [i] : []), ...collect(i.item)]);
    })(lastSigned.item);
    for (const source of sources) {
      if (!source.answer?.length && !source.item?.length) continue;
      out.push({ ...structuredClone(source), linkId: into });
    }
  }
  return out;
}

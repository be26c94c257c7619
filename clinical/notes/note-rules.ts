import type {
  Extension,
  Observation,
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireItemEnableWhen,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
} from '@medplum/fhirtypes';

import { derivedId } from '../derived/derived-codes';
import { RENDERING } from '../templates/questionnaire-builder';
import { CPT_MINUTES, type SessionCpt } from '../templates/session-frame';
import { SDC_OBSERVATION_EXTRACT, SUD_SECURITY_LABELS, SYSTEM, WAYPOINT_BASE } from '../terminology';
import {
  answersOf,
  type AnswerValue,
  answerValue,
  firstValue,
  isAnswered,
  questionnaireItems,
  responseItems,
} from './response-items';

/**
 * What a note must hold before it is signed, and what it yields when signed (docs/notes.md):
 * - required items answered (where enabled), integers within minValue/maxValue, repeats within maxOccurs, the
 *   end time after the start time and the face-to-face minutes within the CPT code's range;
 * - the computed (aggregate) items of the template filled in;
 * - one Observation per item marked for SDC observation-based extraction, linked to the note.
 */

const MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
const MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';
const MAX_OCCURS = 'http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs';

export interface NoteProblem {
  readonly linkId: string;
  /** The item's label, for the message and the field it points at. */
  readonly label: string;
  readonly message: string;
}

function ext(item: QuestionnaireItem, url: string): Extension | undefined {
  return item.extension?.find((e) => e.url === url);
}

// ---- enableWhen (R4 §Questionnaire.item.enableWhen) ----------------------------------------------------------

function compare(
  actual: AnswerValue,
  operator: QuestionnaireItemEnableWhen['operator'],
  expected: AnswerValue,
) {
  switch (operator) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '>':
      return actual > expected;
    case '<':
      return actual < expected;
    case '>=':
      return actual >= expected;
    case '<=':
      return actual <= expected;
    default:
      return false;
  }
}

function expectedValue(condition: QuestionnaireItemEnableWhen): AnswerValue | undefined {
  return (
    condition.answerBoolean ??
    condition.answerDecimal ??
    condition.answerInteger ??
    condition.answerDate ??
    condition.answerDateTime ??
    condition.answerTime ??
    condition.answerString ??
    condition.answerCoding?.code ??
    condition.answerReference?.reference ??
    condition.answerQuantity?.value
  );
}

/** Whether an item is enabled by its enableWhen conditions (all, or any with enableBehavior any). */
export function isEnabled(item: QuestionnaireItem, response: Pick<QuestionnaireResponse, 'item'>): boolean {
  const conditions = item.enableWhen ?? [];
  if (conditions.length === 0) return true;
  const results = conditions.map((condition) => {
    const answers = answersOf(response, condition.question)
      .map(answerValue)
      .filter((v) => v !== undefined);
    if (condition.operator === 'exists') return answers.length > 0 === (condition.answerBoolean ?? true);
    const expected = expectedValue(condition);
    return expected !== undefined && answers.some((a) => compare(a, condition.operator, expected));
  });
  return item.enableBehavior === 'any' ? results.some(Boolean) : results.every(Boolean);
}

// ---- validation -----------------------------------------------------------------------------------------------

/** Minutes between two FHIR times ("09:00:00"), or undefined. */
export function minutesBetween(start: string | undefined, end: string | undefined): number | undefined {
  const toMinutes = (t: string | undefined) => {
    const m = t ? /^(\d{2}):(\d{2})/.exec(t) : null;
    return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
  };
  const a = toMinutes(start);
  const b = toMinutes(end);
  return a === undefined || b === undefined ? undefined : b - a;
}

/**
 * The CPT duration check: a time-based psychotherapy code needs its face-to-face minutes
 * (session-frame.ts CPT_MINUTES). Undefined when the minutes fit (or the code has no time rule).
 */
export function cptDurationProblem(cpt: string | undefined, minutes: number | undefined): string | undefined {
  if (!cpt || minutes === undefined || !(cpt in CPT_MINUTES)) return undefined;
  const range = CPT_MINUTES[cpt as SessionCpt];
  if (!range) return undefined;
  if (minutes < range.min || (range.max !== undefined && minutes > range.max)) {
    const span = range.max !== undefined ? `${range.min}–${range.max}` : `${range.min} or more`;
    return `CPT ${cpt} needs ${span} face-to-face minutes; this session has ${minutes}.`;
  }
  return undefined;
}

/** Everything that stops a note from being signed. An empty list means it may be signed. */
export function validateNote(questionnaire: Questionnaire, response: QuestionnaireResponse): NoteProblem[] {
  const problems: NoteProblem[] = [];
  for (const { item, parents } of questionnaireItems(questionnaire)) {
    if (item.type === 'display' || ext(item, RENDERING.aggregate)) continue;
    // Disabled items (or items in a disabled group) are not asked.
    if (![...parents, item].every((x) => isEnabled(x, response))) continue;
    const parentRepeats = parents.some((p) => p.repeats);
    const found = responseItems(response, item.linkId);
    const label = item.text ?? item.linkId;
    if (item.required && !parentRepeats && !found.some(isAnswered)) {
      problems.push({ linkId: item.linkId, label, message: `${label} is required.` });
    }
    if (item.required && parentRepeats) {
      // Inside a repeating group: each repetition that has any answer must answer its required items.
      const parent = parents.at(-1);
      for (const repetition of parent ? responseItems(response, parent.linkId) : []) {
        if (isAnswered(repetition) && !responseItems(repetition, item.linkId).some(isAnswered)) {
          problems.push({
            linkId: item.linkId,
            label,
            message: `${label} is required in every ${parent?.text ?? 'entry'}.`,
          });
          break;
        }
      }
    }
    const min = ext(item, MIN_VALUE)?.valueInteger;
    const max = ext(item, MAX_VALUE)?.valueInteger;
    for (const answer of found.flatMap((f) => f.answer ?? [])) {
      const value = answer.valueInteger ?? answer.valueDecimal;
      if (value === undefined) continue;
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        problems.push({ linkId: item.linkId, label, message: `${label} must be between ${min} and ${max}.` });
        break;
      }
    }
    const maxRepeats = ext(item, MAX_OCCURS)?.valueInteger;
    if (maxRepeats !== undefined && found.length > maxRepeats) {
      problems.push({ linkId: item.linkId, label, message: `${label}: at most ${maxRepeats}.` });
    }
  }
  const start = firstValue(response, 'session.start');
  const end = firstValue(response, 'session.end');
  const span = minutesBetween(start as string | undefined, end as string | undefined);
  if (span !== undefined && span <= 0) {
    problems.push({
      linkId: 'session.end',
      label: 'End time',
      message: 'The end time must be after the start time.',
    });
  }
  const minutes = firstValue(response, 'session.duration');
  const cpt = answersOf(response, 'session.cpt')[0]?.valueCoding?.code;
  const cptProblem = cptDurationProblem(cpt, typeof minutes === 'number' ? minutes : undefined);
  if (cptProblem) problems.push({ linkId: 'session.cpt', label: 'CPT code', message: cptProblem });
  return problems;
}

// ---- computed items (RENDERING.aggregate) ---------------------------------------------------------------------

/** The value of an aggregate item: `max` of the source's integers, or `days-with-answer` (days, i.e. repetitions
 * of the enclosing repeating group, with an answer starting with `prefix`). */
export function aggregateValue(
  item: QuestionnaireItem,
  response: Pick<QuestionnaireResponse, 'item'>,
): number | undefined {
  const spec = ext(item, RENDERING.aggregate)?.extension ?? [];
  const op = spec.find((e) => e.url === 'op')?.valueCode;
  const source = spec.find((e) => e.url === 'source')?.valueString;
  const prefix = spec.find((e) => e.url === 'prefix')?.valueString ?? '';
  if (!source) return undefined;
  const sourceItems = responseItems(response, source);
  if (op === 'max') {
    const values = sourceItems
      .flatMap((i) => i.answer ?? [])
      .map((a) => a.valueInteger)
      .filter((v) => v !== undefined);
    return values.length > 0 ? Math.max(...values) : undefined;
  }
  if (op === 'days-with-answer') {
    return sourceItems.filter((i) =>
      (i.answer ?? []).some((a) => String(answerValue(a) ?? '').startsWith(prefix)),
    ).length;
  }
  return undefined;
}

/** The response with every aggregate item set to its computed value (placed at the top level of its group). */
export function withAggregates(
  questionnaire: Questionnaire,
  response: QuestionnaireResponse,
): QuestionnaireResponse {
  const computed = new Map<string, number | undefined>();
  for (const { item } of questionnaireItems(questionnaire)) {
    if (ext(item, RENDERING.aggregate)) computed.set(item.linkId, aggregateValue(item, response));
  }
  if (computed.size === 0) return response;
  const rewrite = (
    qItems: readonly QuestionnaireItem[],
    rItems: readonly QuestionnaireResponseItem[] | undefined,
  ) => {
    const out: QuestionnaireResponseItem[] = [];
    for (const q of qItems) {
      if (computed.has(q.linkId)) {
        const value = computed.get(q.linkId);
        if (value !== undefined)
          out.push({ linkId: q.linkId, text: q.text, answer: [{ valueInteger: value }] });
        continue;
      }
      for (const r of (rItems ?? []).filter((x) => x.linkId === q.linkId)) {
        out.push(q.type === 'group' && q.item ? { ...r, item: rewrite(q.item, r.item) } : r);
      }
    }
    return out;
  };
  return { ...response, item: rewrite(questionnaire.item ?? [], response.item) };
}

// ---- extraction (SDC observation-based extraction) -------------------------------------------------------------

export const EXTRACT_IDENTIFIER_SYSTEM = `${WAYPOINT_BASE}/note-extract`;

/** The identifier value of the Observation extracted from a note's item code: the same for every version. */
export function extractIdentifier(noteId: string, code: string): string {
  return `extract.${noteId}.${code}`;
}

export interface ExtractionContext {
  /** The note's id (the Observations are linked to it and named after it). */
  readonly noteId: string;
  /** When the facts were observed: the session's date and start time, else the note's authored time. */
  readonly effective: string;
}

/**
 * The instant a note's facts refer to: the service date and start time, read in the clinic's time zone
 * (`utcOffset`, e.g. "-05:00", the offset on that date), else the service date alone, else the authored time.
 */
export function noteEffectiveTime(response: QuestionnaireResponse, utcOffset: string): string | undefined {
  const date = firstValue(response, 'session.date');
  const start = firstValue(response, 'session.start');
  if (typeof date === 'string' && typeof start === 'string') {
    return `${date}T${start.length === 5 ? `${start}:00` : start}${utcOffset}`;
  }
  if (typeof date === 'string') return date;
  return response.authored;
}

/**
 * One Observation per extractable item with an integer answer (SDC `sdc-questionnaire-observationExtract` +
 * item.code): survey category, the item's code, the patient and encounter of the note, `derivedFrom` the note,
 * an identifier per (note, code) — so amending a note replaces its Observations instead of adding to them — and
 * the note's 42 CFR Part 2 labels. Aggregates are computed first.
 */
export function extractObservations(
  questionnaire: Questionnaire,
  response: QuestionnaireResponse,
  context: ExtractionContext,
): Observation[] {
  const complete = withAggregates(questionnaire, response);
  const out: Observation[] = [];
  for (const { item } of questionnaireItems(questionnaire)) {
    if (!item.code?.length || !ext(item, SDC_OBSERVATION_EXTRACT)?.valueBoolean) continue;
    const [answer] = answersOf(complete, item.linkId);
    const value = answer?.valueInteger;
    if (value === undefined) continue;
    const code = item.code[0];
    const identifier = extractIdentifier(context.noteId, code?.code ?? item.linkId);
    out.push({
      resourceType: 'Observation',
      id: derivedId(identifier),
      meta: { security: SUD_SECURITY_LABELS.map(({ system, code: c }) => ({ system, code: c })) },
      identifier: [{ system: EXTRACT_IDENTIFIER_SYSTEM, value: identifier }],
      status: 'final',
      category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'survey' }] }],
      code: { coding: item.code.map((c) => ({ ...c })), text: item.text },
      ...(response.subject ? { subject: response.subject as Observation['subject'] } : {}),
      ...(response.encounter ? { encounter: response.encounter } : {}),
      effectiveDateTime: context.effective,
      valueInteger: value,
      derivedFrom: [{ reference: `QuestionnaireResponse/${context.noteId}` }],
    });
  }
  return out;
}

/**
 * Small, typed constructors for the clinic's Questionnaires. Templates are plain FHIR data; these
 * helpers only keep the repetitive parts (extensions, answer options, codings) spelled once.
 */
import type {
  Coding,
  Extension,
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireItemAnswerOption,
} from '@medplum/fhirtypes';

import { LOCAL_SYSTEM, type NoteTemplate, SDC_OBSERVATION_EXTRACT, WAYPOINT_BASE } from '../terminology';

/** Version of every Waypoint-authored definition; bump when a template's content changes. */
export const DEFINITIONS_VERSION = '1.0.0';

/** Publication date of {@link DEFINITIONS_VERSION} (fixed: definitions must be byte-stable). */
export const DEFINITIONS_DATE = '2026-11-01';

export const PUBLISHER = 'Waypoint (synthetic demo clinic)';

/** The metadata elements of a Waypoint-authored CodeSystem or ValueSet, in their element order. */
export function definitionMetadata(name: string, title: string, description: string) {
  return {
    version: DEFINITIONS_VERSION,
    name,
    title,
    status: 'active',
    experimental: false,
    date: DEFINITIONS_DATE,
    publisher: PUBLISHER,
    description,
  } as const;
}

const MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
const MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';
const ORDINAL_VALUE = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';
const ITEM_CONTROL = 'http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl';
const CALCULATED_EXPRESSION =
  'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression';
const SDC_QUESTIONNAIRE_PROFILE = 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire';

/** Marks an item (or, on the Questionnaire, every coded item) for SDC observation-based extraction. */
export const OBSERVATION_EXTRACT: Extension = { url: SDC_OBSERVATION_EXTRACT, valueBoolean: true };

type ItemOptions = Partial<Omit<QuestionnaireItem, 'linkId' | 'text' | 'type'>>;

export function group(linkId: string, text: string, items: QuestionnaireItem[], extra?: ItemOptions) {
  return { linkId, text, type: 'group', item: items, ...extra } satisfies QuestionnaireItem;
}

export function text(linkId: string, label: string, extra?: ItemOptions): QuestionnaireItem {
  return { linkId, text: label, type: 'text', ...extra };
}

export function str(linkId: string, label: string, extra?: ItemOptions): QuestionnaireItem {
  return { linkId, text: label, type: 'string', ...extra };
}

export function bool(linkId: string, label: string, extra?: ItemOptions): QuestionnaireItem {
  return { linkId, text: label, type: 'boolean', ...extra };
}

export function display(linkId: string, label: string): QuestionnaireItem {
  return { linkId, text: label, type: 'display' };
}

/** Integer item bounded by SDC minValue/maxValue. */
export function int(linkId: string, label: string, min: number, max: number, extra?: ItemOptions) {
  const item: QuestionnaireItem = {
    linkId,
    text: label,
    type: 'integer',
    ...extra,
    extension: [
      ...(extra?.extension ?? []),
      { url: MIN_VALUE, valueInteger: min },
      { url: MAX_VALUE, valueInteger: max },
    ],
  };
  return item;
}

/** Choice item whose options are plain strings (note-taking vocabulary, not coded data). */
export function stringChoice(linkId: string, label: string, options: readonly string[], extra?: ItemOptions) {
  return {
    linkId,
    text: label,
    type: 'choice',
    answerOption: options.map((valueString) => ({ valueString })),
    ...extra,
  } satisfies QuestionnaireItem;
}

/** Choice item with coded options carrying an SDC ordinalValue (the score of the answer). */
export function scoredChoice(
  linkId: string,
  label: string,
  options: readonly (Coding & { score: number })[],
  extra?: ItemOptions,
): QuestionnaireItem {
  const answerOption: QuestionnaireItemAnswerOption[] = options.map(({ score, ...coding }) => ({
    valueCoding: coding,
    extension: [{ url: ORDINAL_VALUE, valueDecimal: score }],
  }));
  return { linkId, text: label, type: 'choice', answerOption, ...extra };
}

export function codingChoice(
  linkId: string,
  label: string,
  options: readonly Coding[],
  extra?: ItemOptions,
): QuestionnaireItem {
  return {
    linkId,
    text: label,
    type: 'choice',
    answerOption: options.map((valueCoding) => ({ valueCoding })),
    ...extra,
  };
}

/** A coded item extracted to an Observation (SDC observationExtract + item.code). */
export function extracted(item: QuestionnaireItem, code: Coding): QuestionnaireItem {
  return {
    ...item,
    code: [code],
    extension: [...(item.extension ?? []), OBSERVATION_EXTRACT],
  };
}

/** A read-only item computed from other answers with a FHIRPath expression (SDC calculatedExpression). */
export function calculated(
  item: QuestionnaireItem,
  expression: string,
  description: string,
): QuestionnaireItem {
  return {
    ...item,
    readOnly: true,
    extension: [
      ...(item.extension ?? []),
      { url: CALCULATED_EXPRESSION, valueExpression: { language: 'text/fhirpath', expression, description } },
    ],
  };
}

/** Item control hint (slider, check-box, radio-button, drop-down …). */
export function control(item: QuestionnaireItem, code: string): QuestionnaireItem {
  return {
    ...item,
    extension: [
      ...(item.extension ?? []),
      {
        url: ITEM_CONTROL,
        valueCodeableConcept: {
          coding: [{ system: 'http://hl7.org/fhir/questionnaire-item-control', code }],
        },
      },
    ],
  };
}

export function date(linkId: string, label: string, extra?: ItemOptions): QuestionnaireItem {
  return { linkId, text: label, type: 'date', ...extra };
}

export function time(linkId: string, label: string, extra?: ItemOptions): QuestionnaireItem {
  return { linkId, text: label, type: 'time', ...extra };
}

/** A reference answer restricted to one resource type (core questionnaire-referenceResource). */
export function reference(linkId: string, label: string, resourceType: string, extra?: ItemOptions) {
  return {
    linkId,
    text: label,
    type: 'reference',
    ...extra,
    extension: [
      ...(extra?.extension ?? []),
      {
        url: 'http://hl7.org/fhir/StructureDefinition/questionnaire-referenceResource',
        valueCode: resourceType,
      },
    ],
  } satisfies QuestionnaireItem;
}

/** At most `max` repetitions of a repeating item (core questionnaire-maxOccurs). */
export function maxOccurs(item: QuestionnaireItem, max: number): QuestionnaireItem {
  return {
    ...item,
    repeats: true,
    extension: [
      ...(item.extension ?? []),
      { url: 'http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs', valueInteger: max },
    ],
  };
}

/**
 * Waypoint rendering hints (docs/notes.md lists them): how a group is laid out, and which named method block
 * a group is (rendered as a region landmark named by the group's text).
 */
export const RENDERING = {
  /** valueCode: `columns` (side by side, e.g. the 7-column thought record), `week-grid` (a repeating day group
   * as a table, days across), `chain` (an ordered, reorderable list), `letters` (A–F sections). */
  layout: `${WAYPOINT_BASE}/StructureDefinition/rendering-layout`,
  /** valueCode: the method block (thought-record, behavioral-experiment, exposure, diary-card, chain-analysis,
   * abcde). */
  block: `${WAYPOINT_BASE}/StructureDefinition/note-block`,
  /** A read-only item computed from other answers: sub-extensions `op` (valueCode max | days-with-answer),
   * `source` (valueString: linkId of the answered item), `prefix` (valueString: only answers starting so). */
  aggregate: `${WAYPOINT_BASE}/StructureDefinition/aggregate`,
  /**
   * valueString: a new note of the same template starts with this item's answer from the last signed note, put
   * into the item with this linkId (the item itself when it is its own linkId) — homework becomes "homework to
   * review", personal diary-card targets stay. Never clinical content.
   */
  copyForward: `${WAYPOINT_BASE}/StructureDefinition/copy-forward`,
  /** core: hidden item. */
  hidden: 'http://hl7.org/fhir/StructureDefinition/questionnaire-hidden',
} as const;

export function layout(item: QuestionnaireItem, code: 'columns' | 'week-grid' | 'chain' | 'letters') {
  return { ...item, extension: [...(item.extension ?? []), { url: RENDERING.layout, valueCode: code }] };
}

export function block(item: QuestionnaireItem, code: string): QuestionnaireItem {
  return { ...item, extension: [...(item.extension ?? []), { url: RENDERING.block, valueCode: code }] };
}

export function copyForward(item: QuestionnaireItem, into: string = item.linkId): QuestionnaireItem {
  return {
    ...item,
    extension: [...(item.extension ?? []), { url: RENDERING.copyForward, valueString: into }],
  };
}

/** A hidden, read-only integer computed from other answers (see RENDERING.aggregate). */
export function aggregate(
  linkId: string,
  label: string,
  op: 'max' | 'days-with-answer',
  source: string,
  prefix?: string,
): QuestionnaireItem {
  return {
    linkId,
    text: label,
    type: 'integer',
    readOnly: true,
    extension: [
      { url: RENDERING.hidden, valueBoolean: true },
      {
        url: RENDERING.aggregate,
        extension: [
          { url: 'op', valueCode: op },
          { url: 'source', valueString: source },
          ...(prefix !== undefined ? [{ url: 'prefix', valueString: prefix }] : []),
        ],
      },
    ],
  };
}

export function localMeasure(code: string, display: string): Coding {
  return { system: LOCAL_SYSTEM.measure, code, display };
}

export interface QuestionnaireHeader {
  /** Stable resource id (definitions are loaded by canonical URL; the id only keeps references short). */
  readonly id: string;
  readonly url: string;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly code?: Coding[];
  /** Note templates carry their identity in Questionnaire.code too. */
  readonly template?: NoteTemplate;
  readonly copyright?: string;
}

export function questionnaire(header: QuestionnaireHeader, items: QuestionnaireItem[]): Questionnaire {
  const code: Coding[] = [...(header.code ?? [])];
  if (header.template) {
    code.push({ system: LOCAL_SYSTEM.noteTemplate, code: header.template });
  }
  return {
    resourceType: 'Questionnaire',
    id: header.id,
    meta: { profile: [SDC_QUESTIONNAIRE_PROFILE] },
    url: header.url,
    identifier: [{ system: `${WAYPOINT_BASE}/questionnaire`, value: header.name }],
    version: DEFINITIONS_VERSION,
    name: header.name,
    title: header.title,
    status: 'active',
    experimental: false,
    subjectType: ['Patient'],
    date: DEFINITIONS_DATE,
    publisher: PUBLISHER,
    description: header.description,
    ...(header.copyright ? { copyright: header.copyright } : {}),
    ...(code.length > 0 ? { code } : {}),
    item: items,
  };
}

import type { QuestionnaireItem, QuestionnaireItemAnswerOption } from '@medplum/fhirtypes';

import { RENDERING } from '../../../../../clinical/templates/questionnaire-builder';

/**
 * What the renderer reads from a Questionnaire item: core extensions (itemControl, minValue/maxValue, maxOccurs,
 * hidden, referenceResource) and Waypoint's rendering hints (docs/notes.md).
 */

const ITEM_CONTROL = 'http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl';
const MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
const MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';
const MAX_OCCURS = 'http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs';

export type Layout = 'columns' | 'week-grid' | 'chain' | 'letters';

const ext = (item: QuestionnaireItem, url: string) => item.extension?.find((e) => e.url === url);

export function itemControl(item: QuestionnaireItem): string | undefined {
  return ext(item, ITEM_CONTROL)?.valueCodeableConcept?.coding?.[0]?.code;
}

export function minValue(item: QuestionnaireItem): number | undefined {
  return ext(item, MIN_VALUE)?.valueInteger;
}

export function maxValue(item: QuestionnaireItem): number | undefined {
  return ext(item, MAX_VALUE)?.valueInteger;
}

export function maxOccurs(item: QuestionnaireItem): number | undefined {
  return ext(item, MAX_OCCURS)?.valueInteger;
}

export function isHidden(item: QuestionnaireItem): boolean {
  return ext(item, RENDERING.hidden)?.valueBoolean === true;
}

export function isAggregate(item: QuestionnaireItem): boolean {
  return ext(item, RENDERING.aggregate) !== undefined;
}

export function layoutOf(item: QuestionnaireItem): Layout | undefined {
  const code = ext(item, RENDERING.layout)?.valueCode;
  return code === 'columns' || code === 'week-grid' || code === 'chain' || code === 'letters'
    ? code
    : undefined;
}

/** The method block code (thought-record, diary-card …) when this group is one. */
export function blockOf(item: QuestionnaireItem): string | undefined {
  return ext(item, RENDERING.block)?.valueCode;
}

/** How a choice is asked: check boxes for repeats (or the check-box control), radio buttons, or a drop-down. */
export function choiceControl(item: QuestionnaireItem): 'check-box' | 'radio-button' | 'drop-down' {
  const control = itemControl(item);
  if (item.repeats || control === 'check-box') return 'check-box';
  if (control === 'radio-button' || control === 'drop-down') return control;
  return (item.answerOption?.length ?? 0) <= 4 ? 'radio-button' : 'drop-down';
}

/** Words for an answer option (a Coding's display with its code, or the string). */
export function optionLabel(option: QuestionnaireItemAnswerOption): string {
  if (option.valueCoding) {
    const { code, display } = option.valueCoding;
    return display && code ? `${code} — ${display}` : (display ?? code ?? '');
  }
  return option.valueString ?? String(option.valueInteger ?? option.valueDate ?? option.valueTime ?? '');
}

/** A key to compare an option with an answer. */
export function optionKey(option: {
  readonly valueCoding?: { readonly system?: string; readonly code?: string };
  readonly valueString?: string;
  readonly valueInteger?: number;
}): string {
  if (option.valueCoding) return `${option.valueCoding.system ?? ''}|${option.valueCoding.code ?? ''}`;
  return option.valueString ?? String(option.valueInteger ?? '');
}

/** "A — Activating event" → "A": the letter of a lettered section (the `letters` layout). */
export function sectionLetter(text: string | undefined): string | undefined {
  return /^([A-Z])\s+—\s+/.exec(text ?? '')?.[1];
}

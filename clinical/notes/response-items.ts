import type {
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';

/**
 * Reading and writing QuestionnaireResponse answers by linkId. A response mirrors its Questionnaire: a group's
 * answers sit in `item`, a repeating group repeats its response item, a question's answers are in `answer`
 * (and a question's nested items under each answer, which Waypoint's templates do not use).
 */

/** Every Questionnaire item, depth first, with its parent chain. */
export function questionnaireItems(
  questionnaire: Pick<Questionnaire, 'item'>,
): { readonly item: QuestionnaireItem; readonly parents: readonly QuestionnaireItem[] }[] {
  const out: { item: QuestionnaireItem; parents: QuestionnaireItem[] }[] = [];
  const walk = (items: readonly QuestionnaireItem[] | undefined, parents: QuestionnaireItem[]): void => {
    for (const item of items ?? []) {
      out.push({ item, parents });
      walk(item.item, [...parents, item]);
    }
  };
  walk(questionnaire.item, []);
  return out;
}

/** The Questionnaire item with this linkId. */
export function findItem(
  questionnaire: Pick<Questionnaire, 'item'>,
  linkId: string,
): QuestionnaireItem | undefined {
  return questionnaireItems(questionnaire).find((x) => x.item.linkId === linkId)?.item;
}

/** Every response item with this linkId, at any depth (a repeating group gives one per repetition). */
export function responseItems(
  response: Pick<QuestionnaireResponse, 'item'> | QuestionnaireResponseItem,
  linkId: string,
): QuestionnaireResponseItem[] {
  const out: QuestionnaireResponseItem[] = [];
  const walk = (items: readonly QuestionnaireResponseItem[] | undefined): void => {
    for (const item of items ?? []) {
      if (item.linkId === linkId) out.push(item);
      walk(item.item);
      for (const answer of item.answer ?? []) walk(answer.item);
    }
  };
  walk(response.item);
  return out;
}

/** Every answer given to the item with this linkId, in document order. */
export function answersOf(
  response: Pick<QuestionnaireResponse, 'item'> | QuestionnaireResponseItem,
  linkId: string,
): QuestionnaireResponseItemAnswer[] {
  return responseItems(response, linkId).flatMap((item) => item.answer ?? []);
}

export type AnswerValue = string | number | boolean;

/** The primitive value of an answer (a Coding's code or display, a Reference's reference). */
export function answerValue(answer: QuestionnaireResponseItemAnswer): AnswerValue | undefined {
  return (
    answer.valueString ??
    answer.valueInteger ??
    answer.valueDecimal ??
    answer.valueBoolean ??
    answer.valueDate ??
    answer.valueDateTime ??
    answer.valueTime ??
    answer.valueUri ??
    answer.valueCoding?.code ??
    answer.valueCoding?.display ??
    answer.valueReference?.reference ??
    answer.valueQuantity?.value
  );
}

/** The first answer's value, or undefined. */
export function firstValue(
  response: Pick<QuestionnaireResponse, 'item'> | QuestionnaireResponseItem,
  linkId: string,
): AnswerValue | undefined {
  const [answer] = answersOf(response, linkId);
  return answer ? answerValue(answer) : undefined;
}

/** Words for an answer, as a person reads it (a Coding's display first). */
export function answerText(answer: QuestionnaireResponseItemAnswer): string {
  if (answer.valueCoding) return answer.valueCoding.display ?? answer.valueCoding.code ?? '';
  if (answer.valueReference) return answer.valueReference.display ?? answer.valueReference.reference ?? '';
  if (answer.valueBoolean !== undefined) return answer.valueBoolean ? 'Yes' : 'No';
  const value = answerValue(answer);
  return value === undefined ? '' : String(value);
}

/** Whether an item holds a real answer (an empty string or a group without answers does not count). */
export function isAnswered(item: QuestionnaireResponseItem): boolean {
  const direct = (item.answer ?? []).some((a) => {
    const value = answerValue(a);
    return value !== undefined && !(typeof value === 'string' && value.trim() === '');
  });
  return direct || (item.item ?? []).some(isAnswered);
}

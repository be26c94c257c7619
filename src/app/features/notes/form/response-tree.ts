import type {
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireResponseItem,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';

/**
 * A QuestionnaireResponse's item tree edited in place of a form model: every control has a path (linkId and
 * repetition, from the top), reads its answers there and writes them back with an immutable update. Missing
 * items are created on the way, in the Questionnaire's order, so the response always mirrors its Questionnaire.
 * A repetition that does not exist yet reads as empty (the form shows one empty repetition of every repeating
 * group), and writing into it creates it.
 */

export interface Step {
  readonly linkId: string;
  /** Which repetition among the siblings with this linkId (0 for an item that does not repeat). */
  readonly index: number;
}

export type ItemPath = readonly Step[];

export type Items = readonly QuestionnaireResponseItem[];

/** `tr.mood[1]/tr.mood.rating`: a stable string for ids and lookups. */
export function pathKey(path: ItemPath): string {
  return path.map((s) => `${s.linkId}[${s.index}]`).join('/');
}

export function child(path: ItemPath, linkId: string, index = 0): ItemPath {
  return [...path, { linkId, index }];
}

/** The repetitions of `linkId` among `items`. */
export function instancesOf(items: Items | undefined, linkId: string): QuestionnaireResponseItem[] {
  return (items ?? []).filter((i) => i.linkId === linkId);
}

/** The item at a path, or undefined when it does not exist (yet). */
export function itemAt(items: Items | undefined, path: ItemPath): QuestionnaireResponseItem | undefined {
  let level = items;
  let found: QuestionnaireResponseItem | undefined;
  for (const step of path) {
    found = instancesOf(level, step.linkId)[step.index];
    if (!found) return undefined;
    level = found.item;
  }
  return found;
}

/** The children of the item at `path` (the top level for an empty path). */
export function childrenAt(items: Items | undefined, path: ItemPath): Items {
  if (path.length === 0) return items ?? [];
  return itemAt(items, path)?.item ?? [];
}

export function answersAt(items: Items | undefined, path: ItemPath): QuestionnaireResponseItemAnswer[] {
  return itemAt(items, path)?.answer ?? [];
}

type Container = Pick<Questionnaire, 'item'> | QuestionnaireItem;

/** The Questionnaire item children of the container at `path` (by linkId only: repetitions share them). */
function questionnaireChildren(questionnaire: Container, path: ItemPath): readonly QuestionnaireItem[] {
  let container: Container | undefined = questionnaire;
  for (const step of path) {
    container = container?.item?.find((i) => i.linkId === step.linkId);
  }
  return container?.item ?? [];
}

function order(siblings: readonly QuestionnaireItem[], linkId: string): number {
  const i = siblings.findIndex((s) => s.linkId === linkId);
  return i === -1 ? Number.MAX_SAFE_INTEGER : i;
}

function emptyItem(definition: QuestionnaireItem | undefined, linkId: string): QuestionnaireResponseItem {
  return { linkId, ...(definition?.text ? { text: definition.text } : {}) };
}

/**
 * `items` with repetition `step.index` of `step.linkId` replaced by `update(current)`: missing repetitions up to
 * it are created empty, new linkIds are placed in the Questionnaire's order.
 */
function replaceAt(
  items: Items,
  siblings: readonly QuestionnaireItem[],
  step: Step,
  update: (current: QuestionnaireResponseItem) => QuestionnaireResponseItem,
): QuestionnaireResponseItem[] {
  const definition = siblings.find((s) => s.linkId === step.linkId);
  const out = [...items];
  const positions = out.flatMap((item, i) => (item.linkId === step.linkId ? [i] : []));
  while (positions.length <= step.index) {
    // Insert after the last repetition, else before the first later sibling in Questionnaire order.
    const last = positions.at(-1);
    let at: number;
    if (last !== undefined) {
      at = last + 1;
    } else {
      const rank = order(siblings, step.linkId);
      const later = out.findIndex((item) => order(siblings, item.linkId) > rank);
      at = later === -1 ? out.length : later;
    }
    out.splice(at, 0, emptyItem(definition, step.linkId));
    positions.push(at);
  }
  const target = positions[step.index] ?? 0;
  out[target] = update(out[target] ?? emptyItem(definition, step.linkId));
  return out;
}

function updateAt(
  questionnaire: Container,
  items: Items,
  path: ItemPath,
  update: (current: QuestionnaireResponseItem) => QuestionnaireResponseItem,
): QuestionnaireResponseItem[] {
  const [first, ...rest] = path;
  if (!first) return [...items];
  const siblings = questionnaireChildren(questionnaire, []);
  return replaceAt(items, siblings, first, (current) => {
    if (rest.length === 0) return update(current);
    const definition = siblings.find((s) => s.linkId === first.linkId);
    const inner = updateAt(definition ?? { item: [] }, current.item ?? [], rest, update);
    return withChildren(current, inner);
  });
}

function withChildren(item: QuestionnaireResponseItem, children: Items): QuestionnaireResponseItem {
  const { item: _old, ...rest } = item;
  return children.length > 0 ? { ...rest, item: [...children] } : rest;
}

/** Sets (or, with an empty list, clears) the answers of the question at `path`. */
export function setAnswers(
  questionnaire: Pick<Questionnaire, 'item'>,
  items: Items,
  path: ItemPath,
  answers: readonly QuestionnaireResponseItemAnswer[],
): QuestionnaireResponseItem[] {
  return updateAt(questionnaire, items, path, (current) => {
    const { answer: _old, ...rest } = current;
    return answers.length > 0 ? { ...rest, answer: answers.map((a) => ({ ...a })) } : rest;
  });
}

/** Makes sure `count` repetitions of the group at `path` (its last step's linkId) exist. */
export function ensureRepetitions(
  questionnaire: Pick<Questionnaire, 'item'>,
  items: Items,
  path: ItemPath,
  count: number,
): QuestionnaireResponseItem[] {
  const last = path.at(-1);
  if (!last || count <= 0) return [...items];
  return updateAt(
    questionnaire,
    items,
    [...path.slice(0, -1), { linkId: last.linkId, index: count - 1 }],
    (c) => c,
  );
}

/** Changes the children of the container at `parent` (the top level for an empty path). */
function updateChildren(
  questionnaire: Pick<Questionnaire, 'item'>,
  items: Items,
  parent: ItemPath,
  update: (children: Items) => Items,
): QuestionnaireResponseItem[] {
  if (parent.length === 0) return [...update(items)];
  if (!itemAt(items, parent)) return [...items];
  return updateAt(questionnaire, items, parent, (current) =>
    withChildren(current, update(current.item ?? [])),
  );
}

/** Removes the repetition at `path`. */
export function removeRepetition(
  questionnaire: Pick<Questionnaire, 'item'>,
  items: Items,
  path: ItemPath,
): QuestionnaireResponseItem[] {
  const last = path.at(-1);
  if (!last) return [...items];
  return updateChildren(questionnaire, items, path.slice(0, -1), (children) => {
    let seen = -1;
    return children.filter((c) => c.linkId !== last.linkId || ++seen !== last.index);
  });
}

/** Swaps the repetition at `path` with its neighbour `delta` (−1 up, +1 down) places away. */
export function moveRepetition(
  questionnaire: Pick<Questionnaire, 'item'>,
  items: Items,
  path: ItemPath,
  delta: -1 | 1,
): QuestionnaireResponseItem[] {
  const last = path.at(-1);
  if (!last) return [...items];
  return updateChildren(questionnaire, items, path.slice(0, -1), (children) => {
    const positions = children.flatMap((c, i) => (c.linkId === last.linkId ? [i] : []));
    const from = positions[last.index];
    const to = positions[last.index + delta];
    if (from === undefined || to === undefined) return children;
    const out = [...children];
    [out[from], out[to]] = [out[to] as QuestionnaireResponseItem, out[from] as QuestionnaireResponseItem];
    return out;
  });
}

function isEmpty(item: QuestionnaireResponseItem): boolean {
  return !item.answer?.length && !item.item?.length;
}

/**
 * The items as they are stored: empty items dropped where that shifts no repetition (a trailing empty repetition,
 * an empty item that does not repeat), so a day left blank in the middle of a week keeps its place.
 */
export function compactItems(items: Items | undefined): QuestionnaireResponseItem[] {
  const inner = (items ?? []).map((item) => {
    if (!item.item) return item;
    return withChildren(item, compactItems(item.item));
  });
  const out: QuestionnaireResponseItem[] = [];
  for (let i = 0; i < inner.length; i++) {
    const item = inner[i] as QuestionnaireResponseItem;
    const laterSame = inner.slice(i + 1).some((x) => x.linkId === item.linkId && !isEmpty(x));
    if (isEmpty(item) && !laterSame) continue;
    out.push(item);
  }
  return out;
}

import { computed, Injectable, signal, type TemplateRef } from '@angular/core';
import type {
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireResponse,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';

import {
  isEnabled,
  type NoteProblem,
  validateNote,
  withAggregates,
} from '../../../../../clinical/notes/note-rules';
import { answersOf } from '../../../../../clinical/notes/response-items';
import {
  answersAt,
  ensureRepetitions,
  itemAt,
  type ItemPath,
  type Items,
  moveRepetition,
  removeRepetition,
  setAnswers,
} from './response-tree';

/** A Goal the "treatment-plan goal" reference can point at. */
export interface GoalOption {
  readonly reference: string;
  readonly display: string;
}

const EMPTY_QUESTIONNAIRE: Questionnaire = { resourceType: 'Questionnaire', status: 'active' };

/**
 * The editor's form model: the response's item tree in a signal, written through paths (response-tree.ts), and
 * what is derived from it with the clinical rules — which items are enabled (enableWhen), the computed
 * (aggregate) items, and the problems that stop signing. Provided per editor; the renderer's components inject it.
 */
@Injectable()
export class NoteForm {
  readonly questionnaire = signal<Questionnaire>(EMPTY_QUESTIONNAIRE);
  readonly items = signal<Items>([]);
  readonly readonly = signal(false);
  /** Problems are shown at the fields once signing was tried. */
  readonly showProblems = signal(false);
  readonly goals = signal<readonly GoalOption[]>([]);
  /** Bumped on every edit by the user (not on loads): what autosave listens to. */
  readonly edits = signal(0);
  /** Live notices by linkId, shown at the field whatever the sign attempt (e.g. the CPT duration check). */
  readonly notices = signal<ReadonlyMap<string, string>>(new Map());
  /** Content the page shows after a group (by linkId), e.g. the crisis resources after the risk check. */
  readonly afterGroup = signal<ReadonlyMap<string, TemplateRef<unknown>>>(new Map());
  /** Called when a control loses focus (autosave on blur). */
  blurred: () => void = () => undefined;

  /** The response as the rules read it (status and ids do not matter to them). */
  readonly response = computed<QuestionnaireResponse>(() => ({
    resourceType: 'QuestionnaireResponse',
    status: 'in-progress',
    item: [...this.items()],
  }));

  readonly withAggregates = computed(() => withAggregates(this.questionnaire(), this.response()));

  readonly problems = computed<NoteProblem[]>(() =>
    validateNote(this.questionnaire(), this.withAggregates()),
  );

  /** Problems by linkId, for the fields. */
  readonly problemsByLinkId = computed(() => {
    const out = new Map<string, string[]>();
    for (const p of this.problems()) out.set(p.linkId, [...(out.get(p.linkId) ?? []), p.message]);
    return out;
  });

  load(questionnaire: Questionnaire, items: Items): void {
    this.questionnaire.set(questionnaire);
    this.items.set(items);
  }

  answers(path: ItemPath): QuestionnaireResponseItemAnswer[] {
    return answersAt(this.items(), path);
  }

  exists(path: ItemPath): boolean {
    return itemAt(this.items(), path) !== undefined;
  }

  /** Whether an item is enabled by its enableWhen (read over the whole response, as R4 specifies). */
  enabled(item: QuestionnaireItem): boolean {
    return isEnabled(item, this.response());
  }

  /** The computed value of an aggregate item. */
  aggregate(linkId: string): number | undefined {
    return answersOf(this.withAggregates(), linkId)[0]?.valueInteger;
  }

  fieldProblems(linkId: string): readonly string[] {
    return this.showProblems() ? (this.problemsByLinkId().get(linkId) ?? []) : [];
  }

  setAnswers(path: ItemPath, answers: readonly QuestionnaireResponseItemAnswer[]): void {
    if (this.readonly()) return;
    this.edit(setAnswers(this.questionnaire(), this.items(), path, answers));
  }

  ensureRepetitions(path: ItemPath, count: number): void {
    if (this.readonly()) return;
    this.edit(ensureRepetitions(this.questionnaire(), this.items(), path, count));
  }

  removeRepetition(path: ItemPath): void {
    if (this.readonly()) return;
    this.edit(removeRepetition(this.questionnaire(), this.items(), path));
  }

  moveRepetition(path: ItemPath, delta: -1 | 1): void {
    if (this.readonly()) return;
    this.edit(moveRepetition(this.questionnaire(), this.items(), path, delta));
  }

  private edit(items: Items): void {
    this.items.set(items);
    this.edits.update((n) => n + 1);
  }
}

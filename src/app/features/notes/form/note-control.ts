import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';
import type {
  QuestionnaireItem,
  QuestionnaireItemAnswerOption,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';

import { choiceControl, itemControl, maxValue, minValue, optionKey, optionLabel } from './item-hints';
import { NoteForm } from './note-form';
import { type ItemPath, pathKey } from './response-tree';

/** The input value of a FHIR time ("09:05:00" → "09:05"). */
function timeInput(value: string | undefined): string {
  return value?.slice(0, 5) ?? '';
}

/**
 * One question of a note, by its type: string and text, integer (a number field, or a slider with the slider
 * control), boolean, choice (radio buttons, check boxes or a drop-down: item-hints.ts choiceControl), date, time,
 * reference (a Goal from the patient's care plan). `label` overrides the visible label with an accessible name
 * (the week grid's cells); `bare` drops the form-field frame.
 */
@Component({
  selector: 'wp-note-control',
  imports: [MatCheckboxModule, MatFormFieldModule, MatInputModule, MatRadioModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './note-control.html',
  styleUrl: './note-control.scss',
  host: { '[attr.data-link-id]': 'item().linkId' },
})
export class NoteControl {
  protected readonly form = inject(NoteForm);
  readonly item = input.required<QuestionnaireItem>();
  readonly path = input.required<ItemPath>();
  /** Accessible name instead of the item's text (the label is then not shown). */
  readonly label = input<string | undefined>(undefined);
  readonly bare = input(false);

  protected readonly id = computed(() => `q-${pathKey(this.path()).replace(/[^A-Za-z0-9-]/g, '_')}`);
  protected readonly name = computed(() => this.label() ?? this.item().text ?? this.item().linkId);
  protected readonly answers = computed(() => this.form.answers(this.path()));
  protected readonly first = computed<QuestionnaireResponseItemAnswer | undefined>(() => this.answers()[0]);
  protected readonly readonly = this.form.readonly;
  protected readonly problems = computed(() => this.form.fieldProblems(this.item().linkId));
  protected readonly problemId = computed(() => `${this.id()}-problem`);
  protected readonly notice = computed(() => this.form.notices().get(this.item().linkId) ?? null);
  protected readonly describedBy = computed(
    () =>
      [this.problems().length > 0 ? this.problemId() : '', this.notice() ? `${this.id()}-notice` : '']
        .filter(Boolean)
        .join(' ') || null,
  );
  protected readonly required = computed(() => this.item().required === true);
  protected readonly min = computed(() => minValue(this.item()) ?? null);
  protected readonly max = computed(() => maxValue(this.item()) ?? null);
  protected readonly slider = computed(() => itemControl(this.item()) === 'slider');
  protected readonly choice = computed(() => choiceControl(this.item()));
  protected readonly options = computed(() => this.item().answerOption ?? []);
  protected readonly selected = computed(() => new Set(this.answers().map((a) => optionKey(a))));
  protected readonly selectedKey = computed(() => {
    const a = this.first();
    return a ? optionKey(a) : null;
  });
  protected readonly text = computed(() => this.first()?.valueString ?? '');
  protected readonly integer = computed(() => this.first()?.valueInteger ?? null);
  protected readonly date = computed(() => this.first()?.valueDate ?? '');
  protected readonly time = computed(() => timeInput(this.first()?.valueTime));
  protected readonly checked = computed(() => this.first()?.valueBoolean === true);
  protected readonly reference = computed(() => this.first()?.valueReference?.reference ?? null);
  protected readonly goals = this.form.goals;
  protected readonly optionKey = optionKey;
  protected readonly optionLabel = optionLabel;

  protected setText(event: Event): void {
    const value = (event.target as HTMLInputElement | HTMLTextAreaElement).value;
    this.write(value === '' ? [] : [{ valueString: value }]);
  }

  protected setInteger(event: Event): void {
    const raw = (event.target as HTMLInputElement).value.trim();
    const value = Number(raw);
    this.write(raw === '' || !Number.isInteger(value) ? [] : [{ valueInteger: value }]);
  }

  protected setDate(event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    this.write(value ? [{ valueDate: value }] : []);
  }

  protected setTime(event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    this.write(value ? [{ valueTime: value.length === 5 ? `${value}:00` : value }] : []);
  }

  protected setBoolean(checked: boolean): void {
    this.write([{ valueBoolean: checked }]);
  }

  protected choose(key: string | null): void {
    const option = this.options().find((o) => optionKey(o) === key);
    this.write(option ? [answerOf(option)] : []);
  }

  protected toggle(option: QuestionnaireItemAnswerOption, on: boolean): void {
    const key = optionKey(option);
    const kept = this.answers().filter((a) => optionKey(a) !== key);
    // Keep the Questionnaire's order of options.
    const next = on ? [...kept, answerOf(option)] : kept;
    const rank = (a: QuestionnaireResponseItemAnswer) =>
      this.options().findIndex((o) => optionKey(o) === optionKey(a));
    this.write(next.sort((a, b) => rank(a) - rank(b)));
  }

  protected chooseGoal(reference: string | null): void {
    const goal = this.goals().find((g) => g.reference === reference);
    this.write(goal ? [{ valueReference: { reference: goal.reference, display: goal.display } }] : []);
  }

  private write(answers: QuestionnaireResponseItemAnswer[]): void {
    this.form.setAnswers(this.path(), answers);
  }
}

function answerOf(option: QuestionnaireItemAnswerOption): QuestionnaireResponseItemAnswer {
  if (option.valueCoding) return { valueCoding: { ...option.valueCoding } };
  if (option.valueInteger !== undefined) return { valueInteger: option.valueInteger };
  return { valueString: option.valueString ?? '' };
}

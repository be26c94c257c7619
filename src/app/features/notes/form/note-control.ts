import { NgTemplateOutlet } from '@angular/common';
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

interface InputField {
  readonly type: 'text' | 'number' | 'date' | 'time';
  readonly inputMode: 'numeric' | null;
  readonly value: string | number | null;
  readonly min: number | null;
  readonly max: number | null;
}

/**
 * One question of a note, by its type: string and text, integer (a number field, or a slider with the slider
 * control), boolean, choice (radio buttons, check boxes or a drop-down: item-hints.ts choiceControl), date, time,
 * reference (a Goal from the patient's care plan). `label` overrides the visible label with an accessible name
 * (the week grid's cells); `bare` drops the form-field frame.
 */
@Component({
  selector: 'wp-note-control',
  imports: [
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatRadioModule,
    MatSelectModule,
    NgTemplateOutlet,
  ],
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
  /** The one input of a string, integer, date or time question: its type, value and bounds. */
  protected readonly field = computed<InputField>(() => {
    const answer = this.first();
    switch (this.item().type) {
      case 'integer':
        return {
          type: 'number',
          inputMode: 'numeric',
          value: answer?.valueInteger ?? null,
          min: this.min(),
          max: this.max(),
        };
      case 'date':
        return { type: 'date', inputMode: null, value: answer?.valueDate ?? '', min: null, max: null };
      case 'time':
        return { type: 'time', inputMode: null, value: timeInput(answer?.valueTime), min: null, max: null };
      default:
        return { type: 'text', inputMode: null, value: answer?.valueString ?? '', min: null, max: null };
    }
  });
  protected readonly checked = computed(() => this.first()?.valueBoolean === true);
  protected readonly reference = computed(() => this.first()?.valueReference?.reference ?? null);
  protected readonly goals = this.form.goals;
  protected readonly optionKey = optionKey;
  protected readonly optionLabel = optionLabel;

  /** The answer of the `field()` input or the text area: none when it is cleared (or not a whole number). */
  protected setField(event: Event): void {
    const raw = (event.target as HTMLInputElement | HTMLTextAreaElement).value;
    switch (this.item().type) {
      case 'integer': {
        const value = Number(raw.trim());
        this.write(raw.trim() === '' || !Number.isInteger(value) ? [] : [{ valueInteger: value }]);
        return;
      }
      case 'date':
        this.write(raw ? [{ valueDate: raw }] : []);
        return;
      case 'time':
        this.write(raw ? [{ valueTime: raw.length === 5 ? `${raw}:00` : raw }] : []);
        return;
      default:
        this.write(raw === '' ? [] : [{ valueString: raw }]);
    }
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

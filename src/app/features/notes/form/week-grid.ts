import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import type { QuestionnaireItem, QuestionnaireItemAnswerOption } from '@medplum/fhirtypes';

import { choiceControl, maxOccurs, optionKey } from './item-hints';
import { NoteControl } from './note-control';
import { NoteForm } from './note-form';
import { child, type ItemPath } from './response-tree';

/** A row of the grid: one question of the day, or one option of a check-box question. */
interface GridRow {
  readonly key: string;
  readonly label: string;
  readonly item: QuestionnaireItem;
  readonly option?: QuestionnaireItemAnswerOption;
}

interface GridSection {
  readonly heading: string | null;
  readonly rows: readonly GridRow[];
}

const TARGET = /^diary\.day\.target-(\d+)$/;

/**
 * The `week-grid` layout: a repeating day group as a table, days across (its maxOccurs, 7) and the day's questions
 * down. Personal-target rows are named from the card's personal targets (only the named ones are shown); a
 * check-box question becomes one row per option, grouped under the text before ": " (the DBT module).
 * Every cell's control is named by its row and day.
 */
@Component({
  selector: 'wp-week-grid',
  imports: [NoteControl],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let it = item();
    <div class="scroll" role="group" [attr.aria-label]="it.text + ': the week'" tabindex="0">
      <table class="grid">
        <caption>
          {{
            it.text
          }}
          — one column per day
        </caption>
        <thead>
          <tr>
            <th scope="col" class="row-head">Item</th>
            @for (d of days(); track d) {
              <th scope="col">{{ dayLabel(d) }}</th>
            }
          </tr>
        </thead>
        @for (section of sections(); track section.heading) {
          <tbody>
            @if (section.heading) {
              <tr class="section">
                <th scope="rowgroup" [attr.colspan]="days().length + 1">{{ section.heading }}</th>
              </tr>
            }
            @for (row of section.rows; track row.key) {
              <tr>
                <th scope="row" class="row-head">{{ row.label }}</th>
                @for (d of days(); track d) {
                  <td>
                    @if (row.option; as option) {
                      <input
                        type="checkbox"
                        [attr.aria-label]="row.label + ', ' + dayLabel(d)"
                        [checked]="hasOption(d, row.item, option)"
                        [disabled]="readonly()"
                        (change)="toggle(d, row.item, option, $event)"
                      />
                    } @else {
                      <wp-note-control
                        [item]="row.item"
                        [path]="cellPath(d, row.item.linkId)"
                        [label]="row.label + ', ' + dayLabel(d)"
                        [bare]="true"
                      />
                    }
                  </td>
                }
              </tr>
            }
          </tbody>
        }
      </table>
    </div>
  `,
  styles: `
    .scroll {
      overflow-x: auto;
      max-width: 100%;
    }
    .grid {
      border-collapse: collapse;
      font: var(--mat-sys-body-small);
    }
    caption {
      text-align: start;
      font: var(--mat-sys-title-small);
      padding: 4px 0 8px;
    }
    th,
    td {
      border: 1px solid var(--mat-sys-outline-variant);
      padding: 2px 4px;
      text-align: center;
    }
    .row-head {
      text-align: start;
      min-width: 12rem;
      font-weight: 500;
    }
    .section th {
      text-align: start;
      background: var(--mat-sys-surface-container);
      font: var(--mat-sys-title-small);
    }
    input[type='checkbox'] {
      width: 18px;
      height: 18px;
    }
  `,
})
export class WeekGrid {
  private readonly form = inject(NoteForm);
  /** The repeating day group. */
  readonly item = input.required<QuestionnaireItem>();
  /** The path of the container the day group sits in. */
  readonly parent = input.required<ItemPath>();
  /** Personal target names, in order (target 1 first); blank ones are not shown. */
  readonly targetNames = input<readonly string[]>([]);

  protected readonly readonly = this.form.readonly;
  protected readonly days = computed(() => Array.from({ length: maxOccurs(this.item()) ?? 7 }, (_, i) => i));

  protected readonly sections = computed<GridSection[]>(() => {
    const names = this.targetNames();
    const plain: GridRow[] = [];
    const grouped: GridSection[] = [];
    for (const question of this.item().item ?? []) {
      const target = TARGET.exec(question.linkId);
      if (target) {
        const name = names[Number(target[1]) - 1]?.trim();
        if (name) plain.push({ key: question.linkId, label: `${name} (0–5)`, item: question });
        continue;
      }
      if (question.type === 'choice' && choiceControl(question) === 'check-box') {
        const byHeading = new Map<string, GridRow[]>();
        for (const option of question.answerOption ?? []) {
          const text = option.valueString ?? option.valueCoding?.display ?? '';
          const [heading, label] = text.includes(': ') ? text.split(': ', 2) : [question.text ?? '', text];
          const rows = byHeading.get(heading ?? '') ?? [];
          rows.push({
            key: `${question.linkId}:${optionKey(option)}`,
            label: label ?? text,
            item: question,
            option,
          });
          byHeading.set(heading ?? '', rows);
        }
        for (const [heading, rows] of byHeading) {
          grouped.push({ heading: `${question.text}: ${heading}`, rows });
        }
        continue;
      }
      plain.push({ key: question.linkId, label: question.text ?? question.linkId, item: question });
    }
    return [{ heading: null, rows: plain }, ...grouped];
  });

  protected dayLabel(day: number): string {
    const date = this.form.answers(this.cellPath(day, `${this.item().linkId}.date`))[0]?.valueDate;
    if (!date) return `Day ${day + 1}`;
    const weekday = new Date(`${date}T12:00:00Z`).toLocaleDateString('en-US', {
      weekday: 'short',
      timeZone: 'UTC',
    });
    return `Day ${day + 1} (${weekday})`;
  }

  protected cellPath(day: number, linkId: string): ItemPath {
    return child(child(this.parent(), this.item().linkId, day), linkId);
  }

  protected hasOption(
    day: number,
    question: QuestionnaireItem,
    option: QuestionnaireItemAnswerOption,
  ): boolean {
    const key = optionKey(option);
    return this.form.answers(this.cellPath(day, question.linkId)).some((a) => optionKey(a) === key);
  }

  protected toggle(
    day: number,
    question: QuestionnaireItem,
    option: QuestionnaireItemAnswerOption,
    event: Event,
  ): void {
    const on = (event.target as HTMLInputElement).checked;
    const path = this.cellPath(day, question.linkId);
    const key = optionKey(option);
    const kept = this.form.answers(path).filter((a) => optionKey(a) !== key);
    const order = (a: { valueString?: string }) =>
      (question.answerOption ?? []).findIndex((o) => optionKey(o) === optionKey(a));
    const next = on ? [...kept, { valueString: option.valueString ?? '' }] : kept;
    this.form.setAnswers(
      path,
      next.sort((a, b) => order(a) - order(b)),
    );
  }
}

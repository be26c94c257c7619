import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import type { QuestionnaireItem } from '@medplum/fhirtypes';

import { ChainList } from './chain-list';
import { blockOf, isAggregate, isHidden, layoutOf, maxOccurs, sectionLetter } from './item-hints';
import { NoteControl } from './note-control';
import { NoteForm } from './note-form';
import { child, childrenAt, instancesOf, type ItemPath, pathKey } from './response-tree';
import { WeekGrid } from './week-grid';

let nextId = 0;

/**
 * One Questionnaire item, rendered recursively: a question (NoteControl), a display text, or a group — a method
 * block (a `region` named by its text), a repeating group (entries with add and remove), or laid out by its
 * rendering hint (docs/notes.md): `columns` side by side, `week-grid` a table of days, `chain` an ordered list,
 * `letters` lettered sections. Items disabled by enableWhen are not shown; computed items are shown read-only.
 */
@Component({
  selector: 'wp-note-item',
  imports: [ChainList, MatButtonModule, MatIconModule, NgTemplateOutlet, NoteControl, WeekGrid],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './note-item.html',
  styleUrl: './note-item.scss',
})
export class NoteItem {
  protected readonly form = inject(NoteForm);
  readonly item = input.required<QuestionnaireItem>();
  /** The path of the container this item sits in. */
  readonly parent = input.required<ItemPath>();

  protected readonly headingId = `wp-note-item-${nextId++}`;
  protected readonly readonly = this.form.readonly;
  protected readonly enabled = computed(() => this.form.enabled(this.item()));
  protected readonly hidden = computed(() => isHidden(this.item()));
  protected readonly block = computed(() => blockOf(this.item()));
  protected readonly layout = computed(() => layoutOf(this.item()));
  /** The path of this item (its first repetition). */
  protected readonly path = computed(() => child(this.parent(), this.item().linkId));
  protected readonly children = computed(() => (this.item().item ?? []).filter((c) => !isHidden(c)));
  protected readonly computedItems = computed(() => (this.item().item ?? []).filter(isAggregate));
  protected readonly letter = sectionLetter;
  protected readonly after = computed(() => this.form.afterGroup().get(this.item().linkId) ?? null);
  protected readonly max = computed(() => maxOccurs(this.item()));
  /** Repetitions shown: those in the response, at least one. */
  protected readonly repetitions = computed(() => {
    const count = instancesOf(childrenAt(this.form.items(), this.parent()), this.item().linkId).length;
    return Array.from({ length: Math.max(1, count) }, (_, i) => i);
  });
  protected readonly canAdd = computed(() => {
    const max = this.max();
    return !this.readonly() && (max === undefined || this.repetitions().length < max);
  });
  /** Personal target names (diary.target.name) for the week grid's rows. */
  protected readonly targetNames = computed(() =>
    instancesOf(childrenAt(this.form.items(), this.parent()), 'diary.target').map(
      (t) => t.item?.find((i) => i.linkId === 'diary.target.name')?.answer?.[0]?.valueString ?? '',
    ),
  );
  protected readonly groupProblems = computed(() =>
    this.form.showProblems()
      ? (this.item().item ?? [])
          .flatMap((c) => this.form.fieldProblems(c.linkId))
          .filter((m, i, all) => all.indexOf(m) === i)
      : [],
  );

  protected repetitionPath(index: number): ItemPath {
    return child(this.parent(), this.item().linkId, index);
  }

  protected key(index: number): string {
    return pathKey(this.repetitionPath(index));
  }

  protected add(): void {
    this.form.ensureRepetitions(this.path(), this.repetitions().length + 1);
  }

  protected remove(index: number): void {
    this.form.removeRepetition(this.repetitionPath(index));
  }

  protected rest(text: string | undefined): string {
    return (text ?? '').replace(/^[A-Z]\s+—\s+/, '');
  }
}

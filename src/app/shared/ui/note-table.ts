import { NgTemplateOutlet } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  contentChildren,
  Directive,
  inject,
  input,
  TemplateRef,
} from '@angular/core';
import { RouterLink } from '@angular/router';

/** What every row of a list of session notes has: the note (linked) and its patient. */
export interface NoteTableRow {
  readonly noteId: string;
  readonly patientId: string;
  readonly patient: string;
  /** The note's template title, the text of the link. */
  readonly template: string;
}

/**
 * A column of a {@link NoteTable} besides Note and Patient:
 * `<ng-template wpNoteColumn="Due" [wpNoteColumnOf]="rows" let-row>…</ng-template>`, where `rows` is what the table
 * shows (it only types `row` in the template). `wpNoteColumnAt="start"` puts the column before Note; by default it
 * follows Patient. Columns keep the order in which they are written.
 */
@Directive({ selector: 'ng-template[wpNoteColumn]' })
export class NoteColumn<R extends NoteTableRow = NoteTableRow> {
  readonly header = input.required<string>({ alias: 'wpNoteColumn' });
  readonly wpNoteColumnOf = input<readonly R[]>([]);
  readonly wpNoteColumnAt = input<'start' | 'end'>('end');
  readonly template = inject<TemplateRef<{ $implicit: R }>>(TemplateRef);

  static ngTemplateContextGuard<R extends NoteTableRow>(
    _column: NoteColumn<R>,
    _context: unknown,
  ): _context is { $implicit: R } {
    return true;
  }
}

/**
 * A plain, accessible table of session notes: a hidden caption, the note's title as a link to it, the patient's
 * name bidi-isolated, and the columns a page adds with {@link NoteColumn}; a row saying `empty` when there are none.
 * "My unsigned notes", the co-sign queue and the Supervision page's queue use it.
 */
@Component({
  selector: 'wp-note-table',
  imports: [NgTemplateOutlet, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <table class="list">
      <caption class="wp-visually-hidden">
        {{
          caption()
        }}
      </caption>
      <thead>
        <tr>
          @for (c of leading(); track c) {
            <th scope="col">{{ c.header() }}</th>
          }
          <th scope="col">Note</th>
          <th scope="col">Patient</th>
          @for (c of trailing(); track c) {
            <th scope="col">{{ c.header() }}</th>
          }
        </tr>
      </thead>
      <tbody>
        @for (r of rows(); track r) {
          <tr>
            @for (c of leading(); track c) {
              <td>
                <ng-container [ngTemplateOutlet]="c.template" [ngTemplateOutletContext]="{ $implicit: r }" />
              </td>
            }
            <td>
              <a [routerLink]="['/patients', r.patientId, 'notes', r.noteId]">{{ r.template }}</a>
            </td>
            <td>
              <bdi>{{ r.patient }}</bdi>
            </td>
            @for (c of trailing(); track c) {
              <td>
                <ng-container [ngTemplateOutlet]="c.template" [ngTemplateOutletContext]="{ $implicit: r }" />
              </td>
            }
          </tr>
        } @empty {
          <tr>
            <td [attr.colspan]="columns().length + 2">{{ empty() }}</td>
          </tr>
        }
      </tbody>
    </table>
  `,
  styles: `
    @use '../styles/page';

    :host {
      display: block;
      overflow-x: auto;
    }
    .list {
      @include page.data-table($align: null, $shaded-head: false);
    }
  `,
})
export class NoteTable {
  readonly rows = input.required<readonly NoteTableRow[]>();
  readonly caption = input.required<string>();
  /** The text of the one row shown when there are no notes. */
  readonly empty = input.required<string>();

  protected readonly columns = contentChildren(NoteColumn);
  protected readonly leading = computed(() => this.columns().filter((c) => c.wpNoteColumnAt() === 'start'));
  protected readonly trailing = computed(() => this.columns().filter((c) => c.wpNoteColumnAt() === 'end'));
}

import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input } from '@angular/core';

import {
  type FieldChange,
  HISTORY_LABEL,
  type HistoryEvent,
} from '../../../../../clinical/notes/note-history';

export interface VersionChanges {
  readonly version: string;
  readonly label: string;
  readonly when?: string;
  readonly changes: readonly FieldChange[];
}

/** A note's signing history (who signed, co-signed, returned, amended, when) and what each amendment changed. */
@Component({
  selector: 'wp-note-history',
  imports: [DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="history" role="region" aria-labelledby="wp-note-history-title">
      <h2 id="wp-note-history-title">History</h2>
      @if (events().length === 0) {
        <p>Not signed yet.</p>
      } @else {
        <ol class="events">
          @for (e of events(); track $index) {
            <li>
              <strong>{{ label[e.kind] }}</strong>
              <!-- A co-signature request names the supervisor asked, not who asked. -->
              <span>
                {{ e.kind === 'co-sign requested' ? 'from' : 'by' }} <bdi>{{ e.who }}</bdi></span
              >
              <time [attr.datetime]="e.when"> {{ e.when | date: 'd MMM y, HH:mm' }}</time>
              @if (e.kind === 'returned') {
                <span class="detail"
                  >: <bdi>{{ e.comment }}</bdi></span
                >
              } @else if (e.kind !== 'co-sign requested' && e.reason) {
                <span class="detail">
                  — reason: <bdi>{{ e.reason }}</bdi></span
                >
              }
            </li>
          }
        </ol>
      }
      @for (v of versions(); track v.version) {
        <details class="version">
          <summary>
            What changed in {{ v.label }}{{ v.when ? ' (' + (v.when | date: 'd MMM y, HH:mm') + ')' : '' }}
          </summary>
          @if (v.changes.length === 0) {
            <p>No answers changed.</p>
          } @else {
            <table>
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Before</th>
                  <th scope="col">After</th>
                </tr>
              </thead>
              <tbody>
                @for (c of v.changes; track c.path) {
                  <tr>
                    <th scope="row">{{ c.label }}</th>
                    <td>
                      <bdi>{{ c.before || '—' }}</bdi>
                    </td>
                    <td>
                      <bdi>{{ c.after || '—' }}</bdi>
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          }
        </details>
      }
    </section>
  `,
  styles: `
    .history {
      margin: 16px 0;
      padding: 16px;
      border-radius: var(--mat-sys-corner-large);
      background: var(--mat-sys-surface-container-low);
    }
    h2 {
      margin: 0 0 8px;
      font: var(--mat-sys-title-large);
    }
    .events {
      margin: 0 0 8px;
      padding-inline-start: 1.25rem;
      display: grid;
      gap: 4px;
    }
    table {
      border-collapse: collapse;
      margin: 8px 0;
    }
    th,
    td {
      text-align: start;
      vertical-align: top;
      padding: 4px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      white-space: pre-wrap;
    }
  `,
})
export class NoteHistoryView {
  readonly events = input.required<readonly HistoryEvent[]>();
  readonly versions = input<readonly VersionChanges[]>([]);
  protected readonly label = HISTORY_LABEL;
}

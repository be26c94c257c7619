import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';

import type { QueueRow } from '../../../../clinical/notes/cosign-queue';

/**
 * Notes waiting for a supervisor's co-signature, in the order given (oldest first): when it was asked for, the
 * note (a link to it), the patient and the counselor. The co-sign queue page and the Supervision page show the same
 * table.
 */
@Component({
  selector: 'wp-cosign-queue-table',
  imports: [DatePipe, RouterLink],
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
          <th scope="col">Requested</th>
          <th scope="col">Note</th>
          <th scope="col">Patient</th>
          <th scope="col">Counselor</th>
        </tr>
      </thead>
      <tbody>
        @for (r of rows(); track r.taskId) {
          <tr>
            <td>{{ r.requested | date: 'EEE d MMM y, HH:mm' }}</td>
            <td>
              <a [routerLink]="['/patients', r.patientId, 'notes', r.noteId]">{{ r.template }}</a>
            </td>
            <td>
              <bdi>{{ r.patient }}</bdi>
            </td>
            <td>
              <bdi>{{ r.counselor }}</bdi>
            </td>
          </tr>
        } @empty {
          <tr>
            <td colspan="4">No notes are waiting for your co-signature.</td>
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
export class CosignQueueTable {
  readonly rows = input.required<readonly QueueRow[]>();
  readonly caption = input('Notes waiting for your co-signature, oldest first');
}

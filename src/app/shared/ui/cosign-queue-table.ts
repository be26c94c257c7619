import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input } from '@angular/core';

import type { QueueRow } from '../../../../clinical/notes/cosign-queue';
import { NoteColumn, NoteTable } from './note-table';

/**
 * Notes waiting for a supervisor's co-signature, in the order given (oldest first): when it was asked for, the
 * note (a link to it), the patient and the counselor. The co-sign queue page and the Supervision page show the same
 * table.
 */
@Component({
  selector: 'wp-cosign-queue-table',
  imports: [DatePipe, NoteColumn, NoteTable],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <wp-note-table [rows]="rows()" [caption]="caption()" empty="No notes are waiting for your co-signature.">
      <ng-template wpNoteColumn="Requested" wpNoteColumnAt="start" [wpNoteColumnOf]="rows()" let-r>
        {{ r.requested | date: 'EEE d MMM y, HH:mm' }}
      </ng-template>
      <ng-template wpNoteColumn="Counselor" [wpNoteColumnOf]="rows()" let-r>
        <bdi>{{ r.counselor }}</bdi>
      </ng-template>
    </wp-note-table>
  `,
})
export class CosignQueueTable {
  readonly rows = input.required<readonly QueueRow[]>();
  readonly caption = input('Notes waiting for your co-signature, oldest first');
}

import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { Task } from '@medplum/fhirtypes';
import { Store } from '@ngrx/store';
import { firstValueFrom } from 'rxjs';

import { type QueueRow, queueRows } from '../../../../clinical/notes/cosign-queue';
import { LOCAL_SYSTEM, REVISE_TASK_CODE } from '../../../../clinical/terminology';
import { FhirClient } from '../../core/fhir/fhir-client';
import { isFhirError, outcomeMessage } from '../../core/fhir/operation-outcome';
import { selectUser } from '../../core/state/session/session.feature';
import { CLOCK } from '../../core/time/clock';
import { NoteColumn, NoteTable } from '../../shared/ui/note-table';
import { StatusChip, type StatusTone } from '../../shared/ui/status-chip';
import { NoteContextLoader } from './data/note-context';
import { type Due, type UnsignedNoteRow, unsignedNoteRows } from './data/note-lists';

const DUE: Readonly<Record<Due, { label: string; tone: StatusTone }>> = {
  overdue: { label: 'Overdue (> 72 h)', tone: 'danger' },
  due: { label: 'Due (> 24 h)', tone: 'warning' },
  recent: { label: 'Within 24 h', tone: 'neutral' },
};

/** `/notes`: "My unsigned notes", overdue first, and the notes returned to me for revision. */
@Component({
  selector: 'wp-my-notes-page',
  imports: [DatePipe, DecimalPipe, MatProgressBarModule, NoteColumn, NoteTable, RouterLink, StatusChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './my-notes-page.html',
  styleUrl: './notes-list.scss',
})
export class MyNotesPage {
  private readonly fhir = inject(FhirClient);
  private readonly loader = inject(NoteContextLoader);
  private readonly clock = inject(CLOCK);
  private readonly me = inject(Store).selectSignal(selectUser);

  protected readonly rows = signal<readonly UnsignedNoteRow[] | null>(null);
  protected readonly returned = signal<readonly QueueRow[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly due = DUE;
  protected readonly overdue = computed(() => (this.rows() ?? []).filter((r) => r.due === 'overdue').length);

  constructor() {
    void this.load();
  }

  protected async load(): Promise<void> {
    const me = this.me()?.fhirUser;
    this.error.set(null);
    if (!me) {
      this.rows.set([]);
      return;
    }
    try {
      const [notes, tasks] = await firstValueFrom(
        this.fhir.searchBatch([
          {
            resourceType: 'QuestionnaireResponse',
            params: [
              ['author', me],
              ['status', 'in-progress'],
              ['_elements', 'id,meta,status,questionnaire,subject,encounter,author,authored'],
              ['_include', 'QuestionnaireResponse:subject'],
              ['_include', 'QuestionnaireResponse:encounter'],
              ['_count', 200],
            ],
          },
          {
            resourceType: 'Task',
            params: [
              ['owner', me],
              ['code', `${LOCAL_SYSTEM.task}|${REVISE_TASK_CODE}`],
              ['status', 'requested'],
              ['_include', 'Task:patient'],
              ['_include', 'Task:focus'],
            ],
          },
        ]),
      );
      const all = [...(notes?.resources ?? []), ...(notes?.included ?? [])];
      this.loader.received(all);
      this.rows.set(unsignedNoteRows(all, this.clock()));
      this.returned.set(queueRows((tasks?.resources ?? []) as Task[], tasks?.included ?? []));
    } catch (error) {
      this.error.set(isFhirError(error) ? outcomeMessage(error.outcome) : 'The notes could not be loaded');
    }
  }
}

import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { Router } from '@angular/router';
import type { Task } from '@medplum/fhirtypes';
import { Store } from '@ngrx/store';
import { firstValueFrom } from 'rxjs';

import { cosignQueueSearch, type QueueRow, queueRows } from '../../../../clinical/notes/cosign-queue';
import { FhirClient } from '../../core/fhir/fhir-client';
import { isFhirError, outcomeMessage } from '../../core/fhir/operation-outcome';
import { selectUser } from '../../core/state/session/session.feature';
import { CosignQueueTable } from '../../shared/ui/cosign-queue-table';
import { NoteContextLoader } from './data/note-context';

/** `/notes/cosign`: the supervisor's co-sign queue, oldest first, filterable by counselor (`?counselor=`). */
@Component({
  selector: 'wp-cosign-queue-page',
  imports: [CosignQueueTable, MatFormFieldModule, MatProgressBarModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1 class="wp-page-title">Co-sign queue</h1>
    @if (error(); as message) {
      <p class="error" role="alert">The queue could not be loaded: {{ message }}</p>
    } @else if (rows(); as all) {
      <div class="filters">
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>Counselor</mat-label>
          <mat-select [value]="counselor() ?? ''" (selectionChange)="filter($event.value)">
            <mat-option value="">All counselors</mat-option>
            @for (c of counselors(); track c.ref) {
              <mat-option [value]="c.ref">{{ c.name }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <p class="muted" role="status">
          {{ shown().length }} of {{ all.length }} notes waiting, oldest first.
        </p>
      </div>
      <wp-cosign-queue-table [rows]="shown()" />
    } @else {
      <mat-progress-bar mode="indeterminate" aria-label="Loading the queue" />
    }
  `,
  styleUrl: './notes-list.scss',
})
export class CosignQueuePage {
  private readonly fhir = inject(FhirClient);
  private readonly loader = inject(NoteContextLoader);
  private readonly router = inject(Router);
  private readonly me = inject(Store).selectSignal(selectUser);
  /** `?counselor=Practitioner/…`, bound from the URL. */
  readonly counselor = input<string | undefined>(undefined);

  protected readonly rows = signal<readonly QueueRow[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly counselors = computed(() => {
    const byRef = new Map<string, string>();
    for (const r of this.rows() ?? []) byRef.set(r.counselorRef, r.counselor);
    return [...byRef].map(([ref, name]) => ({ ref, name })).sort((a, b) => a.name.localeCompare(b.name));
  });
  protected readonly shown = computed(() => {
    const c = this.counselor();
    return (this.rows() ?? []).filter((r) => !c || r.counselorRef === c);
  });

  constructor() {
    void this.load();
  }

  protected filter(counselor: string): void {
    void this.router.navigate([], { queryParams: { counselor: counselor || null }, replaceUrl: true });
  }

  private async load(): Promise<void> {
    const me = this.me()?.fhirUser;
    if (!me) {
      this.rows.set([]);
      return;
    }
    try {
      const result = await firstValueFrom(this.fhir.searchAll('Task', cosignQueueSearch(me).params));
      this.loader.received([...result.resources, ...result.included]);
      this.rows.set(queueRows(result.resources as Task[], result.included));
    } catch (error) {
      this.error.set(isFhirError(error) ? outcomeMessage(error.outcome) : 'The queue could not be loaded');
    }
  }
}

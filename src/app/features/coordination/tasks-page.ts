import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatTabsModule } from '@angular/material/tabs';
import { RouterLink } from '@angular/router';
import type { Task } from '@medplum/fhirtypes';
import { Store } from '@ngrx/store';
import { firstValueFrom } from 'rxjs';

import { FhirClient } from '../../core/fhir/fhir-client';
import { isFhirError, outcomeMessage, outcomeMessageOf } from '../../core/fhir/operation-outcome';
import { selectUser } from '../../core/state/session/session.feature';
import { CLOCK } from '../../core/time/clock';
import { EmptyState } from '../../shared/ui/empty-state';
import { ErrorBanner } from '../../shared/ui/error-banner';
import { StatusChip, type StatusTone } from '../../shared/ui/status-chip';
import { askVersionConflict } from '../../shared/ui/version-conflict-dialog';
import { TASK_PRIORITY_LABELS, taskDifferences, type TaskItem, withStatus } from './data/task-model';
import { reloadTask } from './data/task-reload';
import { CoordinationPageActions } from './state/coordination.actions';
import { coordinationFeature } from './state/coordination.feature';

export type TaskView = 'mine' | 'overdue' | 'open';

const VIEWS: readonly { view: TaskView; path: string; label: string }[] = [
  { view: 'mine', path: '/coordination/tasks', label: 'My tasks' },
  { view: 'overdue', path: '/coordination/tasks/overdue', label: 'Overdue' },
  { view: 'open', path: '/coordination/tasks/open', label: 'All open' },
];

const EMPTY: Readonly<Record<TaskView, { headline: string; message: string }>> = {
  mine: {
    headline: 'No open tasks assigned to you',
    message: 'Tasks you own appear here until they are completed.',
  },
  overdue: {
    headline: 'Nothing overdue',
    message: 'Open tasks past their due date appear here, whoever owns them.',
  },
  open: {
    headline: 'No open tasks in your program',
    message: 'Create a task from the adherence grid or with New task.',
  },
};

/**
 * The program's follow-up tasks: mine, overdue (anyone's) or every open one, most urgent first; complete one in
 * place (an update with `If-Match`; a version conflict opens the conflict dialog), or open it to reassign, change
 * its status or due date.
 */
@Component({
  selector: 'wp-tasks-page',
  imports: [EmptyState, ErrorBanner, MatButtonModule, MatIconModule, MatTabsModule, RouterLink, StatusChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './tasks-page.html',
  styleUrl: './tasks-page.scss',
})
export class TasksPage {
  private readonly store = inject(Store);
  private readonly fhir = inject(FhirClient);
  private readonly dialog = inject(MatDialog);
  private readonly clock = inject(CLOCK);
  /** From the route's data. */
  readonly view = input<TaskView>('mine');

  protected readonly views = VIEWS;
  protected readonly priorityLabels = TASK_PRIORITY_LABELS;
  private readonly all = this.store.selectSignal(coordinationFeature.selectOpenTasks);
  private readonly staff = this.store.selectSignal(coordinationFeature.selectStaffByReference);
  private readonly user = this.store.selectSignal(selectUser);
  protected readonly loaded = this.store.selectSignal(coordinationFeature.selectProgramLoaded);
  protected readonly loading = this.store.selectSignal(coordinationFeature.selectProgramLoading);
  protected readonly error = this.store.selectSignal(coordinationFeature.selectProgramError);
  protected readonly errorMessage = outcomeMessageOf(this.error);
  protected readonly busy = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly actionDone = signal<string>('');

  protected readonly heading = computed(() => VIEWS.find((v) => v.view === this.view())?.label ?? 'Tasks');
  protected readonly empty = computed(() => EMPTY[this.view()]);
  protected readonly items = computed((): TaskItem[] => {
    const items = this.all();
    switch (this.view()) {
      case 'mine': {
        const me = this.user()?.fhirUser;
        return items.filter((i) => i.owner !== null && i.owner === me);
      }
      case 'overdue':
        return items.filter((i) => i.overdue);
      case 'open':
        return items;
    }
  });
  protected readonly counts = computed(() => {
    const items = this.all();
    const me = this.user()?.fhirUser;
    return {
      mine: items.filter((i) => i.owner !== null && i.owner === me).length,
      overdue: items.filter((i) => i.overdue).length,
      open: items.length,
    } satisfies Record<TaskView, number>;
  });

  constructor() {
    this.store.dispatch(CoordinationPageActions.programOpened());
  }

  protected retry(): void {
    this.store.dispatch(CoordinationPageActions.programOpened());
  }

  protected priorityTone(item: TaskItem): StatusTone {
    return item.priority === 'routine' ? 'neutral' : 'warning';
  }

  /** Completes the task: its version is sent with If-Match, so a change made meanwhile is never overwritten. */
  protected async complete(item: TaskItem): Promise<void> {
    this.actionError.set(null);
    this.busy.set(item.id);
    try {
      const saved = await this.save(
        withStatus(item.task, 'completed', this.clock().toISOString()),
        item.task,
      );
      if (saved) this.actionDone.set(`Completed: ${item.description} (${item.patientName}).`);
    } finally {
      this.busy.set(null);
    }
  }

  private async save(mine: Task, original: Task): Promise<boolean> {
    try {
      const saved = await firstValueFrom(this.fhir.update(mine));
      this.store.dispatch(CoordinationPageActions.saved({ resources: [saved] }));
      return true;
    } catch (error) {
      if (isFhirError(error) && (error.status === 412 || error.status === 409)) {
        return this.resolveConflict(mine, original);
      }
      this.actionError.set(
        `The task was not saved: ${isFhirError(error) ? outcomeMessage(error.outcome) : 'the request failed'}`,
      );
      return false;
    }
  }

  private async resolveConflict(mine: Task, original: Task): Promise<boolean> {
    const reloaded = await reloadTask(this.fhir, this.store, original.id ?? '');
    if ('problem' in reloaded) {
      this.actionError.set(reloaded.problem);
      return false;
    }
    const { theirs } = reloaded;
    const choice = await askVersionConflict(this.dialog, {
      title: 'This task was changed elsewhere',
      message:
        'Someone else saved this task while you were working on it, so your change was not saved over theirs. Apply your change to their version, or keep theirs.',
      differences: taskDifferences(theirs, mine, { staff: this.staff() }),
      keepMine: 'Apply my change to theirs',
      takeTheirs: 'Keep theirs',
    });
    if (choice !== 'keep-mine') return false;
    const rebased = withStatus(theirs, mine.status, this.clock().toISOString());
    return this.save(rebased, theirs);
  }
}

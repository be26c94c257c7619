import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  ElementRef,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import {
  type AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  type ValidationErrors,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';
import { Router, RouterLink } from '@angular/router';
import type { Task } from '@medplum/fhirtypes';
import { Store } from '@ngrx/store';
import { firstValueFrom, startWith } from 'rxjs';

import { patientName } from '../../../../clinical/fhir/patient-facts';
import { dayFromAsOf } from '../../../../clinical/workspaces/adherence';
import { FhirClient } from '../../core/fhir/fhir-client';
import { isFhirError, outcomeMessage } from '../../core/fhir/operation-outcome';
import { ResourcesActions } from '../../core/state/resources/resources.feature';
import { selectUser } from '../../core/state/session/session.feature';
import { CLOCK } from '../../core/time/clock';
import { ErrorBanner } from '../../shared/ui/error-banner';
import { askVersionConflict } from '../../shared/ui/version-conflict-dialog';
import {
  formValueOf,
  rebase,
  TASK_PRIORITIES,
  TASK_PRIORITY_LABELS,
  TASK_STATUS_CHOICES,
  TASK_STATUS_LABELS,
  taskDifferences,
  type TaskFormValue,
  taskFromForm,
} from './data/task-model';
import { reloadTask } from './data/task-reload';
import { CoordinationPageActions } from './state/coordination.actions';
import { coordinationFeature } from './state/coordination.feature';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A due date must be a real day, and not before today for a new task (`earliest` is today's ISO day). */
function dueValidator(earliest: () => string | null) {
  return (control: AbstractControl<string>): ValidationErrors | null => {
    const value = control.value;
    if (!value) return null;
    if (!ISO_DAY.test(value) || Number.isNaN(Date.parse(value))) return { date: true };
    const min = earliest();
    return min !== null && value < min ? { past: { min } } : null;
  };
}

/**
 * Creates a follow-up Task (pre-filled from a grid row: `?patient=…&description=…&reason=…`) or edits one
 * (`/coordination/tasks/:taskId`): patient, what and why, owner (a staff member), due date, priority and, when
 * editing, status. A failed save keeps everything typed and shows the server's OperationOutcome; an update is sent
 * with `If-Match`, and a version conflict opens the conflict dialog.
 */
@Component({
  selector: 'wp-task-form-page',
  imports: [
    ErrorBanner,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatRadioModule,
    MatSelectModule,
    ReactiveFormsModule,
    RouterLink,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './task-form-page.html',
  styleUrl: './task-form-page.scss',
})
export class TaskFormPage {
  private readonly store = inject(Store);
  private readonly fhir = inject(FhirClient);
  private readonly router = inject(Router);
  private readonly dialog = inject(MatDialog);
  private readonly clock = inject(CLOCK);
  private readonly host: ElementRef<HTMLElement> = inject(ElementRef);

  /** Route param: the task being edited; absent for a new one. */
  readonly taskId = input<string>();
  /** Query params of a task created from a grid row. */
  readonly patient = input<string>();
  readonly description = input<string>();
  readonly reason = input<string>();

  protected readonly priorities = TASK_PRIORITIES;
  protected readonly priorityLabels = TASK_PRIORITY_LABELS;
  protected readonly statuses = TASK_STATUS_CHOICES;
  protected readonly statusLabels = TASK_STATUS_LABELS;

  private readonly user = this.store.selectSignal(selectUser);
  private readonly patientsById = this.store.selectSignal(coordinationFeature.selectPatients);
  protected readonly staff = this.store.selectSignal(coordinationFeature.selectStaff);
  private readonly staffByReference = this.store.selectSignal(coordinationFeature.selectStaffByReference);
  protected readonly programLoaded = this.store.selectSignal(coordinationFeature.selectProgramLoaded);
  protected readonly programError = this.store.selectSignal(coordinationFeature.selectProgramError);
  protected readonly patients = computed(() =>
    [...this.patientsById().values()]
      .map((p) => ({ id: p.id ?? '', name: patientName(p) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  );

  /** The version being edited, as last read from the server. */
  private readonly original = signal<Task | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly saveError = signal<string | null>(null);
  protected readonly saving = signal(false);
  protected readonly editing = computed(() => this.taskId() !== undefined);
  protected readonly today = signal(dayFromAsOf(this.clock(), 0));

  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly form = this.fb.group({
    patientId: ['', Validators.required],
    description: ['', [Validators.required, Validators.maxLength(500)]],
    reason: ['', Validators.maxLength(500)],
    owner: ['', Validators.required],
    due: ['', dueValidator(() => (this.editing() ? null : this.today()))],
    priority: this.fb.control<TaskFormValue['priority']>('routine', Validators.required),
    status: this.fb.control<TaskFormValue['status']>('requested', Validators.required),
  });
  private readonly formStatus = toSignal(this.form.statusChanges.pipe(startWith(this.form.status)));
  protected readonly submitted = signal(false);
  protected readonly invalidCount = computed(() => {
    this.formStatus();
    return Object.values(this.form.controls).filter((c) => c.invalid).length;
  });

  constructor() {
    this.store.dispatch(CoordinationPageActions.programOpened());
    // A new task: the row's patient and reason, me as owner, due in 2 days.
    effect(() => {
      if (this.editing()) return;
      const me = this.user()?.fhirUser ?? '';
      const patient = this.patient() ?? '';
      const description = this.description() ?? '';
      const reason = this.reason() ?? '';
      untracked(() => {
        if (this.form.dirty) return;
        this.form.reset({
          patientId: patient,
          description,
          reason,
          owner: me.startsWith('Practitioner/') ? me : '',
          due: dayFromAsOf(this.clock(), 2),
          priority: 'routine',
          status: 'requested',
        });
      });
    });
    effect(() => {
      const id = this.taskId();
      if (id !== undefined) untracked(() => void this.load(id));
    });
  }

  private async load(id: string): Promise<void> {
    this.loadError.set(null);
    try {
      const task = await firstValueFrom(this.fhir.read('Task', id));
      this.store.dispatch(ResourcesActions.received({ resources: [task] }));
      this.original.set(task);
      this.form.reset(formValueOf(task));
    } catch (error) {
      this.loadError.set(isFhirError(error) ? outcomeMessage(error.outcome) : 'The request failed');
    }
  }

  protected async submit(): Promise<void> {
    this.submitted.set(true);
    this.saveError.set(null);
    this.form.markAllAsTouched();
    if (this.form.invalid) {
      this.focusFirstInvalid();
      return;
    }
    const original = this.original();
    const task = this.taskOf(this.form.getRawValue(), original ?? undefined);
    this.saving.set(true);
    try {
      await this.save(task, original);
    } finally {
      this.saving.set(false);
    }
  }

  private taskOf(value: TaskFormValue, base: Task | undefined): Task {
    const patient = this.patientsById().get(value.patientId);
    return taskFromForm(value, base, {
      me: this.user()?.fhirUser ?? '',
      now: this.clock().toISOString(),
      patientName: patient ? patientName(patient) : undefined,
      ownerName: this.staffByReference().get(value.owner)?.name,
    });
  }

  private async save(task: Task, original: Task | null): Promise<void> {
    try {
      const saved = await firstValueFrom(original ? this.fhir.update(task) : this.fhir.create(task));
      this.store.dispatch(CoordinationPageActions.saved({ resources: [saved] }));
      this.form.markAsPristine();
      await this.router.navigateByUrl('/coordination/tasks');
    } catch (error) {
      if (original && isFhirError(error) && (error.status === 412 || error.status === 409)) {
        await this.resolveConflict(task, original);
        return;
      }
      // Everything typed stays in the form; the server's words say why.
      this.saveError.set(isFhirError(error) ? outcomeMessage(error.outcome) : 'The request failed');
    }
  }

  private async resolveConflict(mine: Task, original: Task): Promise<void> {
    const reloaded = await reloadTask(this.fhir, this.store, original.id ?? '');
    if ('problem' in reloaded) {
      this.saveError.set(reloaded.problem);
      return;
    }
    const { theirs } = reloaded;
    const choice = await askVersionConflict(this.dialog, {
      title: 'This task was changed elsewhere',
      message:
        'Someone else saved this task while you were editing it, so your changes were not saved over theirs. Nothing is lost: save your changes on top of their version, or take theirs.',
      differences: taskDifferences(theirs, mine, { staff: this.staffByReference() }),
      keepMine: 'Save mine on top of theirs',
      takeTheirs: 'Take theirs',
    });
    if (choice === 'keep-mine') {
      this.original.set(theirs);
      await this.save(rebase(original, mine, theirs), theirs);
    } else if (choice === 'take-theirs') {
      this.original.set(theirs);
      this.form.reset(formValueOf(theirs));
    } else {
      this.saveError.set('Not saved: the task changed on the server. Save again to choose what to keep.');
    }
  }

  private focusFirstInvalid(): void {
    queueMicrotask(() =>
      this.host.nativeElement
        .querySelector<HTMLElement>(
          '.ng-invalid:not(form) input, .ng-invalid:not(form) textarea, mat-select.ng-invalid, input.ng-invalid, textarea.ng-invalid',
        )
        ?.focus(),
    );
  }

  protected staffLabel(reference: string): string {
    const s = this.staffByReference().get(reference);
    return s ? `${s.name}${s.roles ? ` — ${s.roles}` : ''}` : reference;
  }
}

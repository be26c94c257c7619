import { DOCUMENT } from '@angular/common';
import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  Injector,
  input,
  signal,
  type TemplateRef,
  untracked,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import type { Practitioner, QuestionnaireResponse, Reference, Task } from '@medplum/fhirtypes';
import { Store } from '@ngrx/store';
import { firstValueFrom, type Observable } from 'rxjs';

import { hasCoding } from '../../../../clinical/fhir/coding';
import { noteCrisisResources, riskCheckPositive } from '../../../../clinical/notes/crisis-resources';
import { noteChanges, noteHistory } from '../../../../clinical/notes/note-history';
import {
  isLateEntry,
  needsCosign,
  NOTE_CHIP_LABEL,
  noteChip,
} from '../../../../clinical/notes/note-lifecycle';
import { cptDurationProblem, minutesBetween } from '../../../../clinical/notes/note-rules';
import { answersOf, firstValue } from '../../../../clinical/notes/response-items';
import { COSIGN_TASK_CODE, LOCAL_SYSTEM, REVISE_TASK_CODE } from '../../../../clinical/terminology';
import { AuthSession } from '../../core/auth/auth-session';
import { DraftStore } from '../../core/drafts/draft-store';
import { FhirClient } from '../../core/fhir/fhir-client';
import { isFhirError, outcomeMessage } from '../../core/fhir/operation-outcome';
import { printRecord } from '../../core/fhir/record-print';
import { IdleMonitor } from '../../core/session/idle-monitor';
import { selectUser } from '../../core/state/session/session.feature';
import { settleWithin } from '../../shared/data/within';
import { Part2Notice } from '../../shared/ui/part2-notice';
import { StatusChip, type StatusTone } from '../../shared/ui/status-chip';
import { askVersionConflict } from '../../shared/ui/version-conflict-dialog';
import { NewNoteService, utcOffsetOn } from './data/new-note';
import { type NoteContext, NoteContextLoader, patientName } from './data/note-context';
import { NoteOutbox } from './data/note-outbox';
import {
  amendTransaction,
  cosignTransaction,
  returnTransaction,
  signTransaction,
} from './data/note-transactions';
import { NoteForm } from './form/note-form';
import { NoteFormView } from './form/note-form-view';
import { compactItems, type Items } from './form/response-tree';
import { CrisisResources } from './ui/crisis-resources';
import { NoteHistoryView, type VersionChanges } from './ui/note-history-view';
import { ReasonDialog, type ReasonDialogData } from './ui/reason-dialog';
import { SaveStatusLine } from './ui/save-status';

/** Autosave runs this long after the last keystroke (docs/notes.md). */
export const AUTOSAVE_DEBOUNCE_MS = 5000;
/** How long leaving the page (or signing out) waits for a save. */
export const SAVE_ON_LEAVE_TIMEOUT_MS = 3000;

const CHIP_TONE: Readonly<Record<string, StatusTone>> = {
  draft: 'warning',
  signed: 'success',
  'cosign-pending': 'info',
  returned: 'danger',
  amended: 'neutral',
  cosigned: 'success',
  discarded: 'neutral',
};

const OPEN_TASK = ['requested', 'received', 'accepted', 'ready', 'in-progress'];
const isOpen = (t: Task) => OPEN_TASK.includes(t.status);

type Mode = 'edit' | 'read' | 'amend';

/**
 * `/patients/:patientId/notes/:noteId`: a session note, rendered from its Questionnaire. A draft autosaves (5 s
 * after the last keystroke, on blur, when leaving the page, before a sign-out) through the NoteOutbox and is
 * signed in one transaction; a signed note is read-only, with "Amend"; a supervisor co-signs or returns it from
 * here. The note's history and what each amendment changed are shown below it. Printing records an export first.
 */
@Component({
  selector: 'wp-note-editor-page',
  imports: [
    CrisisResources,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    NoteFormView,
    NoteHistoryView,
    Part2Notice,
    RouterLink,
    SaveStatusLine,
    StatusChip,
  ],
  providers: [NoteForm],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './note-editor-page.html',
  styleUrl: './note-editor-page.scss',
})
export class NoteEditorPage {
  private readonly store = inject(Store);
  private readonly fhir = inject(FhirClient);
  private readonly loader = inject(NoteContextLoader);
  private readonly creator = inject(NewNoteService);
  private readonly outbox = inject(NoteOutbox);
  private readonly drafts = inject(DraftStore);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  protected readonly form = inject(NoteForm);

  /** Bound from the route by withComponentInputBinding(). */
  readonly patientId = input.required<string>();
  readonly noteId = input.required<string>();

  protected readonly me = this.store.selectSignal(selectUser);
  protected readonly context = signal<NoteContext | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly mode = signal<Mode>('read');
  protected readonly busy = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly versions = signal<readonly VersionChanges[]>([]);
  protected readonly crisisResources = noteCrisisResources();
  private readonly crisisTemplate = viewChild<TemplateRef<unknown>>('crisis');
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The form's edit count when an edit was last queued (the form counts every edit). */
  private queuedEdits = 0;
  private conflictOpen = false;

  protected readonly title = computed(() => this.context()?.questionnaire.title ?? 'Session note');
  protected readonly patient = computed(() => patientName(this.context()?.patient));
  protected readonly status = computed(() => this.outbox.status(this.noteId()));
  protected readonly lastSaved = computed(() => {
    const ms = Date.parse(this.context()?.note.meta?.lastUpdated ?? '');
    return Number.isFinite(ms) ? ms : undefined;
  });
  protected readonly chip = computed(() => {
    const c = this.context();
    return c ? noteChip(c.note, c.provenances, c.tasks) : 'draft';
  });
  protected readonly chipLabel = computed(() => NOTE_CHIP_LABEL[this.chip()]);
  protected readonly chipTone = computed(() => CHIP_TONE[this.chip()] ?? 'neutral');
  protected readonly signed = computed(() => {
    const s = this.context()?.note.status;
    return s === 'completed' || s === 'amended';
  });
  protected readonly isAuthor = computed(() => {
    const author = this.context()?.note.author?.reference;
    return !author || author === this.me()?.fhirUser;
  });
  private readonly myTasks = computed(() => {
    const me = this.me()?.fhirUser;
    return (this.context()?.tasks ?? []).filter((t) => isOpen(t) && t.owner?.reference === me);
  });
  protected readonly cosignTask = computed(() =>
    this.myTasks().find((t) => hasCoding(t.code, LOCAL_SYSTEM.task, COSIGN_TASK_CODE)),
  );
  protected readonly returned = computed(() =>
    (this.context()?.tasks ?? []).find(
      (t) => isOpen(t) && hasCoding(t.code, LOCAL_SYSTEM.task, REVISE_TASK_CODE),
    ),
  );
  protected readonly events = computed(() => {
    const c = this.context();
    return c ? noteHistory(c.note.id ?? '', c.provenances, c.tasks) : [];
  });
  protected readonly riskPositive = computed(() => {
    const r = this.form.response();
    return riskCheckPositive(firstValue(r, 'risk.suicidal-ideation'), firstValue(r, 'risk.overdose'));
  });
  protected readonly problems = computed(() => (this.form.showProblems() ? this.form.problems() : []));

  constructor() {
    effect(() => {
      const id = this.noteId();
      untracked(() => void this.load(id));
    });
    // Every edit is queued at once (memory + sessionStorage) and saved 5 s after the last one.
    effect(() => {
      if (this.form.edits() === 0) return;
      untracked(() => this.edited());
    });
    // The frame's live checks: the CPT time rule, and face-to-face minutes from the start and end times.
    effect(() => {
      const r = this.form.response();
      const minutes = firstValue(r, 'session.duration');
      const cpt = answersOf(r, 'session.cpt')[0]?.valueCoding?.code;
      const problem = cptDurationProblem(cpt, typeof minutes === 'number' ? minutes : undefined);
      const span = minutesBetween(
        firstValue(r, 'session.start') as string | undefined,
        firstValue(r, 'session.end') as string | undefined,
      );
      const notices = new Map<string, string>();
      if (problem) notices.set('session.cpt', problem);
      if (span !== undefined && span > 0 && minutes !== undefined && minutes !== span) {
        notices.set('session.duration', `Start to end is ${span} minutes.`);
      }
      untracked(() => this.form.notices.set(notices));
    });
    effect(() => {
      const template = this.crisisTemplate();
      untracked(() => this.form.afterGroup.set(template ? new Map([['risk', template]]) : new Map()));
    });
    effect(() => {
      if (this.status().kind === 'conflict' && this.context()) untracked(() => void this.resolveConflict());
    });
    this.form.blurred = () => {
      if (this.mode() !== 'edit') return;
      // An edit typed just before the focus left may not be queued yet (the effect above runs later): queue it
      // now, or the blur would find nothing to save and the edit would wait for the 5 s debounce.
      this.edited();
      if (this.outbox.pending(this.noteId())) void this.saveNow();
    };
    const destroyRef = inject(DestroyRef);
    destroyRef.onDestroy(inject(IdleMonitor).beforeSignOut(() => this.saveBeforeLeaving()));
    destroyRef.onDestroy(inject(AuthSession).beforeSignOut(() => this.saveBeforeLeaving()));
    destroyRef.onDestroy(() => clearTimeout(this.timer));
  }

  /** The CanDeactivate guard: save what is queued (for a few seconds at most), then leave. */
  async canLeave(): Promise<boolean> {
    await this.saveBeforeLeaving();
    return true;
  }

  protected async saveNow(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.outbox.flush(this.noteId());
  }

  private async saveBeforeLeaving(): Promise<void> {
    if (this.mode() !== 'edit') return;
    await settleWithin(
      () => this.saveNow(),
      SAVE_ON_LEAVE_TIMEOUT_MS,
      (error) => console.error('Saving the note before leaving failed', error),
    );
  }

  private edited(): void {
    const edits = this.form.edits();
    if (edits === this.queuedEdits) return; // this edit is queued already
    const c = this.context();
    if (!c) return;
    this.queuedEdits = edits;
    if (this.mode() === 'amend') {
      this.drafts.set(`note-amend:${this.noteId()}`, this.form.items());
      return;
    }
    if (this.mode() !== 'edit') return;
    this.outbox.queue({ ...c.note, item: compactItems(this.form.items()) });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.saveNow(), AUTOSAVE_DEBOUNCE_MS);
  }

  private async load(noteId: string): Promise<void> {
    this.loadError.set(null);
    this.actionError.set(null);
    try {
      const c = await this.loader.load(noteId, this.me()?.fhirUser);
      if (noteId !== this.noteId()) return;
      this.outbox.track(c.note);
      const pending = this.outbox.pending(noteId);
      const draft = c.note.status === 'in-progress';
      const editable =
        draft && (!c.note.author?.reference || c.note.author.reference === this.me()?.fhirUser);
      const amending = this.drafts.get<Items>(`note-amend:${noteId}`);
      this.form.showProblems.set(false);
      this.form.goals.set(c.goals);
      this.context.set(c);
      if (editable) {
        this.form.load(c.questionnaire, pending?.response.item ?? c.note.item ?? []);
        this.mode.set('edit');
      } else if (amending && this.signed()) {
        this.form.load(c.questionnaire, amending);
        this.mode.set('amend');
      } else {
        this.form.load(c.questionnaire, c.note.item ?? []);
        this.mode.set('read');
      }
      this.form.readonly.set(this.mode() === 'read');
      if (pending) void this.saveNow(); // a queued newer local version (or a conflict to resolve)
      if (!draft) void this.loadVersions(c);
    } catch (error) {
      this.loadError.set(
        isFhirError(error) ? outcomeMessage(error.outcome) : String((error as Error).message),
      );
    }
  }

  private async loadVersions(c: NoteContext): Promise<void> {
    try {
      const all = await this.loader.history(c.note.id ?? '');
      const signed = all
        .filter((v) => v.status === 'completed' || v.status === 'amended')
        .sort((a, b) => Number(a.meta?.versionId) - Number(b.meta?.versionId));
      const out: VersionChanges[] = [];
      for (let i = 1; i < signed.length; i++) {
        const before = signed[i - 1] as QuestionnaireResponse;
        const after = signed[i] as QuestionnaireResponse;
        out.push({
          version: after.meta?.versionId ?? String(i),
          label: `version ${after.meta?.versionId ?? ''} (amendment)`,
          ...(after.meta?.lastUpdated ? { when: after.meta.lastUpdated } : {}),
          changes: noteChanges(c.questionnaire, before, after),
        });
      }
      this.versions.set(out.reverse());
    } catch (error) {
      console.error('The note history could not be loaded', error);
    }
  }

  private meRef(): Reference<Practitioner> {
    const me = this.me();
    return { reference: me?.fhirUser ?? '', ...(me?.name ? { display: me.name } : {}) };
  }

  private async ask(data: ReasonDialogData): Promise<string | undefined> {
    const ref = this.dialog.open<ReasonDialog, ReasonDialogData, string>(ReasonDialog, {
      data,
      width: '36rem',
    });
    return firstValueFrom(ref.afterClosed());
  }

  /** Shows the problems that stop signing; true when there are none. */
  private checkProblems(): boolean {
    this.form.showProblems.set(true);
    if (this.form.problems().length === 0) return true;
    afterNextRender(() => this.document.getElementById('wp-note-problems')?.focus(), {
      injector: this.injector,
    });
    return false;
  }

  protected focusField(linkId: string): void {
    const host = this.document.querySelector(`[data-link-id="${CSS.escape(linkId)}"]`);
    const target = host?.querySelector<HTMLElement>('input, textarea, mat-select, [role="radio"], button');
    target?.focus();
    host?.scrollIntoView({ block: 'center' });
  }

  protected async sign(): Promise<void> {
    const c = this.context();
    if (!c || this.busy() || !this.checkProblems()) return;
    const saved = await this.outbox.flush(this.noteId());
    if (saved.kind === 'offline' || saved.kind === 'error' || saved.kind === 'conflict') {
      this.actionError.set('The note cannot be signed until its latest changes are saved.');
      if (saved.kind === 'conflict') void this.resolveConflict();
      return;
    }
    const now = new Date().toISOString();
    const sessionEnd = c.encounter?.period?.end ?? c.encounter?.period?.start ?? c.note.authored;
    let reason: string | undefined;
    if (isLateEntry(sessionEnd, now)) {
      reason = await this.ask({
        title: 'Late entry',
        intro: 'This note is signed more than 72 hours after the session. Say why it is signed late.',
        label: 'Reason for the late entry',
        confirm: 'Sign',
      });
      if (!reason) return;
    }
    const version = this.outbox.version(this.noteId()) ?? c.note.meta?.versionId;
    const note: QuestionnaireResponse = {
      ...c.note,
      meta: { ...c.note.meta, versionId: version },
      item: [...this.form.items()],
    };
    await this.run('Signing…', () =>
      this.fhir.transaction(
        signTransaction({
          questionnaire: c.questionnaire,
          note,
          me: this.meRef(),
          now,
          utcOffset: utcOffsetOn(firstValue(note, 'session.date') as string | undefined),
          ...(reason ? { reason } : {}),
          ...(needsCosign(c.myRoles) && c.supervisor ? { supervisor: c.supervisor } : {}),
        }),
      ),
    );
  }

  protected startAmend(): void {
    this.mode.set('amend');
    this.form.readonly.set(false);
    this.form.showProblems.set(false);
  }

  protected cancelAmend(): void {
    const c = this.context();
    this.drafts.delete(`note-amend:${this.noteId()}`);
    if (c) this.form.load(c.questionnaire, c.note.item ?? []);
    this.mode.set('read');
    this.form.readonly.set(true);
  }

  protected async amend(): Promise<void> {
    const c = this.context();
    if (!c || this.busy() || !this.checkProblems()) return;
    const reason = await this.ask({
      title: 'Amend the signed note',
      intro: 'An amendment is a new, signed version of the note; the signed version stays in its history.',
      label: 'Reason for the amendment',
      confirm: 'Sign the amendment',
    });
    if (!reason) return;
    const previousObservations = await this.loader
      .extracted(c.questionnaire, c.note.id ?? '')
      .catch(() => []);
    const reviseTasks = this.myTasks().filter((t) => hasCoding(t.code, LOCAL_SYSTEM.task, REVISE_TASK_CODE));
    const now = new Date().toISOString();
    const note: QuestionnaireResponse = { ...c.note, item: [...this.form.items()] };
    const ok = await this.run('Signing the amendment…', () =>
      this.fhir.transaction(
        amendTransaction({
          questionnaire: c.questionnaire,
          note,
          me: this.meRef(),
          now,
          utcOffset: utcOffsetOn(firstValue(note, 'session.date') as string | undefined),
          reason,
          previousObservations,
          reviseTasks,
          ...(needsCosign(c.myRoles) && c.supervisor ? { supervisor: c.supervisor } : {}),
        }),
      ),
    );
    if (ok) this.drafts.delete(`note-amend:${this.noteId()}`);
  }

  protected async cosign(): Promise<void> {
    const c = this.context();
    const task = this.cosignTask();
    if (!c || !task) return;
    await this.run('Co-signing…', () =>
      this.fhir.transaction(cosignTransaction(c.note, task, this.meRef(), new Date().toISOString())),
    );
  }

  protected async returnForRevision(): Promise<void> {
    const c = this.context();
    const task = this.cosignTask();
    if (!c || !task) return;
    const comment = await this.ask({
      title: 'Return for revision',
      intro:
        'The note goes back to its author with your comment; they amend it and it returns to your queue.',
      label: 'Comment for the author',
      confirm: 'Return for revision',
    });
    if (!comment) return;
    await this.run('Returning…', () =>
      this.fhir.transaction(returnTransaction(c.note, task, this.meRef(), comment, new Date().toISOString())),
    );
  }

  protected async print(): Promise<void> {
    this.actionError.set(null);
    this.actionError.set(await printRecord(this.fhir, this.document.defaultView, this.patientId(), 'note'));
  }

  /** Runs a signing transaction, then reloads the note; false (with the error shown) when it failed. */
  private async run(label: string, send: () => Observable<unknown>): Promise<boolean> {
    this.busy.set(label);
    this.actionError.set(null);
    try {
      await firstValueFrom(send());
      this.outbox.discard(this.noteId());
      await this.load(this.noteId());
      return true;
    } catch (error) {
      const message = isFhirError(error) ? outcomeMessage(error.outcome) : 'The request failed';
      this.actionError.set(
        isFhirError(error) && error.status === 412
          ? 'The note changed on the server meanwhile: reload it and try again.'
          : message,
      );
      return false;
    } finally {
      this.busy.set(null);
    }
  }

  private async resolveConflict(): Promise<void> {
    const status = this.outbox.status(this.noteId());
    const c = this.context();
    if (status.kind !== 'conflict' || !c || this.conflictOpen) return;
    this.conflictOpen = true;
    const mine = this.outbox.pending(this.noteId())?.response ?? { ...c.note, item: [...this.form.items()] };
    const server = status.server;
    const signed = server?.status === 'completed' || server?.status === 'amended';
    const choice = await askVersionConflict(
      this.dialog,
      {
        title: 'This note was changed elsewhere',
        message: `${
          signed
            ? 'Someone signed this note while you were editing it, so your changes were not saved.'
            : 'Someone else saved this note while you were editing it (in another tab or on another computer), so your changes were not saved over theirs.'
        } Nothing is lost: keep your version as a new draft, or take theirs.`,
        differences: noteChanges(c.questionnaire, server ?? { item: [] }, mine).map((change) => ({
          label: change.label,
          theirs: change.before,
          mine: change.after,
        })),
        keepMine: 'Keep mine as a copy',
        takeTheirs: 'Take theirs',
      },
      // My text stays queued until I choose: the dialog cannot be dismissed.
      { requireChoice: true, width: '48rem' },
    );
    this.conflictOpen = false;
    if (choice === 'keep-mine') {
      try {
        const copy = await this.creator.copy(c.note, mine.item ?? [], this.meRef());
        this.outbox.discard(this.noteId());
        await this.router.navigate(['/patients', this.patientId(), 'notes', copy.id], { replaceUrl: true });
      } catch (error) {
        this.actionError.set(
          `Your version could not be saved as a copy yet (${isFhirError(error) ? outcomeMessage(error.outcome) : 'failed'}); it is kept here.`,
        );
      }
    } else if (server) {
      this.outbox.takeServer(server);
      await this.load(this.noteId());
    }
  }
}

import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { Store } from '@ngrx/store';

import { NEW_NOTE_TEMPLATES } from '../../../../clinical/notes/note-templates';
import { type NoteTemplate } from '../../../../clinical/terminology';
import { isFhirError, outcomeMessage } from '../../core/fhir/operation-outcome';
import { selectUser } from '../../core/state/session/session.feature';
import { NewNoteService, newUuid } from './data/new-note';

/**
 * `/patients/:patientId/notes/new?template=…&appointment=…|encounter=…`: creates the draft (and the session's
 * Encounter when there is none) and opens it at its own URL. The draft's client identifier is put in the URL
 * first (`draft=`), so a reload or a retry creates nothing twice (If-None-Exist).
 */
@Component({
  selector: 'wp-new-note-page',
  imports: [MatButtonModule, MatProgressBarModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1 class="wp-page-title">New {{ title() }}</h1>
    @if (error(); as message) {
      <p class="error" role="alert">The note could not be started: {{ message }}</p>
      <button mat-flat-button type="button" (click)="start()">Try again</button>
      <a mat-button [routerLink]="['/patients', patientId()]">Back to the chart</a>
    } @else {
      <mat-progress-bar mode="indeterminate" aria-label="Starting the note" />
      <p role="status">Starting the note…</p>
    }
  `,
  styles: `
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class NewNotePage {
  private readonly router = inject(Router);
  private readonly creator = inject(NewNoteService);
  private readonly user = inject(Store).selectSignal(selectUser);

  readonly patientId = input.required<string>();
  readonly template = input<string | undefined>(undefined);
  readonly encounter = input<string | undefined>(undefined);
  readonly appointment = input<string | undefined>(undefined);
  readonly draft = input<string | undefined>(undefined);

  protected readonly error = signal<string | null>(null);
  protected readonly title = () =>
    NEW_NOTE_TEMPLATES.find((t) => t.template === this.template())?.title ?? 'session note';

  constructor() {
    effect(() => {
      this.draft();
      untracked(() => void this.start());
    });
  }

  protected async start(): Promise<void> {
    this.error.set(null);
    const template = this.template();
    if (!NEW_NOTE_TEMPLATES.some((t) => t.template === template) && template !== 'session-frame') {
      this.error.set('Choose a note template from the New note menu.');
      return;
    }
    const draftId = this.draft();
    if (!draftId) {
      await this.router.navigate([], {
        queryParams: { draft: newUuid() },
        queryParamsHandling: 'merge',
        replaceUrl: true,
      });
      return;
    }
    const me = this.user();
    try {
      const note = await this.creator.create({
        patientId: this.patientId(),
        template: template as NoteTemplate,
        ...(this.encounter() ? { encounterId: this.encounter() } : {}),
        ...(this.appointment() ? { appointmentId: this.appointment() } : {}),
        draftId,
        me: { reference: me?.fhirUser ?? '', ...(me?.name ? { display: me.name } : {}) },
        now: new Date(),
      });
      await this.router.navigate(['/patients', this.patientId(), 'notes', note.id], { replaceUrl: true });
    } catch (error) {
      this.error.set(isFhirError(error) ? outcomeMessage(error.outcome) : String((error as Error).message));
    }
  }
}

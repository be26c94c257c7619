import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { RouterLink } from '@angular/router';

import { NEW_NOTE_TEMPLATES } from '../../../../../clinical/notes/note-templates';

/**
 * "New note": a menu of the note templates by their Questionnaire titles; each item links to the notes feature's
 * `/patients/:id/notes/new?template=…` (with the session's `appointment=` or `encounter=` on a session row), which
 * creates the draft and opens it at its own URL. Owned by the notes editor (features/notes); hosted here.
 */
@Component({
  selector: 'wp-new-note-menu',
  imports: [MatButtonModule, MatIconModule, MatMenuModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (compact()) {
      <button mat-button type="button" [matMenuTriggerFor]="menu" [attr.aria-label]="label()">
        <mat-icon aria-hidden="true">note_add</mat-icon>
        New note
      </button>
    } @else {
      <button mat-stroked-button type="button" [matMenuTriggerFor]="menu" [attr.aria-label]="label()">
        <mat-icon aria-hidden="true">note_add</mat-icon>
        New note
      </button>
    }
    <mat-menu #menu="matMenu">
      @for (t of templates; track t.template) {
        <a
          mat-menu-item
          [routerLink]="['/patients', patientId(), 'notes', 'new']"
          [queryParams]="query(t.template)"
        >
          {{ t.title }}
        </a>
      }
    </mat-menu>
  `,
})
export class NewNoteMenu {
  readonly patientId = input.required<string>();
  /** `Appointment/…` or `Encounter/…` of a session row; none for the panel's own button. */
  readonly session = input<string | undefined>(undefined);
  /** A label naming the session, for the buttons on session rows ("New note for the session on …"). */
  readonly sessionLabel = input<string | undefined>(undefined);
  readonly compact = input(false);

  protected readonly templates = NEW_NOTE_TEMPLATES;
  protected readonly label = computed(() => {
    const s = this.sessionLabel();
    return s ? `New note for the session on ${s}` : null;
  });

  protected query(template: string): Record<string, string> {
    const [type, id] = (this.session() ?? '').split('/');
    if (type === 'Appointment' && id) return { template, appointment: id };
    if (type === 'Encounter' && id) return { template, encounter: id };
    return { template };
  }
}

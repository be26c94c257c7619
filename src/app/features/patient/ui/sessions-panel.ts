import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';

import type {
  NoteListStatus,
  SessionListFacts,
  SessionListStatus,
} from '../../../../../clinical/chart/chart-facts';
import { StatusChip, type StatusTone } from '../../../shared/ui/status-chip';
import { evidenceAnchor, PLACE_ANCHOR } from '../data/chart-view';
import { NewNoteMenu } from './new-note-menu';

const SESSION_TONE: Readonly<Record<SessionListStatus, StatusTone>> = {
  attended: 'success',
  'no-show': 'danger',
  cancelled: 'neutral',
  upcoming: 'info',
  'not-recorded': 'warning',
};

const NOTE_TONE: Readonly<Record<NoteListStatus, StatusTone>> = {
  draft: 'warning',
  signed: 'success',
  'cosign-pending': 'info',
  amended: 'neutral',
  returned: 'danger',
  cosigned: 'success',
  discarded: 'neutral',
};

/** The note template in words, from its canonical URL (".../Questionnaire/cbt-thought-record" → "cbt thought record"). */
export function templateWords(questionnaire: string | null): string {
  const name = questionnaire?.split('|')[0]?.split('/').pop();
  return name ? name.replace(/-/g, ' ') : 'note';
}

/**
 * "Sessions and notes": the attendance list (attended, no-show, cancelled, upcoming), newest first, each session's
 * notes with their status and a link that opens the note read-only. `[wpPanelActions]` of the panel is where the
 * notes editor adds "New note".
 */
@Component({
  selector: 'wp-sessions-panel',
  imports: [DatePipe, NewNoteMenu, RouterLink, StatusChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let s = sessions();
    <!-- The notes editor's entry point (features/notes owns the route it links to). -->
    <div class="new-note"><wp-new-note-menu [patientId]="patientId()" /></div>
    <p
      class="counts"
      [id]="anchors.sessions"
      tabindex="-1"
      [class.highlight]="highlight() === anchors.sessions"
    >
      {{ s.attended }} attended · {{ s.noShow }} no-show · {{ s.cancelled }} cancelled ·
      {{ s.upcoming }} upcoming
    </p>
    <ul class="sessions">
      @for (row of s.sessions.slice(0, limit()); track row.session.reference) {
        <li
          [id]="anchor(row.session.reference)"
          tabindex="-1"
          [class.highlight]="highlight() === anchor(row.session.reference)"
        >
          <span class="when">{{ row.start | date: 'EEE d MMM y, HH:mm' : 'UTC' }}</span>
          <wp-status-chip
            [label]="
              row.status === 'cancelled' && row.cancelledBy ? 'cancelled by ' + row.cancelledBy : row.status
            "
            [tone]="sessionTone[row.status]"
          />
          @if (row.status !== 'cancelled') {
            <wp-new-note-menu
              [patientId]="patientId()"
              [session]="row.session.reference"
              [sessionLabel]="(row.start | date: 'EEE d MMM y, HH:mm' : 'UTC') ?? undefined"
              [compact]="true"
            />
          }
          @for (note of row.notes; track note.note.reference) {
            <span class="note">
              <a [routerLink]="noteLink(note.note.reference)">{{ templateWords(note.questionnaire) }}</a>
              <wp-status-chip [label]="note.label" [tone]="noteTone[note.status]" />
            </span>
          }
        </li>
      } @empty {
        <li>No sessions on record.</li>
      }
    </ul>
    @if (s.sessions.length > limit()) {
      <p class="muted">Showing the latest {{ limit() }} of {{ s.sessions.length }} sessions.</p>
    }
  `,
  styleUrl: './chart-panel.scss',
  styles: `
    .new-note {
      display: flex;
      justify-content: flex-end;
    }
    .counts {
      margin: 0 0 8px;
      padding: 4px;
    }
    .sessions {
      margin: 0;
      padding: 0;
      list-style: none;
      display: grid;
      gap: 4px;
    }
    .sessions li {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px 12px;
      padding: 6px 4px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      border-radius: var(--mat-sys-corner-extra-small);
    }
    .when {
      min-width: 13em;
      font-variant-numeric: tabular-nums;
    }
    .note {
      display: inline-flex;
      align-items: center;
      gap: 6px;
    }
  `,
})
export class SessionsPanel {
  readonly sessions = input.required<SessionListFacts>();
  readonly patientId = input.required<string>();
  readonly highlight = input<string | null>(null);
  readonly limit = input(20);

  protected readonly anchors = PLACE_ANCHOR;
  protected readonly anchor = evidenceAnchor;
  protected readonly sessionTone = SESSION_TONE;
  protected readonly noteTone = NOTE_TONE;
  protected readonly templateWords = templateWords;

  protected noteLink(reference: string | undefined): string[] {
    const id = reference?.split('/')[1] ?? '';
    return ['/patients', this.patientId(), 'notes', id];
  }
}

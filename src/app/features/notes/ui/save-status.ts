import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

import type { SaveStatus } from '../data/note-outbox';

/** "10:42": local time, 24 h. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** The status line's words. The three contract texts start exactly: "Saving…", "Saved HH:MM", "Offline — will retry". */
export function saveStatusText(status: SaveStatus, lastSaved: number | undefined): string {
  switch (status.kind) {
    case 'saving':
      return 'Saving…';
    case 'saved':
      return `Saved ${clockTime(status.at)}`;
    case 'offline':
      return 'Offline — will retry';
    case 'conflict':
      return 'Not saved — this note was changed elsewhere';
    case 'error':
      return `Not saved — ${status.message}; will retry`;
    default:
      return lastSaved !== undefined ? `Saved ${clockTime(lastSaved)}` : '';
  }
}

/** The autosave status line: its words are a `status` live region (the icon stays outside it). */
@Component({
  selector: 'wp-save-status',
  imports: [MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'wp-save-status', '[class.problem]': 'problem()' },
  template: `
    @if (text()) {
      <mat-icon aria-hidden="true">{{ icon() }}</mat-icon>
    }
    <span class="text" role="status">{{ text() }}</span>
  `,
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      min-height: 24px;
      font: var(--mat-sys-body-medium);
      color: var(--mat-sys-on-surface-variant);
    }
    :host(.problem) {
      color: var(--mat-sys-error);
    }
    mat-icon {
      font-size: 20px;
      width: 20px;
      height: 20px;
    }
  `,
})
export class SaveStatusLine {
  readonly status = input.required<SaveStatus>();
  /** When the note was last saved (its meta.lastUpdated), for a note opened with nothing to save. */
  readonly lastSaved = input<number | undefined>(undefined);
  protected readonly text = computed(() => saveStatusText(this.status(), this.lastSaved()));
  protected readonly problem = computed(() => ['offline', 'conflict', 'error'].includes(this.status().kind));
  protected readonly icon = computed(() => {
    switch (this.status().kind) {
      case 'saving':
        return 'sync';
      case 'offline':
        return 'cloud_off';
      case 'conflict':
      case 'error':
        return 'error';
      default:
        return 'cloud_done';
    }
  });
}

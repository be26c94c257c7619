import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';

import type { FieldChange } from '../../../../../clinical/notes/note-history';

export interface ConflictDialogData {
  /** Field by field: `before` is the server's version, `after` is mine. */
  readonly changes: readonly FieldChange[];
  /** Why the save was refused: changed elsewhere, or signed meanwhile. */
  readonly signed: boolean;
  readonly serverUpdated?: string;
}

export type ConflictChoice = 'keep-mine' | 'take-theirs';

/**
 * A save was refused because the note changed on the server (412) or was signed meanwhile (422): both versions
 * side by side, field by field, and the choice — keep mine as a copy (a new draft with my text) or take the
 * server's. Nothing is overwritten without that choice; closing the dialog keeps my text queued.
 */
@Component({
  selector: 'wp-conflict-dialog',
  imports: [MatButtonModule, MatDialogModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>This note was changed elsewhere</h2>
    <mat-dialog-content>
      <p>
        @if (data.signed) {
          Someone signed this note while you were editing it, so your changes were not saved.
        } @else {
          Someone else saved this note while you were editing it (in another tab or on another computer), so
          your changes were not saved over theirs.
        }
        Nothing is lost: keep your version as a new draft, or take theirs.
      </p>
      @if (data.changes.length > 0) {
        <table class="changes">
          <caption>
            Fields that differ
          </caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Their version</th>
              <th scope="col">Your version</th>
            </tr>
          </thead>
          <tbody>
            @for (c of data.changes; track c.path) {
              <tr>
                <th scope="row">{{ c.label }}</th>
                <td>
                  <bdi>{{ c.before || '—' }}</bdi>
                </td>
                <td>
                  <bdi>{{ c.after || '—' }}</bdi>
                </td>
              </tr>
            }
          </tbody>
        </table>
      } @else {
        <p>The two versions have the same answers.</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-stroked-button type="button" [mat-dialog-close]="'take-theirs'">Take theirs</button>
      <button mat-flat-button type="button" cdkFocusInitial [mat-dialog-close]="'keep-mine'">
        Keep mine as a copy
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .changes {
      border-collapse: collapse;
      width: 100%;
    }
    caption {
      text-align: start;
      font-weight: 500;
      padding-bottom: 4px;
    }
    th,
    td {
      text-align: start;
      vertical-align: top;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      padding: 4px 8px;
      white-space: pre-wrap;
    }
  `,
})
export class ConflictDialog {
  protected readonly data = inject<ConflictDialogData>(MAT_DIALOG_DATA);
}

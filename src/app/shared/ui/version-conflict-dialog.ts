import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, type MatDialog, MatDialogModule } from '@angular/material/dialog';
import { firstValueFrom } from 'rxjs';

/** One field that differs between the server's version and mine, in words. */
export interface VersionDifference {
  readonly label: string;
  readonly theirs: string;
  readonly mine: string;
}

export interface VersionConflictData {
  /** e.g. "This task was changed elsewhere". */
  readonly title: string;
  /** What happened and what each choice does. */
  readonly message: string;
  readonly differences: readonly VersionDifference[];
  /** e.g. "Save mine over theirs". */
  readonly keepMine: string;
  /** e.g. "Take theirs". */
  readonly takeTheirs: string;
}

export type VersionConflictChoice = 'keep-mine' | 'take-theirs';

/**
 * A save refused because the record changed on the server meanwhile (409/412, `If-Match` on a stale version):
 * the two versions side by side, field by field, and the choice — apply mine to their version, or take theirs.
 * Nothing is overwritten without that choice; closing the dialog keeps what the user typed.
 */
@Component({
  selector: 'wp-version-conflict-dialog',
  imports: [MatButtonModule, MatDialogModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <mat-dialog-content>
      <p>{{ data.message }}</p>
      @if (data.differences.length > 0) {
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
            @for (d of data.differences; track $index) {
              <tr>
                <th scope="row">{{ d.label }}</th>
                <td>
                  <bdi>{{ d.theirs || '—' }}</bdi>
                </td>
                <td>
                  <bdi>{{ d.mine || '—' }}</bdi>
                </td>
              </tr>
            }
          </tbody>
        </table>
      } @else {
        <p>The two versions have the same values.</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-stroked-button type="button" [mat-dialog-close]="'take-theirs'">
        {{ data.takeTheirs }}
      </button>
      <button mat-flat-button type="button" cdkFocusInitial [mat-dialog-close]="'keep-mine'">
        {{ data.keepMine }}
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
export class VersionConflictDialog {
  protected readonly data = inject<VersionConflictData>(MAT_DIALOG_DATA);
}

export interface VersionConflictOptions {
  /** The dialog cannot be dismissed (Escape, backdrop): one of the two choices must be made. */
  readonly requireChoice?: boolean;
  /** CSS width; 640px unless said (a note's answers want more room). */
  readonly width?: string;
}

/** Opens the dialog; resolves with the choice, or undefined when it was closed without one. */
export function askVersionConflict(
  dialog: MatDialog,
  data: VersionConflictData,
  options: VersionConflictOptions = {},
): Promise<VersionConflictChoice | undefined> {
  return firstValueFrom(
    dialog
      .open<VersionConflictDialog, VersionConflictData, VersionConflictChoice>(VersionConflictDialog, {
        data,
        width: options.width ?? '640px',
        maxWidth: '95vw',
        disableClose: options.requireChoice ?? false,
      })
      .afterClosed(),
  );
}

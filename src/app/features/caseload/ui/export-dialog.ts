import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';

export interface ExportDialogData {
  readonly rowCount: number;
}

/** Confirms a CSV export: the file holds 42 CFR Part 2 protected records. Closes with `true` to export. */
@Component({
  selector: 'wp-export-dialog',
  imports: [MatDialogModule, MatButtonModule, MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>Export {{ data.rowCount }} patient{{ data.rowCount === 1 ? '' : 's' }} as CSV?</h2>
    <mat-dialog-content>
      <p class="warning">
        <mat-icon aria-hidden="true">shield_lock</mat-icon>
        <span>
          This file contains substance use disorder information protected by
          <strong>42 CFR Part 2</strong>. Store it only where your program allows, do not share it without the
          patient's written consent, and delete it when you no longer need it.
        </span>
      </p>
      <p>It lists the rows shown now, with the current filters and sort.</p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button [mat-dialog-close]="false">Cancel</button>
      <button mat-flat-button [mat-dialog-close]="true">Export CSV</button>
    </mat-dialog-actions>
  `,
  styles: `
    .warning {
      display: flex;
      gap: 8px;
      align-items: flex-start;
      padding: 12px;
      border-radius: var(--mat-sys-corner-medium);
      background: var(--wp-warning-container);
      color: var(--wp-on-warning-container);
    }
  `,
})
export class ExportDialog {
  protected readonly data = inject<ExportDialogData>(MAT_DIALOG_DATA);
}

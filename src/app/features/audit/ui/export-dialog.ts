import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';

import { Part2Notice } from '../../../shared/ui/part2-notice';

export interface AuditExportDialogData {
  /** How many events match (the file holds them all); null when the server did not count them. */
  readonly total: number | null;
}

/**
 * Confirms the audit report's CSV export. The file names patients of a substance use disorder program, so it is a
 * disclosure of 42 CFR Part 2 records: the dialog shows the notice that must accompany it (the shared
 * `wp-part2-notice`, 42 CFR 2.32(a)(1)) and says that the server records the export.
 * Closes with `true` to export.
 */
@Component({
  selector: 'wp-audit-export-dialog',
  imports: [MatButtonModule, MatDialogModule, MatIconModule, Part2Notice],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>Export the audit report as CSV?</h2>
    <mat-dialog-content>
      <p>
        The file lists
        {{ data.total === null ? 'every event' : data.total + ' event' + (data.total === 1 ? '' : 's') }} of
        the current range and filters. The export is recorded in the audit trail, with this search, before the
        file is made.
      </p>
      <div class="notice">
        <mat-icon aria-hidden="true">shield_lock</mat-icon>
        <wp-part2-notice [onScreen]="true" />
      </div>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" [mat-dialog-close]="false">Cancel</button>
      <button mat-flat-button type="button" [mat-dialog-close]="true">Export CSV</button>
    </mat-dialog-actions>
  `,
  styles: `
    .notice {
      display: flex;
      gap: 8px;
      align-items: flex-start;
      padding: 12px 16px;
      border-radius: var(--mat-sys-corner-medium);
      background: var(--wp-warning-container);
      color: var(--wp-on-warning-container);
      font: var(--mat-sys-body-small);
    }
  `,
})
export class AuditExportDialog {
  protected readonly data = inject<AuditExportDialogData>(MAT_DIALOG_DATA);
}

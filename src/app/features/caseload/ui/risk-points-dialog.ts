import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, type MatDialog, MatDialogModule } from '@angular/material/dialog';

import type { CaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { RiskChip } from '../../../shared/ui/risk-chip';

export interface RiskPointsData {
  readonly name: string;
  readonly risk: CaseloadRow['risk'];
}

/** The points behind a relapse-risk score, each with its reason: the model is auditable line by line. */
@Component({
  selector: 'wp-risk-points-dialog',
  imports: [MatDialogModule, MatButtonModule, RiskChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>
      Relapse risk — <bdi>{{ data.name }}</bdi>
    </h2>
    <mat-dialog-content>
      <p class="summary">
        <wp-risk-chip [score]="data.risk.score" [riskBand]="data.risk.band" [trend]="data.risk.trend" />
        <span>{{ summary }}</span>
      </p>
      @if (data.risk.points.length > 0) {
        <ul class="points">
          @for (point of data.risk.points; track $index) {
            <li>
              <strong class="value">+{{ point.points }}</strong>
              <span>{{ point.reason }}</span>
            </li>
          }
        </ul>
      } @else {
        <p>No rule adds points as of today.</p>
      }
      <p class="note">
        <strong>Decision support, not a diagnosis.</strong> Model {{ data.risk.modelId }} version
        {{ data.risk.modelVersion }}: only the urine-drug-screen rule is validated in published work; the
        other weights are heuristics. Bands: 0–2 low, 3–5 moderate, 6 or more high.
      </p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close cdkFocusInitial>Close</button>
    </mat-dialog-actions>
  `,
  styles: `
    .summary {
      display: flex;
      align-items: center;
      gap: 12px;
    }
    .points {
      margin: 0;
      padding: 0;
      list-style: none;
      display: grid;
      gap: 8px;
    }
    .points li {
      display: grid;
      grid-template-columns: 2.5em 1fr;
      gap: 8px;
    }
    .value {
      text-align: right;
    }
    .note {
      margin-top: 16px;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class RiskPointsDialog {
  protected readonly data = inject<RiskPointsData>(MAT_DIALOG_DATA);
  protected readonly summary =
    this.data.risk.points.length === 1
      ? 'Score from 1 finding:'
      : `Score from ${this.data.risk.points.length} findings${this.data.risk.points.length > 0 ? ':' : ''}`;
}

export function openRiskPoints(dialog: MatDialog, row: CaseloadRow): void {
  dialog.open<RiskPointsDialog, RiskPointsData>(RiskPointsDialog, {
    data: { name: row.name, risk: row.risk },
    width: '36rem',
    maxWidth: '95vw',
    autoFocus: 'dialog',
    restoreFocus: true,
  });
}

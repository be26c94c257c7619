import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';

import type { CaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { formatDate } from '../../../../../clinical/fhir/fhir-date';
import { GridCell } from '../../../shared/ui/grid-cell';
import { RiskChip, riskPhrase } from '../../../shared/ui/risk-chip';
import { Sparkline } from '../../../shared/ui/sparkline';
import {
  alertChips,
  cravingText,
  futureUdsText,
  matText,
  moreAlertsLabel,
  patientDetail,
  signed,
  udsFlags,
  withoutBidiControls,
} from '../data/caseload-cells';
import type { CaseloadColumn } from '../data/caseload-view';
import { openRiskPoints } from './risk-points-dialog';

const MAT_TONE: Readonly<Record<CaseloadRow['mat']['status'], string>> = {
  'on-track': 'ok',
  'supply-ending': 'warn',
  'missed-dose': 'bad',
  gap: 'bad',
  stopped: 'bad',
  none: 'muted',
};

/**
 * One caseload cell, rendered by column id. Every fact is written as text (the colour and icons only
 * repeat it); the risk cell is a button that opens the points behind the score, and an alerts cell with more
 * alerts than fit shows "+N more", a button that lists the rest.
 */
@Component({
  selector: 'wp-caseload-cell',
  imports: [MatIconModule, MatMenuModule, NgTemplateOutlet, RiskChip, Sparkline],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './caseload-cell.html',
  styleUrl: './caseload-cell.scss',
})
export class CaseloadCell extends GridCell<CaseloadRow, CaseloadColumn> {
  private readonly dialog = inject(MatDialog);

  protected readonly formatDate = formatDate;
  protected readonly signed = signed;
  protected readonly patientDetail = patientDetail;
  protected readonly cravingText = cravingText;
  protected readonly udsFlags = udsFlags;
  protected readonly futureUdsText = futureUdsText;
  protected readonly matTone = MAT_TONE;
  protected readonly sparkValues = computed(() =>
    (this.row()?.craving ?? []).map((c) => ({ value: c.value, label: formatDate(c.date) })),
  );
  /** The whole MAT fact as a tooltip (the order's own text may be cut short in the cell). */
  protected readonly matTitle = computed(() => {
    const row = this.row();
    return row ? withoutBidiControls(matText(row)) : '';
  });
  protected readonly riskLabel = computed(() => {
    const row = this.row();
    return row ? `Risk ${riskPhrase(row.risk.score, row.risk.band, row.risk.trend)}: show the points` : '';
  });
  /** The alert chips that fit, safety first, and the rest behind "+N more" (a menu: keyboard and screen reader). */
  protected readonly chips = computed(() => {
    const row = this.row();
    return row ? alertChips(row) : { shown: [], hidden: [] };
  });
  protected readonly moreLabel = computed(() => moreAlertsLabel(this.chips().hidden));

  protected openRisk(event: Event): void {
    // The row's own click opens the patient: this click is the risk button's alone.
    event.stopPropagation();
    const row = this.row();
    if (row) openRiskPoints(this.dialog, row);
  }
}

import type { MatDialog } from '@angular/material/dialog';

import type { CaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { gridColumns, type GridDefinition } from '../../../shared/ui/data-grid';
import { alertChips, cellText, COLUMN_HEADERS } from '../data/caseload-cells';
import { CASELOAD_COLUMNS, type CaseloadColumn } from '../data/caseload-view';
import { CaseloadCell } from './caseload-cell';
import { openRiskPoints } from './risk-points-dialog';

const WIDTHS: Readonly<Record<CaseloadColumn, number>> = {
  patient: 190,
  track: 100,
  lastSession: 120,
  nextAppointment: 120,
  attendance: 120,
  mat: 240,
  uds: 200,
  craving: 110,
  phq9: 100,
  risk: 175,
  notes: 120,
  alerts: 400,
};

/**
 * The caseload grid: one row per patient, in the order the page sorted them (the sort lives in the URL),
 * keyboard navigable (arrow keys between cells; Enter opens the patient, the risk points on the risk cell, and
 * the other alerts on an alerts cell with "+N more").
 */
export function caseloadGrid(dialog: MatDialog): GridDefinition<CaseloadRow, CaseloadColumn> {
  return {
    label: 'Caseload',
    rowId: (row) => row.patientId,
    rowHeight: 56,
    columns: gridColumns(CASELOAD_COLUMNS, {
      headers: COLUMN_HEADERS,
      widths: WIDTHS,
      text: cellText,
      cell: CaseloadCell,
      key: 'patient',
      onEnter: {
        risk: (row) => {
          openRiskPoints(dialog, row);
          return true;
        },
        alerts: (row, cell) => {
          if (alertChips(row).hidden.length === 0) return false;
          cell.querySelector<HTMLButtonElement>('button.more')?.click();
          return true;
        },
      },
    }),
  };
}

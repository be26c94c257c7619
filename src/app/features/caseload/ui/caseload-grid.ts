import { ChangeDetectionStrategy, Component, inject, input, output, viewChild } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';

import type { CaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import {
  DataGrid,
  type GridColumn,
  type GridColumnLayout,
  type GridSort,
} from '../../../shared/ui/data-grid';
import { alertChips, cellText, COLUMN_HEADERS } from '../data/caseload-cells';
import { CASELOAD_COLUMNS, type CaseloadColumn, type CaseloadSort } from '../data/caseload-view';
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
@Component({
  selector: 'wp-caseload-grid',
  imports: [DataGrid],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <wp-data-grid
      label="Caseload"
      [rows]="rows()"
      [columns]="columns"
      [rowId]="rowId"
      [sort]="sort()"
      [layoutKey]="layoutKey()"
      [rowHeight]="56"
      (rowActivated)="patientOpened.emit($event)"
      (sortChange)="sortChanged.emit(toCaseloadSort($event))"
    />
  `,
  styles: `
    :host {
      display: block;
      /* The viewport below the page's header and toolbar; never less than about six rows. */
      --wp-data-grid-height: max(420px, calc(100dvh - 280px));
    }
  `,
})
export class CaseloadGrid {
  private readonly dialog = inject(MatDialog);
  private readonly grid = viewChild.required<DataGrid<CaseloadRow>>(DataGrid);

  readonly rows = input.required<readonly CaseloadRow[]>();
  readonly sort = input<CaseloadSort | null>(null);
  /** Where the user's column layout is kept (column ids and widths only). */
  readonly layoutKey = input.required<string>();
  readonly patientOpened = output<CaseloadRow>();
  readonly sortChanged = output<CaseloadSort | null>();

  protected readonly rowId = (row: CaseloadRow): string => row.patientId;

  protected readonly columns: readonly GridColumn<CaseloadRow>[] = CASELOAD_COLUMNS.map((id) => ({
    id,
    header: COLUMN_HEADERS[id],
    width: WIDTHS[id],
    text: (row: CaseloadRow) => cellText(row, id),
    cell: CaseloadCell,
    key: id === 'patient',
    onEnter:
      id === 'risk'
        ? (row: CaseloadRow) => {
            openRiskPoints(this.dialog, row);
            return true;
          }
        : id === 'alerts'
          ? (row: CaseloadRow, cell: HTMLElement) => {
              if (alertChips(row).hidden.length === 0) return false;
              cell.querySelector<HTMLButtonElement>('button.more')?.click();
              return true;
            }
          : undefined,
  }));

  /** The columns as the user laid them out (order, visibility). */
  layout(): GridColumnLayout[] {
    return this.grid().layout();
  }

  setHidden(column: CaseloadColumn, hidden: boolean): void {
    this.grid().setHidden(column, hidden);
  }

  protected toCaseloadSort(sort: GridSort | null): CaseloadSort | null {
    return sort && (CASELOAD_COLUMNS as readonly string[]).includes(sort.column)
      ? { column: sort.column as CaseloadColumn, direction: sort.direction }
      : null;
  }
}

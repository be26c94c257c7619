import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';

import type { CaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { DataGrid, type GridColumn, type GridOptionsFor } from '../../../shared/ui/data-grid';
import { alertChips, cellText, COLUMN_HEADERS } from '../data/caseload-cells';
import { type CaseloadColumn, type CaseloadSort, compareValues, sortValue } from '../data/caseload-view';
import { CaseloadCell } from './caseload-cell';
import type { StoredColumn } from './column-state';
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

function hasMoreAlerts(row: CaseloadRow): boolean {
  return alertChips(row).hidden.length > 0;
}

/**
 * The caseload grid: one row per patient, sorted by the page (the sort lives in the URL), keyboard
 * navigable (arrow keys between cells; Enter opens the patient, or the risk points on the risk cell, or the
 * other alerts on an alerts cell that shows "+N more").
 */
@Component({
  selector: 'wp-caseload-grid',
  imports: [DataGrid],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <wp-data-grid
      label="Caseload"
      [rowData]="rows()"
      [columnDefs]="columnDefs()"
      [options]="options"
      [rowId]="rowId"
      (rowActivated)="patientOpened.emit($event)"
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

  readonly rows = input.required<readonly CaseloadRow[]>();
  readonly sort = input<CaseloadSort | null>(null);
  readonly columns = input.required<readonly StoredColumn[]>();
  readonly patientOpened = output<CaseloadRow>();
  readonly sortChanged = output<CaseloadSort | null>();
  readonly columnsChanged = output<StoredColumn[]>();

  protected readonly rowId = (row: CaseloadRow): string => row.patientId;

  protected readonly columnDefs = computed((): GridColumn<CaseloadRow>[] => {
    const sort = this.sort();
    return this.columns().map((stored) => {
      const id = stored.id;
      return {
        colId: id,
        headerName: COLUMN_HEADERS[id],
        cellRenderer: CaseloadCell,
        valueGetter: ({ data }) => (data ? cellText(data, id) : ''),
        comparator: (_a, _b, nodeA, nodeB, isDescending) => {
          const va = nodeA.data ? sortValue(nodeA.data, id) : null;
          const vb = nodeB.data ? sortValue(nodeB.data, id) : null;
          // Empty cells last in both directions (ag-grid negates the result for descending).
          if (va === null || vb === null) return va === vb ? 0 : (va === null) !== isDescending ? 1 : -1;
          return compareValues(va, vb);
        },
        sortable: true,
        sort: sort?.column === id ? sort.direction : null,
        hide: stored.hidden,
        width: stored.width ?? WIDTHS[id],
        minWidth: 80,
        resizable: true,
        lockVisible: id === 'patient',
        // Enter on the risk cell opens its points, and on an alerts cell with "+N more" the other alerts: mark
        // the key handled before the grid's cellKeyDown listeners run (ag-grid calls this first), so the data
        // grid does not also open the patient.
        suppressKeyboardEvent:
          id === 'risk' || id === 'alerts'
            ? ({ event, data }) => {
                if (event.key === 'Enter' && (id === 'risk' || (data && hasMoreAlerts(data))))
                  event.preventDefault();
                return false;
              }
            : undefined,
        pinned: id === 'patient' ? 'left' : undefined,
      };
    });
  });

  protected readonly options: GridOptionsFor<CaseloadRow> = {
    rowHeight: 56,
    headerHeight: 44,
    animateRows: false,
    suppressCellFocus: false,
    suppressDragLeaveHidesColumns: true,
    ensureDomOrder: true,
    // Twelve columns: render them all, so screen readers and find-in-page see every cell.
    suppressColumnVirtualisation: true,
    // Enter opens the patient (the data grid's rowActivated), except on the risk cell (the points) and on an
    // alerts cell with "+N more" (the menu of the other alerts, through the cell's own button).
    onCellKeyDown: (event) => {
      const keyboard = event.event instanceof KeyboardEvent ? event.event : undefined;
      if (keyboard?.key !== 'Enter' || !event.data || !('column' in event)) return;
      const column = event.column.getColId();
      if (column === 'risk') {
        openRiskPoints(this.dialog, event.data);
      } else if (column === 'alerts' && hasMoreAlerts(event.data) && keyboard.target instanceof HTMLElement) {
        keyboard.target
          .closest('[col-id="alerts"]')
          ?.querySelector<HTMLButtonElement>('button.more')
          ?.click();
      }
    },
    onSortChanged: (event) => {
      if (event.source !== 'uiColumnSorted') return;
      const sorted = event.api.getColumnState().find((c) => c.sort);
      this.sortChanged.emit(
        sorted?.sort ? { column: sorted.colId as CaseloadColumn, direction: sorted.sort } : null,
      );
    },
    onColumnMoved: (event) => {
      if (event.finished) this.emitColumns(event.api.getColumnState());
    },
    onColumnResized: (event) => {
      if (event.finished && event.source === 'uiColumnResized') this.emitColumns(event.api.getColumnState());
    },
  };

  private emitColumns(
    state: readonly { colId: string; hide?: boolean | null; width?: number | null }[],
  ): void {
    this.columnsChanged.emit(
      state.map((c) => ({ id: c.colId as CaseloadColumn, hidden: c.hide === true, width: c.width ?? null })),
    );
  }
}

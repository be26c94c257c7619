import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

import { DataGrid, type GridColumn, type GridSort } from '../../../shared/ui/data-grid';
import { ADHERENCE_HEADERS, adherenceCellText } from '../data/adherence-cells';
import { ADHERENCE_COLUMNS, type AdherenceColumn, type AdherenceSort } from '../data/adherence-view';
import { AdherenceCell, type AdherenceGridRow } from './adherence-cell';

const WIDTHS: Readonly<Record<AdherenceColumn, number>> = {
  patient: 200,
  drug: 200,
  pdc: 140,
  missed: 210,
  lastDispense: 150,
  supplyEnds: 160,
  injection: 180,
  takeHome: 200,
  attendance: 180,
  lastContact: 150,
  streak: 190,
  tasks: 130,
  actions: 150,
};

/** Enter on a cell whose content is a link follows the link (instead of selecting the row). */
function followLink(_row: AdherenceGridRow, cell: HTMLElement): boolean {
  const link = cell.querySelector<HTMLAnchorElement>('a');
  link?.click();
  return link !== null;
}

/**
 * The adherence grid: one row per program patient in the order the page gives (the sort lives in the URL).
 * Selecting a row (click, or Enter on a cell) charts that patient; Enter on the name opens the chart, on
 * "Create task" the task form.
 */
@Component({
  selector: 'wp-adherence-grid',
  imports: [DataGrid],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <wp-data-grid
      label="Adherence"
      [rows]="rows()"
      [columns]="columns"
      [rowId]="rowId"
      [sort]="sort()"
      [layoutKey]="layoutKey()"
      [rowHeight]="56"
      (rowActivated)="rowSelected.emit($event)"
      (sortChange)="sortChanged.emit(toSort($event))"
    />
  `,
  styles: `
    :host {
      display: block;
      --wp-data-grid-height: max(360px, calc(100dvh - 520px));
    }
  `,
})
export class AdherenceGrid {
  readonly rows = input.required<readonly AdherenceGridRow[]>();
  readonly sort = input<AdherenceSort | null>(null);
  readonly layoutKey = input.required<string>();
  readonly rowSelected = output<AdherenceGridRow>();
  readonly sortChanged = output<AdherenceSort | null>();

  protected readonly rowId = (row: AdherenceGridRow): string => row.patientId;
  protected readonly columns: readonly GridColumn<AdherenceGridRow>[] = ADHERENCE_COLUMNS.map((id) => ({
    id,
    header: ADHERENCE_HEADERS[id],
    width: WIDTHS[id],
    text: (row: AdherenceGridRow) => adherenceCellText(row, id),
    cell: AdherenceCell,
    key: id === 'patient',
    sortable: id !== 'actions',
    onEnter: id === 'patient' || id === 'actions' ? followLink : undefined,
  }));

  protected toSort(sort: GridSort | null): AdherenceSort | null {
    return sort && (ADHERENCE_COLUMNS as readonly string[]).includes(sort.column) && sort.column !== 'actions'
      ? { column: sort.column as AdherenceColumn, direction: sort.direction }
      : null;
  }
}

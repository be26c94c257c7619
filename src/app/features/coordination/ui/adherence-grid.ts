import { gridColumns, type GridDefinition } from '../../../shared/ui/data-grid';
import { ADHERENCE_HEADERS, ADHERENCE_PARTS, adherenceCellText } from '../data/adherence-cells';
import { ADHERENCE_COLUMNS, type AdherenceColumn } from '../data/adherence-view';
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
export const ADHERENCE_GRID: GridDefinition<AdherenceGridRow, AdherenceColumn> = {
  label: 'Adherence',
  rowId: (row) => row.patientId,
  rowHeight: 56,
  columns: gridColumns(ADHERENCE_COLUMNS, {
    headers: ADHERENCE_HEADERS,
    widths: WIDTHS,
    text: adherenceCellText,
    cell: AdherenceCell,
    parts: ADHERENCE_PARTS,
    key: 'patient',
    unsortable: ['actions'],
    onEnter: { patient: followLink, actions: followLink },
  }),
};

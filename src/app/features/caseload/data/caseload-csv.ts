import type { CaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { csvField } from '../../../shared/data/csv';
import { cellText, COLUMN_HEADERS } from './caseload-cells';
import { CASELOAD_COLUMNS, type CaseloadColumn } from './caseload-view';

/** The rows as CSV (header line first, CRLF line ends), in the given column order. */
export function caseloadCsv(
  rows: readonly CaseloadRow[],
  columns: readonly CaseloadColumn[] = CASELOAD_COLUMNS,
): string {
  const lines = [
    columns.map((c) => csvField(COLUMN_HEADERS[c])).join(','),
    ...rows.map((row) => columns.map((c) => csvField(cellText(row, c))).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

import type { CaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { cellText, COLUMN_HEADERS, withoutBidiControls } from './caseload-cells';
import { CASELOAD_COLUMNS, type CaseloadColumn } from './caseload-view';

/**
 * RFC 4180 field. Bidirectional controls are stripped first (a spreadsheet cell cannot isolate them, and
 * they could hide what follows), then a leading = + - @ (or tab, carriage return) is neutralised with an
 * apostrophe so a spreadsheet does not run the value as a formula (OWASP, "CSV Injection").
 */
function csvField(raw: string): string {
  const value = withoutBidiControls(raw);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

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

import { CASELOAD_COLUMNS, type CaseloadColumn } from '../data/caseload-view';

/**
 * Per-user grid column layout (order, visibility, width) kept in localStorage. Column ids only: never a
 * patient name, id or value, so nothing protected is left in the browser's storage.
 */
export interface StoredColumn {
  readonly id: CaseloadColumn;
  readonly hidden: boolean;
  readonly width: number | null;
}

const PREFIX = 'waypoint.caseload.columns.v1';

export function columnStateKey(user: string | undefined): string {
  return `${PREFIX}:${user ?? 'anonymous'}`;
}

function isColumn(value: unknown): value is CaseloadColumn {
  return typeof value === 'string' && (CASELOAD_COLUMNS as readonly string[]).includes(value);
}

/** Reads the stored layout; unknown ids are dropped and columns added since are appended, shown. */
export function readColumnState(storage: Storage | undefined, key: string): StoredColumn[] {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(storage?.getItem(key) ?? 'null');
  } catch {
    parsed = null;
  }
  const stored: StoredColumn[] = [];
  if (Array.isArray(parsed)) {
    for (const item of parsed as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const { id, hidden, width } = item as Record<string, unknown>;
      if (!isColumn(id) || stored.some((c) => c.id === id)) continue;
      stored.push({
        id,
        // The patient column identifies the row: it cannot be hidden.
        hidden: id !== 'patient' && hidden === true,
        width: typeof width === 'number' && width >= 40 && width <= 2000 ? Math.round(width) : null,
      });
    }
  }
  for (const id of CASELOAD_COLUMNS) {
    if (!stored.some((c) => c.id === id)) stored.push({ id, hidden: false, width: null });
  }
  return stored;
}

export function writeColumnState(
  storage: Storage | undefined,
  key: string,
  columns: readonly StoredColumn[],
): void {
  try {
    storage?.setItem(key, JSON.stringify(columns.map(({ id, hidden, width }) => ({ id, hidden, width }))));
  } catch {
    // Storage full or disabled: the layout is a convenience, not worth an error.
  }
}

export function visibleColumns(columns: readonly StoredColumn[]): CaseloadColumn[] {
  return columns.filter((c) => !c.hidden).map((c) => c.id);
}

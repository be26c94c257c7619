import type { CaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { type Track, TRACKS } from '../../../../../clinical/terminology';
import {
  applyFilterSortChange,
  type ColumnSort,
  compareSortValues,
  type FilterSortView,
  filtersParam,
  firstString,
  parseFilterSort,
  type QueryParams,
  sortableColumn,
  type SortDirection,
  sortParam,
} from '../../../shared/data/url-view';

/**
 * The caseload view (quick filters, track, name search, sort) as it lives in the URL query, so a view
 * is a link and a reload keeps it: `?filter=high-risk,alerts&track=DBT&q=riv&sort=risk:desc`.
 */

export const QUICK_FILTERS = ['high-risk', 'alerts', 'mat-issue', 'notes-due'] as const;
export type QuickFilter = (typeof QUICK_FILTERS)[number];

export const QUICK_FILTER_LABELS: Readonly<Record<QuickFilter, string>> = {
  'high-risk': 'High risk',
  alerts: 'Alerts',
  'mat-issue': 'MAT issue',
  'notes-due': 'Notes due',
};

/** Column ids: sort keys, the grid's layout and CSV columns share them. */
export const CASELOAD_COLUMNS = [
  'patient',
  'risk',
  'alerts',
  'track',
  'lastSession',
  'nextAppointment',
  'attendance',
  'mat',
  'uds',
  'craving',
  'phq9',
  'notes',
] as const;
export type CaseloadColumn = (typeof CASELOAD_COLUMNS)[number];

export type CaseloadSort = ColumnSort<CaseloadColumn>;

/** `sort` null: the default order (safety first, then risk score high to low, then name). */
export interface CaseloadView extends FilterSortView<QuickFilter, CaseloadColumn> {
  readonly track: Track | null;
  /** Name search, trimmed; '' for none. */
  readonly q: string;
}

export type CaseloadViewChange = Partial<CaseloadView>;

export const DEFAULT_VIEW: CaseloadView = { filters: [], track: null, q: '', sort: null };

const isColumn = sortableColumn(CASELOAD_COLUMNS);

/** Reads the view from URL query parameters; unknown or malformed values are ignored, never fatal. */
export function parseCaseloadView(params: QueryParams): CaseloadView {
  const trackValue = firstString(params['track'])?.toUpperCase();
  const track = TRACKS.find((t) => t === trackValue) ?? null;
  const q = (firstString(params['q']) ?? '').trim().slice(0, 100);
  return { ...parseFilterSort(params, QUICK_FILTERS, isColumn), track, q };
}

/** The query parameters of a view; defaults are `null`, which removes them from the URL. */
export function caseloadQueryParams(view: CaseloadView): Record<string, string | null> {
  return {
    filter: filtersParam(view.filters, QUICK_FILTERS),
    track: view.track,
    q: view.q.trim() || null,
    sort: sortParam(view.sort),
  };
}

export function applyViewChange(view: CaseloadView, change: CaseloadViewChange): CaseloadView {
  return applyFilterSortChange(view, change, QUICK_FILTERS);
}

/** True when the patient has the PHQ-9 item 9 safety alert: such a row is never filtered away. */
export function hasSafetyAlert(row: CaseloadRow): boolean {
  return row.alerts.some((a) => a.severity === 'safety');
}

const MAT_ISSUES: ReadonlySet<CaseloadRow['mat']['status']> = new Set([
  'gap',
  'missed-dose',
  'supply-ending',
  'stopped',
]);

const QUICK_FILTER_TESTS: Readonly<Record<QuickFilter, (row: CaseloadRow) => boolean>> = {
  'high-risk': (row) => row.risk.band === 'high',
  alerts: (row) => row.alerts.length > 0,
  'mat-issue': (row) => MAT_ISSUES.has(row.mat.status),
  'notes-due': (row) => row.notesDue.over24h > 0,
};

/** Lower sorts first in the default order and in the MAT column ascending (worst first). */
const MAT_ORDER: Readonly<Record<CaseloadRow['mat']['status'], number>> = {
  gap: 0,
  'missed-dose': 1,
  stopped: 2,
  'supply-ending': 3,
  'on-track': 4,
  none: 5,
};

const ALERT_WEIGHT = { safety: 1000, high: 100, warning: 10, info: 1 } as const;

/** The value a column sorts by; null sorts last in both directions. */
export function sortValue(row: CaseloadRow, column: CaseloadColumn): string | number | null {
  switch (column) {
    case 'patient':
      return row.name.toLocaleLowerCase();
    case 'track':
      return row.track ? `${row.track} ${String(row.week?.week ?? 0).padStart(2, '0')}` : null;
    case 'lastSession':
      return row.lastSession?.date ?? null;
    case 'nextAppointment':
      return row.nextAppointment?.date ?? null;
    case 'attendance':
      return row.attendance.percent;
    case 'mat':
      return MAT_ORDER[row.mat.status];
    case 'uds':
      return row.lastUds?.date ?? null;
    case 'craving':
      return row.craving.at(-1)?.value ?? null;
    case 'phq9':
      return row.phq9?.score ?? null;
    case 'risk':
      return row.risk.score;
    case 'notes':
      return row.notesDue.overdue * 1000 + row.notesDue.over24h * 10 + row.notesDue.unsigned;
    case 'alerts':
      return row.alerts.reduce((sum, a) => sum + ALERT_WEIGHT[a.severity], 0);
  }
}

function compareBy(column: CaseloadColumn, direction: SortDirection) {
  return (a: CaseloadRow, b: CaseloadRow): number =>
    compareSortValues(sortValue(a, column), sortValue(b, column), direction);
}

/** Safety alerts first, then risk score high to low, then name. */
function defaultOrder(a: CaseloadRow, b: CaseloadRow): number {
  return (
    Number(hasSafetyAlert(b)) - Number(hasSafetyAlert(a)) ||
    b.risk.score - a.risk.score ||
    a.name.localeCompare(b.name)
  );
}

export interface CaseloadViewResult {
  readonly rows: readonly CaseloadRow[];
  /** Rows shown only because of a safety alert (they failed a quick filter or the track). */
  readonly keptForSafety: number;
}

/**
 * Filters and sorts the rows. Quick filters and the track narrow the list (all must match), except that a
 * row with a safety alert is always kept; the name search applies to every row.
 */
export function applyCaseloadView(rows: readonly CaseloadRow[], view: CaseloadView): CaseloadViewResult {
  const q = view.q.toLocaleLowerCase();
  let keptForSafety = 0;
  const visible = rows.filter((row) => {
    if (q && !row.name.toLocaleLowerCase().includes(q)) return false;
    const matches =
      view.filters.every((f) => QUICK_FILTER_TESTS[f](row)) && (!view.track || row.track === view.track);
    if (matches) return true;
    if (hasSafetyAlert(row)) {
      keptForSafety++;
      return true;
    }
    return false;
  });
  const sorted = [...visible].sort(
    view.sort ? compareBy(view.sort.column, view.sort.direction) : defaultOrder,
  );
  return { rows: sorted, keptForSafety };
}

import {
  ADHERENCE_FILTERS,
  type AdherenceFilter,
  type AdherenceRow,
  filterAdherenceRows,
} from '../../../../../clinical/workspaces/adherence';

/**
 * The adherence grid's view as it lives in the URL query, so a view is a link and a reload keeps it:
 * `?filter=supply-ending,no-contact&sort=pdc:asc&chart=<patient id>`.
 */

/** Column ids: sort keys and the grid's layout share them. */
export const ADHERENCE_COLUMNS = [
  'patient',
  'drug',
  'pdc',
  'missed',
  'lastDispense',
  'supplyEnds',
  'injection',
  'takeHome',
  'attendance',
  'lastContact',
  'streak',
  'tasks',
  'actions',
] as const;
export type AdherenceColumn = (typeof ADHERENCE_COLUMNS)[number];

export type SortDirection = 'asc' | 'desc';
export interface AdherenceSort {
  readonly column: AdherenceColumn;
  readonly direction: SortDirection;
}

export interface AdherenceView {
  readonly filters: readonly AdherenceFilter[];
  /** null: by name. */
  readonly sort: AdherenceSort | null;
  /** The patient whose weeks the chart shows; null for the whole program. */
  readonly chart: string | null;
}

export type AdherenceViewChange = Partial<AdherenceView>;

type QueryParams = Readonly<Record<string, unknown>>;

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

function isColumn(value: string): value is AdherenceColumn {
  return (ADHERENCE_COLUMNS as readonly string[]).includes(value) && value !== 'actions';
}

/** Reads the view from URL query parameters; unknown or malformed values are ignored, never fatal. */
export function parseAdherenceView(params: QueryParams): AdherenceView {
  const values = [params['filter']]
    .flat()
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','));
  const filters = ADHERENCE_FILTERS.filter((f) => values.includes(f));
  const [column = '', direction = 'asc'] = (firstString(params['sort']) ?? '').split(':');
  const sort: AdherenceSort | null =
    isColumn(column) && (direction === 'asc' || direction === 'desc') ? { column, direction } : null;
  const chart = firstString(params['chart']) ?? '';
  return { filters, sort, chart: FHIR_ID.test(chart) ? chart : null };
}

/** The query parameters of a view; defaults are `null`, which removes them from the URL. */
export function adherenceQueryParams(view: AdherenceView): Record<string, string | null> {
  return {
    filter:
      view.filters.length > 0 ? ADHERENCE_FILTERS.filter((f) => view.filters.includes(f)).join(',') : null,
    sort: view.sort ? `${view.sort.column}:${view.sort.direction}` : null,
    chart: view.chart,
  };
}

export function applyAdherenceViewChange(view: AdherenceView, change: AdherenceViewChange): AdherenceView {
  const wanted = change.filters ?? view.filters;
  return { ...view, ...change, filters: ADHERENCE_FILTERS.filter((f) => wanted.includes(f)) };
}

/** The value a column sorts by; null sorts last in both directions. */
export function adherenceSortValue(row: AdherenceRow, column: AdherenceColumn): string | number | null {
  switch (column) {
    case 'patient':
      return row.name.toLocaleLowerCase();
    case 'drug':
      return row.mat.drug;
    case 'pdc':
      return row.pdc30;
    case 'missed':
      return row.missedDosesThisWeek;
    case 'lastDispense':
      return row.lastDispense;
    case 'supplyEnds':
      return row.supplyEndsOn;
    case 'injection':
      return row.nextInjectionDue;
    case 'takeHome':
      return row.takeHome?.maxDaysSupply ?? null;
    case 'attendance':
      return row.attendance.percent;
    case 'lastContact':
      return row.lastContact;
    case 'streak':
      return row.negativeStreakWeeks;
    case 'tasks':
      return row.openTasks;
    case 'actions':
      return null;
  }
}

function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** The rows the filters keep, in the view's order (by name when unsorted). */
export function applyAdherenceView(rows: readonly AdherenceRow[], view: AdherenceView): AdherenceRow[] {
  const kept = filterAdherenceRows(rows, view.filters);
  const sort = view.sort;
  if (!sort) return kept;
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...kept].sort((a, b) => {
    const va = adherenceSortValue(a, sort.column);
    const vb = adherenceSortValue(b, sort.column);
    if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
    return sign * compare(va, vb) || a.name.localeCompare(b.name);
  });
}

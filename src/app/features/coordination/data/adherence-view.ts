import {
  ADHERENCE_FILTERS,
  type AdherenceFilter,
  type AdherenceRow,
  filterAdherenceRows,
} from '../../../../../clinical/workspaces/adherence';
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
  sortParam,
} from '../../../shared/data/url-view';

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

export type AdherenceSort = ColumnSort<AdherenceColumn>;

/** `sort` null: by name. */
export interface AdherenceView extends FilterSortView<AdherenceFilter, AdherenceColumn> {
  /** The patient whose weeks the chart shows; null for the whole program. */
  readonly chart: string | null;
}

export type AdherenceViewChange = Partial<AdherenceView>;

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

const isColumn = sortableColumn(ADHERENCE_COLUMNS, ['actions']);

/** Reads the view from URL query parameters; unknown or malformed values are ignored, never fatal. */
export function parseAdherenceView(params: QueryParams): AdherenceView {
  const chart = firstString(params['chart']) ?? '';
  return { ...parseFilterSort(params, ADHERENCE_FILTERS, isColumn), chart: FHIR_ID.test(chart) ? chart : null };
}

/** The query parameters of a view; defaults are `null`, which removes them from the URL. */
export function adherenceQueryParams(view: AdherenceView): Record<string, string | null> {
  return {
    filter: filtersParam(view.filters, ADHERENCE_FILTERS),
    sort: sortParam(view.sort),
    chart: view.chart,
  };
}

export function applyAdherenceViewChange(view: AdherenceView, change: AdherenceViewChange): AdherenceView {
  return applyFilterSortChange(view, change, ADHERENCE_FILTERS);
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

/** The rows the filters keep, in the view's order (by name when unsorted). */
export function applyAdherenceView(rows: readonly AdherenceRow[], view: AdherenceView): AdherenceRow[] {
  const kept = filterAdherenceRows(rows, view.filters);
  const sort = view.sort;
  if (!sort) return kept;
  return [...kept].sort((a, b) => {
    const va = adherenceSortValue(a, sort.column);
    // Two rows without a value keep their order; equal values go by name.
    return compareSortValues(va, adherenceSortValue(b, sort.column), sort.direction) || (va === null ? 0 : a.name.localeCompare(b.name));
  });
}

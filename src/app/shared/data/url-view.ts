/**
 * The pieces a page's view (quick filters, sort) has in common when it lives in the URL query, so a view is
 * a link and a reload keeps it: `?filter=a,b&sort=column:desc`. Unknown or malformed values are ignored.
 */

/** The router's query parameters. */
export type QueryParams = Readonly<Record<string, unknown>>;

export type SortDirection = 'asc' | 'desc';
export interface ColumnSort<C extends string = string> {
  readonly column: C;
  readonly direction: SortDirection;
}

/** The part of a grid page's view that every such page has: quick filters and a column sort. */
export interface FilterSortView<F extends string, C extends string> {
  readonly filters: readonly F[];
  /** null: the page's default order. */
  readonly sort: ColumnSort<C> | null;
}

/** A guard for the columns a view may sort by: `columns` less the `unsortable` ones. */
export function sortableColumn<C extends string>(
  columns: readonly C[],
  unsortable: readonly C[] = [],
): (value: string) => value is C {
  const sortable = new Set<string>(columns.filter((c) => !unsortable.includes(c)));
  return (value: string): value is C => sortable.has(value);
}

/** Reads the filters and the sort of a view from URL query parameters. */
export function parseFilterSort<F extends string, C extends string>(
  params: QueryParams,
  filters: readonly F[],
  isColumn: (column: string) => column is C,
): FilterSortView<F, C> {
  return { filters: parseFilters(params['filter'], filters), sort: parseSort(params['sort'], isColumn) };
}

/** A view with a change applied; the filters stay in the order of `all`. */
export function applyFilterSortChange<F extends string, V extends FilterSortView<F, string>>(
  view: V,
  change: Partial<V>,
  all: readonly F[],
): V {
  return { ...view, ...change, filters: orderedFilters(change.filters ?? view.filters, all) };
}

/** A parameter's value, or its first value when it is repeated. */
export function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** The filters a `filter` parameter names (comma separated, repeated, or both), in the order of `all`. */
export function parseFilters<F extends string>(value: unknown, all: readonly F[]): F[] {
  const values = [value]
    .flat()
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','));
  return orderedFilters(values, all);
}

/** The filters of a change (or the view's own), in the order of `all`. */
export function orderedFilters<F extends string>(wanted: readonly string[], all: readonly F[]): F[] {
  return all.filter((f) => wanted.includes(f));
}

/** The `filter` parameter of the selected filters, in the order of `all`; null for none. */
export function filtersParam<F extends string>(selected: readonly F[], all: readonly F[]): string | null {
  return selected.length > 0 ? orderedFilters(selected, all).join(',') : null;
}

/** A `sort=column:direction` parameter (direction `asc` when left out); null unless the column is one. */
export function parseSort<C extends string>(
  value: unknown,
  isColumn: (column: string) => column is C,
): ColumnSort<C> | null {
  const [column = '', direction = 'asc'] = (firstString(value) ?? '').split(':');
  return isColumn(column) && (direction === 'asc' || direction === 'desc') ? { column, direction } : null;
}

export function sortParam(sort: ColumnSort | null): string | null {
  return sort ? `${sort.column}:${sort.direction}` : null;
}

/** Compares two sort values ascending: numbers as numbers, anything else as text. */
export function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** Compares two sort values in a direction; a null sorts last in both directions. */
export function compareSortValues(
  a: string | number | null,
  b: string | number | null,
  direction: SortDirection,
): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return (direction === 'asc' ? 1 : -1) * compareValues(a, b);
}

import { DOCUMENT } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  output,
  signal,
  type Type,
  viewChild,
} from '@angular/core';
import { AgGridAngular } from 'ag-grid-angular';
import {
  type CellKeyDownEvent,
  CellStyleModule,
  ClientSideRowModelModule,
  type ColDef,
  ColumnApiModule,
  type FullWidthCellKeyDownEvent,
  type GetRowIdFunc,
  type GridApi,
  type GridOptions,
  type GridState,
  GridStateModule,
  type Module,
  type RowClickedEvent,
  RowStyleModule,
  type SortChangedEvent,
  themeQuartz,
  TooltipModule,
  ValidationModule,
} from 'ag-grid-community';

import type { ColumnSort } from '../data/url-view';

/**
 * Waypoint's grid: ag-grid behind our own column type. Features describe columns (id, header, width, the
 * cell's text and optionally a cell component) and hand over rows already filtered and sorted; they never touch
 * ag-grid's API. Ownership:
 * - the ORDER of rows is the feature's (its selector sorts, the sort lives in the URL): the grid shows the sort
 *   indicator and reports header clicks through `sortChange`, but keeps the rows in the order given;
 * - the LAYOUT of columns (order, visibility, width) is the grid's: it keeps ag-grid's own state
 *   (`getState()` / `initialState`) per `layoutKey` in localStorage — column ids and widths only, never data.
 */

/** What a cell component receives (the part of ag-grid's renderer params a Waypoint cell reads). */
export interface GridCellParams<T> {
  readonly data?: T;
  readonly colDef?: { readonly colId?: string } | null;
}

/** A cell component: ag-grid calls `agInit` once and `refresh` on updates. */
export interface GridCellRenderer<T> {
  agInit(params: GridCellParams<T>): void;
  refresh(params: GridCellParams<T>): boolean;
}

/**
 * One line of a plain cell: its words and how they look. `secondary` is the small second line; `tone` repeats
 * what the words say (muted: nothing to report; bad, warn: a threshold crossed). `isolate` marks free text
 * (a product name from an order), shown in <bdi> so a bidirectional control in it cannot reorder the rest.
 */
export interface GridCellPart {
  readonly text: string;
  readonly secondary?: boolean;
  readonly tone?: 'muted' | 'bad' | 'warn';
  readonly isolate?: boolean;
}

export interface GridColumn<T, C extends string = string> {
  readonly id: C;
  readonly header: string;
  /** Default width in px (the user may resize). */
  readonly width: number;
  /** The cell as plain text: the CSV export, tooltips and find-in-page read it; the default cell shows it. */
  readonly text: (row: T) => string;
  /** A rich cell (a component: links, buttons, menus); it must show the same facts as `text`. */
  readonly cell?: Type<GridCellRenderer<T>>;
  /**
   * A plain cell: lines of text the grid renders as DOM itself, with no component per cell — for a grid of
   * many rows this is most of its render time. Takes precedence over `cell`; same facts as `text`.
   */
  readonly parts?: (row: T) => readonly GridCellPart[];
  /** Pinned to the left, cannot be hidden (the column that identifies a row). */
  readonly key?: boolean;
  /** Default true. */
  readonly sortable?: boolean;
  /**
   * Enter on this cell does something of its own (opens a dialog, a menu) instead of activating the row:
   * return true when it handled the key.
   */
  readonly onEnter?: (row: T, cell: HTMLElement) => boolean;
}

/** The sort a feature's rows are in: a column of the grid's and a direction. */
export type GridSort<C extends string = string> = ColumnSort<C>;

/** A feature's grid: its accessible name, its columns and the identity of a row. */
export interface GridDefinition<T, C extends string = string> {
  /** Accessible name of the grid region, e.g. "Caseload". */
  readonly label: string;
  readonly columns: readonly GridColumn<T, C>[];
  /** Row identity, so updates keep focus and scroll position (e.g. `row => row.patientId`). */
  readonly rowId: (row: T) => string;
  /** Default 48. */
  readonly rowHeight?: number;
}

/** How a feature's columns are made from its per-column tables (one column per id, in the ids' order). */
interface GridColumnTables<T, C extends string> {
  readonly headers: Readonly<Record<C, string>>;
  readonly widths: Readonly<Record<C, number>>;
  readonly text: (row: T, column: C) => string;
  readonly cell: Type<GridCellRenderer<T>>;
  /** Columns shown as plain lines of text instead of `cell` (see GridColumn.parts). */
  readonly parts?: Partial<Record<C, (row: T) => readonly GridCellPart[]>>;
  /** The column that identifies a row. */
  readonly key: C;
  /** Columns with nothing to sort by. */
  readonly unsortable?: readonly C[];
  readonly onEnter?: Partial<Record<C, (row: T, cell: HTMLElement) => boolean>>;
}

export function gridColumns<T, C extends string>(
  ids: readonly C[],
  tables: GridColumnTables<T, C>,
): GridColumn<T, C>[] {
  return ids.map((id) => ({
    id,
    header: tables.headers[id],
    width: tables.widths[id],
    text: (row: T) => tables.text(row, id),
    cell: tables.cell,
    parts: tables.parts?.[id],
    key: id === tables.key,
    sortable: !tables.unsortable?.includes(id),
    onEnter: tables.onEnter?.[id],
  }));
}

/** A plain cell's DOM: a `.wp-grid-cell` (styles.scss) of one element per part, its words as text, never HTML. */
export function renderCellParts(document: Document, parts: readonly GridCellPart[]): HTMLElement {
  const cell = document.createElement('div');
  cell.className = 'wp-grid-cell';
  for (const part of parts) {
    const line = document.createElement(part.isolate ? 'bdi' : 'span');
    const kind = part.secondary ? 'secondary' : part.tone === 'muted' ? 'muted' : 'primary';
    line.className = part.tone && part.tone !== 'muted' ? `${kind} ${part.tone}` : kind;
    line.textContent = part.text;
    cell.append(line);
  }
  return cell;
}

/** One column as the user has laid it out. */
export interface GridColumnLayout<C extends string = string> {
  readonly id: C;
  readonly header: string;
  readonly hidden: boolean;
  readonly key: boolean;
}

/**
 * Only the modules the Waypoint grids use are bundled (tree-shaken per module). ValidationModule
 * explains misconfiguration in development and is compiled out of production builds: `ngDevMode`
 * is a build-time constant there, unlike `isDevMode()`.
 */
const GRID_MODULES: Module[] = [
  ClientSideRowModelModule,
  ColumnApiModule,
  GridStateModule,
  CellStyleModule,
  RowStyleModule,
  TooltipModule,
  ...(typeof ngDevMode === 'undefined' || ngDevMode ? [ValidationModule] : []),
];

/**
 * The grid's colours come from the Material system tokens, which are `light-dark()` values: the
 * grid follows the light/dark scheme with no JavaScript.
 */
const WAYPOINT_GRID_THEME = themeQuartz.withParams({
  browserColorScheme: 'inherit',
  fontFamily: 'inherit',
  fontSize: 14,
  backgroundColor: 'var(--mat-sys-surface)',
  foregroundColor: 'var(--mat-sys-on-surface)',
  accentColor: 'var(--mat-sys-primary)',
  borderColor: 'var(--mat-sys-outline-variant)',
  headerBackgroundColor: 'var(--mat-sys-surface-container)',
  headerTextColor: 'var(--mat-sys-on-surface)',
  headerFontWeight: 500,
  rowHoverColor: 'var(--mat-sys-surface-container-high)',
  selectedRowBackgroundColor: 'var(--mat-sys-secondary-container)',
  oddRowBackgroundColor: 'var(--mat-sys-surface-container-lowest)',
  wrapperBorderRadius: 12,
  spacing: 8,
});

/** The part of ag-grid's state a layout keeps: which columns, in which order, how wide. */
type LayoutState = Pick<GridState, 'columnOrder' | 'columnSizing' | 'columnVisibility'>;

function readLayout(storage: Storage | undefined, key: string | undefined): LayoutState | undefined {
  if (!storage || !key) return undefined;
  try {
    const parsed = JSON.parse(storage.getItem(key) ?? 'null') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as LayoutState) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lives in lazy chunks only — import it from feature pages, never from the shell.
 */
@Component({
  selector: 'wp-data-grid',
  imports: [AgGridAngular],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class.wp-grid-pending]': '!shown()', '[attr.inert]': "shown() ? null : ''" },
  template: `
    <ag-grid-angular
      class="grid"
      role="region"
      [attr.aria-label]="grid().label"
      [theme]="theme"
      [modules]="modules"
      [loadThemeGoogleFonts]="false"
      [gridOptions]="gridOptions"
      [initialState]="initialState()"
      [rowData]="rowsCopy()"
      [columnDefs]="columnDefs()"
      [getRowId]="getRowId()"
      [rowHeight]="grid().rowHeight ?? 48"
      (rowClicked)="onRowClicked($event)"
      (cellKeyDown)="onCellKeyDown($event)"
      (sortChanged)="onSortChanged($event)"
      (stateUpdated)="saveLayout()"
      (firstDataRendered)="layoutVersion.set(layoutVersion() + 1)"
    />
  `,
  styles: `
    :host {
      display: block;
      height: var(--wp-data-grid-height, 480px);
    }
    .grid {
      display: block;
      height: 100%;
    }
    /* Built ahead of its rows: out of the flow (of a positioned container), invisible and inert. */
    :host(.wp-grid-pending) {
      position: absolute;
      inset: 0 0 auto;
      visibility: hidden;
    }
  `,
})
export class DataGrid<T extends object, C extends string = string> {
  private readonly document = inject(DOCUMENT);
  private readonly storage = this.document.defaultView?.localStorage;

  readonly grid = input.required<GridDefinition<T, C>>();
  /** The rows, filtered and in display order. */
  readonly rows = input.required<readonly T[]>();
  /**
   * False while the rows are still loading: the grid is built (its set-up overlaps the request) but hidden,
   * inert and empty until they arrive. Place it in a positioned container.
   */
  readonly shown = input(true);
  /** The sort the rows are in (shown on the header); null for the feature's default order. */
  readonly sort = input<GridSort<C> | null>(null);
  /** localStorage key of the column layout (per user); none: the layout is not kept. */
  readonly layoutKey = input<string>();
  /** Emits the row's data when a row is clicked or activated with Enter. */
  readonly rowActivated = output<T>();
  /**
   * A header was clicked: the feature re-sorts its rows (and puts the sort in its URL). Only a sortable
   * column of the grid's is ever emitted; null for no sort.
   */
  readonly sortChange = output<GridSort<C> | null>();

  private readonly columns = computed(() => this.grid().columns);

  protected readonly theme = WAYPOINT_GRID_THEME;
  protected readonly modules = GRID_MODULES;
  private readonly agGrid = viewChild(AgGridAngular<T>);
  private get api(): GridApi<T> | undefined {
    const api = this.agGrid()?.api;
    return api && !api.isDestroyed() ? api : undefined;
  }
  /** The stored layout; ag-grid applies `initialState` once, when the grid is created. */
  protected readonly initialState = computed(() => readLayout(this.storage, this.layoutKey()));
  protected readonly layoutVersion = signal(0);

  // ag-grid mutates nothing it is given, but wants a mutable array type.
  protected readonly rowsCopy = computed(() => (this.shown() ? [...this.rows()] : []));
  protected readonly getRowId = computed((): GetRowIdFunc<T> => {
    const rowId = this.grid().rowId;
    return ({ data }) => rowId(data);
  });

  protected readonly columnDefs = computed((): ColDef<T>[] => {
    const sort = this.sort();
    return this.columns().map((column): ColDef<T> => ({
      colId: column.id,
      headerName: column.header,
      valueGetter: ({ data }) => (data ? column.text(data) : ''),
      ...this.renderer(column),
      sortable: column.sortable ?? true,
      sort: sort?.column === column.id ? sort.direction : null,
      // The feature has sorted the rows: ag-grid only shows the indicator (see postSortRows).
      comparator: () => 0,
      width: column.width,
      minWidth: 80,
      resizable: true,
      lockVisible: column.key === true,
      pinned: column.key ? 'left' : undefined,
      suppressKeyboardEvent: column.onEnter
        ? ({ event, data }) => {
            // Runs before the grid's own key handling: mark Enter as the cell's, so the row is not activated.
            if (event.key === 'Enter' && data && event.target instanceof HTMLElement) {
              const cell = event.target.closest<HTMLElement>('.ag-cell') ?? event.target;
              if (column.onEnter?.(data, cell)) event.preventDefault();
            }
            return false;
          }
        : undefined,
    }));
  });

  private renderer(column: GridColumn<T, C>): Pick<ColDef<T>, 'cellRenderer'> {
    const parts = column.parts;
    if (parts) {
      // A function (not a component): ag-grid calls it again when the row's data changes.
      return {
        cellRenderer: ({ data }: { data?: T }) => renderCellParts(this.document, data ? parts(data) : []),
      };
    }
    return column.cell ? { cellRenderer: column.cell } : {};
  }

  /** The columns as laid out now (order and visibility), for a "Columns" menu and the CSV export. */
  readonly layout = computed((): GridColumnLayout<C>[] => {
    this.layoutVersion();
    const columns = this.columns();
    const byId = new Map<string, GridColumn<T, C>>(columns.map((c) => [c.id, c]));
    const state = this.api?.getColumnState() ?? [];
    const ordered = state.length > 0 ? state.map((s) => s.colId) : columns.map((c) => c.id);
    return ordered
      .map((id) => byId.get(id))
      .filter((c): c is GridColumn<T, C> => c !== undefined)
      .map((c) => ({
        id: c.id,
        header: c.header,
        key: c.key === true,
        hidden: state.find((s) => s.colId === c.id)?.hide === true,
      }));
  });

  protected readonly gridOptions: GridOptions<T> = {
    headerHeight: 44,
    animateRows: false,
    suppressCellFocus: false,
    suppressDragLeaveHidesColumns: true,
    ensureDomOrder: true,
    // Render every column, so screen readers and find-in-page see every cell.
    suppressColumnVirtualisation: true,
    // Rows stay in the order the feature gave them; the header only shows which sort that order is.
    postSortRows: ({ nodes }) => {
      nodes.sort((a, b) => a.sourceRowIndex - b.sourceRowIndex);
    },
  };

  /** Shows or hides a column (not the key column); the layout is kept. */
  setHidden(columnId: C, hidden: boolean): void {
    const column = this.columns().find((c) => c.id === columnId);
    if (!column || column.key) return;
    this.api?.setColumnsVisible([columnId], !hidden);
    this.saveLayout();
  }

  protected saveLayout(): void {
    const key = this.layoutKey();
    if (!this.api || !key) return;
    const { columnOrder, columnSizing, columnVisibility } = this.api.getState();
    try {
      this.storage?.setItem(key, JSON.stringify({ columnOrder, columnSizing, columnVisibility }));
    } catch {
      // Storage full or disabled: the layout is a convenience, not worth an error.
    }
    this.layoutVersion.update((v) => v + 1);
  }

  protected onSortChanged(event: SortChangedEvent<T>): void {
    if (event.source !== 'uiColumnSorted') return;
    const sorted = event.api.getColumnState().find((c) => c.sort);
    const column = this.columns().find((c) => c.id === sorted?.colId && c.sortable !== false);
    this.sortChange.emit(column && sorted?.sort ? { column: column.id, direction: sorted.sort } : null);
  }

  protected onRowClicked(event: RowClickedEvent<T>): void {
    if (event.data) {
      this.rowActivated.emit(event.data);
    }
  }

  protected onCellKeyDown(event: CellKeyDownEvent<T> | FullWidthCellKeyDownEvent<T>): void {
    const key = event.event instanceof KeyboardEvent ? event.event.key : undefined;
    // A column whose cell handles Enter itself marks the event handled (see suppressKeyboardEvent).
    if (key === 'Enter' && event.data && !event.event?.defaultPrevented) {
      this.rowActivated.emit(event.data);
    }
  }
}

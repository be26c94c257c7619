import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { AgGridAngular } from 'ag-grid-angular';
import {
  type CellKeyDownEvent,
  CellStyleModule,
  ClientSideRowModelModule,
  type ColDef,
  DateFilterModule,
  type FullWidthCellKeyDownEvent,
  type GetRowIdFunc,
  type GridOptions,
  type Module,
  NumberFilterModule,
  PaginationModule,
  QuickFilterModule,
  type RowClickedEvent,
  RowStyleModule,
  TextFilterModule,
  themeQuartz,
  TooltipModule,
  ValidationModule,
} from 'ag-grid-community';

/** Column and option types for features, so they import the grid from here and nowhere else. */
export type GridColumn<T> = ColDef<T>;
export type GridOptionsFor<T> = Omit<
  GridOptions<T>,
  'rowData' | 'columnDefs' | 'theme' | 'modules' | 'getRowId' | 'quickFilterText'
>;

/**
 * Only the modules the Waypoint grids use are bundled (tree-shaken per module). ValidationModule
 * explains misconfiguration in development and is compiled out of production builds: `ngDevMode`
 * is a build-time constant there, unlike `isDevMode()`.
 */
const GRID_MODULES: Module[] = [
  ClientSideRowModelModule,
  TextFilterModule,
  NumberFilterModule,
  DateFilterModule,
  QuickFilterModule,
  PaginationModule,
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

/**
 * Thin ag-grid wrapper: features hand it rows, columns and options. Lives in lazy chunks only —
 * import it from feature pages, never from the shell.
 */
@Component({
  selector: 'wp-data-grid',
  imports: [AgGridAngular],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ag-grid-angular
      class="grid"
      role="region"
      [attr.aria-label]="label()"
      [theme]="theme"
      [modules]="modules"
      [loadThemeGoogleFonts]="false"
      [gridOptions]="options()"
      [rowData]="rows()"
      [columnDefs]="columnDefs()"
      [getRowId]="getRowId()"
      [quickFilterText]="quickFilter()"
      [loading]="loading()"
      (rowClicked)="onRowClicked($event)"
      (cellKeyDown)="onCellKeyDown($event)"
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
  `,
})
export class DataGrid<T extends object> {
  /** Accessible name of the grid region, e.g. "Caseload". */
  readonly label = input.required<string>();
  readonly rowData = input.required<readonly T[] | null>();
  readonly columnDefs = input.required<GridColumn<T>[]>();
  readonly options = input<GridOptionsFor<T>>({});
  /** Row identity, so updates keep selection and scroll position (e.g. `row => row.patientId`). */
  readonly rowId = input<(row: T) => string>();
  readonly quickFilter = input<string>('');
  readonly loading = input(false);
  /** Emits the row's data when a row is clicked or activated with Enter. */
  readonly rowActivated = output<T>();

  protected readonly theme = WAYPOINT_GRID_THEME;
  protected readonly modules = GRID_MODULES;
  // ag-grid mutates nothing it is given, but wants a mutable array type.
  protected readonly rows = computed(() => {
    const rows = this.rowData();
    return rows === null ? null : [...rows];
  });
  protected readonly getRowId = computed((): GetRowIdFunc<T> | undefined => {
    const rowId = this.rowId();
    return rowId ? ({ data }) => rowId(data) : undefined;
  });

  protected onRowClicked(event: RowClickedEvent<T>): void {
    if (event.data) {
      this.rowActivated.emit(event.data);
    }
  }

  protected onCellKeyDown(event: CellKeyDownEvent<T> | FullWidthCellKeyDownEvent<T>): void {
    const key = event.event instanceof KeyboardEvent ? event.event.key : undefined;
    // A cell that handles Enter itself (e.g. opens a popover) calls preventDefault() in its colDef.suppressKeyboardEvent (ag-grid runs it first).
    if (key === 'Enter' && event.data && !event.event?.defaultPrevented) {
      this.rowActivated.emit(event.data);
    }
  }
}

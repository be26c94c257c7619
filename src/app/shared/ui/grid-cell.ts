import { computed, Directive, signal } from '@angular/core';

import type { GridCellParams, GridCellRenderer } from './data-grid';

/**
 * What every Waypoint cell component does with what ag-grid hands it: keep the params, read the row and the
 * column id from them. A feature's cell extends it and renders by `column()`. Its look starts from
 * `_grid-cell.scss`.
 */
@Directive()
export abstract class GridCell<T, C extends string> implements GridCellRenderer<T> {
  protected readonly params = signal<GridCellParams<T> | null>(null);
  protected readonly row = computed(() => this.params()?.data ?? null);
  protected readonly column = computed(() => (this.params()?.colDef?.colId ?? '') as C);

  agInit(params: GridCellParams<T>): void {
    this.params.set(params);
  }

  refresh(params: GridCellParams<T>): boolean {
    this.params.set(params);
    return true;
  }
}

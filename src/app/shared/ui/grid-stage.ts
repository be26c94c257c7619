import { NgTemplateOutlet } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  contentChild,
  Directive,
  inject,
  input,
  output,
  TemplateRef,
} from '@angular/core';

import { EmptyState, NoFilterMatch } from './empty-state';

/** What the stage shows while the first rows load: `<ng-template wpGridStageLoading>…</ng-template>`. */
@Directive({ selector: 'ng-template[wpGridStageLoading]' })
export class GridStageLoading {
  readonly template = inject(TemplateRef);
}

/**
 * The grid: `<ng-template wpGridStageGrid let-shown><wp-data-grid [shown]="shown" … /></ng-template>`. It is
 * created as soon as the rows start loading and `shown` turns true once there are rows to show.
 */
@Directive({ selector: 'ng-template[wpGridStageGrid]' })
export class GridStageGrid {
  readonly template = inject<TemplateRef<{ $implicit: boolean }>>(TemplateRef);

  static ngTemplateContextGuard(_dir: GridStageGrid, _context: unknown): _context is { $implicit: boolean } {
    return true;
  }
}

/**
 * The stage of a grid page, one state at a time: loading (the page's placeholder), no patients at all (an empty
 * state that says why), none matching the filters (with a way to clear them), or the rows. The grid is built
 * while the rows load, hidden and inert until they arrive (DataGrid's `[shown]`), so the rows appear without the
 * grid's creation after them.
 */
@Component({
  selector: 'wp-grid-stage',
  imports: [EmptyState, NgTemplateOutlet, NoFilterMatch],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (!loaded()) {
      @if (loading() && loadingSlot(); as slot) {
        <ng-container [ngTemplateOutlet]="slot.template" />
      }
    } @else if (total() === 0) {
      <wp-empty-state [icon]="emptyIcon()" [headline]="emptyHeadline()" [message]="emptyMessage()" />
    } @else if (matching() === 0) {
      <wp-no-filter-match (cleared)="cleared.emit()" />
    }
    @if (gridSlot(); as slot) {
      @if (shown() || loading()) {
        <ng-container [ngTemplateOutlet]="slot.template" [ngTemplateOutletContext]="{ $implicit: shown() }" />
      }
    }
  `,
  styles: `
    :host {
      position: relative;
      display: flex;
      flex-direction: column;
      min-height: 0;
    }
  `,
})
export class GridStage {
  /** The rows have arrived at least once. */
  readonly loaded = input.required<boolean>();
  /** A load is under way. */
  readonly loading = input.required<boolean>();
  /** All the rows, before filters. */
  readonly total = input.required<number>();
  /** The rows the filters let through. */
  readonly matching = input.required<number>();
  readonly emptyIcon = input.required<string>();
  readonly emptyHeadline = input.required<string>();
  readonly emptyMessage = input.required<string>();
  /** "Clear filters" in the no-match state. */
  readonly cleared = output();

  protected readonly loadingSlot = contentChild(GridStageLoading);
  protected readonly gridSlot = contentChild(GridStageGrid);
  /** The grid has rows to show. */
  readonly shown = computed(() => this.loaded() && this.matching() > 0);
}

import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** Placeholder rows while the caseload loads: the page keeps its shape, and says it is busy. */
@Component({
  selector: 'wp-caseload-skeleton',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { role: 'status', 'aria-live': 'polite' },
  template: `
    <span class="label">Loading your caseload…</span>
    @for (row of placeholders(); track row) {
      <div class="row" aria-hidden="true">
        @for (cell of cells; track cell) {
          <span class="cell" [style.width.%]="cell"></span>
        }
      </div>
    }
  `,
  styles: `
    :host {
      display: block;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 12px;
      padding: 8px 16px;
    }
    .label {
      display: block;
      padding: 8px 0;
      font: var(--mat-sys-label-large);
      color: var(--mat-sys-on-surface-variant);
    }
    .row {
      display: flex;
      gap: 16px;
      align-items: center;
      height: 56px;
      border-top: 1px solid var(--mat-sys-outline-variant);
    }
    .cell {
      height: 14px;
      border-radius: 7px;
      background: var(--mat-sys-surface-container-highest);
      animation: pulse 1.2s ease-in-out infinite alternate;
    }
    @keyframes pulse {
      from {
        opacity: 0.45;
      }
      to {
        opacity: 1;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .cell {
        animation: none;
      }
    }
  `,
})
export class CaseloadSkeleton {
  readonly rowCount = input(8);
  protected readonly cells = [14, 7, 9, 9, 8, 12, 10, 7, 6, 9];
  protected readonly placeholders = computed(() => Array.from({ length: this.rowCount() }, (_, i) => i));
}

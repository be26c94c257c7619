import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';

let nextId = 0;

/**
 * A page section that loads and fails on its own (the patient chart's panels): a `region` landmark named by its
 * heading, a skeleton while loading, the error with a Retry button inside the panel (the rest of the page keeps
 * working), else the projected content. `[wpPanelActions]` content sits next to the heading.
 */
@Component({
  selector: 'wp-panel',
  imports: [MatButtonModule, MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    role: 'region',
    '[attr.aria-labelledby]': 'headingId',
    '[attr.aria-busy]': 'loading() ? "true" : null',
    '[class.loading]': 'loading()',
  },
  template: `
    <header class="head">
      <h2 class="title" [id]="headingId">{{ heading() }}</h2>
      <div class="actions"><ng-content select="[wpPanelActions]" /></div>
    </header>
    @if (error(); as message) {
      <div class="error">
        <mat-icon aria-hidden="true">error</mat-icon>
        <p class="message" role="alert">{{ heading() }} could not be loaded: {{ message }}</p>
        <button mat-stroked-button type="button" (click)="retry.emit()">Retry</button>
      </div>
    } @else if (loading()) {
      <div class="skeleton" aria-hidden="true">
        <span class="bar wide"></span>
        <span class="bar"></span>
        <span class="bar short"></span>
      </div>
      <p class="wp-visually-hidden" role="status">Loading {{ heading() }}…</p>
    } @else {
      <ng-content />
    }
  `,
  styles: `
    :host {
      display: block;
      padding: 16px 20px 20px;
      border-radius: var(--mat-sys-corner-large);
      background: var(--mat-sys-surface-container-low);
      color: var(--mat-sys-on-surface);
      min-width: 0;
    }
    .head {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 12px;
      margin-bottom: 12px;
    }
    .title {
      margin: 0;
      font: var(--mat-sys-title-large);
    }
    .actions {
      display: flex;
      gap: 8px;
    }
    .error {
      display: flex;
      align-items: center;
      gap: 12px;
      flex-wrap: wrap;
      padding: 12px 16px;
      border-radius: var(--mat-sys-corner-medium);
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .message {
      flex: 1 1 240px;
      margin: 0;
    }
    .skeleton {
      display: grid;
      gap: 10px;
    }
    .bar {
      display: block;
      height: 14px;
      width: 70%;
      border-radius: 7px;
      background: var(--mat-sys-surface-container-highest);
      animation: pulse 1.4s ease-in-out infinite;
    }
    .bar.wide {
      width: 100%;
      height: 80px;
    }
    .bar.short {
      width: 40%;
    }
    @keyframes pulse {
      50% {
        opacity: 0.5;
      }
    }
    @media print {
      :host {
        background: none;
        padding: 0;
        break-inside: avoid-page;
      }
      .actions {
        display: none;
      }
    }
  `,
})
export class Panel {
  /** The heading, which is also the region's accessible name. */
  readonly heading = input.required<string>();
  readonly loading = input(false);
  /** The failure in words; shown with a Retry button. */
  readonly error = input<string | null>(null);
  readonly retry = output();

  protected readonly headingId = `wp-panel-${nextId++}`;
}

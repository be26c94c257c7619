import { booleanAttribute, ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';

/**
 * The banner that says a load or a save failed: an alert (announced when it appears), an icon, an optional
 * headline, the message (the content), and a Retry button when `retryable` is set.
 *
 * `<wp-error-banner headline="The caseload could not be loaded." retryable (retry)="retry()">{{ message }}</wp-error-banner>`
 */
@Component({
  selector: 'wp-error-banner',
  imports: [MatButtonModule, MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { role: 'alert' },
  template: `
    <mat-icon aria-hidden="true">error</mat-icon>
    <div class="text">
      @if (headline(); as text) {
        <p class="headline">{{ text }}</p>
      }
      <p><ng-content /></p>
    </div>
    @if (retryable()) {
      <button mat-flat-button type="button" (click)="retry.emit()">Retry</button>
    }
  `,
  styles: `
    :host {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 12px 16px;
      border-radius: var(--mat-sys-corner-medium);
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .text {
      flex: 1;
    }
    p {
      margin: 0;
    }
    .headline {
      font: var(--mat-sys-title-small);
    }
  `,
})
export class ErrorBanner {
  readonly headline = input<string>();
  readonly retryable = input(false, { transform: booleanAttribute });
  readonly retry = output();
}

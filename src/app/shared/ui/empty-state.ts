import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';

/**
 * What a view shows when it has nothing to show yet: an icon, a headline and an explanation of what
 * will appear here. Projected content (e.g. a button) goes below the explanation.
 */
@Component({
  selector: 'wp-empty-state',
  imports: [MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-icon class="icon" aria-hidden="true">{{ icon() }}</mat-icon>
    <h2 class="headline">{{ headline() }}</h2>
    <p class="message">{{ message() }}</p>
    <ng-content />
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 8px;
      max-width: 36rem;
      margin: 48px auto;
      padding: 32px 24px;
      text-align: center;
      border-radius: var(--mat-sys-corner-large);
      background: var(--mat-sys-surface-container-low);
      color: var(--mat-sys-on-surface);
    }
    .icon {
      width: 48px;
      height: 48px;
      font-size: 48px;
      color: var(--mat-sys-primary);
    }
    .headline {
      margin: 8px 0 0;
      font: var(--mat-sys-title-large);
    }
    .message {
      margin: 0;
      font: var(--mat-sys-body-large);
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class EmptyState {
  readonly icon = input('inbox');
  readonly headline = input.required<string>();
  readonly message = input.required<string>();
}

/** A filtered list that matches no patient: says so and offers to clear the filters (`cleared`). */
@Component({
  selector: 'wp-no-filter-match',
  imports: [EmptyState, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <wp-empty-state
      icon="filter_alt_off"
      headline="No patient matches these filters"
      message="Change or clear the filters."
    >
      <button mat-stroked-button type="button" (click)="cleared.emit()">Clear filters</button>
    </wp-empty-state>
  `,
  styles: `
    :host {
      display: block;
    }
  `,
})
export class NoFilterMatch {
  readonly cleared = output<void>();
}

import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

export type StatusTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

const DEFAULT_ICONS: Readonly<Record<StatusTone, string>> = {
  neutral: 'radio_button_unchecked',
  info: 'info',
  success: 'check_circle',
  warning: 'warning',
  danger: 'error',
};

/**
 * A status shown as icon + word + colour, so it reads the same without colour vision
 * (e.g. relapse risk "High", note "Signed", UDS "Positive").
 */
@Component({
  selector: 'wp-status-chip',
  imports: [MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '[class]': '"tone-" + tone()',
  },
  template: `
    <mat-icon class="icon" aria-hidden="true">{{ icon() ?? defaultIcons[tone()] }}</mat-icon>
    <span class="label">{{ label() }}</span>
  `,
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      padding: 2px 10px 2px 6px;
      border-radius: var(--mat-sys-corner-full);
      font: var(--mat-sys-label-large);
      white-space: nowrap;
      vertical-align: middle;
    }
    .icon {
      width: 18px;
      height: 18px;
      font-size: 18px;
    }
    :host(.tone-neutral) {
      background: var(--mat-sys-surface-container-highest);
      color: var(--mat-sys-on-surface);
    }
    :host(.tone-info) {
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
    }
    :host(.tone-success) {
      background: var(--wp-success-container);
      color: var(--wp-on-success-container);
    }
    :host(.tone-warning) {
      background: var(--wp-warning-container);
      color: var(--wp-on-warning-container);
    }
    :host(.tone-danger) {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
  `,
})
export class StatusChip {
  /** The word that carries the meaning, e.g. "High risk". */
  readonly label = input.required<string>();
  readonly tone = input<StatusTone>('neutral');
  /** Material Symbols name; defaults to one per tone. */
  readonly icon = input<string>();

  protected readonly defaultIcons = DEFAULT_ICONS;
}

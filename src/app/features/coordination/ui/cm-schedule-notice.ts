import { ChangeDetectionStrategy, Component, input } from '@angular/core';

import { ErrorBanner } from '../../../shared/ui/error-banner';

/**
 * The clinic's contingency-management schedule in words, and an alert when its PlanDefinition is not valid
 * (then no reward can be recorded): the head of the CM pages.
 */
@Component({
  selector: 'wp-cm-schedule-notice',
  imports: [ErrorBanner],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="schedule">Schedule: {{ text() }}</p>
    @if (problem(); as problem) {
      <wp-error-banner class="wp-no-print"
        >The clinic's CM schedule is not valid ({{ problem }}): no reward can be recorded until it is
        corrected.</wp-error-banner
      >
    }
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      gap: 12px;
    }
    .schedule {
      margin: 0;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class CmScheduleNotice {
  /** The schedule in words (cm-model scheduleText). */
  readonly text = input.required<string>();
  /** Why the clinic's schedule is not valid; null when it is. */
  readonly problem = input<string | null>(null);
}

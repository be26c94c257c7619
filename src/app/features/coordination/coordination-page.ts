import { ChangeDetectionStrategy, Component } from '@angular/core';

import { EmptyState } from '../../shared/ui/empty-state';

@Component({
  selector: 'wp-coordination-page',
  imports: [EmptyState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1 class="wp-page-title">Coordination</h1>
    <wp-empty-state
      icon="medication"
      headline="No data yet — your program's MAT and adherence work will appear here"
      message="Doses, dispenses and refills due, missed appointments, urine drug screen results, open follow-up tasks and contingency-management rewards for your program's patients."
    />
  `,
})
export class CoordinationPage {}

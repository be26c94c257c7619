import { ChangeDetectionStrategy, Component } from '@angular/core';

import { EmptyState } from '../../shared/ui/empty-state';

/** Placeholder until the caseload feature lands. */
@Component({
  selector: 'wp-caseload-page',
  imports: [EmptyState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1 class="wp-page-title">My caseload</h1>
    <wp-empty-state
      icon="groups"
      headline="No data yet — your caseload will appear here"
      message="Patients whose active care team includes you will be listed with their track, week, next session, MAT status and relapse-risk band."
    />
  `,
})
export class CaseloadPage {}

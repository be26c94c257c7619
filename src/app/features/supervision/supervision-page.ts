import { ChangeDetectionStrategy, Component } from '@angular/core';

import { EmptyState } from '../../shared/ui/empty-state';

@Component({
  selector: 'wp-supervision-page',
  imports: [EmptyState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1 class="wp-page-title">Supervision</h1>
    <wp-empty-state
      icon="supervisor_account"
      headline="No data yet — your team's caseloads will appear here"
      message="For each counselor you supervise: notes awaiting co-signature, late notes, patients at high relapse risk and recent break-glass access."
    />
  `,
})
export class SupervisionPage {}

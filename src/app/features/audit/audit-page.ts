import { ChangeDetectionStrategy, Component } from '@angular/core';

import { EmptyState } from '../../shared/ui/empty-state';

@Component({
  selector: 'wp-audit-page',
  imports: [EmptyState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1 class="wp-page-title">Audit</h1>
    <wp-empty-state
      icon="policy"
      headline="No data yet — the access log will appear here"
      message="Who opened, searched or changed which record and when, including sign-ins and break-glass access, from the server's append-only audit trail."
    />
  `,
})
export class AuditPage {}

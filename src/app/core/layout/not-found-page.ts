import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';

import { EmptyState } from '../../shared/ui/empty-state';

@Component({
  selector: 'wp-not-found-page',
  imports: [EmptyState, MatButtonModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1 class="wp-page-title">Page not found</h1>
    <wp-empty-state
      icon="explore_off"
      headline="There is no page at this address"
      message="The link may be mistyped or out of date. Nothing was opened or changed."
    >
      <a mat-flat-button routerLink="/">Go to your home page</a>
    </wp-empty-state>
  `,
})
export default class NotFoundPage {}

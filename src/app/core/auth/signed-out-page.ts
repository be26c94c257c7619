import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';

import { EmptyState } from '../../shared/ui/empty-state';

@Component({
  selector: 'wp-signed-out-page',
  imports: [EmptyState, MatButtonModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1 class="wp-page-title">Signed out</h1>
    <wp-empty-state
      icon="logout"
      headline="You have signed out of Waypoint"
      message="Your session was ended on the server and nothing about patients was kept in this browser."
    >
      <a mat-flat-button routerLink="/caseload">Sign in again</a>
    </wp-empty-state>
  `,
})
export default class SignedOutPage {}

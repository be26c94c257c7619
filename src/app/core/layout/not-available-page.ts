import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { Router, RouterLink } from '@angular/router';
import { Store } from '@ngrx/store';

import { EmptyState } from '../../shared/ui/empty-state';
import { selectRoleLabel, selectUser } from '../state/session/session.feature';
import { homePathFor, NAV_LINKS, navLink, sectionOfPath, sectionsFor } from './nav-links';

/**
 * Shown at the address of a section another role uses (a counselor opening `/audit`): the page is not loaded and
 * nothing is requested. The address stays, so the user can see what they opened.
 */
@Component({
  selector: 'wp-not-available-page',
  imports: [EmptyState, MatButtonModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1 class="wp-page-title">Not available for your role</h1>
    <wp-empty-state icon="block" [headline]="headline()" [message]="message()">
      <a mat-flat-button [routerLink]="home().path">Go to {{ home().label }}</a>
    </wp-empty-state>
  `,
})
export default class NotAvailablePage {
  private readonly store = inject(Store);
  private readonly url = inject(Router).url;
  private readonly user = this.store.selectSignal(selectUser);
  private readonly roleLabel = this.store.selectSignal(selectRoleLabel);

  protected readonly home = computed(() => {
    const path = homePathFor(this.user()?.role);
    return NAV_LINKS.find((l) => l.path === path) ?? navLink('caseload');
  });
  protected readonly headline = computed(() => {
    const section = sectionOfPath(this.url);
    const page = section ? navLink(section).label : 'This page';
    const role = this.roleLabel();
    return role ? `${page} is not available for the ${role} role` : `${page} is not available to you`;
  });
  protected readonly message = computed(() => {
    const sections = sectionsFor(this.user()?.role).map((s) => navLink(s).label);
    return `Your pages: ${sections.join(', ')}. Nothing was opened or requested. What data you may read is decided by the server, whichever page you open.`;
  });
}

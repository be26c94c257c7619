import { BreakpointObserver } from '@angular/cdk/layout';
import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBar } from '@angular/material/progress-bar';
import { type MatSidenav, MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { Store } from '@ngrx/store';
import { map } from 'rxjs';

import { AuthSession } from '../auth/auth-session';
import { HttpActivity } from '../http/http-activity';
import { IdleSignOutPanel } from '../session/idle-sign-out-panel';
import { selectRoleLabel, selectSignedOutForInactivity, selectUser } from '../state/session/session.feature';
import { NAV_LINKS, navLinksFor } from './nav-links';
import { PRODUCT_NAME } from './page-title-strategy';
import { ThemePreference } from './theme-preference';

/** Below this width the navigation becomes an overlay drawer. */
export const NARROW_LAYOUT = '(max-width: 959.98px)';

@Component({
  selector: 'wp-shell',
  imports: [
    MatToolbarModule,
    MatSidenavModule,
    MatIconModule,
    MatProgressBar,
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    IdleSignOutPanel,
  ],
  templateUrl: './shell.html',
  styleUrl: './shell.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  // While signed out for inactivity, everything but the panel is display: none (shell.scss).
  host: { '[class.idle-signed-out]': 'signedOutForInactivity()' },
})
export class Shell {
  private readonly store = inject(Store);
  private readonly document = inject(DOCUMENT);
  private readonly theme = inject(ThemePreference);
  private readonly auth = inject(AuthSession);

  protected readonly productName = PRODUCT_NAME;
  protected readonly busy = inject(HttpActivity).busy;
  protected readonly user = this.store.selectSignal(selectUser);
  /** The sections of the user's role; none until the session is known (every one on an open test server). */
  protected readonly links = computed(() => {
    const user = this.user();
    if (!user) return this.auth.enabled ? [] : NAV_LINKS;
    return navLinksFor(user.role);
  });
  protected readonly roleLabel = this.store.selectSignal(selectRoleLabel);
  protected readonly signedOutForInactivity = this.store.selectSignal(selectSignedOutForInactivity);
  protected readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe(NARROW_LAYOUT)
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  protected readonly dark = computed(() => this.theme.scheme() === 'dark');
  protected readonly themeToggleLabel = computed(() =>
    this.dark() ? 'Switch to light theme' : 'Switch to dark theme',
  );

  protected signOut(): void {
    void this.auth.signOut();
  }

  protected toggleTheme(): void {
    this.theme.toggle();
  }

  protected navigated(sidenav: MatSidenav): void {
    if (this.narrow()) {
      void sidenav.close();
    }
  }

  /** The skip link moves focus itself: a `#fragment` href would resolve against <base href> and reload. */
  protected skipToContent(event: Event): void {
    event.preventDefault();
    this.document.getElementById('main-content')?.focus();
  }
}

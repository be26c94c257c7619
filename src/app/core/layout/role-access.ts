import { inject } from '@angular/core';
import { type CanActivateFn, type CanMatchFn, Router, type UrlSegment } from '@angular/router';
import { Store } from '@ngrx/store';

import { AuthSession } from '../auth/auth-session';
import { selectUser } from '../state/session/session.feature';
import type { WaypointRole } from '../state/session/session.models';
import { homePathFor, mayOpen } from './nav-links';

/**
 * Route guards that keep each role to its sections (nav-links.ts). They decide which page the app shows, not
 * which data anyone may read: the server enforces that on every request.
 */

/**
 * The signed-in user's role once the session is known. Restoring the session is the auth guard's job; matching
 * runs before it, so this waits for the same restore. Undefined while signed out (the auth guard then starts the
 * sign-in) or when the server names no role.
 */
async function currentRole(): Promise<WaypointRole | undefined> {
  const auth = inject(AuthSession);
  const store = inject(Store);
  if (!auth.suspendedForInactivity) {
    await auth.isSignedIn().catch(() => false);
  }
  return store.selectSignal(selectUser)()?.role;
}

function pathOf(segments: readonly UrlSegment[]): string {
  return `/${segments.map((s) => s.path).join('/')}`;
}

/** `canMatch` of a section's route: the role uses the section (or one of its drill-downs). */
export const sectionForRole: CanMatchFn = async (_route, segments) =>
  mayOpen(await currentRole(), pathOf(segments));

/** `canMatch` of the "not available for your role" page: a section page this role does not use. */
export const sectionOfOtherRole: CanMatchFn = async (_route, segments) =>
  !mayOpen(await currentRole(), pathOf(segments));

/** `canActivate` of `''`: the role's home (counselor → My caseload, supervisor → Supervision, …). */
export const roleHome: CanActivateFn = async () => {
  const router = inject(Router);
  return router.parseUrl(homePathFor(await currentRole()));
};

import { inject } from '@angular/core';
import { type CanActivateChildFn, type CanActivateFn } from '@angular/router';

import { normalizeError } from '../errors/app-error';
import { ErrorNotifier } from '../errors/error-notifier';
import { AuthSession } from './auth-session';

/**
 * Lets signed-in users through. Otherwise starts the SMART sign-in, which comes back to the URL that
 * was asked for (the `returnUrl` travels in the OAuth `state`). After a sign-out for inactivity it
 * holds every navigation until the user signs in again in the popup: a redirect sign-in would reload
 * the page and lose the unsaved drafts kept for them.
 */
export const authGuard: CanActivateFn & CanActivateChildFn = async (_route, state) => {
  const auth = inject(AuthSession);
  const notifier = inject(ErrorNotifier); // before any await: inject() needs the injection context
  if (auth.suspendedForInactivity) {
    return false;
  }
  try {
    if (await auth.isSignedIn()) {
      return true;
    }
    await auth.signIn(state.url);
  } catch (error) {
    console.error(error);
    void notifier.show(
      `Sign-in is not available: ${normalizeError(error).message.replace(/^Something went wrong: /, '')}`,
    );
  }
  return false;
};

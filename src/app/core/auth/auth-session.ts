import { DOCUMENT } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { inject, Injectable, Injector, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { HumanName, Practitioner } from '@medplum/fhirtypes';
import { type Action, Store } from '@ngrx/store';
import type { User } from 'oidc-client-ts';
import { firstValueFrom } from 'rxjs';

import { referenceParts } from '../../../../clinical/fhir/reference';
import { BeforeHooks } from '../../shared/data/within';
import { APP_CONFIG } from '../config/waypoint-config';
import { DraftStore } from '../drafts/draft-store';
import { ErrorNotifier } from '../errors/error-notifier';
import { FhirEndpoint } from '../fhir/fhir-endpoint';
import { AuthActions } from '../state/session/session.actions';
import { isWaypointRole, type SessionUser } from '../state/session/session.models';
import { isSmartConfiguration, type SmartConfiguration } from './smart-configuration';
import {
  isPendingSignIn,
  USER_MANAGER_FACTORY,
  type UserManagerLike,
  userManagerSettings,
} from './user-manager';

/** Carried through the authorization request so the callback can return the user to where they were. */
interface SignInState {
  readonly returnUrl: string;
}

/** Window name of the re-sign-in popup (so a second prompt reuses the same window). */
export const SIGNIN_POPUP_NAME = 'waypoint-signin';

/** How long a sign-out waits for each {@link AuthSession.beforeSignOut} hook. */
export const SIGN_OUT_HOOK_TIMEOUT_MS = 3000;

/** Seconds before expiry at which a token is treated as expired (clock skew, request time). */
const EXPIRY_SKEW_SECONDS = 30;

function formatName(name: HumanName | undefined): string | undefined {
  if (!name) {
    return undefined;
  }
  return name.text?.trim() || [...(name.given ?? []), name.family ?? ''].join(' ').trim() || undefined;
}

/** The resource types a fhirUser claim may name (SMART App Launch 2.x). */
const FHIR_USER_TYPES: ReadonlySet<string> = new Set([
  'Practitioner',
  'PractitionerRole',
  'Patient',
  'RelatedPerson',
  'Person',
]);

/** `Practitioner/123` from a relative or absolute (unversioned) fhirUser claim. */
export function relativeReference(fhirUser: string): string | undefined {
  const parts = referenceParts(fhirUser);
  return parts && !parts.version && FHIR_USER_TYPES.has(parts.type) ? `${parts.type}/${parts.id}` : undefined;
}

/** The signed-in user from id_token claims (`name`, `fhirUser`, `waypoint_role` on the embedded server). */
export function sessionUserFromClaims(profile: Record<string, unknown>): SessionUser {
  const fhirUser =
    typeof profile['fhirUser'] === 'string' ? relativeReference(profile['fhirUser']) : undefined;
  const name =
    typeof profile['name'] === 'string' && profile['name'].trim() ? profile['name'].trim() : undefined;
  const role = profile['waypoint_role'];
  return {
    name: name ?? (typeof profile['sub'] === 'string' ? profile['sub'] : 'Signed-in user'),
    ...(isWaypointRole(role) ? { role } : {}),
    ...(fhirUser ? { fhirUser } : {}),
  };
}

/** Between a sign-out for inactivity and the next sign-in (`end`) or full sign-out (`cancel`). */
interface Suspension {
  readonly ended: Promise<void>;
  readonly end: () => void;
  readonly cancel: () => void;
}

function suspension(): Suspension {
  let end!: () => void;
  let cancel!: () => void;
  const ended = new Promise<void>((resolve, reject) => {
    end = resolve;
    cancel = () => reject(new Error('Signed out'));
  });
  ended.catch(() => undefined); // nobody may be waiting: not an unhandled rejection
  return { ended, end, cancel };
}

/**
 * SMART standalone launch with oidc-client-ts: discovery from the FHIR server, redirect sign-in with
 * PKCE, on-demand refresh, re-sign-in in a popup when the session ends (so unsaved text stays in
 * memory), a sign-out for inactivity that keeps that text for the next sign-in, and a sign-out that
 * revokes the tokens and forgets everything.
 */
@Injectable({ providedIn: 'root' })
export class AuthSession {
  private readonly config = inject(APP_CONFIG);
  private readonly http = inject(HttpClient);
  private readonly fhir = inject(FhirEndpoint);
  private readonly injector = inject(Injector);
  private readonly store = inject(Store);
  private readonly router = inject(Router);
  private readonly document = inject(DOCUMENT);
  private readonly drafts = inject(DraftStore);
  private readonly notifier = inject(ErrorNotifier);
  private readonly createManager = inject(USER_MANAGER_FACTORY);

  private manager: Promise<UserManagerLike> | undefined;
  private smart: SmartConfiguration | undefined;
  private restoring: Promise<User | null> | undefined;
  private refreshing: Promise<User | null> | undefined;
  private reauthenticating: Promise<void> | undefined;
  private suspension: Suspension | undefined;
  /** `sub` of whoever last signed in in this tab: someone else signing in must not see their drafts. */
  private subject: string | undefined;
  private readonly user = signal<User | null>(null);
  private readonly signOutHooks = new BeforeHooks(SIGN_OUT_HOOK_TIMEOUT_MS, 'before-sign-out');

  /** False for an open server configured with `signIn: 'none'`. */
  get enabled(): boolean {
    return this.config.signIn === 'smart';
  }

  /** Loads the session kept in this tab, once; resolves with the user or null. */
  restore(): Promise<User | null> {
    this.restoring ??= this.userManager()
      .then((manager) => manager.getUser())
      .then(async (user) => {
        if (user && !user.expired) {
          await this.establish(user);
          return user;
        }
        return user?.refresh_token ? this.refresh() : null;
      });
    return this.restoring;
  }

  /** Whether there is a usable session (restoring it first if needed). */
  async isSignedIn(): Promise<boolean> {
    if (!this.enabled) {
      return true;
    }
    return (await this.restore()) !== null;
  }

  /** Starts the redirect to the authorization server; the page unloads. */
  async signIn(returnUrl: string): Promise<void> {
    const manager = await this.userManager();
    const state: SignInState = { returnUrl: safeReturnUrl(returnUrl) };
    // prompt=login: a shared clinic workstation must never sign the next person in silently.
    await manager.signinRedirect({ state, prompt: 'login' });
  }

  /**
   * Handles `/signin/callback`. In the main window, completes the sign-in and returns to the URL the
   * user was on. In the re-sign-in popup, hands the response to the window that opened it: that
   * window holds the request state. The popup cannot rely on `window.opener` (a sign-in page with
   * `Cross-Origin-Opener-Policy: same-origin` severs it); oidc-client-ts then uses a BroadcastChannel.
   */
  async completeSignIn(url: string): Promise<'signed-in' | 'handed-over'> {
    const manager = await this.userManager();
    const view = this.document.defaultView;
    if (view && !isPendingSignIn(view.sessionStorage, new URL(url).searchParams.get('state'))) {
      await manager.signinPopupCallback(url); // closes this window when it is the popup
      return 'handed-over';
    }
    const user = await manager.signinCallback(url);
    if (!user) {
      throw new Error('The sign-in response could not be processed');
    }
    await this.establish(user);
    const state = user.state as Partial<SignInState> | undefined;
    await this.router.navigateByUrl(safeReturnUrl(state?.returnUrl ?? '/'), { replaceUrl: true });
    return 'signed-in';
  }

  /**
   * A current access token for a FHIR request, refreshed first if it has expired; undefined when
   * there is no session.
   */
  async accessToken(): Promise<string | undefined> {
    if (!this.enabled) {
      return undefined;
    }
    let user = this.user() ?? (await this.restore());
    if (user && isExpiring(user)) {
      user = await this.refresh();
    }
    return user?.access_token;
  }

  /**
   * The server answered 401: refresh if possible, otherwise ask the user to sign in again in a popup
   * (the page, and any unsaved text, stays). Concurrent callers share one attempt.
   */
  reauthenticate(): Promise<void> {
    if (this.suspension) {
      return this.suspension.ended; // signed out for inactivity: wait for the sign-in offered there
    }
    this.reauthenticating ??= this.doReauthenticate().finally(() => (this.reauthenticating = undefined));
    return this.reauthenticating;
  }

  /**
   * Registers work to finish before a sign-out ("Sign out", "Sign out now"), e.g. a notes editor saving its
   * draft while the tokens still work. Each hook gets {@link SIGN_OUT_HOOK_TIMEOUT_MS}; a failure is logged and
   * never stops the sign-out. Returns the function that unregisters it. (A sign-out for inactivity runs
   * IdleMonitor.beforeSignOut hooks instead.)
   */
  beforeSignOut(hook: () => void | Promise<void>): () => void {
    return this.signOutHooks.add(hook);
  }

  /** Forgets the user, the store, drafts, caches and this tab's storage, and revokes the tokens. */
  async signOut(): Promise<void> {
    await this.signOutHooks.run();
    this.drafts.clear();
    this.subject = undefined;
    if (this.suspension) {
      // From the signed-out panel: leave the page first, or it would render again for a moment.
      await this.router.navigateByUrl('/signed-out', { replaceUrl: true });
    }
    await this.endSession(AuthActions.signedOut());
    // Requests that were waiting for a sign-in after the sign-out for inactivity now fail.
    this.suspension?.cancel();
    this.suspension = undefined;
    await this.router.navigateByUrl('/signed-out', { replaceUrl: true });
  }

  /** True after signOutForInactivity() until the next sign-in or sign-out. */
  get suspendedForInactivity(): boolean {
    return this.suspension !== undefined;
  }

  /**
   * Automatic logoff: forgets the tokens, the store's data (the shell then shows the signed-out
   * panel instead of the page), this tab's storage and caches, and revokes the tokens, as signOut()
   * does; but keeps the DraftStore and the current URL so that signInAgain() returns to the page
   * with unsaved text intact. Until then, a FHIR request that meets a 401 waits for that sign-in
   * instead of prompting, and the guard holds navigation (a redirect sign-in would reload the page
   * and lose the drafts).
   */
  async signOutForInactivity(): Promise<void> {
    this.suspension ??= suspension();
    await this.endSession(AuthActions.signedOutForInactivity());
  }

  /**
   * After signOutForInactivity(): signs in again in a popup, so the page and its drafts stay. Call it
   * from a click (browsers block popups otherwise). True once signed in; false when the popup was
   * closed or blocked (still signed out, so the caller can offer it again). When someone else signs
   * in, the previous user's drafts are discarded and the app opens at its start page.
   */
  async signInAgain(): Promise<boolean> {
    let user: User;
    try {
      user = await this.popupSignIn(await this.userManager());
    } catch (error) {
      console.error('Sign-in popup failed', error);
      return false;
    }
    const switched = this.subject !== undefined && user.profile.sub !== this.subject;
    await this.establish(user);
    if (switched) {
      await this.router.navigateByUrl('/', { replaceUrl: true });
    }
    return true;
  }

  /**
   * Forgets the user, the store's data (`event`: the screen changes at once), this tab's storage and
   * caches, and revokes the tokens. Forgetting comes first, so a slow or unreachable revocation
   * endpoint cannot keep the session on screen.
   */
  private async endSession(event: Action): Promise<void> {
    const manager = await this.userManager().catch(() => undefined);
    const user = await manager?.getUser().catch(() => null);
    await manager?.removeUser().catch(() => undefined);
    this.user.set(null);
    this.restoring = undefined;
    this.store.dispatch(event);
    this.document.defaultView?.sessionStorage.clear();
    if (user) {
      await this.revoke(user);
    }
    await clearCacheStorage(this.document.defaultView);
  }

  /**
   * RFC 7009 revocation, refresh token first (it would mint new access tokens), then the access token.
   * Sent directly: oidc-client-ts insists on a JSON reply, while RFC 7009 servers answer 200 with an
   * empty body of any type. A failure is logged; the access token still expires within minutes.
   */
  private async revoke(user: User): Promise<void> {
    const endpoint = this.smart?.revocation_endpoint;
    if (!endpoint) {
      return;
    }
    const tokens: [string | undefined, string][] = [
      [user.refresh_token, 'refresh_token'],
      [user.access_token, 'access_token'],
    ];
    for (const [token, hint] of tokens) {
      if (!token) {
        continue;
      }
      const body = new URLSearchParams({ token, token_type_hint: hint, client_id: this.config.clientId });
      try {
        await firstValueFrom(
          this.http.post(endpoint, body.toString(), {
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            responseType: 'text',
          }),
        );
      } catch (error) {
        console.error(`Revoking the ${hint} failed`, error);
      }
    }
  }

  private async doReauthenticate(): Promise<void> {
    if ((await this.refresh()) !== null) {
      return;
    }
    this.store.dispatch(AuthActions.sessionExpired());
    const manager = await this.userManager();
    const user = await this.promptForSignIn(manager);
    if (user) {
      await this.establish(user);
    }
  }

  /** Waits for the user to press "Sign in" (a popup needs a click), then signs in in a popup. */
  private async promptForSignIn(manager: UserManagerLike): Promise<User | null> {
    await this.notifier.prompt(
      'Your session has ended. Sign in again to continue; unsaved text is kept.',
      'Sign in',
    );
    if (this.suspension) {
      // Signed out for inactivity meanwhile: the sign-in offered on that screen answers this too.
      await this.suspension.ended;
      return null;
    }
    try {
      return await this.popupSignIn(manager);
    } catch (error) {
      // Popup blocked or closed: fall back to a full redirect (the page reloads after sign-in).
      console.error('Sign-in popup failed', error);
      await this.signIn(this.router.url);
      return null;
    }
  }

  private popupSignIn(manager: UserManagerLike): Promise<User> {
    return manager.signinPopup({ prompt: 'login', popupWindowTarget: SIGNIN_POPUP_NAME });
  }

  private refresh(): Promise<User | null> {
    this.refreshing ??= (async () => {
      try {
        const manager = await this.userManager();
        const current = await manager.getUser();
        if (!current?.refresh_token) {
          return null;
        }
        const user = await manager.signinSilent();
        if (user) {
          await this.establish(user);
        }
        return user;
      } catch {
        return null;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private async establish(user: User): Promise<void> {
    if (this.subject !== undefined && user.profile.sub !== this.subject) {
      this.drafts.clear(); // another person at the same workstation
    }
    this.subject = user.profile.sub;
    this.suspension?.end();
    this.suspension = undefined;
    this.user.set(user);
    this.restoring = Promise.resolve(user);
    const claims = user.profile as Record<string, unknown>;
    let sessionUser = sessionUserFromClaims(claims);
    if (typeof claims['name'] !== 'string' && sessionUser.fhirUser?.startsWith('Practitioner/')) {
      // No name claim (another SMART server): read it from the Practitioner resource.
      const id = sessionUser.fhirUser.slice('Practitioner/'.length);
      // The FHIR client loads with the features, not with the sign-in: import it on this rare path only.
      const { FhirClient } = await import('../fhir/fhir-client');
      const practitioner = await firstValueFrom(this.injector.get(FhirClient).read('Practitioner', id)).catch(
        () => undefined as Practitioner | undefined,
      );
      const name = formatName(practitioner?.name?.[0]);
      if (name) {
        sessionUser = { ...sessionUser, name };
      }
    }
    this.store.dispatch(AuthActions.signedIn({ user: sessionUser }));
  }

  private userManager(): Promise<UserManagerLike> {
    this.manager ??= (async () => {
      this.createManager.preload?.();
      const discovery: unknown = await firstValueFrom(
        this.http.get(`${this.fhir.baseUrl}/.well-known/smart-configuration`, {
          headers: { Accept: 'application/json' },
        }),
      );
      if (!isSmartConfiguration(discovery)) {
        throw new Error('The FHIR server did not describe its SMART authorization endpoints');
      }
      this.smart = discovery;
      const view = this.document.defaultView;
      if (!view) {
        throw new Error('Sign-in needs a browser window');
      }
      return this.createManager(
        userManagerSettings(this.config, discovery, view.location.origin, this.fhir.absoluteBaseUrl),
        view.sessionStorage,
      );
    })();
    // A failed discovery is retried on the next attempt rather than cached forever.
    this.manager.catch(() => (this.manager = undefined));
    return this.manager;
  }
}

function isExpiring(user: User): boolean {
  return user.expires_in !== undefined && user.expires_in <= EXPIRY_SKEW_SECONDS;
}

/** Only same-app paths: an attacker-supplied state must not turn sign-in into an open redirect. */
export function safeReturnUrl(url: string): string {
  return url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/signin/') ? url : '/';
}

async function clearCacheStorage(view: Window | null): Promise<void> {
  const cacheStorage = view?.caches;
  if (!cacheStorage) {
    return;
  }
  const keys = await cacheStorage.keys().catch(() => [] as string[]);
  await Promise.all(keys.map((key) => cacheStorage.delete(key)));
}

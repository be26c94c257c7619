import { InjectionToken } from '@angular/core';
import type { UserManager, UserManagerSettings } from 'oidc-client-ts';

import type { WaypointConfig } from '../config/waypoint-config';
import { type SmartConfiguration, toOidcMetadata } from './smart-configuration';

/** Path of the SPA's OAuth redirect route. Not under `/auth/`: the dev proxy sends that to the server. */
export const SIGNIN_CALLBACK_PATH = 'signin/callback';

/** The UserManager calls Waypoint makes; tests provide a double of exactly this. */
export type UserManagerLike = Pick<
  UserManager,
  | 'getUser'
  | 'signinRedirect'
  | 'signinPopup'
  | 'signinCallback'
  | 'signinPopupCallback'
  | 'signinSilent'
  | 'removeUser'
  | 'clearStaleState'
>;

/** Settings without the stores, which are built from `storage` where oidc-client-ts is loaded. */
export type WaypointUserManagerSettings = Omit<UserManagerSettings, 'userStore' | 'stateStore'>;

export interface UserManagerFactory {
  (settings: WaypointUserManagerSettings, storage: Storage): Promise<UserManagerLike>;
  /** Starts loading the client library ahead of the factory's call (e.g. while SMART discovery is in flight). */
  preload?(): void;
}

const STORE_PREFIX = 'waypoint.oidc.';

/** Whether this window started the sign-in whose response carries `state` (its request state is here). */
export function isPendingSignIn(storage: Storage, state: string | null): boolean {
  return state !== null && storage.getItem(`${STORE_PREFIX}${state}`) !== null;
}

const loadOidcClient = () => import('oidc-client-ts');

/**
 * Loads oidc-client-ts on first use (it is ~78 kB: kept out of the initial bundle; `preload` fetches it while
 * SMART discovery is in flight) and builds the UserManager with both stores in `storage`.
 */
export const createUserManager: UserManagerFactory = Object.assign(
  async (settings: WaypointUserManagerSettings, storage: Storage): Promise<UserManagerLike> => {
    const { UserManager, WebStorageStateStore } = await loadOidcClient();
    return new UserManager({
      ...settings,
      userStore: new WebStorageStateStore({ store: storage, prefix: STORE_PREFIX }),
      stateStore: new WebStorageStateStore({ store: storage, prefix: STORE_PREFIX }),
    });
  },
  { preload: (): void => void loadOidcClient() },
);

export const USER_MANAGER_FACTORY = new InjectionToken<UserManagerFactory>('USER_MANAGER_FACTORY', {
  providedIn: 'root',
  factory: () => createUserManager,
});

/**
 * oidc-client-ts settings for a SMART standalone launch: authorization code + PKCE (S256, on by
 * default), `aud` = the FHIR base, tokens and the in-flight request state in sessionStorage only
 * (this tab, gone when it closes, cleared on sign-out; never localStorage).
 */
export function userManagerSettings(
  config: WaypointConfig,
  smart: SmartConfiguration,
  origin: string,
  absoluteFhirBase: string,
): WaypointUserManagerSettings {
  const metadata = toOidcMetadata(smart);
  const redirectUri = `${origin}/${SIGNIN_CALLBACK_PATH}`;
  return {
    authority: metadata.issuer ?? absoluteFhirBase,
    metadata,
    client_id: config.clientId,
    redirect_uri: redirectUri,
    popup_redirect_uri: redirectUri,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    response_mode: 'query',
    scope: config.scope,
    extraQueryParams: { aud: absoluteFhirBase },
    loadUserInfo: false,
    automaticSilentRenew: false,
    monitorSession: false,
    revokeTokenTypes: ['access_token', 'refresh_token'],
    revokeTokensOnSignout: true,
    accessTokenExpiringNotificationTimeInSeconds: 60,
  };
}

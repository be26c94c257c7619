import { User } from 'oidc-client-ts';

import type { UserManagerLike } from '../core/auth/user-manager';

export const SMART_CONFIGURATION = {
  issuer: 'http://localhost:9876/auth',
  authorization_endpoint: 'http://localhost:9876/auth/authorize',
  token_endpoint: 'http://localhost:9876/auth/token',
  revocation_endpoint: 'http://localhost:9876/auth/revoke',
  code_challenge_methods_supported: ['S256'],
};

/** An oidc-client-ts User as the embedded server would issue it. */
export function aUser(overrides: Partial<ConstructorParameters<typeof User>[0]> = {}): User {
  return new User({
    access_token: 'access-1',
    refresh_token: 'refresh-1',
    token_type: 'Bearer',
    scope: 'openid fhirUser profile online_access user/*.rs user/*.cru',
    expires_at: Math.floor(Date.now() / 1000) + 900,
    profile: {
      sub: 'dana',
      iss: SMART_CONFIGURATION.issuer,
      aud: 'waypoint',
      exp: 0,
      iat: 0,
      name: 'Dana Whitfield',
      fhirUser: 'Practitioner/pr-dana',
      waypoint_role: 'supervisor',
    } as never,
    ...overrides,
  });
}

export type UserManagerDouble = jasmine.SpyObj<UserManagerLike>;

/** A UserManager double: the real one needs a real authorization server and page redirects. */
export function aUserManagerDouble(user: User | null = null): UserManagerDouble {
  const double = jasmine.createSpyObj<UserManagerLike>('UserManager', [
    'getUser',
    'signinRedirect',
    'signinPopup',
    'signinCallback',
    'signinPopupCallback',
    'signinSilent',
    'removeUser',
    'clearStaleState',
  ]);
  double.getUser.and.resolveTo(user);
  double.signinRedirect.and.resolveTo();
  double.removeUser.and.resolveTo();
  return double;
}

/**
 * The embedded SMART on FHIR authorization server: oidc-provider 9 configured for SMART App Launch 2.x
 * (authorization code + PKCE S256, refresh with online_access/offline_access, revocation, fhirUser)
 * and SMART Backend Services (client credentials with a private_key_jwt assertion).
 */
import { randomBytes } from 'node:crypto';

import type Database from 'better-sqlite3';
import type { JWK } from 'jose';
import Provider, { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';

import type { AccountStore } from './accounts';
import { CLI_KEY_ALG, publicJwk, type ServerKeys } from './keys';
import { sqliteAdapterFactory } from './oidc-sqlite-adapter';
import type { SerializeWrites } from './serialized-writes';
import { escapeHtml, pageCsp, renderSignOutPage } from './sign-in-page';
import { allResourceScopes } from './smart-scopes';
import { CLI_CLIENT_ID } from './system-token';

export const SPA_CLIENT_ID = 'waypoint';
export { CLI_CLIENT_ID };

/** OpenID / SMART identity scopes this server knows (resource scopes come from the resource server). */
export const IDENTITY_SCOPES = ['openid', 'fhirUser', 'profile', 'online_access', 'offline_access'] as const;

/** Endpoint paths under the issuer (`<issuer>/authorize`, `<issuer>/token`, …). */
export const ROUTES = {
  authorization: '/authorize',
  token: '/token',
  jwks: '/jwks',
  revocation: '/revoke',
  end_session: '/logout',
  userinfo: '/userinfo',
} as const;

export interface AuthorizationServerOptions {
  /** E.g. `http://localhost:8080/auth`. */
  readonly issuer: string;
  /** The FHIR base URL: the resource indicator and `aud` of every access token. */
  readonly fhirBaseUrl: string;
  readonly db: Database.Database;
  /** Serializes writes with the FHIR store's transactions (see serialized-writes.ts). */
  readonly serializeWrites?: SerializeWrites;
  readonly keys: ServerKeys;
  readonly accounts: AccountStore;
  /** The `waypoint-cli` client's public key (SMART Backend Services). */
  readonly cliKey: JWK;
  /** Exact redirect URIs of the SPA client. */
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
  /** Path (under the server origin) of the sign-in interaction, `<path>/<uid>`. */
  readonly interactionPath: string;
  /** Seconds (default 900 = 15 min). */
  readonly accessTokenTtl?: number;
  /** Seconds (default 300). */
  readonly systemTokenTtl?: number;
}

/** Accepts `aud` equal to the FHIR base, or to `<origin of a redirect URI>/fhir` (the SPA's proxy). */
function audienceValidator(
  options: AuthorizationServerOptions,
): (ctx: KoaContextWithOIDC, value?: string) => void {
  const allowed = new Set([options.fhirBaseUrl.replace(/\/+$/, '')]);
  for (const uri of options.redirectUris) {
    allowed.add(`${new URL(uri).origin}/fhir`);
  }
  return (_ctx, value) => {
    if (value !== undefined && !allowed.has(value.replace(/\/+$/, ''))) {
      throw new errors.InvalidRequest('aud must be this server\u2019s FHIR base URL');
    }
  };
}

export function createAuthorizationServer(options: AuthorizationServerOptions): Provider {
  const accessTokenTtl = options.accessTokenTtl ?? 900;
  const userScopes = allResourceScopes('user').join(' ');
  const systemScopes = allResourceScopes('system').join(' ');
  const { accounts } = options;

  const configuration: Configuration = {
    adapter: sqliteAdapterFactory(options.db, options.serializeWrites),
    clients: [
      {
        client_id: SPA_CLIENT_ID,
        client_name: 'Waypoint',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        redirect_uris: [...options.redirectUris],
        post_logout_redirect_uris: [...(options.postLogoutRedirectUris ?? [])],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
      {
        client_id: CLI_CLIENT_ID,
        client_name: 'Waypoint scripts (SMART Backend Services)',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: CLI_KEY_ALG,
        jwks: { keys: [publicJwk(options.cliKey) as never] },
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: options.keys.jwks as Configuration['jwks'],
    cookies: { keys: options.keys.cookieKeys },
    routes: ROUTES,
    scopes: [...IDENTITY_SCOPES],
    claims: {
      openid: ['sub'],
      fhirUser: ['fhirUser'],
      profile: ['name', 'waypoint_role'],
    },
    // Put the scope-requested claims (fhirUser, name, role) in the id_token, where SMART apps read them.
    conformIdTokenClaims: false,
    async findAccount(_ctx, id) {
      const account = accounts.find(id);
      if (!account) {
        return undefined;
      }
      return {
        accountId: account.username,
        async claims() {
          return {
            sub: account.username,
            name: account.displayName,
            fhirUser: `Practitioner/${account.practitionerId}`,
            waypoint_role: account.role,
          };
        },
      };
    },
    extraParams: { aud: audienceValidator(options), launch: null as never },
    pkce: { required: () => true },
    clientAuthMethods: ['none', 'private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ['ES384', 'RS384', 'ES256', 'RS256'] },
    responseTypes: ['code'],
    features: {
      devInteractions: { enabled: false },
      revocation: {
        enabled: true,
        // A client may revoke only its own tokens (sign-out of the SPA, a script's own token).
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx, form) {
          const nonce = randomBytes(16).toString('base64');
          ctx.set('content-security-policy', pageCsp(nonce, formActionOrigins(options)));
          ctx.type = 'html';
          ctx.body = renderSignOutPage(form, nonce);
        },
      },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.fhirBaseUrl,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator, client) => {
          if (resourceIndicator !== options.fhirBaseUrl) {
            throw new errors.InvalidTarget();
          }
          const system = client.clientId === CLI_CLIENT_ID;
          return {
            scope: system ? systemScopes : userScopes,
            audience: options.fhirBaseUrl,
            accessTokenFormat: 'opaque',
            accessTokenTTL: system ? (options.systemTokenTtl ?? 300) : accessTokenTtl,
          };
        },
      },
    },
    ttl: {
      AccessToken: accessTokenTtl,
      ClientCredentials: options.systemTokenTtl ?? 300,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 8 * 3600,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
    },
    async issueRefreshToken(_ctx, client, code) {
      return (
        client.grantTypeAllowed('refresh_token') &&
        (code.scopes.has('online_access') || code.scopes.has('offline_access'))
      );
    },
    rotateRefreshToken: true,
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = renderErrorPage(out.error ?? 'error', out.error_description);
    },
    interactions: {
      url: (_ctx, interaction) => `${options.interactionPath}/${interaction.uid}`,
    },
  };

  return new Provider(options.issuer, configuration);
}

function renderErrorPage(error: string, description: string | undefined): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in problem · Waypoint</title></head>
<body><main><h1>Sign-in could not continue</h1>
<p role="alert"><strong>${escapeHtml(error)}</strong>${description ? `: ${escapeHtml(description)}` : ''}</p>
<p>Go back to Waypoint and start signing in again.</p></main></body></html>`;
}

/** Where a form on the authorization server may lead (Chrome applies form-action to redirects too). */
export function formActionOrigins(options: Pick<AuthorizationServerOptions, 'redirectUris'>): string[] {
  return [...new Set(options.redirectUris.map((u) => new URL(u).origin))];
}

/**
 * The worker's access token (SMART Backend Services, https://hl7.org/fhir/smart-app-launch/backend-services.html):
 * a client-credentials grant, authenticated by a signed JWT (private_key_jwt, the `waypoint-cli` key) or, for
 * servers that register clients with a shared secret (a Medplum ClientApplication), by that secret. Renewed
 * shortly before it expires, and at once when the FHIR server answers 401.
 */
import { discoverTokenEndpoint, getSystemToken } from '../auth/system-token';
import type { ClientAuth } from './fhir-client';

export interface WorkerAuthOptions {
  /** The FHIR base; the token endpoint is discovered from its `.well-known/smart-configuration`. */
  readonly baseUrl: string;
  readonly scope: string;
  readonly clientId: string;
  /** Private JWK of the client (private_key_jwt). */
  readonly keyPath?: string;
  /** Client secret (client_secret_basic) instead of a key. */
  readonly clientSecret?: string;
  readonly now?: () => number;
}

interface Token {
  readonly accessToken: string;
  readonly expiresIn: number;
}

/** Renew at 80 % of a token's life; a token without `expires_in` is kept for a minute. */
const RENEW_FRACTION = 0.8;
const DEFAULT_LIFETIME_S = 60;

export function systemAuth(options: WorkerAuthOptions): ClientAuth {
  const now = options.now ?? Date.now;
  let current: { token: string; renewAt: number } | undefined;
  let pending: Promise<Token> | undefined;
  return {
    async headers() {
      if (!current || now() >= current.renewAt) {
        pending ??= requestToken(options);
        try {
          const token = await pending;
          const lifetimeMs = (token.expiresIn > 0 ? token.expiresIn : DEFAULT_LIFETIME_S) * 1000;
          current = { token: token.accessToken, renewAt: now() + lifetimeMs * RENEW_FRACTION };
        } finally {
          pending = undefined;
        }
      }
      return { authorization: `Bearer ${current.token}` };
    },
    invalidate() {
      current = undefined;
    },
  };
}

async function requestToken(options: WorkerAuthOptions): Promise<Token> {
  if (options.clientSecret === undefined) {
    return getSystemToken({
      baseUrl: options.baseUrl,
      scope: options.scope,
      clientId: options.clientId,
      ...(options.keyPath ? { keyPath: options.keyPath } : {}),
    });
  }
  const tokenEndpoint = await discoverTokenEndpoint(options.baseUrl.replace(/\/+$/, ''));
  const basic = Buffer.from(
    `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
  ).toString('base64');
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: options.scope }),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body['access_token'] !== 'string') {
    throw new Error(
      `token request refused (${response.status}): ${String(body['error'] ?? '')} ${String(body['error_description'] ?? '')}`.trim(),
    );
  }
  return { accessToken: body['access_token'], expiresIn: Number(body['expires_in'] ?? 0) };
}

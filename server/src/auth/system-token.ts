/**
 * SMART Backend Services client for Waypoint's own scripts (importer, curl): a client-credentials
 * grant authenticated with a signed JWT assertion (private_key_jwt, ES384) by the `waypoint-cli`
 * client, whose key the server keeps next to its database.
 * https://build.fhir.org/ig/HL7/smart-app-launch/backend-services.html
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { importJWK, type JWK, SignJWT } from 'jose';

export const CLI_CLIENT_ID = 'waypoint-cli';

export interface SystemTokenRequest {
  /** The FHIR base URL, e.g. `http://127.0.0.1:8080/fhir`. */
  readonly baseUrl: string;
  /** SMART system scopes, e.g. `system/*.rs` or `system/*.cruds`. */
  readonly scope: string;
  /** Path of the private JWK (`data/waypoint-cli.jwk.json`), or the key itself. */
  readonly keyPath?: string;
  readonly key?: JWK;
  readonly clientId?: string;
}

export interface SystemToken {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly scope: string;
  readonly tokenEndpoint: string;
}

/** Discovers the token endpoint from `<baseUrl>/.well-known/smart-configuration`. */
export async function discoverTokenEndpoint(baseUrl: string): Promise<string> {
  const url = `${baseUrl.replace(/\/+$/, '')}/.well-known/smart-configuration`;
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    throw new Error(`SMART discovery failed: GET ${url} → ${response.status}`);
  }
  const config = (await response.json()) as { token_endpoint?: string };
  if (!config.token_endpoint) {
    throw new Error(`SMART discovery: no token_endpoint at ${url}`);
  }
  return config.token_endpoint;
}

/** A short-lived system access token for the `waypoint-cli` client. */
export async function getSystemToken(request: SystemTokenRequest): Promise<SystemToken> {
  const jwk =
    request.key ?? (JSON.parse(readFileSync(request.keyPath ?? 'data/waypoint-cli.jwk.json', 'utf8')) as JWK);
  const alg = jwk.alg ?? 'ES384';
  const clientId = request.clientId ?? CLI_CLIENT_ID;
  const tokenEndpoint = await discoverTokenEndpoint(request.baseUrl);
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg, kid: jwk.kid, typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(tokenEndpoint)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(await importJWK(jwk, alg));
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: request.scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok || typeof body['access_token'] !== 'string') {
    throw new Error(
      `token request refused (${response.status}): ${String(body['error'] ?? '')} ${String(body['error_description'] ?? '')}`.trim(),
    );
  }
  return {
    accessToken: body['access_token'],
    expiresIn: Number(body['expires_in'] ?? 0),
    scope: String(body['scope'] ?? ''),
    tokenEndpoint,
  };
}

/**
 * Authorization headers for a long-running script: fetches a system token on first use and a new
 * one shortly before it expires, so an import that outlives one token keeps going.
 */
export function systemTokenHeaders(request: SystemTokenRequest): () => Promise<Record<string, string>> {
  let current: { token: string; renewAt: number } | undefined;
  let pending: Promise<SystemToken> | undefined;
  return async () => {
    if (!current || Date.now() >= current.renewAt) {
      pending ??= getSystemToken(request);
      try {
        const token = await pending;
        const lifetimeMs = Math.max(token.expiresIn, 30) * 1000;
        current = { token: token.accessToken, renewAt: Date.now() + lifetimeMs * 0.8 };
      } finally {
        pending = undefined;
      }
    }
    return { authorization: `Bearer ${current.token}` };
  };
}

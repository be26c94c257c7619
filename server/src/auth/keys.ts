/**
 * Key material kept next to the database, generated once (mode 0600):
 * - `jwks.json`: the authorization server's signing keys (private JWKs) and cookie-signing secrets;
 * - `waypoint-cli.jwk.json`: the private key of the `waypoint-cli` SMART Backend Services client.
 * An in-memory database (tests) passes no directory and gets ephemeral keys.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface ServerKeys {
  /** Private signing keys for oidc-provider's `jwks`. */
  readonly jwks: { keys: JWK[] };
  /** Secrets for oidc-provider's signed cookies. */
  readonly cookieKeys: string[];
}

export const CLI_KEY_ALG = 'ES384';

async function privateJwk(alg: 'RS256' | 'ES256' | 'ES384'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: randomUUID() };
}

function writeSecret(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
}

export async function loadOrCreateServerKeys(dir: string | undefined): Promise<ServerKeys> {
  const path = dir ? join(dir, 'jwks.json') : undefined;
  if (path && existsSync(path)) {
    return JSON.parse(readFileSync(path, 'utf8')) as ServerKeys;
  }
  const keys: ServerKeys = {
    jwks: { keys: [await privateJwk('RS256'), await privateJwk('ES256')] },
    cookieKeys: [randomBytes(32).toString('base64url')],
  };
  if (path) {
    writeSecret(path, keys);
  }
  return keys;
}

/** The public half of a private JWK (drops d, p, q, dp, dq, qi). */
export function publicJwk(jwk: JWK): JWK {
  const { kty, crv, x, y, n, e, kid, alg, use } = jwk;
  return Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e, kid, alg, use }).filter(([, v]) => v !== undefined),
  ) as JWK;
}

export function cliKeyPath(dir: string): string {
  return join(dir, 'waypoint-cli.jwk.json');
}

/** The waypoint-cli client's private key, created on first use. */
export async function loadOrCreateCliKey(path: string | undefined): Promise<JWK> {
  if (path && existsSync(path)) {
    return JSON.parse(readFileSync(path, 'utf8')) as JWK;
  }
  const key = await privateJwk(CLI_KEY_ALG);
  if (path) {
    writeSecret(path, key);
  }
  return key;
}

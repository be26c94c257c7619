// The embedded authorization server over HTTP: discovery, the authorization-code flow with PKCE
// (negative cases after the ONC Inferno SMART App Launch kit), refresh, revocation, expiry, lockout,
// and SMART Backend Services for scripts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, mock, test } from 'node:test';

import { getSystemToken } from '../../src/auth/system-token';
import {
  authorize,
  type AuthTestServer,
  CookieJar,
  fhir,
  type Json,
  pkcePair,
  REDIRECT_URI,
  signIn,
  startAuthServer,
  tokenRequest,
} from './auth-harness';

let server: AuthTestServer;
let keysDir: string;

before(async () => {
  keysDir = mkdtempSync(join(tmpdir(), 'waypoint-auth-'));
  server = await startAuthServer({ keysDir });
});
after(async () => {
  await server.close();
  rmSync(keysDir, { recursive: true, force: true });
});

/** A fresh authorization code for counselor1 with the given PKCE challenge. */
async function codeFor(challenge: string, jar = new CookieJar()): Promise<string> {
  const result = await authorize(server, jar, { challenge });
  const code = result.callback?.searchParams.get('code');
  assert.ok(code, `expected a code, got ${result.response?.status} ${result.callback}`);
  return code;
}

function exchange(code: string, verifier?: string): ReturnType<typeof tokenRequest> {
  return tokenRequest(server, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: 'waypoint',
    ...(verifier !== undefined ? { code_verifier: verifier } : {}),
  });
}

describe('discovery', () => {
  test('SMART configuration advertises PKCE S256 only, the endpoints and the v1/v2 capabilities', async () => {
    const response = await fetch(`${server.fhirUrl}/.well-known/smart-configuration`);
    assert.equal(response.status, 200);
    const config = (await response.json()) as Record<string, Json>;
    assert.deepEqual(config['code_challenge_methods_supported'], ['S256']);
    assert.equal(config['issuer'], `${server.origin}/auth`);
    assert.equal(config['token_endpoint'], `${server.origin}/auth/token`);
    for (const capability of [
      'launch-standalone',
      'client-public',
      'permission-v2',
      'permission-v1',
      'sso-openid-connect',
    ]) {
      assert.ok(config['capabilities'].includes(capability), capability);
    }
    const oidc = (await (
      await fetch(`${server.origin}/auth/.well-known/openid-configuration`)
    ).json()) as Record<string, Json>;
    assert.equal(oidc['issuer'], config['issuer']);
    assert.deepEqual(oidc['code_challenge_methods_supported'], ['S256']);
    assert.equal(oidc['revocation_endpoint'], config['revocation_endpoint']);
  });

  test('the CapabilityStatement names the SMART OAuth endpoints without a token', async () => {
    const response = await fhir(server, undefined, 'GET', 'metadata');
    assert.equal(response.status, 200);
    const security = response.body.rest[0].security;
    assert.equal(security.service[0].coding[0].code, 'SMART-on-FHIR');
  });

  test('signing keys and the waypoint-cli key are persisted next to the database, mode 0600', () => {
    for (const file of ['jwks.json', 'waypoint-cli.jwk.json']) {
      assert.equal(statSync(join(keysDir, file)).mode & 0o777, 0o600, file);
    }
  });
});

describe('authorization code + PKCE (Inferno-style negative cases)', () => {
  test('a complete sign-in returns state unchanged, an id_token with fhirUser, name and role', async () => {
    const { verifier, challenge } = pkcePair();
    const result = await authorize(server, new CookieJar(), { challenge, state: 'xyz-123' });
    assert.equal(result.callback?.searchParams.get('state'), 'xyz-123');
    const token = await exchange(result.callback?.searchParams.get('code') as string, verifier);
    assert.equal(token.status, 200);
    assert.equal(token.body['token_type'], 'Bearer');
    assert.equal(token.body['expires_in'], 900);
    const claims = JSON.parse(
      Buffer.from((token.body['id_token'] as string).split('.')[1] as string, 'base64url').toString(),
    );
    assert.equal(claims.fhirUser, `Practitioner/${server.clinic.counselor1}`);
    assert.equal(claims.name, 'Casey One');
    assert.equal(claims.waypoint_role, 'counselor');
  });

  test('an authorization request without code_challenge is refused', async () => {
    const result = await authorize(server, new CookieJar(), { challenge: undefined });
    assert.equal(result.callback?.searchParams.get('error'), 'invalid_request');
    assert.match(result.callback?.searchParams.get('error_description') ?? '', /code_challenge/);
  });

  test('code_challenge_method=plain is refused', async () => {
    const { verifier } = pkcePair();
    const result = await authorize(server, new CookieJar(), {
      challenge: verifier,
      challengeMethod: 'plain',
    });
    assert.equal(result.callback?.searchParams.get('error'), 'invalid_request');
  });

  test('missing, blank and wrong code_verifier all fail; the right one then still works once', async () => {
    const { verifier, challenge } = pkcePair();
    const jar = new CookieJar();
    for (const bad of [undefined, '', pkcePair().verifier]) {
      const code = await codeFor(challenge, jar);
      const token = await exchange(code, bad);
      assert.equal(token.status, 400, `verifier ${JSON.stringify(bad)}`);
      assert.match(String(token.body['error']), /invalid_grant|invalid_request/);
    }
    // The plain-method trick: sending the challenge itself as the verifier must fail too.
    const code = await codeFor(challenge, jar);
    assert.equal((await exchange(code, challenge)).status, 400);
    const good = await codeFor(challenge, jar);
    assert.equal((await exchange(good, verifier)).status, 200);
  });

  test('an authorization code cannot be used twice, and reuse revokes what it issued', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(challenge);
    const first = await exchange(code, verifier);
    assert.equal(first.status, 200);
    const second = await exchange(code, verifier);
    assert.equal(second.status, 400);
    assert.equal(second.body['error'], 'invalid_grant');
    const after = await fhir(
      server,
      first.body['access_token'] as string,
      'GET',
      `Patient/${server.clinic.patientA}`,
    );
    assert.equal(after.status, 401);
  });

  test('a redirect_uri that does not match exactly is refused (no redirect to it)', async () => {
    const { challenge } = pkcePair();
    const result = await authorize(server, new CookieJar(), {
      challenge,
      redirectUri: `${REDIRECT_URI}/../evil`,
    });
    assert.equal(result.callback, undefined);
    assert.equal(result.response?.status, 400);
  });
});

describe('tokens', () => {
  test('refresh (online_access) rotates the refresh token; the old one is then refused', async () => {
    const session = await signIn(server, 'counselor1');
    assert.ok(session.refreshToken);
    const refreshed = await tokenRequest(server, {
      grant_type: 'refresh_token',
      refresh_token: session.refreshToken,
      client_id: 'waypoint',
    });
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body['refresh_token'], session.refreshToken);
    const read = await fhir(
      server,
      refreshed.body['access_token'] as string,
      'GET',
      `Patient/${server.clinic.patientA}`,
    );
    assert.equal(read.status, 200);
    const replay = await tokenRequest(server, {
      grant_type: 'refresh_token',
      refresh_token: session.refreshToken,
      client_id: 'waypoint',
    });
    assert.equal(replay.status, 400);
  });

  test('without online_access or offline_access there is no refresh token', async () => {
    const session = await signIn(server, 'counselor1', { scope: 'openid fhirUser user/*.rs' });
    assert.equal(session.refreshToken, undefined);
  });

  test('a revoked token is refused with 401 invalid_token (sign-out revokes the refresh token too)', async () => {
    const session = await signIn(server, 'counselor1');
    const revoke = await fetch(`${server.auth.issuer}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: session.accessToken,
        token_type_hint: 'access_token',
        client_id: 'waypoint',
      }),
    });
    assert.equal(revoke.status, 200);
    const read = await fhir(server, session.accessToken, 'GET', `Patient/${server.clinic.patientA}`);
    assert.equal(read.status, 401);
    assert.match(
      read.headers.get('www-authenticate') ?? '',
      /^Bearer realm="waypoint", error="invalid_token"/,
    );
    const refresh = await tokenRequest(server, {
      grant_type: 'refresh_token',
      refresh_token: session.refreshToken as string,
      client_id: 'waypoint',
    });
    assert.equal(refresh.status, 400);
  });

  test('an access token expires after 15 minutes (clock advanced, no sleeping)', async () => {
    const session = await signIn(server, 'counselor1');
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    try {
      mock.timers.tick(14 * 60_000);
      assert.equal(
        (await fhir(server, session.accessToken, 'GET', `Patient/${server.clinic.patientA}`)).status,
        200,
      );
      mock.timers.tick(61_000);
      const expired = await fhir(server, session.accessToken, 'GET', `Patient/${server.clinic.patientA}`);
      assert.equal(expired.status, 401);
      assert.match(expired.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      // The refresh token outlives it and gets a new access token.
      const refreshed = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: session.refreshToken as string,
        client_id: 'waypoint',
      });
      assert.equal(refreshed.status, 200);
      const read = await fhir(
        server,
        refreshed.body['access_token'] as string,
        'GET',
        `Patient/${server.clinic.patientA}`,
      );
      assert.equal(read.status, 200);
    } finally {
      mock.timers.reset();
    }
  });
});

describe('sign-out (RP-initiated logout)', () => {
  test('ends the session: the next authorization asks for the password again', async () => {
    const jar = new CookieJar();
    const session = await signIn(server, 'counselor1', { jar });
    const silent = await authorize(server, jar, { challenge: pkcePair().challenge });
    assert.ok(silent.callback?.searchParams.get('code'), 'an active session signs in without the form');

    const url = new URL(`${server.auth.issuer}/logout`);
    url.searchParams.set('id_token_hint', session.idToken);
    url.searchParams.set('post_logout_redirect_uri', 'http://localhost:4200/');
    url.searchParams.set('client_id', 'waypoint');
    const page = await fetch(url, { headers: { cookie: jar.header() } });
    jar.store(page);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /<button[^>]*name="logout"[^>]*>Sign out<\/button>/);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] as string;
    const form = new URLSearchParams({ logout: 'yes' });
    for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
      form.set(name as string, value as string);
    }
    const confirm = await fetch(new URL(action, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    jar.store(confirm);
    assert.equal(confirm.status, 303);
    const [logout] = server.auth.audit.search({ count: 1 }).events;
    assert.equal(logout?.subtype?.[0]?.code, '110123', 'sign-out audited');
    assert.equal(logout?.agent[0]?.who?.reference, `Practitioner/${server.clinic.counselor1}`);
    let location = new URL(confirm.headers.get('location') as string, url);
    while (!location.href.startsWith('http://localhost:4200/')) {
      const hop = await fetch(location, { redirect: 'manual', headers: { cookie: jar.header() } });
      jar.store(hop);
      location = new URL(hop.headers.get('location') as string, location);
    }
    const again = await authorize(server, jar, { password: 'wrong', challenge: pkcePair().challenge });
    assert.equal(again.response?.status, 401, 'the sign-in form is shown again (and checks the password)');
  });
});

describe('sign-in page and lockout', () => {
  test('the sign-in page is self-contained and labelled', async () => {
    const { challenge } = pkcePair();
    const jar = new CookieJar();
    const url = new URL(`${server.auth.issuer}/authorize`);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: 'waypoint',
      redirect_uri: REDIRECT_URI,
      scope: 'openid user/*.rs',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })) {
      url.searchParams.set(k, v);
    }
    let response = await fetch(url, { redirect: 'manual' });
    jar.store(response);
    response = await fetch(new URL(response.headers.get('location') as string, url), {
      headers: { cookie: jar.header() },
    });
    const html = await response.text();
    assert.equal(response.status, 200);
    assert.match(html, /<html lang="en">/);
    assert.match(html, /<label for="username">/);
    assert.match(html, /<label for="password">/);
    assert.doesNotMatch(html, /<(link|script)\b|https?:\/\/(?!127)/);
    assert.match(response.headers.get('content-security-policy') ?? '', /style-src 'nonce-/);
  });

  test('wrong passwords are answered with an alert; after 5 the account locks for 15 minutes, even for the right password', async () => {
    const jar = new CookieJar();
    for (let attempt = 1; attempt <= 4; attempt++) {
      const result = await authorize(server, jar, {
        username: 'counselor2',
        password: 'wrong',
        challenge: pkcePair().challenge,
      });
      assert.equal(result.response?.status, 401, `attempt ${attempt}`);
      assert.match(result.body ?? '', /role="alert"[^>]*>The user name or password is incorrect/);
    }
    const fifth = await authorize(server, jar, {
      username: 'counselor2',
      password: 'wrong',
      challenge: pkcePair().challenge,
    });
    assert.equal(fifth.response?.status, 429);
    assert.match(
      fifth.body ?? '',
      /role="alert"[^>]*>Too many failed sign-ins\. This account is locked for 15 more minutes/,
    );
    const right = await authorize(server, new CookieJar(), {
      username: 'counselor2',
      challenge: pkcePair().challenge,
    });
    assert.equal(right.response?.status, 429);
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    try {
      mock.timers.tick(15 * 60_000 + 1000);
      const later = await authorize(server, new CookieJar(), {
        username: 'counselor2',
        challenge: pkcePair().challenge,
      });
      assert.ok(later.callback?.searchParams.get('code'), 'signs in once the lock has run out');
    } finally {
      mock.timers.reset();
    }
  });

  test('failures are slowed down exponentially', async () => {
    const { failureDelayMs, DEFAULT_LOCKOUT } = await import('../../src/auth/accounts');
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => failureDelayMs(n, DEFAULT_LOCKOUT)),
      [500, 1000, 2000, 4000],
    );
  });
});

describe('SMART Backend Services (waypoint-cli)', () => {
  test('getSystemToken signs an ES384 assertion and gets a short-lived system token', async () => {
    const token = await getSystemToken({
      baseUrl: server.fhirUrl,
      scope: 'system/*.rs',
      keyPath: join(keysDir, 'waypoint-cli.jwk.json'),
    });
    assert.equal(token.scope, 'system/*.rs');
    assert.ok(token.expiresIn > 0 && token.expiresIn <= 300);
    const read = await fhir(server, token.accessToken, 'GET', `Patient/${server.clinic.patientC}`);
    assert.equal(read.status, 200, 'system clients read every patient');
    const write = await fhir(server, token.accessToken, 'POST', 'Patient', { resourceType: 'Patient' });
    assert.equal(write.status, 403, 'system/*.rs does not allow create');
  });

  test('an assertion signed with another key is refused', async () => {
    const { generateKeyPair, exportJWK } = await import('jose');
    const { privateKey } = await generateKeyPair('ES384', { extractable: true });
    await assert.rejects(
      getSystemToken({
        baseUrl: server.fhirUrl,
        scope: 'system/*.rs',
        key: { ...(await exportJWK(privateKey)), alg: 'ES384', kid: 'other' },
      }),
      /invalid_client/,
    );
  });

  test('a user client cannot get system scopes, nor a system client user scopes', async () => {
    const session = await signIn(server, 'counselor1', { scope: 'openid system/*.rs' });
    const read = await fhir(server, session.accessToken, 'GET', `Patient/${server.clinic.patientA}`);
    assert.equal(read.status, 403);
    const token = await getSystemToken({
      baseUrl: server.fhirUrl,
      scope: 'user/*.rs',
      keyPath: join(keysDir, 'waypoint-cli.jwk.json'),
    }).catch((err: Error) => err);
    assert.ok(token instanceof Error || token.scope === '', 'no user scope for the system client');
  });
});

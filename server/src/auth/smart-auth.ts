/**
 * SMART on FHIR for the embedded server, as one app plugin for `buildApp({ plugins })`:
 * - the authorization server (oidc-provider) under `/auth`, with the sign-in page;
 * - `/fhir/.well-known/smart-configuration`;
 * - a bearer-token check on every `/fhir/*` request (except metadata and .well-known) that resolves the
 *   user and replaces `request.fhirRepository` with the access-policy wrapper;
 * - an AuditEvent for every FHIR interaction and every sign-in, failed sign-in, sign-out and system token.
 */
import { randomBytes } from 'node:crypto';

import type { FhirRepository } from '@medplum/fhir-router';
import type { CapabilityStatement, OperationOutcome } from '@medplum/fhirtypes';
import type Database from 'better-sqlite3';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

import type { StaffRole } from '../../../clinical/terminology';
import { type AuditActor, authAuditEvent, restAuditEvent } from '../audit/audit-events';
import { AuditLog } from '../audit/audit-log';
import { type AccessContext, PolicyRepository } from '../policy/policy-repository';
import { type PatientScope, type Principal, resolvePatientScope, resolveRoles } from '../policy/principal';
import { ScopeCache } from '../policy/scope-cache';
import type { CompartmentIndex } from '../store/compartment';
import type { CommitListener } from '../store/sqlite-repository';
import { AccountStore, DEFAULT_LOCKOUT, type LockoutPolicy } from './accounts';
import { createAuthorizationServer, IDENTITY_SCOPES, ROUTES, SPA_CLIENT_ID } from './authorization-server';
import { cliKeyPath, loadOrCreateCliKey, loadOrCreateServerKeys, publicJwk } from './keys';
import type { SerializeWrites } from './serialized-writes';
import { pageCsp, renderSignInPage } from './sign-in-page';
import { PermissionSet } from './smart-scopes';

export const AUTH_PREFIX = '/auth';
export const INTERACTION_PATH = `${AUTH_PREFIX}/interaction`;
export const BREAK_GLASS_HEADER = 'x-break-glass-reason';
const MIN_BREAK_GLASS_REASON = 10;

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling and what they may see; set by the SMART auth hook on authenticated /fhir requests. */
    waypointAccess?: AccessContext;
  }
}

export interface SmartAuthOptions {
  /** The server's SQLite database (accounts, oidc-provider storage, audit trail). */
  readonly db: Database.Database;
  /**
   * Runs a write once no FHIR transaction is open on `db` (the store's `exclusive()`); without it,
   * writes run at once, which is only safe when nothing else writes to `db` (tests).
   */
  readonly serializeWrites?: SerializeWrites;
  /** The origin clients use, e.g. `http://localhost:8080` (WAYPOINT_PUBLIC_URL). Issuer = `<origin>/auth`. */
  readonly publicUrl: string;
  /** Where jwks.json and waypoint-cli.jwk.json live (next to the database); undefined = ephemeral keys. */
  readonly keysDir?: string;
  /** Exact redirect URIs of the `waypoint` SPA client (default: dev server and publicUrl `/signin/callback`). */
  readonly redirectUris?: readonly string[];
  /** Access-token lifetime in seconds (default 900). */
  readonly accessTokenTtl?: number;
  readonly systemTokenTtl?: number;
  readonly lockout?: LockoutPolicy;
  /** Break-glass reads also for these roles (default: every staff role). */
  readonly breakGlassRoles?: readonly StaffRole[];
  /**
   * The store, when it keeps a patient-compartment index and reports its commits (SqliteRepository): the policy
   * then scopes searches in SQL, and each token's roles and patients are cached until a CareTeam,
   * EpisodeOfCare or PractitionerRole changes. Without it both are recomputed per request.
   */
  readonly store?: CompartmentIndex & { onCommit(listener: CommitListener): () => void };
}

export interface SmartAuth {
  readonly provider: Provider;
  readonly accounts: AccountStore;
  readonly audit: AuditLog;
  readonly issuer: string;
  readonly fhirBaseUrl: string;
  /** For `buildApp({ plugins: [auth.plugin] })`. */
  readonly plugin: (app: FastifyInstance) => Promise<void>;
  /** For `buildApp({ extendCapabilityStatement })`: adds rest.security with the SMART OAuth URIs. */
  readonly extendCapabilityStatement: (statement: CapabilityStatement) => void;
}

function unauthorized(reply: FastifyReply, error: string | undefined, description: string): FastifyReply {
  const challenge = error
    ? `Bearer realm="waypoint", error="${error}", error_description="${description}"`
    : 'Bearer realm="waypoint"';
  const body: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'login', details: { text: description } }],
  };
  return reply
    .code(401)
    .header('www-authenticate', challenge)
    .header('content-type', 'application/fhir+json; charset=utf-8')
    .send(body);
}

function badRequest(reply: FastifyReply, text: string): FastifyReply {
  const body: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'invalid', details: { text } }],
  };
  return reply.code(400).header('content-type', 'application/fhir+json; charset=utf-8').send(body);
}

function fhirPathOf(url: string): string | undefined {
  const path = url.split('?')[0] as string;
  if (path === '/fhir' || path === '/fhir/') return '';
  return path.startsWith('/fhir/') ? path.slice('/fhir/'.length).replace(/\/+$/, '') : undefined;
}

function isPublicFhirPath(path: string): boolean {
  return path === 'metadata' || path.startsWith('.well-known/');
}

/** The FHIR interaction and target of a request, from its method and path (for audit). */
export function describeFhirRequest(
  method: string,
  path: string,
  body: unknown,
): { interaction: string; resourceType?: string; id?: string } {
  const [type, id, history, vid] = path === '' ? [] : path.split('/');
  if (!type) {
    if (method === 'POST') {
      const bundleType = (body as { type?: string } | undefined)?.type;
      return { interaction: bundleType === 'transaction' ? 'transaction' : 'batch' };
    }
    return { interaction: 'search-system' };
  }
  if (id === '_search') return { interaction: 'search-type', resourceType: type };
  if (id === undefined) {
    const interaction =
      method === 'GET'
        ? 'search-type'
        : method === 'POST'
          ? 'create'
          : method === 'PUT'
            ? 'update'
            : method === 'PATCH'
              ? 'patch'
              : 'delete';
    return { interaction, resourceType: type };
  }
  if (history === '_history') {
    return vid
      ? { interaction: 'vread', resourceType: type, id }
      : { interaction: 'history-instance', resourceType: type, id };
  }
  const interaction =
    method === 'GET'
      ? 'read'
      : method === 'PUT'
        ? 'update'
        : method === 'PATCH'
          ? 'patch'
          : method === 'DELETE'
            ? 'delete'
            : 'operation';
  return { interaction, resourceType: type, id };
}

function searchParamNames(request: FastifyRequest, interaction: string): string[] | undefined {
  if (!interaction.startsWith('search')) return undefined;
  const names = new Set(Object.keys((request.query as Record<string, unknown>) ?? {}));
  if (request.method === 'POST' && request.body && typeof request.body === 'object') {
    Object.keys(request.body as Record<string, unknown>).forEach((k) => names.add(k));
  }
  return [...names];
}

function actorOf(principal: Principal | undefined): AuditActor {
  if (!principal) return { kind: 'anonymous' };
  return principal.kind === 'system'
    ? { kind: 'system', clientId: principal.clientId }
    : {
        kind: 'user',
        practitionerId: principal.practitionerId,
        display: principal.displayName,
        username: principal.username,
      };
}

export async function createSmartAuth(options: SmartAuthOptions): Promise<SmartAuth> {
  const origin = options.publicUrl.replace(/\/+$/, '');
  const issuer = `${origin}${AUTH_PREFIX}`;
  const fhirBaseUrl = `${origin}/fhir`;
  const keys = await loadOrCreateServerKeys(options.keysDir);
  const cliKey = await loadOrCreateCliKey(options.keysDir ? cliKeyPath(options.keysDir) : undefined);
  const accounts = new AccountStore(options.db, options.lockout ?? DEFAULT_LOCKOUT);
  const audit = new AuditLog(options.db, options.serializeWrites);
  const redirectUris = options.redirectUris ?? [
    ...new Set(['http://localhost:4200/signin/callback', `${origin}/signin/callback`]),
  ];
  const postLogoutRedirectUris = [...new Set(redirectUris.map((u) => `${new URL(u).origin}/`))];
  const breakGlassRoles = new Set<StaffRole>(
    options.breakGlassRoles ?? [
      'counselor',
      'supervisor',
      'care-coordinator',
      'prescriber',
      'peer-specialist',
    ],
  );

  const formOrigins = [...new Set(redirectUris.map((u) => new URL(u).origin))];
  const userScopes = options.store
    ? new ScopeCache<{ roles: Set<StaffRole>; scope: PatientScope }>()
    : undefined;
  options.store?.onCommit((changes) => userScopes?.noteChanges(changes.map((c) => c.resourceType)));

  const provider = createAuthorizationServer({
    issuer,
    fhirBaseUrl,
    db: options.db,
    ...(options.serializeWrites ? { serializeWrites: options.serializeWrites } : {}),
    keys,
    accounts,
    cliKey: publicJwk(cliKey),
    redirectUris,
    postLogoutRedirectUris,
    interactionPath: INTERACTION_PATH,
    accessTokenTtl: options.accessTokenTtl,
    systemTokenTtl: options.systemTokenTtl,
  });
  provider.proxy = true;

  // Audit what happens inside the authorization server: system tokens, sign-out (revocation / end session).
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    const oidc = ctx.oidc as KoaContextWithOIDC['oidc'] | undefined;
    if (!oidc) return;
    const ip = ctx.ip;
    if (oidc.route === 'token' && oidc.params?.['grant_type'] === 'client_credentials') {
      const clientId = oidc.client?.clientId ?? 'unknown';
      void audit.record(
        authAuditEvent({
          kind: ctx.status === 200 ? 'token' : 'login-failed',
          actor: { kind: 'system', clientId },
          clientId,
          ip,
          detail: ctx.status === 200 ? 'system access token issued' : `token request refused (${ctx.status})`,
        }),
      );
    } else if (oidc.route === 'revocation' && ctx.status === 200) {
      const token =
        oidc.entities.AccessToken ?? oidc.entities.RefreshToken ?? oidc.entities.ClientCredentials;
      if (!token) return;
      const accountId = 'accountId' in token ? (token.accountId as string | undefined) : undefined;
      const account = accountId ? accounts.find(accountId) : undefined;
      void audit.record(
        authAuditEvent({
          kind: 'logout',
          actor: account
            ? {
                kind: 'user',
                practitionerId: account.practitionerId,
                display: account.displayName,
                username: account.username,
              }
            : { kind: 'system', clientId: token.clientId ?? 'unknown' },
          clientId: token.clientId,
          ip,
          detail: `${token.kind} revoked`,
        }),
      );
    } else if (
      oidc.route === 'end_session_success' ||
      (oidc.route === 'end_session_confirm' && ctx.status < 400)
    ) {
      const accountId = oidc.session?.accountId;
      const account = accountId ? accounts.find(accountId) : undefined;
      if (account) {
        void audit.record(
          authAuditEvent({
            kind: 'logout',
            actor: {
              kind: 'user',
              practitionerId: account.practitionerId,
              display: account.displayName,
              username: account.username,
            },
            ip,
            detail: 'session ended',
          }),
        );
      }
    }
  });

  const callback = provider.callback();

  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const path = fhirPathOf(request.url);
    if (path === undefined || isPublicFhirPath(path)) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header) : null;
    if (!header) {
      return unauthorized(reply, undefined, 'Authentication required: send an OAuth 2.0 bearer token');
    }
    if (!match) {
      return unauthorized(reply, 'invalid_request', 'Malformed Authorization header');
    }
    const value = match[1] as string;
    const token = (await provider.AccessToken.find(value)) ?? (await provider.ClientCredentials.find(value));
    if (!token || token.isExpired) {
      return unauthorized(reply, 'invalid_token', 'The access token is invalid, expired or revoked');
    }
    const aud = (token as unknown as { aud?: string | string[] }).aud;
    if (aud !== undefined && ![aud].flat().includes(fhirBaseUrl)) {
      return unauthorized(reply, 'invalid_token', 'The access token was not issued for this server');
    }
    const base: FhirRepository = request.fhirRepository;
    let principal: Principal;
    let access: AccessContext;
    if (token.kind === 'ClientCredentials') {
      principal = {
        kind: 'system',
        clientId: token.clientId ?? 'unknown',
        permissions: new PermissionSet(token.scope, 'system'),
      };
      access = {
        principal,
        scope: { all: true },
        audit,
        disclosed: new Set(),
        ...(options.store ? { compartments: options.store } : {}),
      };
    } else {
      const account = token.accountId ? accounts.find(token.accountId) : undefined;
      if (!account) {
        return unauthorized(reply, 'invalid_token', 'The access token belongs to no active account');
      }
      const resolve = async (): Promise<{ roles: Set<StaffRole>; scope: PatientScope }> => {
        const roles = await resolveRoles(base, account.practitionerId, account.role);
        return { roles, scope: await resolvePatientScope(base, account.practitionerId, roles) };
      };
      const expiresAt = (token.exp ?? 0) * 1000;
      const { roles, scope } = userScopes
        ? await userScopes.get(`${token.jti}\u0000${account.practitionerId}`, expiresAt, resolve)
        : await resolve();
      principal = {
        kind: 'user',
        practitionerId: account.practitionerId,
        username: account.username,
        displayName: account.displayName,
        roles,
        clientId: token.clientId ?? 'unknown',
        permissions: new PermissionSet(token.scope, 'user'),
      };
      const reasonHeader = request.headers[BREAK_GLASS_HEADER];
      const reason = (Array.isArray(reasonHeader) ? reasonHeader[0] : reasonHeader)?.trim();
      if (reason !== undefined && reason.length < MIN_BREAK_GLASS_REASON) {
        return badRequest(
          reply,
          `${BREAK_GLASS_HEADER} needs a reason of at least ${MIN_BREAK_GLASS_REASON} characters`,
        );
      }
      const breakGlass = reason !== undefined && [...roles].some((r) => breakGlassRoles.has(r));
      access = {
        principal,
        scope,
        breakGlassReason: breakGlass ? reason : undefined,
        audit,
        disclosed: new Set(),
        ...(options.store ? { compartments: options.store } : {}),
      };
    }
    request.waypointAccess = access;
    request.fhirRepository = new PolicyRepository(base, access);
  }

  function recordFhirAudit(request: FastifyRequest, reply: FastifyReply): void {
    const path = fhirPathOf(request.url);
    if (path === undefined || isPublicFhirPath(path)) return;
    const described = describeFhirRequest(request.method, path, request.body);
    const interaction =
      described.interaction === 'batch' || described.interaction === 'transaction'
        ? described.interaction
        : (request.fhirInteraction?.interaction ?? described.interaction);
    let target =
      described.id && described.resourceType ? `${described.resourceType}/${described.id}` : undefined;
    if (interaction === 'create' && reply.statusCode < 300) {
      const location = reply.getHeader('location');
      const parsed =
        typeof location === 'string' ? /([A-Z][A-Za-z]+\/[^/]+)\/_history\//.exec(location) : null;
      target = parsed?.[1] ?? target;
    }
    const access = request.waypointAccess;
    void audit.record(
      restAuditEvent({
        actor: actorOf(access?.principal),
        clientId: access?.principal.clientId,
        ip: request.ip,
        interaction,
        resourceType: described.resourceType,
        target,
        searchParams: searchParamNames(request, interaction),
        patients: access ? [...access.disclosed].slice(0, 200) : undefined,
        status: reply.statusCode,
        breakGlassReason: access?.breakGlassReason,
      }),
    );
  }

  async function signInPage(
    request: FastifyRequest,
    reply: FastifyReply,
    uid: string,
    status: number,
    fields: { username?: string; error?: string },
  ): Promise<FastifyReply> {
    const nonce = randomBytes(16).toString('base64');
    return reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', pageCsp(nonce, formOrigins))
      .send(
        renderSignInPage({
          action: `${INTERACTION_PATH}/${encodeURIComponent(uid)}`,
          clientName: 'Waypoint',
          nonce,
          ...fields,
        }),
      );
  }

  async function interactionGet(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const { uid } = request.params as { uid: string };
    const details = await provider.interactionDetails(request.raw, reply.raw);
    if (details.uid !== uid) {
      return reply.code(400).send('Interaction mismatch');
    }
    if (details.prompt.name === 'login') {
      return signInPage(request, reply, uid, 200, {});
    }
    if (details.prompt.name === 'consent' && details.params['client_id'] === SPA_CLIENT_ID) {
      // First-party app: consent is granted on the user's behalf for what it asked.
      const accountId = details.session?.accountId as string;
      const grant = details.grantId
        ? ((await provider.Grant.find(details.grantId)) ??
          new provider.Grant({ accountId, clientId: SPA_CLIENT_ID }))
        : new provider.Grant({ accountId, clientId: SPA_CLIENT_ID });
      const missing = details.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      reply.hijack();
      await provider.interactionFinished(
        request.raw,
        reply.raw,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
      return;
    }
    reply.hijack();
    await provider.interactionFinished(
      request.raw,
      reply.raw,
      { error: 'access_denied', error_description: 'This client needs consent the server cannot give' },
      { mergeWithLastSubmission: false },
    );
  }

  async function interactionPost(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const { uid } = request.params as { uid: string };
    const details = await provider.interactionDetails(request.raw, reply.raw);
    if (details.uid !== uid || details.prompt.name !== 'login') {
      return reply.code(400).send('This sign-in step has expired; start again from the app.');
    }
    const body = (request.body ?? {}) as Record<string, unknown>;
    const username = typeof body['username'] === 'string' ? body['username'].trim() : '';
    const password = typeof body['password'] === 'string' ? body['password'] : '';
    if (!username || !password) {
      return signInPage(request, reply, uid, 400, { username, error: 'Enter your user name and password.' });
    }
    const result = await accounts.signIn(username, password);
    if (result.ok) {
      const { account } = result;
      void audit.record(
        authAuditEvent({
          kind: 'login',
          actor: {
            kind: 'user',
            practitionerId: account.practitionerId,
            display: account.displayName,
            username: account.username,
          },
          clientId: details.params['client_id'] as string | undefined,
          ip: request.ip,
          detail: 'signed in',
        }),
      );
      reply.hijack();
      await provider.interactionFinished(
        request.raw,
        reply.raw,
        { login: { accountId: account.username } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    void audit.record(
      authAuditEvent({
        kind: 'login-failed',
        actor: { kind: 'anonymous', username },
        clientId: details.params['client_id'] as string | undefined,
        ip: request.ip,
        detail: result.reason === 'locked' ? 'account locked' : 'invalid credentials',
      }),
    );
    if (result.reason === 'locked') {
      const minutes = Math.max(1, Math.ceil((result.lockedUntil - Date.now()) / 60_000));
      reply.header('retry-after', String(Math.ceil((result.lockedUntil - Date.now()) / 1000)));
      return signInPage(request, reply, uid, 429, {
        username,
        error: `Too many failed sign-ins. This account is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}; try again later or ask your administrator.`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, result.delayMs));
    return signInPage(request, reply, uid, 401, {
      username,
      error:
        `The user name or password is incorrect.` +
        (result.remaining <= 2
          ? ` ${result.remaining} attempt${result.remaining === 1 ? '' : 's'} left before sign-in is locked for 15 minutes.`
          : ''),
    });
  }

  const plugin = async (app: FastifyInstance): Promise<void> => {
    app.addHook('onRequest', authenticate);
    app.addHook('onResponse', async (request, reply) => {
      recordFhirAudit(request, reply);
    });

    app.get('/fhir/.well-known/smart-configuration', async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=300').send(smartConfiguration(issuer)),
    );

    // Sign-in interaction: form bodies parsed by the app's formbody parser.
    app.get(`${INTERACTION_PATH}/:uid`, interactionGet);
    app.post(`${INTERACTION_PATH}/:uid`, interactionPost);

    // Everything else under /auth is oidc-provider's: hand it the raw request, body unread.
    await app.register(async (child) => {
      child.removeAllContentTypeParsers();
      child.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
      const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
        reply.hijack();
        const raw = request.raw as typeof request.raw & { originalUrl?: string };
        raw.originalUrl = request.url;
        raw.url = request.url.slice(AUTH_PREFIX.length) || '/';
        await callback(raw, reply.raw);
      };
      child.all(`${AUTH_PREFIX}/*`, handler);
    });
  };

  const extendCapabilityStatement = (statement: CapabilityStatement): void => {
    for (const rest of statement.rest ?? []) {
      rest.security = {
        cors: true,
        service: [
          {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                code: 'SMART-on-FHIR',
              },
            ],
            text: 'OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)',
          },
        ],
        extension: [
          {
            url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
            extension: [
              { url: 'authorize', valueUri: `${issuer}${ROUTES.authorization}` },
              { url: 'token', valueUri: `${issuer}${ROUTES.token}` },
              { url: 'revoke', valueUri: `${issuer}${ROUTES.revocation}` },
            ],
          },
        ],
      };
    }
  };

  return { provider, accounts, audit, issuer, fhirBaseUrl, plugin, extendCapabilityStatement };
}

/** SMART App Launch 2.x discovery document (`<fhir base>/.well-known/smart-configuration`). */
export function smartConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}${ROUTES.jwks}`,
    authorization_endpoint: `${issuer}${ROUTES.authorization}`,
    token_endpoint: `${issuer}${ROUTES.token}`,
    revocation_endpoint: `${issuer}${ROUTES.revocation}`,
    userinfo_endpoint: `${issuer}${ROUTES.userinfo}`,
    end_session_endpoint: `${issuer}${ROUTES.end_session}`,
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types_supported: ['code'],
    token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['ES384', 'RS384'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: [
      ...IDENTITY_SCOPES,
      'user/*.rs',
      'user/*.cruds',
      'user/*.read',
      'user/*.write',
      'system/*.rs',
      'system/*.cruds',
    ],
    capabilities: [
      'launch-standalone',
      'client-public',
      'client-confidential-asymmetric',
      'permission-v1',
      'permission-v2',
      'permission-user',
      'sso-openid-connect',
      'authorize-post',
    ],
  };
}

/**
 * Bearer authentication of the FHIR API: every /fhir request except the public paths (metadata,
 * `.well-known/*`) needs an access token issued by this server for this FHIR base. The token becomes
 * `request.authentication`: the principal, the patients it may see and the break-glass reason it gave.
 * The access policy (server/src/policy/policy-plugin.ts) and the audit trail read it from there.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';

import { BREAK_GLASS_HEADER, MIN_BREAK_GLASS_REASON } from '../../../clinical/access/break-glass';
import type { StaffRole } from '../../../clinical/terminology';
import { fhirPathOf, isPublicFhirPath } from '../http/fhir-routes';
import { FHIR_JSON, outcome } from '../http/outcomes';
import { type PatientScope, type Principal, resolvePatientScope, resolveRoles } from '../policy/principal';
import { ScopeCache } from '../policy/scope-cache';
import type { CommitListener } from '../store/sqlite-repository';
import type { AccountStore } from './accounts';
import { PermissionSet } from './smart-scopes';

/** Node lower-cases request header names. */
const BREAK_GLASS = BREAK_GLASS_HEADER.toLowerCase();

/** Who is calling, which patients they may see, and why they break the glass (when they do). */
export interface Authentication {
  readonly principal: Principal;
  readonly scope: PatientScope;
  /** A reason of at least 10 characters, given by a role allowed to break the glass. */
  readonly breakGlassReason?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the bearer authentication hook on every authenticated /fhir request. */
    authentication?: Authentication;
  }
}

export interface BearerAuthenticationOptions {
  readonly provider: Provider;
  readonly accounts: AccountStore;
  /** The `aud` a token must carry (when it carries one). */
  readonly fhirBaseUrl: string;
  /** Roles whose break-glass header widens their reads. */
  readonly breakGlassRoles: ReadonlySet<StaffRole>;
  /**
   * The store's commit notifications: with them, a token's roles and patients are cached until a
   * CareTeam, EpisodeOfCare or PractitionerRole changes (ScopeCache); without them, resolved per request.
   */
  readonly store?: { onCommit(listener: CommitListener): () => void };
}

interface UserScope {
  readonly roles: Set<StaffRole>;
  readonly scope: PatientScope;
}

/** The onRequest hook that turns a bearer token into `request.authentication`, or answers 401/400. */
export function bearerAuthentication(options: BearerAuthenticationOptions): (app: FastifyInstance) => void {
  const { provider, accounts, fhirBaseUrl, breakGlassRoles } = options;
  const userScopes = options.store ? new ScopeCache<UserScope>() : undefined;
  options.store?.onCommit((changes) => userScopes?.noteChanges(changes.map((c) => c.resourceType)));

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
    if (token.kind === 'ClientCredentials') {
      request.authentication = {
        principal: {
          kind: 'system',
          clientId: token.clientId ?? 'unknown',
          permissions: new PermissionSet(token.scope, 'system'),
        },
        scope: { all: true },
      };
      return;
    }
    const account = token.accountId ? accounts.find(token.accountId) : undefined;
    if (!account) {
      return unauthorized(reply, 'invalid_token', 'The access token belongs to no active account');
    }
    // The app's repository: roles and patients are read past the access policy, which needs them.
    const base = request.fhirRepository;
    const resolve = async (): Promise<UserScope> => {
      const roles = await resolveRoles(base, account.practitionerId, account.role);
      return { roles, scope: await resolvePatientScope(base, account.practitionerId, roles) };
    };
    const expiresAt = (token.exp ?? 0) * 1000;
    const { roles, scope } = userScopes
      ? await userScopes.get(`${token.jti}\u0000${account.practitionerId}`, expiresAt, resolve)
      : await resolve();
    const reasonHeader = request.headers[BREAK_GLASS];
    const reason = (Array.isArray(reasonHeader) ? reasonHeader[0] : reasonHeader)?.trim();
    if (reason !== undefined && reason.length < MIN_BREAK_GLASS_REASON) {
      return badRequest(
        reply,
        `${BREAK_GLASS_HEADER} needs a reason of at least ${MIN_BREAK_GLASS_REASON} characters`,
      );
    }
    const breakGlass = reason !== undefined && [...roles].some((r) => breakGlassRoles.has(r));
    request.authentication = {
      principal: {
        kind: 'user',
        practitionerId: account.practitionerId,
        username: account.username,
        displayName: account.displayName,
        roles,
        clientId: token.clientId ?? 'unknown',
        permissions: new PermissionSet(token.scope, 'user'),
      },
      scope,
      breakGlassReason: breakGlass ? reason : undefined,
    };
  }

  return (app) => {
    app.addHook('onRequest', authenticate);
  };
}

function unauthorized(reply: FastifyReply, error: string | undefined, description: string): FastifyReply {
  const challenge = error
    ? `Bearer realm="waypoint", error="${error}", error_description="${description}"`
    : 'Bearer realm="waypoint"';
  return reply
    .code(401)
    .header('www-authenticate', challenge)
    .header('content-type', FHIR_JSON)
    .send(outcome('login', description));
}

function badRequest(reply: FastifyReply, text: string): FastifyReply {
  return reply.code(400).header('content-type', FHIR_JSON).send(outcome('invalid', text));
}

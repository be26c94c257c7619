/**
 * The audit trail's recorders: an AuditEvent for every FHIR interaction (refused ones included), and
 * for what happens inside the authorization server (system tokens, revocation, end of session).
 * Sign-in and failed sign-in are recorded by the sign-in form (server/src/auth/authorization-server-plugin.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

import { referenceKey } from '../../../clinical/fhir/reference';
import type { AccountStore } from '../auth/accounts';
import type { Principal } from '../policy/principal';
import { type AuditActor, authAuditEvent, restAuditEvent, userActor } from './audit-events';
import type { AuditLog } from './audit-log';

/** The onResponse hook: one AuditEvent per FHIR interaction, from `request.fhirInteraction`. */
export function fhirAuditTrail(audit: AuditLog): (app: FastifyInstance) => void {
  return (app) => {
    app.addHook('onResponse', async (request, reply) => {
      recordFhirAudit(audit, request, reply);
    });
  };
}

function recordFhirAudit(audit: AuditLog, request: FastifyRequest, reply: FastifyReply): void {
  const described = request.fhirInteraction;
  if (!described || described.interaction === 'capabilities') return;
  const { interaction, resourceType, id } = described;
  let target = id && resourceType ? `${resourceType}/${id}` : undefined;
  if (interaction === 'create' && reply.statusCode < 300) {
    const location = reply.getHeader('location');
    target = (typeof location === 'string' ? referenceKey(location) : undefined) ?? target;
  }
  const access = request.waypointAccess;
  void audit.record(
    restAuditEvent({
      actor: actorOf(access?.principal),
      clientId: access?.principal.clientId,
      ip: request.ip,
      interaction,
      resourceType,
      target,
      searchParams: searchParamNames(request, interaction),
      // Every patient the response disclosed, however many (an accounting of disclosures has no "and others").
      patients: access ? [...access.disclosed] : undefined,
      status: reply.statusCode,
      breakGlassReason: access?.breakGlassReason,
    }),
  );
}

/** The names of the search parameters used (query and form body), never their values. */
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
    : userActor(principal);
}

/**
 * Audits what the authorization server does on its own routes: system tokens issued or refused,
 * tokens revoked (sign-out) and sessions ended (RP-initiated logout).
 */
export function auditAuthorizationServer(provider: Provider, audit: AuditLog, accounts: AccountStore): void {
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
          actor: account ? userActor(account) : { kind: 'system', clientId: token.clientId ?? 'unknown' },
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
          authAuditEvent({ kind: 'logout', actor: userActor(account), ip, detail: 'session ended' }),
        );
      }
    }
  });
}

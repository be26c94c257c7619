/**
 * The authorization server's HTTP side: oidc-provider mounted under `/auth`, the sign-in form it sends
 * users to (`/auth/interaction/<uid>`), and the SMART discovery the FHIR API publishes about it
 * (`/fhir/.well-known/smart-configuration` and the CapabilityStatement's rest.security).
 */
import { randomBytes } from 'node:crypto';

import type { CapabilityStatement } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';

import { authAuditEvent, userActor } from '../audit/audit-events';
import type { AuditLog } from '../audit/audit-log';
import type { AccountStore } from './accounts';
import { IDENTITY_SCOPES, ROUTES, SPA_CLIENT_ID } from './authorization-server';
import { pageCsp, renderSignInPage } from './sign-in-page';

export const AUTH_PREFIX = '/auth';
export const INTERACTION_PATH = `${AUTH_PREFIX}/interaction`;

export interface AuthorizationServerPluginOptions {
  readonly provider: Provider;
  readonly accounts: AccountStore;
  /** Records sign-ins and failed sign-ins. */
  readonly audit: AuditLog;
  /** `<origin>/auth`. */
  readonly issuer: string;
  /** Origins the sign-in form may be posted from (the content security policy's form-action). */
  readonly formOrigins: readonly string[];
}

export function authorizationServerPlugin(
  options: AuthorizationServerPluginOptions,
): (app: FastifyInstance) => Promise<void> {
  const { provider, accounts, audit, issuer, formOrigins } = options;
  const callback = provider.callback();

  async function signInPage(
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
      return signInPage(reply, uid, 200, {});
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
      return signInPage(reply, uid, 400, { username, error: 'Enter your user name and password.' });
    }
    const clientId = details.params['client_id'] as string | undefined;
    const result = await accounts.signIn(username, password);
    if (result.ok) {
      const { account } = result;
      void audit.record(
        authAuditEvent({
          kind: 'login',
          actor: userActor(account),
          clientId,
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
        account: accounts.find(username.toLowerCase()),
        clientId,
        ip: request.ip,
        detail: result.reason === 'locked' ? 'account locked' : 'invalid credentials',
      }),
    );
    if (result.reason === 'locked') {
      const minutes = Math.max(1, Math.ceil((result.lockedUntil - Date.now()) / 60_000));
      reply.header('retry-after', String(Math.ceil((result.lockedUntil - Date.now()) / 1000)));
      return signInPage(reply, uid, 429, {
        username,
        error: `Too many failed sign-ins. This account is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}; try again later or ask your administrator.`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, result.delayMs));
    return signInPage(reply, uid, 401, {
      username,
      error:
        `The user name or password is incorrect.` +
        (result.remaining <= 2
          ? ` ${result.remaining} attempt${result.remaining === 1 ? '' : 's'} left before sign-in is locked for 15 minutes.`
          : ''),
    });
  }

  return async (app) => {
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

/** Adds rest.security with the SMART OAuth URIs to a CapabilityStatement. */
export function addSmartSecurity(statement: CapabilityStatement, issuer: string): void {
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
}

/**
 * SMART on FHIR for the embedded server: the composition root of the plugins that make up sign-in,
 * access control and the audit trail, returned as one app plugin for `buildApp({ plugins })`.
 * Each plugin has one job and they run in this order:
 * - bearer authentication (authenticate.ts): token → `request.authentication`;
 * - the access policy (policy/policy-plugin.ts): `request.fhirRepository` = a PolicyRepository;
 * - the audit trail (audit/audit-plugin.ts): an AuditEvent per FHIR interaction, read from
 *   `request.fhirInteraction`, and per authorization-server event;
 * - the authorization server (authorization-server-plugin.ts): oidc-provider under `/auth`, the
 *   sign-in form and SMART discovery.
 */
import type { CapabilityStatement } from '@medplum/fhirtypes';
import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';

import type { StaffRole } from '../../../clinical/terminology';
import { AuditLog } from '../audit/audit-log';
import { auditAuthorizationServer, fhirAuditTrail } from '../audit/audit-plugin';
import { describeAuditEvent } from '../audit/audit-search';
import { accessPolicy } from '../policy/policy-plugin';
import type { CompartmentIndex } from '../store/compartment';
import type { CommitListener } from '../store/sqlite-repository';
import { AccountStore, DEFAULT_LOCKOUT, type LockoutPolicy } from './accounts';
import { bearerAuthentication } from './authenticate';
import { createAuthorizationServer } from './authorization-server';
import {
  addSmartSecurity,
  AUTH_PREFIX,
  authorizationServerPlugin,
  INTERACTION_PATH,
} from './authorization-server-plugin';
import { cliKeyPath, loadOrCreateCliKey, loadOrCreateServerKeys, publicJwk } from './keys';
import type { SerializeWrites } from './serialized-writes';

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
  // Before the plugin below takes provider.callback(): Koa composes the middleware at that call.
  auditAuthorizationServer(provider, audit, accounts);

  // In hook order: who is calling, what they may see, what they did; then the authorization server's routes.
  const setups = [
    bearerAuthentication({
      provider,
      accounts,
      fhirBaseUrl,
      breakGlassRoles,
      ...(options.store ? { store: options.store } : {}),
    }),
    accessPolicy({ audit, ...(options.store ? { compartments: options.store } : {}) }),
    fhirAuditTrail(audit),
    authorizationServerPlugin({ provider, accounts, audit, issuer, formOrigins }),
  ];
  const plugin = async (app: FastifyInstance): Promise<void> => {
    for (const setup of setups) {
      await setup(app);
    }
  };

  const extendCapabilityStatement = (statement: CapabilityStatement): void => {
    addSmartSecurity(statement, issuer);
    describeAuditEvent(statement);
  };

  return { provider, accounts, audit, issuer, fhirBaseUrl, plugin, extendCapabilityStatement };
}

// `npm run server`: the embedded FHIR R4 server on SQLite.
//   PORT (default 8080), HOST (default 127.0.0.1), WAYPOINT_DB (default data/waypoint.db),
//   WAYPOINT_SEED (default: the demo clinic; `none` = definitions only), WAYPOINT_DEMO_PATIENTS
//   (default 240), WAYPOINT_PUBLIC_URL (the origin users see, for the SMART issuer), LOG_LEVEL (default info),
//   WAYPOINT_DERIVER (default on; `off` leaves derived state to an external worker: npm run worker).
// Started through scripts/run-ts.mjs, which installs the WebSocket global @medplum/core 5 needs on Node 20.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import type { FhirRepository } from '@medplum/fhir-router';

import { buildApp } from './app';
import { recordExportRoute } from './audit/export-route';
import { reportExportRoute } from './audit/report-export-route';
import { createSmartAuth } from './auth/smart-auth';
import {
  DEFAULT_PATIENTS,
  DEFAULT_SEED,
  DEMO_PASSWORD,
  demoStaff,
  ensureDemoClinic,
  progressBar,
} from './demo/index';
import { attachDeriver } from './derive/embedded';
import { ensureCmSchedule } from './rules/cm-rewards';
import { initFhirDefinitions } from './store/definitions';
import { SqliteRepository } from './store/sqlite-repository';

const port = Number.parseInt(process.env['PORT'] ?? '8080', 10);
const host = process.env['HOST'] ?? '127.0.0.1';
const dbSetting = process.env['WAYPOINT_DB'] ?? 'data/waypoint.db';
// `:memory:` is SQLite's in-memory database (nothing persists, not even the signing keys).
const inMemory = dbSetting === ':memory:';
const dbPath = inMemory ? ':memory:' : resolve(dbSetting);
const seed = process.env['WAYPOINT_SEED'] ?? 'demo';
// Size of the generated demo clinic on first start (the end-to-end tests use a smaller one).
const demoPatients = Number.parseInt(process.env['WAYPOINT_DEMO_PATIENTS'] ?? String(DEFAULT_PATIENTS), 10);

initFhirDefinitions();
if (!inMemory) {
  mkdirSync(dirname(dbPath), { recursive: true });
}
// The HTTP layer validates every write (ValidatingRepository); the store need not do it again.
const repository = new SqliteRepository(dbPath, { validate: false });

const seeded = await seedStore(repository, seed);
// The contingency-management schedule (a PlanDefinition the server and the SPA read): the default one the first
// time; a clinic's own is never overwritten.
await ensureCmSchedule(repository);

// The clinical rules run in-process after every commit (server/src/derive). A fresh clinic is derived before
// the server accepts requests; after a restart every patient is checked again in the background (time passed).
const derivation =
  process.env['WAYPOINT_DERIVER'] === 'off'
    ? undefined
    : attachDeriver(repository, {
        onError: (_patientId, error) =>
          console.error(`derivation failed: ${(error as Error | undefined)?.name ?? 'error'}`),
      });
if (derivation && seeded) {
  const started = Date.now();
  await derivation.deriver.sweep('rules-changed');
  console.error(`Derived state computed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} else if (derivation) {
  void derivation.deriver.sweep('time-passed');
}

// SMART on FHIR sign-in, access policy and audit trail (server/src/auth, policy, audit). Accounts,
// oidc-provider storage and the audit chain live in the same database; keys next to it.
const auth = await createSmartAuth({
  db: repository.database,
  serializeWrites: (write) => repository.exclusive(write),
  publicUrl: process.env['WAYPOINT_PUBLIC_URL'] ?? `http://localhost:${port}`,
  keysDir: inMemory ? undefined : dirname(dbPath),
  store: repository,
});
if (seed !== 'none') {
  // Staff ids depend on the seed and the clinic's size: use the same values as the generator.
  await auth.accounts.ensureAccounts(
    demoStaff(seed === 'demo' ? DEFAULT_SEED : seed, demoPatients),
    DEMO_PASSWORD,
  );
}

const app = await buildApp({
  repository,
  logger: { level: process.env['LOG_LEVEL'] ?? 'info' },
  // The chart's print/export and the audit report's export are recorded by the server (clients cannot write
  // AuditEvents).
  plugins: [auth.plugin, recordExportRoute({ audit: auth.audit }), reportExportRoute({ audit: auth.audit })],
  extendCapabilityStatement: auth.extendCapabilityStatement,
  ...(derivation ? { afterWrite: derivation.afterWrite } : {}),
});

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) {
    return;
  }
  closing = true;
  app.log.info({ signal }, 'shutting down');
  try {
    await app.close(); // stops accepting, waits for in-flight requests
    derivation?.stop();
    await derivation?.deriver.idle();
  } finally {
    await repository.close(); // checkpoints the WAL and closes the database
  }
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

await app.listen({ port, host });

/**
 * Demo-clinic loader hook: runs before the server accepts requests.
 * `WAYPOINT_SEED=none` leaves the store with the FHIR definitions only.
 */
async function seedStore(store: FhirRepository, mode: string): Promise<boolean> {
  // Definitions always (idempotent); the demo clinic only into a database without patients.
  const onProgress = process.stderr.isTTY ? progressBar() : undefined;
  const report = await ensureDemoClinic(store, {
    seed: mode,
    patients: demoPatients,
    ...(onProgress ? { onProgress } : {}),
  });
  if (report.seeded) {
    console.error(
      `Demo clinic loaded: ${report.resources} resources in ${(report.millis / 1000).toFixed(1)} s`,
    );
  }
  return report.seeded;
}

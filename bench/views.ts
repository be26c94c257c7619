// Population views over derived state on the REAL path (issue #10): HTTP on loopback, a real SMART user token,
// the access policy, and Chromium for the time to rows. Prints Markdown tables; asserts nothing (a missed
// target is a figure, not a failure); exits non-zero only on errors.
//   npx ng build                                  (the production build, for the Chromium part)
//   npm run bench:views -- [--sizes 240,2000] [--quick] [--iterations N]
// For each clinic size it starts the embedded FHIR server on a fresh demo clinic (temp dir, ports 8480–8483)
// and the production build behind scripts/serve-dist.mjs, signs in each role once through the SMART
// authorization-code + PKCE flow over HTTP, and measures:
//   1. the new views (counselor1, peer1: caseloadSearches(me); coordinator1, supervisor1: programSearches()):
//      requests (the batch + every next page, followed as the SPA does), gzip/raw bytes, client time, the
//      server's own time (its request log), rows;
//   2. the pre-#10 caseload batch (bench/legacy-caseload.ts) for counselor1, coordinator1 and peer1;
//   3. the access policy's cost: the same batch on two in-process apps over one store, with and without auth;
//   4. Chromium: navigation to /caseload until the first grid row and until the row count;
//   5. derivation: a UDS write whose response waits for it, Deriver.derive() in-process, whole-clinic sweeps.
// Modules: views-stack (processes), views-client (HTTP, sign-in, rows), views-browser (Chromium),
// views-in-process (policy overhead, deriver), views-report (tables and targets), legacy-caseload (the old batch).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { Bundle, Observation } from '@medplum/fhirtypes';
import { type Browser, chromium } from '@playwright/test';

import { caseloadSearches, programSearches } from '../clinical/index';
import { SCREEN_RESULT, SYSTEM } from '../clinical/terminology';
import {
  legacyCaseloadBatch,
  LegacyCaseloadError,
  legacyCaseloadSearches,
  readLegacyCaseloadResponse,
} from './legacy-caseload';
import { measureNavigation, type NavFigures } from './views-browser';
import {
  closeClient,
  COORDINATOR,
  COUNSELOR,
  exchange,
  loadView,
  PEER,
  type RoleSession,
  rowsOf,
  sessions,
  SUPERVISOR,
  type ViewLoad,
} from './views-client';
import { type DeriveFigures, measureInProcess, type PolicyFigures } from './views-in-process';
import {
  type LegacyFigures,
  machine,
  report,
  type SizeResult,
  type ViewFigures,
  type WriteFigures,
} from './views-report';
import { cleanUpNow, installCleanup, serverTime, type Stack, startStack } from './views-stack';

// ---- arguments and settings ------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${name}=`))?.split('=')[1];
};
const quick = argv.includes('--quick');
const SIZES = quick ? [240] : (option('--sizes') ?? '240,2000').split(',').map(Number);
const ITERATIONS = Number(option('--iterations') ?? (quick ? 8 : 30));
const WARMUP = 2;
/** The old batch takes seconds to tens of seconds: repeat it within this budget (at least once). */
const LEGACY_BUDGET_MS = quick ? 15_000 : 60_000;
const NAV_RUNS = quick ? 3 : 7;
const WRITES = quick ? 10 : 30;
const DERIVE_SAMPLE = 100;
/** The production build (`npx ng build`); `DIST` points elsewhere, as for scripts/serve-dist.mjs. */
const BUILD_DIR = process.env['DIST'] ?? 'dist/waypoint/browser';
/** Ports of this benchmark: FHIR server, serve-dist, in-process app with auth, in-process open app. */
const PORTS = { fhir: 8480, app: 8481, withAuth: 8482, open: 8483 } as const;
const ROLES = [COUNSELOR, COORDINATOR, SUPERVISOR, PEER] as const;
const CASELOAD_ROLES = new Set<string>([COUNSELOR, PEER]);

const errors: string[] = [];
function recordError(what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  errors.push(`${what}: ${message}`);
  console.error(`ERROR ${what}: ${message}`);
}

// ---- 1. the new views, per role -------------------------------------------------------------------------

async function measureView(stack: Stack, role: string, session: RoleSession): Promise<ViewFigures> {
  const caseload = CASELOAD_ROLES.has(role);
  const searches = caseload ? caseloadSearches(session.practitioner) : programSearches();
  const clientMs: number[] = [];
  const serverMs: number[] = [];
  let last: ViewLoad | undefined;
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const since = Date.now();
    last = await loadView(stack.fhirBase, session.token, searches);
    const own = await serverTime(stack.log, since, 'batch');
    if (i >= WARMUP) {
      clientMs.push(last.ms);
      serverMs.push(own);
    }
  }
  const load = last as ViewLoad;
  const patientIds = rowsOf(load.resources, caseload ? session.practitioner : undefined);
  return {
    role,
    view: caseload ? 'caseload' : 'program',
    requests: load.requests,
    wireBytes: load.wireBytes,
    rawBytes: load.rawBytes,
    clientMs,
    serverMs,
    rows: patientIds.length,
    patientIds,
  };
}

// ---- 2. the old path (pre-#10 batch of raw records) -----------------------------------------------------

async function measureLegacy(stack: Stack, role: string, session: RoleSession): Promise<LegacyFigures> {
  const clientMs: number[] = [];
  const serverMs: number[] = [];
  let wireBytes: number | undefined;
  let rawBytes: number | undefined;
  let patients: number | undefined;
  let entries = 0;
  const started = Date.now();
  for (let run = 0; clientMs.length < ITERATIONS; run++) {
    const searches = legacyCaseloadSearches(session.practitioner, new Date().toISOString());
    entries = searches.length;
    const since = Date.now();
    const response = await exchange(
      stack.fhirBase,
      'POST',
      session.token,
      JSON.stringify(legacyCaseloadBatch(searches)),
    );
    const own = await serverTime(stack.log, since, 'batch');
    if (response.status !== 200)
      throw new Error(`old batch: HTTP ${response.status} ${response.body.slice(0, 300)}`);
    wireBytes = response.wireBytes;
    rawBytes = response.rawBytes;
    try {
      patients = readLegacyCaseloadResponse(JSON.parse(response.body) as Bundle, searches).patientIds.length;
    } catch (error) {
      if (!(error instanceof LegacyCaseloadError)) throw error;
      // A refused load is the same every time: once is enough.
      return {
        role,
        entries,
        wireBytes,
        rawBytes,
        clientMs: [response.ms],
        serverMs: [own],
        failed: error.message,
        capped: error.capped,
      };
    }
    // A first run under 3 s warms up (not counted); a slower one counts, as repeating it costs minutes.
    if (run > 0 || response.ms >= 3000) {
      clientMs.push(response.ms);
      serverMs.push(own);
    }
    if (Date.now() - started > LEGACY_BUDGET_MS && clientMs.length > 0) break;
  }
  return { role, entries, wireBytes, rawBytes, clientMs, serverMs, patients };
}

// ---- 5a. a write whose response waits for the derivation -----------------------------------------------

function udsScreen(patientId: string): Observation {
  const now = Date.now();
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [
      { coding: [{ system: SYSTEM.observationCategory, code: 'laboratory', display: 'Laboratory' }] },
    ],
    code: {
      coding: [
        { system: SYSTEM.loinc, code: '59673-4', display: 'fentaNYL [Presence] in Urine by Screen method' },
      ],
    },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: new Date(now - 60 * 60_000).toISOString(),
    issued: new Date(now).toISOString(),
    valueCodeableConcept: { coding: [{ ...SCREEN_RESULT.negative }], text: 'Negative' },
    interpretation: [
      { coding: [{ system: SYSTEM.observationInterpretation, code: 'NEG', display: 'Negative' }] },
    ],
  };
}

async function measureWrites(
  stack: Stack,
  session: RoleSession,
  patientIds: readonly string[],
): Promise<WriteFigures> {
  if (patientIds.length === 0) throw new Error('coordinator1 sees no patients to write to');
  const clientMs: number[] = [];
  const serverMs: number[] = [];
  for (let i = 0; i < WARMUP + WRITES; i++) {
    const patientId = patientIds[i % patientIds.length] as string;
    const since = Date.now();
    const response = await exchange(
      `${stack.fhirBase}/Observation`,
      'POST',
      session.token,
      JSON.stringify(udsScreen(patientId)),
    );
    if (response.status !== 201)
      throw new Error(`UDS write: HTTP ${response.status} ${response.body.slice(0, 300)}`);
    const own = await serverTime(stack.log, since, 'create');
    if (i >= WARMUP) {
      clientMs.push(response.ms);
      serverMs.push(own);
    }
  }
  return { clientMs, serverMs };
}

// ---- one clinic size ----------------------------------------------------------------------------------

async function runSize(browser: Browser | undefined, patients: number): Promise<SizeResult> {
  console.error(`… starting the server with ${patients} demo patients (seeding, deriving)`);
  const stack = await startStack(patients, PORTS, Object.values(PORTS), BUILD_DIR);
  const views: ViewFigures[] = [];
  const legacy: LegacyFigures[] = [];
  const nav: NavFigures[] = [];
  let writes: WriteFigures | undefined;
  let inProcess: { policy: PolicyFigures[]; derive?: DeriveFigures } = { policy: [] };
  try {
    const session = sessions(stack.appUrl);
    for (const role of ROLES) {
      console.error(`… ${patients}: new view, ${role}`);
      try {
        views.push(await measureView(stack, role, await session(role)));
      } catch (error) {
        recordError(`new view (${patients}, ${role})`, error);
      }
    }
    for (const role of [COUNSELOR, COORDINATOR, PEER]) {
      console.error(`… ${patients}: old batch, ${role}`);
      try {
        legacy.push(await measureLegacy(stack, role, await session(role)));
      } catch (error) {
        recordError(`old batch (${patients}, ${role})`, error);
      }
    }
    if (browser) {
      for (const role of [COUNSELOR, PEER]) {
        console.error(`… ${patients}: Chromium, ${role}`);
        try {
          nav.push(await measureNavigation(browser, stack.appUrl, role, NAV_RUNS));
        } catch (error) {
          recordError(`Chromium (${patients}, ${role})`, error);
        }
      }
    }
    console.error(`… ${patients}: UDS writes, ${COORDINATOR}`);
    try {
      const coordinator = views.find((v) => v.role === COORDINATOR)?.patientIds ?? [];
      writes = await measureWrites(stack, await session(COORDINATOR), coordinator);
    } catch (error) {
      recordError(`writes (${patients})`, error);
    }
  } finally {
    await stack.stopServers();
  }
  console.error(`… ${patients}: policy overhead and in-process derivation on the same database`);
  try {
    inProcess = await measureInProcess(stack.dbPath, [COUNSELOR, PEER], {
      iterations: ITERATIONS,
      warmup: WARMUP,
      ports: PORTS,
      deriveSample: DERIVE_SAMPLE,
      onError: recordError,
    });
  } catch (error) {
    recordError(`in-process (${patients})`, error);
  }
  stack.removeDir();
  return { patients, seeded: stack.seeded, views, legacy, nav, ...(writes ? { writes } : {}), ...inProcess };
}

// ---- main -------------------------------------------------------------------------------------------------

installCleanup();
const header = machine();
for (const h of header) console.error(h);
let browser: Browser | undefined;
const results: SizeResult[] = [];
try {
  try {
    if (!existsSync(join(BUILD_DIR, 'index.html'))) {
      throw new Error(`no production build in ${BUILD_DIR} (run npx ng build): Chromium part skipped`);
    }
    browser = await chromium.launch({
      executablePath: process.env['CHROME_BIN'] ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    });
  } catch (error) {
    recordError('Chromium launch', error);
  }
  for (const size of SIZES) {
    try {
      results.push(await runSize(browser, size));
    } catch (error) {
      recordError(`clinic of ${size}`, error);
    }
  }
} finally {
  const version = browser?.version() ?? 'not started';
  await browser?.close();
  closeClient();
  console.log(
    report(results, {
      header,
      chromium: version,
      iterations: ITERATIONS,
      warmup: WARMUP,
      navRuns: NAV_RUNS,
      quick,
      errors,
    }),
  );
  cleanUpNow();
}
process.exitCode = errors.length > 0 ? 1 : 0;

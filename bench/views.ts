/// <reference lib="dom" />
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
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { gunzipSync } from 'node:zlib';

import type { Bundle, Observation, Reference, Resource } from '@medplum/fhirtypes';
import { type Browser, chromium, type Page } from '@playwright/test';
import type { FastifyInstance } from 'fastify';

import {
  caseloadRowFromDerived,
  caseloadSearches,
  derivedRowInputs,
  programSearches,
  summaryFacts,
  summaryListsPractitioner,
  type ViewSearch,
} from '../clinical/index';
import { SCREEN_RESULT, SYSTEM } from '../clinical/terminology';
import { buildApp } from '../server/src/app';
import { createSmartAuth } from '../server/src/auth/smart-auth';
import { Deriver, type DeriverSource } from '../server/src/derive/deriver';
import { StoreDeriverSource } from '../server/src/derive/store-source';
import { initFhirDefinitions } from '../server/src/store/definitions';
import { SqliteRepository } from '../server/src/store/sqlite-repository';
import { type AuthTestServer, signIn } from '../server/test/auth/auth-harness';
import {
  legacyCaseloadBatch,
  LegacyCaseloadError,
  legacyCaseloadSearches,
  readLegacyCaseloadResponse,
  toQueryString,
} from './legacy-caseload';

// ---- arguments and settings ------------------------------------------------------------------------------

const DEMO_PASSWORD = 'waypoint-demo';
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
/** Access tokens live 15 minutes: sign in again after this long. */
const TOKEN_REUSE_MS = 10 * 60_000;

const COUNSELOR = 'counselor1';
const PEER = 'peer1';
const COORDINATOR = 'coordinator1';
const SUPERVISOR = 'supervisor1';
const ROLES = [COUNSELOR, COORDINATOR, SUPERVISOR, PEER] as const;
const CASELOAD_ROLES = new Set<string>([COUNSELOR, PEER]);

// ---- small helpers ---------------------------------------------------------------------------------------

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
const median = (values: readonly number[]) => percentile(values, 50);

function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} ms`;
}
function kb(bytes: number): string {
  const k = bytes / 1024;
  return `${k < 100 ? k.toFixed(1) : Math.round(k).toLocaleString('en-US')} KB`;
}
/** A figure with its target: `12.3 ms ✓ (≤ 50 ms)`. */
function vs(text: string, ok: boolean, target: string): string {
  return `${text} ${ok ? '✓' : '✗'} (≤ ${target})`;
}

const errors: string[] = [];
function recordError(what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  errors.push(`${what}: ${message}`);
  console.error(`ERROR ${what}: ${message}`);
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () => reject(new Error(`port ${port} is in use (bench:views uses 8480–8483)`)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

// ---- cleanup: child processes and temp dirs, also on failure -------------------------------------------

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
function cleanUpNow(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
process.on('exit', cleanUpNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUpNow();
    process.exit(130);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  children.delete(child);
}

// ---- HTTP on loopback, gzip as sent --------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

interface Exchange {
  readonly status: number;
  /** Body bytes as sent (gzip when the server compressed). */
  readonly wireBytes: number;
  readonly rawBytes: number;
  readonly body: string;
  /** Request start → last body byte, on the client. */
  readonly ms: number;
}

function exchange(url: string, method: 'GET' | 'POST', token: string, body?: string): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          accept: 'application/fhir+json',
          'accept-encoding': 'gzip',
          authorization: `Bearer ${token}`,
          ...(body !== undefined
            ? { 'content-type': 'application/fhir+json', 'content-length': Buffer.byteLength(body) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const elapsed = performance.now() - started;
          const wire = Buffer.concat(chunks);
          const raw = res.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
          resolve({
            status: res.statusCode ?? 0,
            wireBytes: wire.length,
            rawBytes: raw.length,
            body: raw.toString('utf8'),
            ms: elapsed,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface ViewLoad {
  /** The batch plus every next page. */
  readonly requests: number;
  readonly wireBytes: number;
  readonly rawBytes: number;
  readonly ms: number;
  readonly resources: Resource[];
}

/**
 * A view as the SPA loads it (FhirClient.searchBatch): one batch of the searches, then the `next` pages of each
 * search in turn, the searches in parallel.
 */
async function loadView(fhirBase: string, token: string, searches: readonly ViewSearch[]): Promise<ViewLoad> {
  const started = performance.now();
  const batch: Bundle = {
    resourceType: 'Bundle',
    type: 'batch',
    entry: searches.map((s) => ({
      request: { method: 'GET', url: `${s.resourceType}?${toQueryString(s.params)}` },
    })),
  };
  const first = await exchange(fhirBase, 'POST', token, JSON.stringify(batch));
  if (first.status !== 200) throw new Error(`batch: HTTP ${first.status} ${first.body.slice(0, 300)}`);
  const response = JSON.parse(first.body) as Bundle;
  if ((response.entry ?? []).length !== searches.length) throw new Error('batch: short response');
  let requests = 1;
  let wireBytes = first.wireBytes;
  let rawBytes = first.rawBytes;
  const resources: Resource[] = [];
  await Promise.all(
    (response.entry ?? []).map(async (entry, i) => {
      const status = Number.parseInt(entry.response?.status ?? '', 10);
      if (!(status >= 200 && status < 300) || entry.resource?.resourceType !== 'Bundle') {
        const why = JSON.stringify(entry.response?.outcome ?? entry.resource ?? {}).slice(0, 300);
        throw new Error(`${searches[i]?.resourceType} search: ${entry.response?.status} ${why}`);
      }
      let page: Bundle = entry.resource;
      for (let pages = 1; ; pages++) {
        for (const e of page.entry ?? []) if (e.resource) resources.push(e.resource);
        const next = page.link?.find((l) => l.relation === 'next')?.url;
        if (!next || pages >= 100) break;
        const more = await exchange(new URL(next, `${fhirBase}/`).href, 'GET', token);
        requests++;
        wireBytes += more.wireBytes;
        rawBytes += more.rawBytes;
        if (more.status !== 200) throw new Error(`next page: HTTP ${more.status} ${more.body.slice(0, 300)}`);
        page = JSON.parse(more.body) as Bundle;
      }
    }),
  );
  return { requests, wireBytes, rawBytes, ms: performance.now() - started, resources };
}

/** The rows the SPA's caseload selector builds (active episode; for a caseload, the practitioner's team). */
function rowsOf(resources: readonly Resource[], practitioner: string | undefined): string[] {
  const asOf = new Date().toISOString();
  const ids: string[] = [];
  for (const input of derivedRowInputs(resources)) {
    if (practitioner && !summaryListsPractitioner(input.summary, practitioner)) continue;
    if (!summaryFacts(input.summary).episodeActive) continue;
    if (caseloadRowFromDerived(input, asOf)) ids.push(input.patient.id ?? '');
  }
  return ids;
}

// ---- the stack: FHIR server (child process) + serve-dist --------------------------------------------------

interface LogLine {
  readonly method?: string;
  readonly route?: string;
  readonly interaction?: string;
  readonly ms?: number;
  /** Epoch ms when the line was logged (pino). */
  readonly time?: number;
}

interface Stack {
  readonly dir: string;
  readonly dbPath: string;
  readonly fhirBase: string;
  readonly appUrl: string;
  /** The server's "request completed" lines for /fhir routes, in order. */
  readonly log: LogLine[];
  readonly seeded: { resources?: number; loadSeconds?: number; deriveSeconds?: number };
  stopServers(): Promise<void>;
}

async function waitFor(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the server exited (${child.exitCode}) before ${url} came up`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function startStack(patients: number): Promise<Stack> {
  for (const port of Object.values(PORTS)) await assertPortFree(port);
  const dir = mkdtempSync(join(tmpdir(), 'waypoint-bench-views-'));
  tempDirs.add(dir);
  const dbPath = join(dir, 'waypoint.db');
  const appUrl = `http://127.0.0.1:${PORTS.app}`;
  const log: LogLine[] = [];
  const seeded: Stack['seeded'] = {};
  const server = spawn(process.execPath, ['scripts/run-ts.mjs', 'server/src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(PORTS.fhir),
      WAYPOINT_DB: dbPath,
      WAYPOINT_PUBLIC_URL: appUrl,
      WAYPOINT_DEMO_PATIENTS: String(patients),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(server);
  createInterface({ input: server.stdout }).on('line', (line) => {
    if (!line.includes('"request completed"')) return;
    try {
      const entry = JSON.parse(line) as LogLine;
      if (entry.route?.startsWith('/fhir')) log.push(entry);
    } catch {
      // not a log line
    }
  });
  createInterface({ input: server.stderr }).on('line', (line) => {
    const loaded = /Demo clinic loaded: (\d+) resources in ([\d.]+) s/.exec(line);
    if (loaded) {
      seeded.resources = Number(loaded[1]);
      seeded.loadSeconds = Number(loaded[2]);
    }
    const derived = /Derived state computed in ([\d.]+) s/.exec(line);
    if (derived) seeded.deriveSeconds = Number(derived[1]);
    if (!line.includes('oidc-provider WARNING')) console.error(`  [server] ${line}`);
  });
  await waitFor(`http://127.0.0.1:${PORTS.fhir}/fhir/metadata`, 45 * 60_000, server);
  // serve-dist also forwards the sign-in (the issuer is the app's origin): without a build it serves a stub page.
  const built = existsSync(join(BUILD_DIR, 'index.html'));
  if (!built) writeFileSync(join(dir, 'index.html'), '<!doctype html><title>no build</title>');
  const dist = spawn(process.execPath, ['scripts/serve-dist.mjs'], {
    env: {
      ...process.env,
      PORT: String(PORTS.app),
      FHIR_SERVER: `http://127.0.0.1:${PORTS.fhir}`,
      DIST: built ? BUILD_DIR : dir,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(dist);
  await waitFor(`${appUrl}/`, 30_000, dist);
  return {
    dir,
    dbPath,
    fhirBase: `http://127.0.0.1:${PORTS.fhir}/fhir`,
    appUrl,
    log,
    seeded,
    async stopServers() {
      await Promise.all([stopChild(dist), stopChild(server)]);
    },
  };
}

/** Waits (up to 3 s) for a condition that a log line or a hook makes true just after a response. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
}

/**
 * The server's own time (its log) of the first request of kind `what` logged at or after `since` (epoch ms,
 * taken before sending it). The line is stamped when the reply has been written, so an earlier request's line
 * that reaches the pipe late is never taken for this one.
 */
async function serverTime(log: readonly LogLine[], since: number, what: string): Promise<number> {
  const find = () => log.find((l) => l.interaction === what && (l.time ?? 0) >= since);
  await until(() => find() !== undefined);
  return find()?.ms ?? NaN;
}

// ---- sign-in once per role (SMART authorization code + PKCE over HTTP) ----------------------------------

interface RoleSession {
  readonly token: string;
  /** `Practitioner/<id>` from the id token's fhirUser claim. */
  readonly practitioner: string;
  readonly at: number;
}

function sessions(issuerOrigin: string) {
  const cache = new Map<string, RoleSession>();
  const server = {
    auth: { issuer: `${issuerOrigin}/auth` },
    fhirUrl: `${issuerOrigin}/fhir`,
  } as unknown as AuthTestServer;
  return async (username: string): Promise<RoleSession> => {
    const cached = cache.get(username);
    if (cached && Date.now() - cached.at < TOKEN_REUSE_MS) return cached;
    const session = await signIn(server, username, { password: DEMO_PASSWORD });
    const claims = JSON.parse(Buffer.from(session.idToken.split('.')[1] ?? '', 'base64url').toString()) as {
      fhirUser?: string;
    };
    const practitioner = /(Practitioner\/[^/]+)$/.exec(claims.fhirUser ?? '')?.[1];
    if (!practitioner) throw new Error(`${username}: no Practitioner in the id token's fhirUser`);
    const fresh = { token: session.accessToken, practitioner, at: Date.now() };
    cache.set(username, fresh);
    return fresh;
  };
}

// ---- 1. the new views, per role -------------------------------------------------------------------------

interface ViewFigures {
  readonly role: string;
  readonly view: 'caseload' | 'program';
  readonly requests: number;
  readonly wireBytes: number;
  readonly rawBytes: number;
  readonly clientMs: number[];
  readonly serverMs: number[];
  readonly rows: number;
  readonly patientIds: string[];
}

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

interface LegacyFigures {
  readonly role: string;
  readonly entries: number;
  readonly wireBytes?: number;
  readonly rawBytes?: number;
  readonly clientMs: number[];
  readonly serverMs: number[];
  readonly patients?: number;
  /** Why the load failed (the cap message), when it did. */
  readonly failed?: string;
  readonly capped?: boolean;
}

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

// ---- 4. Chromium: navigation to rows ---------------------------------------------------------------------

/** Records, in the page, when the first caseload grid row and the row count ("N patients") appear. */
const MARKS_SCRIPT = `
globalThis.__name = (fn) => fn;
(() => {
  window.__wpMarks = {};
  const check = () => {
    const marks = window.__wpMarks;
    const page = document.querySelector('wp-caseload-page');
    if (!page) return;
    if (marks.firstRow === undefined && page.querySelector('.ag-row')) marks.firstRow = performance.now();
    if (marks.allRows === undefined) {
      for (const el of page.querySelectorAll('[role="status"]')) {
        const m = /^(\\d+) patients?$/.exec((el.textContent || '').trim());
        if (m) {
          marks.allRows = performance.now();
          marks.count = Number(m[1]);
        }
      }
    }
    const alert = page.querySelector('[role="alert"]');
    if (marks.error === undefined && alert) marks.error = (alert.textContent || '').trim().slice(0, 300);
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
})();
`;

interface Marks {
  firstRow?: number;
  allRows?: number;
  count?: number;
  error?: string;
}

interface NavFigures {
  readonly role: string;
  readonly patients: number;
  /** The first full navigation after sign-in (HTTP cache warm from the sign-in). */
  readonly first: Marks;
  readonly fullFirstRow: number[];
  readonly fullAllRows: number[];
  /** In-app navigation: nav-link click on another page → rows. */
  readonly appFirstRow: number[];
  readonly appAllRows: number[];
}

async function readMarks(page: Page): Promise<Marks> {
  await page.waitForFunction(
    () => {
      const m = (window as unknown as { __wpMarks?: Marks }).__wpMarks;
      return (
        m !== undefined && ((m.allRows !== undefined && m.firstRow !== undefined) || m.error !== undefined)
      );
    },
    undefined,
    { timeout: 180_000, polling: 50 },
  );
  const marks = await page.evaluate(() => (window as unknown as { __wpMarks: Marks }).__wpMarks);
  if (marks.error !== undefined) throw new Error(`the caseload showed an error: ${marks.error}`);
  return marks;
}

async function measureNavigation(browser: Browser, stack: Stack, role: string): Promise<NavFigures> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addInitScript(MARKS_SCRIPT);
    const page = await context.newPage();
    await page.goto(`${stack.appUrl}/caseload`);
    await page.getByLabel('User name').fill(role);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await readMarks(page); // back on /caseload after the callback: not timed
    const fullFirstRow: number[] = [];
    const fullAllRows: number[] = [];
    let first: Marks = {};
    for (let run = 0; run <= NAV_RUNS; run++) {
      // A full navigation: the document, the app boots, restores the session and loads the caseload.
      await page.goto(`${stack.appUrl}/caseload`, { waitUntil: 'commit' });
      const marks = await readMarks(page);
      if (run === 0) first = marks;
      else {
        fullFirstRow.push(marks.firstRow as number);
        fullAllRows.push(marks.allRows as number);
      }
    }
    const appFirstRow: number[] = [];
    const appAllRows: number[] = [];
    for (let run = 0; run < NAV_RUNS; run++) {
      await page.goto(`${stack.appUrl}/audit`);
      await page.getByRole('link', { name: 'My caseload' }).waitFor({ timeout: 60_000 });
      await page.waitForLoadState('networkidle');
      const t0 = await page.evaluate(() => {
        (window as unknown as { __wpMarks: Marks }).__wpMarks = {};
        const start = performance.now();
        Array.from(document.querySelectorAll('a'))
          .find((a) => /My caseload/.test(a.textContent ?? ''))
          ?.click();
        return start;
      });
      const marks = await readMarks(page);
      appFirstRow.push((marks.firstRow as number) - t0);
      appAllRows.push((marks.allRows as number) - t0);
    }
    return {
      role,
      patients: first.count ?? NaN,
      first,
      fullFirstRow,
      fullAllRows,
      appFirstRow,
      appAllRows,
    };
  } finally {
    await context.close();
  }
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

interface WriteFigures {
  readonly clientMs: number[];
  readonly serverMs: number[];
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

// ---- 3. policy overhead and 5b. in-process derivation, on the bench database ---------------------------

interface PolicyFigures {
  readonly role: string;
  /** Resources returned with the policy / by the open app. */
  readonly resources: readonly [number, number];
  /** Rows built from each (the same patients when the policy hides nothing a row needs). */
  readonly rows: readonly [number, number];
  readonly sameRows: boolean;
  readonly withClient: number[];
  readonly openClient: number[];
  readonly withServer: number[];
  readonly openServer: number[];
}

interface DeriveFigures {
  readonly deriveMs: number[];
  readonly deriveWritten: number;
  readonly sweepSeconds: number;
  readonly sweepPatients: number;
  readonly sweepWritten: number;
  readonly sweepFailures: number;
}

/** Counts what the deriver writes (the resources handed to `write`). */
class CountingSource implements DeriverSource {
  written = 0;
  constructor(private readonly inner: DeriverSource) {}
  load(patientId: string) {
    return this.inner.load(patientId);
  }
  write(resources: readonly Resource[], provenance: (written: readonly Reference[]) => Resource) {
    this.written += resources.length;
    return this.inner.write(resources, provenance);
  }
  patientIds() {
    return this.inner.patientIds();
  }
}

/** Hooks recording each /fhir request's server time (reply.elapsedTime), as the server's own log does. */
function timing(sink: number[]) {
  return (app: FastifyInstance) => {
    app.addHook('onResponse', async (request, reply) => {
      if (request.url.startsWith('/fhir')) sink.push(reply.elapsedTime);
    });
  };
}

async function measureInProcess(
  stack: Stack,
  roles: readonly string[],
): Promise<{ policy: PolicyFigures[]; derive?: DeriveFigures }> {
  initFhirDefinitions();
  const repository = new SqliteRepository(stack.dbPath, { validate: false });
  const apps: FastifyInstance[] = [];
  const policy: PolicyFigures[] = [];
  let derive: DeriveFigures | undefined;
  try {
    const origin = `http://127.0.0.1:${PORTS.withAuth}`;
    const auth = await createSmartAuth({
      db: repository.database,
      serializeWrites: (write) => repository.exclusive(write),
      publicUrl: origin,
      store: repository,
    });
    const withTimes: number[] = [];
    const openTimes: number[] = [];
    const withAuth = await buildApp({
      repository,
      plugins: [auth.plugin, timing(withTimes)],
      extendCapabilityStatement: auth.extendCapabilityStatement,
    });
    const open = await buildApp({ repository, plugins: [timing(openTimes)] });
    apps.push(withAuth, open);
    await withAuth.listen({ port: PORTS.withAuth, host: '127.0.0.1' });
    await open.listen({ port: PORTS.open, host: '127.0.0.1' });
    const session = sessions(origin);
    const openBase = `http://127.0.0.1:${PORTS.open}/fhir`;
    for (const role of roles) {
      try {
        const { token, practitioner } = await session(role);
        // The same batch on both: caseloadSearches scope themselves (performer, the care-team `_has` chain),
        // so the open app returns the same patients; with auth the policy adds its own scope on top.
        const searches = caseloadSearches(practitioner);
        const figures = {
          role,
          withClient: [] as number[],
          openClient: [] as number[],
          withServer: [] as number[],
          openServer: [] as number[],
        };
        let withRows: string[] = [];
        let openRows: string[] = [];
        let resources: [number, number] = [0, 0];
        for (let i = 0; i < WARMUP + ITERATIONS; i++) {
          // Alternate, so drift on a shared machine hits both alike.
          const withMark = withTimes.length;
          const w = await loadView(`${origin}/fhir`, token, searches);
          const openMark = openTimes.length;
          const o = await loadView(openBase, 'no-token', searches);
          // onResponse runs once the reply is written: the client may have read it a moment earlier.
          await until(
            () => withTimes.length >= withMark + w.requests && openTimes.length >= openMark + o.requests,
          );
          if (i >= WARMUP) {
            figures.withClient.push(w.ms);
            figures.openClient.push(o.ms);
            figures.withServer.push(withTimes[withMark] ?? NaN);
            figures.openServer.push(openTimes[openMark] ?? NaN);
          }
          withRows = rowsOf(w.resources, practitioner).sort();
          openRows = rowsOf(o.resources, practitioner).sort();
          resources = [w.resources.length, o.resources.length];
        }
        policy.push({
          ...figures,
          resources,
          rows: [withRows.length, openRows.length],
          sameRows: withRows.join() === openRows.join(),
        });
      } catch (error) {
        recordError(`policy overhead (${role})`, error);
      }
    }
    await Promise.all(apps.map((app) => app.close()));
    apps.length = 0;

    try {
      derive = await measureDerivation(repository);
    } catch (error) {
      recordError('in-process derivation', error);
    }
  } finally {
    await Promise.all(apps.map((app) => app.close()));
    await repository.close();
  }
  return { policy, ...(derive ? { derive } : {}) };
}

async function measureDerivation(repository: SqliteRepository): Promise<DeriveFigures> {
  const ids = await repository.patientIds();
  const step = Math.max(1, Math.floor(ids.length / DERIVE_SAMPLE));
  const sample = ids.filter((_, i) => i % step === 0).slice(0, DERIVE_SAMPLE);
  const source = new CountingSource(new StoreDeriverSource(repository));
  const deriver = new Deriver(source);
  try {
    // Warm up on patients outside the sample.
    for (const id of ids.filter((_, i) => i % step === 1).slice(0, 5))
      await deriver.derive(id, 'time-passed');
    source.written = 0;
    const deriveMs: number[] = [];
    for (const id of sample) {
      const started = performance.now();
      await deriver.derive(id, 'time-passed');
      deriveMs.push(performance.now() - started);
    }
    const deriveWritten = source.written;
    // The whole clinic again, nothing changed since the first sweep (except the UDS screens posted above,
    // already derived by their writes): reads and rules only.
    const sweepSource = new CountingSource(new StoreDeriverSource(repository));
    let sweepFailures = 0;
    const sweeper = new Deriver(sweepSource, { onError: () => sweepFailures++ });
    const started = performance.now();
    await sweeper.sweep('time-passed');
    const sweepSeconds = (performance.now() - started) / 1000;
    sweeper.stop();
    return {
      deriveMs,
      deriveWritten,
      sweepSeconds,
      sweepPatients: ids.length,
      sweepWritten: sweepSource.written,
      sweepFailures,
    };
  } finally {
    deriver.stop();
  }
}

// ---- one clinic size ----------------------------------------------------------------------------------

interface SizeResult {
  readonly patients: number;
  readonly seeded: Stack['seeded'];
  readonly views: ViewFigures[];
  readonly legacy: LegacyFigures[];
  readonly nav: NavFigures[];
  readonly writes?: WriteFigures;
  readonly policy: PolicyFigures[];
  readonly derive?: DeriveFigures;
}

async function runSize(browser: Browser | undefined, patients: number): Promise<SizeResult> {
  console.error(`… starting the server with ${patients} demo patients (seeding, deriving)`);
  const stack = await startStack(patients);
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
          nav.push(await measureNavigation(browser, stack, role));
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
    inProcess = await measureInProcess(stack, [COUNSELOR, PEER]);
  } catch (error) {
    recordError(`in-process (${patients})`, error);
  }
  rmSync(stack.dir, { recursive: true, force: true });
  tempDirs.delete(stack.dir);
  return { patients, seeded: stack.seeded, views, legacy, nav, ...(writes ? { writes } : {}), ...inProcess };
}

// ---- report ---------------------------------------------------------------------------------------------

function machine(): string[] {
  const model =
    /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown CPU';
  return [
    `Date: ${new Date().toISOString()}`,
    `Machine: ${cpus().length} CPUs (nproc), ${model}, ${Math.round(totalmem() / 2 ** 30)} GB RAM`,
    `Node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')} (1 / 5 / 15 min)`,
  ];
}

function targetsFor(role: string, patients: number) {
  if (role === COUNSELOR) return { requests: 2, gzipKb: 40, p95: 50, rows: 300 };
  // The 240-patient views that span a program, a team or the clinic (peer1 is on every care team at 240).
  if (patients === 240) return { requests: 2, p95: 150, rows: 800 };
  return {};
}

function report(results: readonly SizeResult[], header: readonly string[], chromiumVersion: string): string {
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  line('## bench:views — population views on the real path (HTTP + SMART token + access policy)');
  line();
  for (const h of header) line(`${h}  `);
  line(
    `Chromium ${chromiumVersion}; ${ITERATIONS} iterations per view after ${WARMUP} warm-up runs${quick ? ' (--quick)' : ''}`,
  );
  for (const r of results) {
    line();
    line(
      `### ${r.patients.toLocaleString('en-US')} demo patients${r.seeded.resources ? ` (${r.seeded.resources.toLocaleString('en-US')} resources, loaded in ${r.seeded.loadSeconds} s)` : ''}`,
    );
    line();
    line('#### 1. New path per role (derived resources; one batch, next pages followed)');
    line();
    line(
      '| role | view | rows | FHIR requests | response gzip | raw | client p50 | client p95 | server own p50 / p95 (batch) |',
    );
    line('|---|---|---:|---|---|---:|---:|---|---|');
    for (const v of r.views) {
      const t = targetsFor(v.role, r.patients);
      const p95 = percentile(v.clientMs, 95);
      line(
        `| ${v.role} | ${v.view === 'caseload' ? 'caseloadSearches(me)' : 'programSearches()'} | ${v.rows} | ${
          t.requests ? vs(String(v.requests), v.requests <= t.requests, String(t.requests)) : v.requests
        } | ${t.gzipKb ? vs(kb(v.wireBytes), v.wireBytes <= t.gzipKb * 1024, `${t.gzipKb} KB`) : kb(v.wireBytes)} | ${kb(
          v.rawBytes,
        )} | ${ms(median(v.clientMs))} | ${t.p95 ? vs(ms(p95), p95 <= t.p95, `${t.p95} ms`) : ms(p95)} | ${ms(
          median(v.serverMs),
        )} / ${ms(percentile(v.serverMs, 95))} |`,
      );
    }
    line();
    line(
      'Client = request start → last byte on loopback, for the batch and every next page; server own = the',
    );
    line(
      "server's `request completed` log line (Fastify `reply.elapsedTime`) of the batch. Rows = patients with a",
    );
    line(
      'summary, an assessment and an active episode (for a caseload: whose care team lists me), as the SPA counts.',
    );
    line(
      'Targets: counselor1 ≤ 2 requests, ≤ 40 KB gzip, p95 ≤ 50 ms; at 240 patients the views that span a',
    );
    line(
      'program, a team or the clinic (coordinator1, supervisor1, and peer1, who is on every care team at 240)',
    );
    line(
      '≤ 2 requests, p95 ≤ 150 ms. The 2,000 clinic has no HTTP target beyond the counselor (see Chromium).',
    );
    line();
    line('#### 2. Old path (pre-#10 batch of raw records, bench/legacy-caseload.ts) vs new');
    line();
    line(
      '| role | searches old / new | requests old / new | gzip old / new | raw old / new | client p50 old / new | client p95 old / new | server own p50 old / new | rows old / new | old runs |',
    );
    line('|---|---|---|---|---|---|---|---|---|---:|');
    for (const l of r.legacy) {
      const v = r.views.find((x) => x.role === l.role);
      const nw = <T>(f: (x: ViewFigures) => T, fmt: (x: T) => string) => (v ? fmt(f(v)) : '–');
      if (l.failed) {
        line(
          `| ${l.role} | ${l.entries} / 3 | fails (cap) / ${nw((x) => x.requests, String)} | ${kb(l.wireBytes ?? NaN)} (refused) / ${nw((x) => x.wireBytes, kb)} | ${kb(l.rawBytes ?? NaN)} / ${nw((x) => x.rawBytes, kb)} | fails (cap) after ${ms(l.clientMs[0] ?? NaN)} / ${nw((x) => median(x.clientMs), ms)} | – / ${nw((x) => percentile(x.clientMs, 95), ms)} | ${ms(l.serverMs[0] ?? NaN)} / ${nw((x) => median(x.serverMs), ms)} | fails (cap) / ${nw((x) => x.rows, String)} | 1 |`,
        );
      } else {
        line(
          `| ${l.role} | ${l.entries} / 3 | 1 / ${nw((x) => x.requests, String)} | ${kb(l.wireBytes ?? NaN)} / ${nw((x) => x.wireBytes, kb)} | ${kb(l.rawBytes ?? NaN)} / ${nw((x) => x.rawBytes, kb)} | ${ms(median(l.clientMs))} / ${nw((x) => median(x.clientMs), ms)} | ${ms(percentile(l.clientMs, 95))} / ${nw((x) => percentile(x.clientMs, 95), ms)} | ${ms(median(l.serverMs))} / ${nw((x) => median(x.serverMs), ms)} | ${l.patients ?? '–'} / ${nw((x) => x.rows, String)} | ${l.clientMs.length} |`,
        );
      }
    }
    for (const l of r.legacy.filter((x) => x.failed)) line(`\n${l.role}, old path: "${l.failed}"`);
    line();
    line(
      'Old rows = the Patients of my care teams in the response (the rows were computed in the browser from',
    );
    line('every raw record); the old path sent no next-page requests: an entry at the cap failed the load.');
    line();
    line('#### 3. Access policy overhead (in-process apps over one SqliteRepository on this database)');
    line();
    line(
      '| search | resources with / open | rows with / open | with policy p50 / p95 | open p50 / p95 | overhead (client p50) | server own with / open (p50) | overhead (server p50) |',
    );
    line('|---|---:|---|---|---|---|---|---|');
    for (const p of r.policy) {
      const w = median(p.withClient);
      const o = median(p.openClient);
      const ws = median(p.withServer);
      const os = median(p.openServer);
      const over = ((w - o) / o) * 100;
      const overServer = ((ws - os) / os) * 100;
      line(
        `| ${p.role}: caseloadSearches(me) | ${p.resources[0]} / ${p.resources[1]} | ${p.rows[0]} / ${p.rows[1]}${p.sameRows ? ' (same patients)' : ' (DIFFERENT patients)'} | ${ms(w)} / ${ms(percentile(p.withClient, 95))} | ${ms(o)} / ${ms(percentile(p.openClient, 95))} | ${vs(`${over.toFixed(0)} %`, over <= 20, '20 %')} | ${ms(ws)} / ${ms(os)} | ${vs(`${overServer.toFixed(0)} %`, overServer <= 20, '20 %')} |`,
      );
    }
    line();
    line(
      'With policy = the SMART auth plugin (createSmartAuth, as main.ts): token lookup, role and patient scope',
    );
    line(
      '(cached per token), PolicyRepository, audit event. Open = buildApp without plugins. Same batch, alternated.',
    );
    line(
      'The open app returns a few more assessments and Flags: the `_has` chain matches any care team of mine,',
    );
    line(
      'past ones included, the policy only patients in my current scope; the rows (patients with a summary listing me) are the same.',
    );
    line();
    line('#### 4. Chromium: navigation to rows (production build, serve-dist)');
    line();
    line(
      '| home | patients | first navigation: first row / all rows | full navigation, median: first row | all rows | in-app (nav link), median: first row | all rows |',
    );
    line('|---|---:|---|---|---|---|---|');
    for (const n of r.nav) {
      const t = targetsFor(n.role, r.patients);
      // The counselor's 300 ms, a 240-patient clinic-wide view's 800 ms, any home of the 2,000 clinic 1.5 s.
      const limit = t.rows ?? (r.patients >= 2000 ? 1500 : undefined);
      const target = (value: number) =>
        limit === undefined
          ? ms(value)
          : vs(ms(value), value <= limit, limit >= 1000 ? `${limit / 1000} s` : `${limit} ms`);
      line(
        `| ${n.role} /caseload | ${n.patients} | ${ms(n.first.firstRow ?? NaN)} / ${ms(n.first.allRows ?? NaN)} | ${ms(median(n.fullFirstRow))} | ${target(median(n.fullAllRows))} | ${ms(median(n.appFirstRow))} | ${target(median(n.appAllRows))} |`,
      );
    }
    if (r.nav.length === 0) line('| counselor1, peer1 | – | not measured (see errors) | | | | |');
    line('| coordinator1, supervisor1 | – | not built yet | | | | |');
    if (r.patients === 240)
      line(
        '| counselor1 (old path), recorded at 6022188 | 27 | | | | 2.5 s before / 1.8 s after the previous optimisation (warm, to first complete row) | |',
      );
    line();
    line(
      'Full navigation = `page.goto(/caseload)`: from navigation start (the document request) until the first',
    );
    line(
      '`.ag-row` and until the row count ("N patients", role=status); the app boots, restores the session and loads',
    );
    line(`the view each time. In-app = click on "My caseload" from /audit. Medians of ${NAV_RUNS} runs.`);
    line();
    line('#### 5. Derivation');
    line();
    line('| measure | p50 | p95 | n | target |');
    line('|---|---|---|---:|---|');
    if (r.writes) {
      line(
        `| write incl. derivation: POST one UDS Observation (coordinator1, a patient of theirs), client | ${ms(median(r.writes.clientMs))} | ${ms(percentile(r.writes.clientMs, 95))} | ${r.writes.clientMs.length} | – (includes validation, policy, the write and the audit) |`,
      );
      line(
        `| write incl. derivation, server own | ${ms(median(r.writes.serverMs))} | ${ms(percentile(r.writes.serverMs, 95))} | ${r.writes.serverMs.length} | |`,
      );
    }
    if (r.derive) {
      const p95 = percentile(r.derive.deriveMs, 95);
      line(
        `| re-derive one patient: Deriver.derive() in-process (${r.derive.deriveWritten} resources written) | ${ms(median(r.derive.deriveMs))} | ${ms(p95)} | ${r.derive.deriveMs.length} | ${vs('p95', p95 <= 20, '20 ms')} |`,
      );
    }
    if (r.seeded.deriveSeconds !== undefined) {
      line(
        `| whole clinic, first sweep on seeding (server log) | ${r.seeded.deriveSeconds} s | | ${r.patients} | ${vs(`${r.seeded.deriveSeconds} s`, r.seeded.deriveSeconds <= 60, '60 s')} |`,
      );
    }
    if (r.derive) {
      line(
        `| whole clinic, second sweep, nothing changed (${r.derive.sweepWritten} written, ${r.derive.sweepFailures} failed) | ${r.derive.sweepSeconds.toFixed(1)} s | | ${r.derive.sweepPatients} | ${vs(`${r.derive.sweepSeconds.toFixed(1)} s`, r.derive.sweepSeconds <= 60, '60 s')} |`,
      );
    }
  }
  if (errors.length > 0) {
    line();
    line('#### Errors');
    line();
    for (const e of errors) line(`- ${e}`);
  }
  return out.join('\n');
}

// ---- main -------------------------------------------------------------------------------------------------

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
  agent.destroy();
  console.log(report(results, header, version));
  cleanUpNow();
}
process.exitCode = errors.length > 0 ? 1 : 0;

/// <reference lib="dom" />
// Caseload page benchmark (issue #6): prints figures, asserts nothing.
//   npm run build first (production build in dist/waypoint/browser), then:
//   npm run bench:caseload -- [--quick]
// For each scenario it starts the embedded FHIR server on a fresh demo clinic (temp dir, ephemeral ports),
// the production build behind scripts/serve-dist.mjs, signs in through the real SMART flow in Chromium and
// measures: FHIR requests to render the caseload, the caseload response size (raw and gzipped), and the
// time from an in-app navigation (nav link click; app freshly loaded on another page, session restored,
// empty store) to the first complete row. Larger lists (200, 400, 2,000 rows) replay the
// real response with cloned patients (page.route), so the grid and the clinical selectors do real work.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { type Browser, chromium, type Page } from '@playwright/test';

const DEMO_PASSWORD = 'waypoint-demo';
const quick = process.argv.includes('--quick');
const WARM_RUNS = quick ? 3 : 7;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface Stack {
  readonly appUrl: string;
  stop(): Promise<void>;
}

/** FHIR server (fresh DB with a demo clinic of `patients`) + the production build behind serve-dist. */
const allChildren: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of allChildren) if (child.exitCode === null) child.kill('SIGTERM');
});

async function startStack(patients: number): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'waypoint-bench-caseload-'));
  const [fhirPort, appPort] = [await freePort(), await freePort()];
  const appUrl = `http://127.0.0.1:${appPort}`;
  const children: ChildProcess[] = [];
  children.push(
    spawn(process.execPath, ['scripts/run-ts.mjs', 'server/src/main.ts'], {
      env: {
        ...process.env,
        PORT: String(fhirPort),
        WAYPOINT_DB: join(dir, 'waypoint.db'),
        WAYPOINT_PUBLIC_URL: appUrl,
        WAYPOINT_DEMO_PATIENTS: String(patients),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  allChildren.push(...children);
  await waitFor(`http://127.0.0.1:${fhirPort}/fhir/metadata`, 300_000);
  children.push(
    spawn(process.execPath, ['scripts/serve-dist.mjs'], {
      env: { ...process.env, PORT: String(appPort), FHIR_SERVER: `http://127.0.0.1:${fhirPort}` },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  allChildren.push(...children);
  await waitFor(`${appUrl}/`, 30_000);
  return {
    appUrl,
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function signIn(page: Page, appUrl: string, username: string): Promise<void> {
  await page.goto(`${appUrl}/audit`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

/**
 * In-app navigation to the caseload (the nav link), timed in the page from the click to the first row
 * whose risk chip has rendered (the last thing a row draws).
 */
async function timeNavigation(page: Page, beforeClick: () => void = () => undefined): Promise<number> {
  // Start from a fresh app on another page (the session is restored, the store is empty), so every run
  // fetches and renders the caseload rather than showing the rows of the previous visit.
  await page.goto(new URL('/audit', page.url()).href);
  try {
    await page.getByRole('link', { name: 'My caseload' }).waitFor({ timeout: 60_000 });
  } catch (error) {
    await page.screenshot({ path: 'test-results/bench-caseload-failure.png' });
    throw new Error(`no app shell at ${page.url()} (screenshot in test-results/)`, { cause: error });
  }
  await page.waitForLoadState('networkidle');
  beforeClick();
  const ms = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const ready = () => document.querySelector('.ag-row[row-id] [col-id="risk"] wp-risk-chip');
        const failed = () =>
          document.querySelector('wp-caseload-page .error[role="alert"], wp-caseload-page wp-empty-state');
        const t0 = performance.now();
        const timer = setTimeout(() => resolve(-1), 120_000);
        const observer = new MutationObserver(() => {
          if (ready() || failed()) {
            observer.disconnect();
            clearTimeout(timer);
            resolve(ready() ? performance.now() - t0 : -1);
          }
        });
        observer.observe(document.body, { childList: true, subtree: true });
        const link = Array.from(document.querySelectorAll('a')).find((a) =>
          /My caseload/.test(a.textContent ?? ''),
        );
        link?.click();
      }),
  );
  if (ms < 0) {
    const text = await page.locator('wp-caseload-page').textContent();
    throw new Error(`the caseload did not render rows: ${text?.replace(/\s+/g, ' ').slice(0, 400)}`);
  }
  return ms;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface Figures {
  readonly scenario: string;
  readonly patients: number;
  readonly fhirRequests: number;
  readonly rawKb?: number;
  readonly gzipKb?: number;
  readonly firstMs: number;
  readonly warmMedianMs: number;
  readonly domRows?: string;
  /** Request sent → first response byte, for the first navigation's batch. */
  readonly serverMs?: number;
}

const results: Figures[] = [];
const failures: string[] = [];

async function newContext(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // tsx (esbuild keepNames) wraps functions passed to page.evaluate with __name(): define it in the page.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  return context;
}

async function rowCount(page: Page): Promise<number> {
  const status = await page.locator('.count').textContent();
  return Number(/(\d+) patients?/.exec(status ?? '')?.[1] ?? NaN);
}

/** A real caseload: one user of one demo clinic. */
async function measureReal(
  browser: Browser,
  stack: Stack,
  scenario: string,
  username: string,
): Promise<{ body: string; me: string }> {
  console.error(`… ${scenario}`);
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, stack.appUrl, username);
  const fhir: string[] = [];
  let body = '';
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (counting && (path === '/fhir' || path.startsWith('/fhir/'))) {
      fhir.push(`${request.method()} ${path}`);
    }
  });
  // The response can be larger than the browser's inspector cache keeps: replay the same request from here.
  let replay: Promise<string> | undefined;
  page.on('request', (request) => {
    if (counting && !replay && request.method() === 'POST' && new URL(request.url()).pathname === '/fhir') {
      replay = request.allHeaders().then(async (headers) => {
        const response = await fetch(request.url(), {
          method: 'POST',
          headers: {
            authorization: headers['authorization'] ?? '',
            'content-type': 'application/fhir+json',
            accept: 'application/fhir+json',
          },
          body: request.postData() ?? '',
        });
        return response.text();
      });
    }
  });
  let serverMs = NaN;
  page.on('requestfinished', (request) => {
    if (counting && request.method() === 'POST' && new URL(request.url()).pathname === '/fhir') {
      const timing = request.timing();
      serverMs = timing.responseStart - timing.requestStart;
    }
  });
  let counting = false;
  const firstMs = await timeNavigation(page, () => (counting = true));
  counting = false;
  body = (await replay) ?? '';
  const fhirRequests = fhir.length;
  const warm: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) warm.push(await timeNavigation(page));
  const patients = await rowCount(page);
  const me = await page.evaluate(() => {
    const key = Object.keys(sessionStorage).find((k) => k.startsWith('waypoint.oidc.user'));
    return (JSON.parse(sessionStorage.getItem(key ?? '') ?? '{}') as { profile?: { fhirUser?: string } })
      .profile?.fhirUser;
  });
  const raw = Buffer.byteLength(body);
  results.push({
    scenario,
    patients,
    fhirRequests,
    rawKb: Math.round(raw / 1024),
    gzipKb: Math.round(gzipSync(body).length / 1024),
    serverMs: Math.round(serverMs),
    firstMs: Math.round(firstMs),
    warmMedianMs: Math.round(median(warm)),
  });
  await context.close();
  return { body, me: me ?? '' };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

interface BatchEntry {
  readonly resource?: { readonly entry?: { readonly resource?: { readonly resourceType: string } }[] };
}

/**
 * A fake server for the caseload batch built from a real response: every entry's resources cloned `copies`
 * times (every id but the signed-in practitioner's rewritten per copy, so each clone is a distinct patient
 * with the same history). The app sends one batch of per-type searches; the reply keeps its entry order.
 */
function replayServer(
  body: string,
  me: string,
  copies: number,
  rosterOnly: boolean,
): (request: string) => string {
  const response = JSON.parse(body) as { entry: BatchEntry[] };
  const meId = me.split('/')[1] ?? '';
  const kept = (type: string | undefined): boolean =>
    !rosterOnly || ['Patient', 'EpisodeOfCare', 'CareTeam'].includes(type ?? '');
  const template = JSON.stringify(
    response.entry.map((e) => (e.resource?.entry ?? []).filter((x) => kept(x.resource?.resourceType))),
  );
  const perEntry: unknown[][] = response.entry.map(() => []);
  for (let k = 0; k < copies; k++) {
    const suffix = k.toString(16).padStart(4, '0');
    const clone = JSON.parse(
      template.replace(UUID, (id) => (id === meId ? id : `${id.slice(0, 32)}${suffix}`)),
    ) as unknown[][];
    clone.forEach((list, i) => perEntry[i]?.push(...list));
  }
  const reply = JSON.stringify({
    resourceType: 'Bundle',
    type: 'batch-response',
    entry: response.entry.map((e, i) => ({ ...e, resource: { ...e.resource, entry: perEntry[i] } })),
  });
  return () => reply;
}

/** A larger list from a replayed response: timing, and DOM rows while scrolling through it. */
async function measureReplay(
  browser: Browser,
  stack: Stack,
  scenario: string,
  username: string,
  respond: (request: string) => string,
): Promise<void> {
  console.error(`… ${scenario}`);
  const context = await newContext(browser);
  const page = await context.newPage();
  let batches = 0;
  await page.route(
    (url) => url.pathname === '/fhir',
    async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      batches++;
      await route.fulfill({
        status: 200,
        contentType: 'application/fhir+json',
        body: respond(route.request().postData() ?? '{}'),
      });
    },
  );
  await signIn(page, stack.appUrl, username);
  batches = 0;
  const firstMs = await timeNavigation(page);
  const requests = batches;
  const warm: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) warm.push(await timeNavigation(page));
  const patients = await rowCount(page);
  // Scroll through the whole list and record how many row elements the grid keeps in the DOM.
  const domRows = await page.evaluate(async () => {
    const viewport = document.querySelector('.ag-body-viewport, .ag-grid-viewport') as HTMLElement;
    const counts: number[] = [];
    const ids = () =>
      new Set(Array.from(document.querySelectorAll('.ag-row[row-id]')).map((r) => r.getAttribute('row-id')));
    for (let top = 0; top <= viewport.scrollHeight; top += viewport.clientHeight) {
      viewport.scrollTop = top;
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      counts.push(ids().size);
    }
    return { min: Math.min(...counts), max: Math.max(...counts), steps: counts.length };
  });
  results.push({
    scenario,
    patients,
    fhirRequests: requests,
    firstMs: Math.round(firstMs),
    warmMedianMs: Math.round(median(warm)),
    domRows: `${domRows.min}–${domRows.max} rows in the DOM over ${domRows.steps} scroll steps`,
  });
  await context.close();
}

const browser = await chromium.launch({
  executablePath: process.env['CHROME_BIN'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
try {
  if (!quick) {
    const stack = await startStack(80);
    try {
      await measureReal(browser, stack, 'demo clinic N=80, counselor1', 'counselor1');
    } finally {
      await stack.stop();
    }
  }
  const stack = await startStack(240);
  try {
    const { body, me } = await measureReal(browser, stack, 'demo clinic N=240, counselor1', 'counselor1');
    const perCopy = (JSON.parse(body) as { entry: BatchEntry[] }).entry
      .slice(1)
      .flatMap((slice) => slice.resource?.entry ?? [])
      .filter((e) => e.resource?.resourceType === 'Patient').length;
    for (const [scenario, target, rosterOnly] of [
      ['replayed ~200 patients (full histories)', 200, false],
      ['replayed ~400 patients (full histories)', 400, false],
      ['replayed ~2,000 patients (roster only)', 2000, true],
    ] as const) {
      await measureReplay(
        browser,
        stack,
        scenario,
        'counselor1',
        replayServer(body, me, Math.round(target / perCopy), rosterOnly),
      ).catch((error: unknown) => failures.push(`${scenario}: ${String(error)}`));
    }
  } finally {
    await stack.stop();
  }
} finally {
  await browser.close();
}

for (const failure of failures) console.log(`FAILED ${failure}`);
console.log('\nCaseload page (production build, Chromium headless, this machine)\n');
console.log(
  '| scenario | patients | FHIR requests | response raw / gzip | first navigation | warm median |  DOM rows |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.scenario} | ${r.patients} | ${r.fhirRequests} | ${r.rawKb !== undefined ? `${r.rawKb} KB / ${r.gzipKb} KB` : 'replayed'} | ${r.serverMs !== undefined ? `${r.serverMs} ms` : '–'} | ${r.firstMs} ms | ${r.warmMedianMs} ms | ${r.domRows ?? ''} |`,
  );
}

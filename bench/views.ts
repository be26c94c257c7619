// Population views over derived state on the REAL path (issue #10): HTTP on loopback, a real SMART user token,
// the access policy, and Chromium for the time to rows. Prints Markdown tables; asserts nothing (a missed
// target is a figure, not a failure); exits non-zero only on errors.
//   npx ng build                                  (the production build, for the Chromium part)
//   npm run bench:views -- [--sizes 240,2000] [--quick] [--iterations N]
// For each clinic size it starts the embedded FHIR server on a fresh demo clinic (temp dir, ports 8480–8483)
// and the production build behind scripts/serve-dist.mjs, signs in each role once through the SMART
// authorization-code + PKCE flow over HTTP, and measures:
//   1. the new views, the searches of each role's home (counselor1, peer1: caseloadSearches(me); coordinator1:
//      programSummarySearches(), adherence; supervisor1: programSearches()):
//      requests (the batch + every next page, followed as the SPA does), gzip/raw bytes, client time, the
//      server's own time (its request log), rows;
//   2. the pre-#10 caseload batch (bench/legacy-caseload.ts) for counselor1, coordinator1 and peer1;
//   3. the access policy's cost: the same batch on two in-process apps over one store, with and without auth;
//   4. Chromium: navigation to /caseload until the first grid row and until the row count;
//   5. derivation: a UDS write whose response waits for it, Deriver.derive() in-process, whole-clinic sweeps;
//   6. the patient chart (counselor1, their patient with the most Observations): FHIR requests, all panels
//      visible, Chart.js render of a two-year daily craving series written for the bench;
//   7. the notes editor: first control enabled (new note, reopened draft), autosave (the SPA's own PUT replayed
//      over HTTP; blur → "Saved" in Chromium), a diary card with every cell filled in one request;
//   8. the workspaces (Supervision, Coordination): their batches over HTTP and the pages in Chromium.
// Modules: views-stack (processes), views-client (HTTP, sign-in, rows), views-browser (Chromium, caseload),
// views-pages (Chromium, chart, notes, workspaces),
// views-in-process (policy overhead, deriver), views-report (tables and targets), legacy-caseload (the old batch).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { Bundle, Observation, QuestionnaireResponse } from '@medplum/fhirtypes';
import { type Browser, chromium } from '@playwright/test';
import { register as registerCommonJs } from 'tsx/cjs/api';

import { caseloadSearches, programSearches, programSummarySearches } from '../clinical/index';
import { LOCAL_SYSTEM, MEASURE, SCREEN_RESULT, SYSTEM } from '../clinical/terminology';
import type { BatchSearch } from '../src/app/core/fhir/fhir-client';
import {
  legacyCaseloadBatch,
  LegacyCaseloadError,
  legacyCaseloadSearches,
  readLegacyCaseloadResponse,
} from './legacy-caseload';
import { measureNavigation, type NavFigures } from './views-browser';
import {
  adherenceRowsOf,
  closeClient,
  COORDINATOR,
  COUNSELOR,
  exchange,
  loadView,
  PEER,
  type RoleSession,
  rowsOf,
  type Search,
  sessions,
  SUPERVISOR,
  type ViewLoad,
} from './views-client';
import { type DeriveFigures, measureInProcess, type PolicyFigures } from './views-in-process';
import { measureChartAndNotes, measureWorkspace, type SavedDraft } from './views-pages';
import {
  type AutosaveFigures,
  type LegacyFigures,
  machine,
  type PageFigures,
  type PageHttpFigures,
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
/** Autosaves observed in Chromium (blur → "Saved"). */
const BROWSER_SAVES = quick ? 5 : 10;
/** The chart's long series: one craving score a day for two years, ending today. */
const SERIES_DAYS = 730;
const RENDER_LABEL = 'Craving (0–10)';
/** The production build (`npx ng build`); `DIST` points elsewhere, as for scripts/serve-dist.mjs. */
const BUILD_DIR = process.env['DIST'] ?? 'dist/waypoint/browser';
/** Ports of this benchmark: FHIR server, serve-dist, in-process app with auth, in-process open app. */
const PORTS = { fhir: 8480, app: 8481, withAuth: 8482, open: 8483 } as const;
const ROLES = [COUNSELOR, COORDINATOR, SUPERVISOR, PEER] as const;
const CASELOAD_ROLES = new Set<string>([COUNSELOR, PEER]);

// The workspaces' own search functions, from src/app: src/ has no package.json of its own ("type": "module"),
// so tsx compiles its files as CommonJS, and their require() of clinical/ needs tsx's CommonJS hook for the
// time of loading them.
const unregisterCommonJs = registerCommonJs();
const { programRequest } = await import('../src/app/features/coordination/data/program-request');
const { overviewSearches, queueSearches } =
  await import('../src/app/features/supervision/data/supervision-request');
unregisterCommonJs();

const errors: string[] = [];
function recordError(what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  errors.push(`${what}: ${message}`);
  console.error(`ERROR ${what}: ${message}`);
}

// ---- 1. the new views, per role -------------------------------------------------------------------------

/** The batch of `searches` as `session`, WARMUP + ITERATIONS times: the last load and the measured times. */
async function timeView(
  stack: Stack,
  session: RoleSession,
  searches: readonly Search[],
): Promise<{ load: ViewLoad; clientMs: number[]; parsedMs: number[]; serverMs: number[] }> {
  const clientMs: number[] = [];
  const parsedMs: number[] = [];
  const serverMs: number[] = [];
  let last: ViewLoad | undefined;
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const since = Date.now();
    last = await loadView(stack.fhirBase, session.token, searches);
    const own = await serverTime(stack.log, since, 'batch');
    if (i >= WARMUP) {
      clientMs.push(last.wireMs);
      parsedMs.push(last.ms);
      serverMs.push(own);
    }
  }
  return { load: last as ViewLoad, clientMs, parsedMs, serverMs };
}

async function measureView(stack: Stack, role: string, session: RoleSession): Promise<ViewFigures> {
  const caseload = CASELOAD_ROLES.has(role);
  const view: ViewFigures['view'] = caseload ? 'caseload' : role === COORDINATOR ? 'summaries' : 'program';
  const searches = {
    caseload: () => caseloadSearches(session.practitioner),
    summaries: programSummarySearches,
    program: programSearches,
  }[view]();
  const { load, clientMs, parsedMs, serverMs } = await timeView(stack, session, searches);
  const patientIds =
    view === 'summaries'
      ? adherenceRowsOf(load.resources)
      : rowsOf(load.resources, caseload ? session.practitioner : undefined);
  return {
    role,
    view,
    requests: load.requests,
    wireBytes: load.wireBytes,
    rawBytes: load.rawBytes,
    clientMs,
    parsedMs,
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

// ---- 6–7. the patient chart and the notes editor ----------------------------------------------------------

/** The patient of `session`'s caseload with the most Observations (the longest history). */
async function longestHistory(
  stack: Stack,
  session: RoleSession,
  patientIds: readonly string[],
): Promise<{ id: string; observations: number }> {
  let best = { id: '', observations: -1 };
  for (const id of patientIds) {
    const response = await exchange(
      `${stack.fhirBase}/Observation?patient=Patient/${id}&_summary=count`,
      'GET',
      session.token,
    );
    const total = (JSON.parse(response.body) as Bundle).total ?? 0;
    if (total > best.observations) best = { id, observations: total };
  }
  if (!best.id) throw new Error('the counselor has no patients');
  return best;
}

/**
 * Writes a craving score (0–10) for each of the last SERIES_DAYS days, cloned from one of the patient's own craving
 * Observations, in one batch: the chart's craving series becomes a two-year daily series.
 */
async function writeDailySeries(stack: Stack, session: RoleSession, patientId: string): Promise<void> {
  const search = await exchange(
    `${stack.fhirBase}/Observation?patient=Patient/${patientId}&code=${LOCAL_SYSTEM.measure}|${MEASURE.craving}&_count=1`,
    'GET',
    session.token,
  );
  const template = (JSON.parse(search.body) as Bundle<Observation>).entry?.[0]?.resource;
  if (!template) throw new Error('the patient has no craving Observation to copy');
  const { id: _id, meta: _meta, identifier: _identifier, ...rest } = template;
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const entry = Array.from({ length: SERIES_DAYS }, (_, i) => {
    const at = new Date(today - (SERIES_DAYS - 1 - i) * 86_400_000 + 12 * 3_600_000).toISOString();
    const resource: Observation = {
      ...rest,
      effectiveDateTime: at,
      issued: at,
      valueInteger: Math.round(5 + 4 * Math.sin(i / 9)),
    };
    delete resource.valueQuantity;
    return { resource, request: { method: 'POST' as const, url: 'Observation' } };
  });
  // In batches of 100 (a request body stays well under the server's limit).
  for (let i = 0; i < entry.length; i += 100) {
    const chunk = entry.slice(i, i + 100);
    const response = await exchange(
      stack.fhirBase,
      'POST',
      session.token,
      JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry: chunk }),
    );
    if (response.status !== 200)
      throw new Error(`series: HTTP ${response.status} ${response.body.slice(0, 300)}`);
    const failed = ((JSON.parse(response.body) as Bundle).entry ?? []).filter(
      (e) => !e.response?.status?.startsWith('201'),
    );
    if (failed.length > 0)
      throw new Error(`series: ${failed.length} writes failed: ${JSON.stringify(failed[0]).slice(0, 300)}`);
  }
}

/** The SPA's own draft save replayed: PUT of the same body with If-Match of the current version. */
async function measureAutosave(
  stack: Stack,
  session: RoleSession,
  draft: SavedDraft,
  name: string,
): Promise<AutosaveFigures> {
  const url = `${stack.fhirBase}/${draft.path}`;
  const current = await exchange(url, 'GET', session.token);
  if (current.status !== 200) throw new Error(`draft read: HTTP ${current.status}`);
  let version = (JSON.parse(current.body) as QuestionnaireResponse).meta?.versionId;
  const clientMs: number[] = [];
  const serverMs: number[] = [];
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const since = Date.now();
    const response = await exchange(url, 'PUT', session.token, draft.body, { 'if-match': `W/"${version}"` });
    if (response.status !== 200)
      throw new Error(`draft save: HTTP ${response.status} ${response.body.slice(0, 300)}`);
    const own = await serverTime(stack.log, since, 'update');
    version = (JSON.parse(response.body) as QuestionnaireResponse).meta?.versionId;
    if (i >= WARMUP) {
      clientMs.push(response.ms);
      serverMs.push(own);
    }
  }
  return { draft: name, bytes: Buffer.byteLength(draft.body), clientMs, serverMs };
}

// ---- 8. the workspaces over HTTP ---------------------------------------------------------------------------

/** The app's BatchSearch (tuples or a record of parameters) as the bench's ordered tuples. */
function asSearches(searches: readonly BatchSearch[]): Search[] {
  return searches.map((s) => ({
    resourceType: s.resourceType,
    params: (Array.isArray(s.params)
      ? s.params
      : Object.entries(s.params).flatMap(([k, v]) =>
          v === null || v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => [k, x] as const),
        )) as Search['params'],
  }));
}

async function measurePageHttp(
  stack: Stack,
  role: string,
  page: string,
  session: RoleSession,
  searches: readonly Search[],
): Promise<PageHttpFigures> {
  const { load, clientMs, parsedMs, serverMs } = await timeView(stack, session, searches);
  return {
    role,
    page,
    searches: searches.length,
    requests: load.requests,
    wireBytes: load.wireBytes,
    rawBytes: load.rawBytes,
    resources: load.resources.length,
    clientMs,
    parsedMs,
    serverMs,
  };
}

async function measurePages(
  stack: Stack,
  browser: Browser | undefined,
  patients: number,
  session: (role: string) => Promise<RoleSession>,
  counselorPatients: readonly string[],
): Promise<PageFigures> {
  const workspaceHttp: PageHttpFigures[] = [];
  const autosave: AutosaveFigures[] = [];
  const workspaces: PageFigures['workspaces'] = [];
  let chartNotes: PageFigures['chartNotes'];
  let chartPatient: PageFigures['chartPatient'];
  console.error(`… ${patients}: workspaces over HTTP`);
  try {
    const supervisor = await session(SUPERVISOR);
    workspaceHttp.push(
      await measurePageHttp(
        stack,
        SUPERVISOR,
        '/supervision',
        supervisor,
        asSearches([...overviewSearches(supervisor.practitioner), ...queueSearches(supervisor.practitioner)]),
      ),
    );
    workspaceHttp.push(
      await measurePageHttp(
        stack,
        COORDINATOR,
        '/coordination',
        await session(COORDINATOR),
        asSearches(programRequest()),
      ),
    );
  } catch (error) {
    recordError(`workspaces over HTTP (${patients})`, error);
  }
  if (!browser) return { workspaceHttp, workspaces, autosave };
  for (const [role, home] of [
    [
      SUPERVISOR,
      {
        path: '/supervision',
        kind: 'supervision',
        from: '/audit',
        link: 'a[href="/supervision"]',
        linkText: 'nav link "Supervision"',
      },
    ],
    [
      COORDINATOR,
      {
        path: '/coordination',
        kind: 'coordination',
        from: '/coordination/tasks',
        link: 'a[href="/coordination"]',
        linkText: 'tab "Adherence"',
      },
    ],
  ] as const) {
    console.error(`… ${patients}: Chromium, ${role} ${home.path}`);
    try {
      workspaces.push(await measureWorkspace(browser, stack.appUrl, role, home, NAV_RUNS));
    } catch (error) {
      recordError(`Chromium ${home.path} (${patients})`, error);
    }
  }
  console.error(`… ${patients}: Chromium, ${COUNSELOR} chart and notes`);
  try {
    const counselor = await session(COUNSELOR);
    const chosen = await longestHistory(stack, counselor, counselorPatients);
    chartPatient = { observations: chosen.observations, seriesDays: SERIES_DAYS };
    chartNotes = await measureChartAndNotes(browser, stack.appUrl, COUNSELOR, chosen.id, {
      runs: NAV_RUNS,
      saves: BROWSER_SAVES,
      renderLabel: RENDER_LABEL,
      extend: () => writeDailySeries(stack, counselor, chosen.id),
    });
    for (const [name, draft] of [
      ["thought record (the SPA's last autosave)", chartNotes.drafts.thought],
      ['diary card, every cell filled', chartNotes.drafts.diary],
    ] as const) {
      try {
        autosave.push(await measureAutosave(stack, await session(COUNSELOR), draft, name));
      } catch (error) {
        recordError(`autosave over HTTP, ${name} (${patients})`, error);
      }
    }
  } catch (error) {
    recordError(`Chromium chart and notes (${patients})`, error);
  }
  return {
    workspaceHttp,
    workspaces,
    autosave,
    ...(chartNotes ? { chartNotes } : {}),
    ...(chartPatient ? { chartPatient } : {}),
  };
}

// ---- one clinic size ----------------------------------------------------------------------------------

async function runSize(browser: Browser | undefined, patients: number): Promise<SizeResult> {
  console.error(`… starting the server with ${patients} demo patients (seeding, deriving)`);
  const stack = await startStack(patients, PORTS, Object.values(PORTS), BUILD_DIR);
  const views: ViewFigures[] = [];
  const legacy: LegacyFigures[] = [];
  const nav: NavFigures[] = [];
  let writes: WriteFigures | undefined;
  let pages: PageFigures | undefined;
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
    // After the figures above: the chart's long series and the notes' drafts are written to this clinic.
    try {
      const counselorPatients = views.find((v) => v.role === COUNSELOR)?.patientIds ?? [];
      pages = await measurePages(stack, browser, patients, session, counselorPatients);
    } catch (error) {
      recordError(`pages (${patients})`, error);
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
  return {
    patients,
    seeded: stack.seeded,
    views,
    legacy,
    nav,
    ...(writes ? { writes } : {}),
    ...(pages ? { pages } : {}),
    ...inProcess,
  };
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

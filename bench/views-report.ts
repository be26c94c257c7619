// bench:views' Markdown report: machine, then per clinic size the five tables with each target beside its figure.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

import type { NavFigures } from './views-browser';
import { COUNSELOR } from './views-client';
import type { DeriveFigures, PolicyFigures } from './views-in-process';
import type { ChartAndNotes, PageLoad } from './views-pages';

/** What the server printed on its first start. */
export interface Seeded {
  resources?: number;
  loadSeconds?: number;
  /** "Derived state computed in X s": the first sweep of the freshly seeded clinic. */
  deriveSeconds?: number;
}

export interface ViewFigures {
  readonly role: string;
  /** The searches of the role's home: caseloadSearches(me), programSummarySearches() (adherence), programSearches(). */
  readonly view: 'caseload' | 'summaries' | 'program';
  readonly requests: number;
  readonly wireBytes: number;
  readonly rawBytes: number;
  /** Request start → last byte of the last response. */
  readonly clientMs: number[];
  /** Request start → every response parsed (Node's gunzip, UTF-8 decode, JSON.parse). */
  readonly parsedMs: number[];
  readonly serverMs: number[];
  readonly rows: number;
  readonly patientIds: string[];
}

export interface LegacyFigures {
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

export interface WriteFigures {
  readonly clientMs: number[];
  readonly serverMs: number[];
}

/** A page's batch over HTTP with a user token (the page's own search function). */
export interface PageHttpFigures {
  readonly role: string;
  readonly page: string;
  readonly searches: number;
  readonly requests: number;
  readonly wireBytes: number;
  readonly rawBytes: number;
  readonly resources: number;
  readonly clientMs: number[];
  readonly parsedMs: number[];
  readonly serverMs: number[];
}

/** The SPA's draft save replayed over HTTP. */
export interface AutosaveFigures {
  readonly draft: string;
  readonly bytes: number;
  readonly clientMs: number[];
  readonly serverMs: number[];
}

export interface PageFigures {
  readonly workspaceHttp: PageHttpFigures[];
  readonly workspaces: PageLoad[];
  readonly autosave: AutosaveFigures[];
  readonly chartNotes?: ChartAndNotes;
  readonly chartPatient?: { readonly observations: number; readonly seriesDays: number };
}

export interface SizeResult {
  readonly patients: number;
  readonly seeded: Seeded;
  readonly views: ViewFigures[];
  readonly legacy: LegacyFigures[];
  readonly nav: NavFigures[];
  readonly writes?: WriteFigures;
  readonly pages?: PageFigures;
  readonly policy: PolicyFigures[];
  readonly derive?: DeriveFigures;
}

export interface ReportContext {
  /** Date, machine, Node and load lines. */
  readonly header: readonly string[];
  readonly chromium: string;
  readonly iterations: number;
  readonly warmup: number;
  readonly navRuns: number;
  readonly quick: boolean;
  readonly errors: readonly string[];
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
const median = (values: readonly number[]) => percentile(values, 50);

const VIEW_SEARCHES: Readonly<Record<ViewFigures['view'], string>> = {
  caseload: 'caseloadSearches(me)',
  summaries: 'programSummarySearches()',
  program: 'programSearches()',
};

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

export function machine(): string[] {
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

export function report(results: readonly SizeResult[], context: ReportContext): string {
  const { header, iterations, warmup, navRuns, quick, errors } = context;
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  line('## bench:views — population views on the real path (HTTP + SMART token + access policy)');
  line();
  for (const h of header) line(`${h}  `);
  line(
    `Chromium ${context.chromium}; ${iterations} iterations per view after ${warmup} warm-up runs${quick ? ' (--quick)' : ''}`,
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
      '| role | view | rows | FHIR requests | response gzip | raw | client p50 | client p95 | server own p50 / p95 (batch) | parsed in Node p50 / p95 |',
    );
    line('|---|---|---:|---|---|---:|---:|---|---|---|');
    for (const v of r.views) {
      const t = targetsFor(v.role, r.patients);
      const p95 = percentile(v.clientMs, 95);
      line(
        `| ${v.role} | ${VIEW_SEARCHES[v.view]} | ${v.rows} | ${
          t.requests ? vs(String(v.requests), v.requests <= t.requests, String(t.requests)) : v.requests
        } | ${t.gzipKb ? vs(kb(v.wireBytes), v.wireBytes <= t.gzipKb * 1024, `${t.gzipKb} KB`) : kb(v.wireBytes)} | ${kb(
          v.rawBytes,
        )} | ${ms(median(v.clientMs))} | ${t.p95 ? vs(ms(p95), p95 <= t.p95, `${t.p95} ms`) : ms(p95)} | ${ms(
          median(v.serverMs),
        )} / ${ms(percentile(v.serverMs, 95))} | ${ms(median(v.parsedMs))} / ${ms(percentile(v.parsedMs, 95))} |`,
      );
    }
    line();
    line(
      'Client = request start → last byte on loopback, for the batch and every next page (as the old path in 2 is',
    );
    line(
      'timed); parsed = until this Node client has gunzipped, decoded and parsed them all; server own = the',
    );
    line(
      "server's `request completed` log line (Fastify `reply.elapsedTime`) of the batch. Rows = patients with a",
    );
    line(
      'summary, an assessment and an active episode (for a caseload: whose care team lists me), as the SPA counts;',
    );
    line(
      "for the coordinator's summaries, patients with a summary and an active episode, as Adherence counts.",
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
    line('| coordinator1, supervisor1 | – | their homes: section 8 | | | | |');
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
    line(`the view each time. In-app = click on "My caseload" from /audit. Medians of ${navRuns} runs.`);
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
    if (r.pages) pageTables(r.pages, r.patients, navRuns, iterations, line);
  }
  if (errors.length > 0) {
    line();
    line('#### Errors');
    line();
    for (const e of errors) line(`- ${e}`);
  }
  return out.join('\n');
}

const limitText = (limit: number) => (limit >= 1000 ? `${limit / 1000} s` : `${limit} ms`);
/** A figure against a limit, or the bare figure when this size has no target. */
function against(value: number, limit: number | undefined, fmt: (x: number) => string = ms): string {
  return limit === undefined ? fmt(value) : vs(fmt(value), value <= limit, limitText(limit));
}

function pageTables(
  p: PageFigures,
  patients: number,
  navRuns: number,
  iterations: number,
  line: (s?: string) => void,
): void {
  const at240 = patients === 240;
  const c = p.chartNotes;
  line();
  line('#### 6. Patient chart (counselor1, production build, serve-dist)');
  line();
  if (!c) line('Not measured (see errors).');
  else {
    line('| measure | figure | target |');
    line('|---|---|---|');
    line(
      `| FHIR requests of one chart load (full navigation, until the network is idle) | ${vs(String(c.chart.requests), c.chart.requests <= 2, '2')}: ${c.chart.requestKinds} | ≤ 2 |`,
    );
    const chartLimit = at240 ? 500 : undefined;
    line(
      `| all panels visible, full navigation (median; min–max) | ${against(median(c.chart.full), chartLimit)} (${ms(Math.min(...c.chart.full))}–${ms(Math.max(...c.chart.full))}) | ≤ 500 ms at 240 |`,
    );
    line(
      `| all panels visible, in-app: ${c.chart.inAppFrom} (median; min–max) | ${against(median(c.chart.inApp), chartLimit)} (${ms(Math.min(...c.chart.inApp))}–${ms(Math.max(...c.chart.inApp))}) | ≤ 500 ms at 240 |`,
    );
    line(
      `| Chart.js render, "${c.render.label}" with ${c.render.points} points (${p.chartPatient?.seriesDays ?? '?'} daily written + the record's own), median; max | ${vs(ms(median(c.render.ms)), median(c.render.ms) <= 100, '100 ms')}; ${ms(Math.max(...c.render.ms))} | ≤ 100 ms |`,
    );
    line();
    line(
      `The patient: the one of counselor1's caseload with the most Observations (${p.chartPatient?.observations ?? '?'} before the bench wrote the series).`,
    );
    line(
      '"All panels visible" = the banner shows its risk chip; all 7 panel regions are rendered, none `aria-busy`, none',
    );
    line(
      'failed, each with content besides its heading; every chart canvas on the page drawn — then the next frame',
    );
    line(
      '(rAF, then a task). Full navigation = `page.goto(/patients/:id)` from navigation start (boot, session restore,',
    );
    line(
      `the batch, rendering); in-app = the click on "Back to the chart" in a note. Medians of ${navRuns}. Chart.js render =`,
    );
    line(
      "in the app's own `wp-chart` (ChartView, its options: no animation, LTTB decimation above 300 points), from the",
    );
    line(
      "chart's `getContext('2d')` (the start of `new Chart`) to its last `ctx.restore()` in that task (the end of its",
    );
    line(
      'first draw), on `?range=all` after the bench wrote one craving score a day for two years; points = rows of the',
    );
    line(`chart's own table alternative. Medians of ${navRuns} full navigations.`);
    line();
    line('#### 7. Notes editor (counselor1, the same patient)');
    line();
    line('| measure | figure | target |');
    line('|---|---|---|');
    line(
      `| new note (thought record): \`page.goto(…/notes/new?template=…)\` → the form's first control enabled (median; min–max) | ${against(median(c.newNote.full), 400)} (${ms(Math.min(...c.newNote.full))}–${ms(Math.max(...c.newNote.full))}) | ≤ 400 ms |`,
    );
    line(
      c.newNote.inApp.length > 0
        ? `| new note in-app: click on ${c.newNote.inAppFrom} → first control enabled (median; min–max) | ${against(median(c.newNote.inApp), 400)} (${ms(Math.min(...c.newNote.inApp))}–${ms(Math.max(...c.newNote.inApp))}) | ≤ 400 ms |`
        : `| new note in-app | ${c.newNote.inAppFrom} | ≤ 400 ms |`,
    );
    line(
      `| reopen a draft: \`page.goto(…/notes/:noteId)\` → first control enabled (median; min–max) | ${against(median(c.reopen.full), 400)} (${ms(Math.min(...c.reopen.full))}–${ms(Math.max(...c.reopen.full))}) | ≤ 400 ms |`,
    );
    line(
      `| FHIR requests: new note / reopened draft | ${c.newNote.requestKinds} / ${c.reopen.requestKinds} | – |`,
    );
    for (const a of p.autosave) {
      const p95 = percentile(a.clientMs, 95);
      line(
        `| autosave over HTTP: PUT of the SPA's draft (${a.draft}, ${kb(a.bytes)}), p50 / p95 (server own p50 / p95) | ${ms(median(a.clientMs))} / ${against(p95, at240 ? 100 : undefined)} (${ms(median(a.serverMs))} / ${ms(percentile(a.serverMs, 95))}) | p95 ≤ 100 ms at 240 |`,
      );
    }
    line(
      `| autosave in Chromium: blur of the edited field → "Saved" shown, p50 / p95 (n = ${c.blurToSaved.length}); the PUT itself (Resource Timing) p50 | ${ms(median(c.blurToSaved))} / ${ms(percentile(c.blurToSaved, 95))}; ${ms(median(c.savePut))} | – |`,
    );
    line(
      `| diary card: ${c.diary.cells} week-grid cells filled at once → write requests until "Saved" | ${vs(String(c.diary.writes), c.diary.writes <= 1, '1')}: ${c.diary.writeKinds}; ${c.diary.days} days, ${c.diary.answers} answers in the body | 1 |`,
    );
    line();
    line(
      'First control = the first `input`, `textarea` or `select` of the note form in document order, rendered, visible,',
    );
    line(
      'not disabled or read-only (a keystroke can land), then the next frame. New note includes creating the draft and',
    );
    line(
      `replacing the URL. Autosave over HTTP = the body the SPA PUT (captured in Chromium) sent again ${iterations} times`,
    );
    line(
      "with `If-Match` of the current version and the counselor's token, straight to the FHIR server; the server own",
    );
    line("time is its `request completed` line. In Chromium the save goes through serve-dist's proxy.");
  }
  line();
  line('#### 8. Workspaces: Supervision (supervisor1) and Coordination (coordinator1)');
  line();
  line(
    '| page | searches | FHIR requests (HTTP) | response gzip | raw | resources | client p50 / p95 | server own p50 / p95 (batch) | parsed in Node p50 / p95 |',
  );
  line('|---|---:|---|---|---:|---:|---|---|---|');
  for (const h of p.workspaceHttp) {
    line(
      `| ${h.role} ${h.page} | ${h.searches} | ${vs(String(h.requests), h.requests <= 2, '2')} | ${kb(h.wireBytes)} | ${kb(h.rawBytes)} | ${h.resources.toLocaleString('en-US')} | ${ms(median(h.clientMs))} / ${ms(percentile(h.clientMs, 95))} | ${ms(median(h.serverMs))} / ${ms(percentile(h.serverMs, 95))} | ${ms(median(h.parsedMs))} / ${ms(percentile(h.parsedMs, 95))} |`,
    );
  }
  line();
  const limit = at240 ? 800 : patients >= 2000 ? 1500 : undefined;
  line(
    '| page | FHIR requests in Chromium (one load) | visible: full navigation, median (min–max) | in-app, median (min–max) | in-app from |',
  );
  line('|---|---|---|---|---|');
  for (const w of p.workspaces) {
    line(
      `| ${w.page} | ${vs(String(w.requests), w.requests <= 2, '2')}: ${w.requestKinds} | ${against(median(w.full), limit)} (${ms(Math.min(...w.full))}–${ms(Math.max(...w.full))}) | ${against(median(w.inApp), limit)} (${ms(Math.min(...w.inApp))}–${ms(Math.max(...w.inApp))}) | ${w.inAppFrom} |`,
    );
  }
  for (const w of p.workspaces) {
    if (!w.firstRows?.length) continue;
    line(
      `${w.page}, first grid row (the program's first page; the table's "visible" waits for the whole program and its chart): full navigation median ${ms(median(w.firstRows))} (${ms(Math.min(...w.firstRows))}–${ms(Math.max(...w.firstRows))}).`,
    );
  }
  line();
  line("HTTP = the page's own search functions (`overviewSearches(me)` + `queueSearches(me)` from");
  line(
    '`features/supervision/data/supervision-request.ts`; `programRequest()` from `features/coordination/data/program-request.ts`)',
  );
  line(
    `in one batch, then every next page, as \`FhirClient.searchBatch\` sends them; ${iterations} iterations. Visible = Supervision: the`,
  );
  line(
    'team summary (as-of status), a counselor row with its link, no panel `aria-busy`, every chart drawn; Coordination:',
  );
  line(
    `a grid row, the patient count, no "Loading the program…", every chart drawn — then the next frame. Medians of ${navRuns}.`,
  );
}

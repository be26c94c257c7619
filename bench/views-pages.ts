/// <reference lib="dom" />
// bench:views in Chromium, the pages beyond the caseload: the patient chart (all panels visible, Chart.js render of
// a long series), the notes editor (first keystroke possible, autosave, the diary card's one request) and the two
// workspaces (Supervision, Coordination). The production build behind serve-dist, a real sign-in per role; FHIR
// requests counted with page.on('request').
import type { Browser, Page } from '@playwright/test';

import { DEMO_PASSWORD } from './views-client';

/**
 * Installed in every document. Two jobs:
 * - Chart.js timing: a chart's construction starts with `getContext('2d')` on its canvas (Chart.js's
 *   acquireContext) and, the app's charts having no animation, draws synchronously; its last `ctx.restore()` in
 *   that same task ends the first draw. Each construction is a record (label = the canvas's aria-label).
 * - "visible": per page kind (from the URL) a concrete condition, checked on every DOM mutation and after every
 *   chart draw; `ready` = when it first holds, `visible` = the first frame after that (rAF, then a task).
 */
const PAGE_SCRIPT = `
globalThis.__name = (fn) => fn;
(() => {
  const charts = [];
  window.__wpCharts = charts;
  const open = new Map();
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
    const ctx = getContext.call(this, type, ...rest);
    if (type === '2d' && this.isConnected && this.closest('wp-chart')) {
      const rec = { label: this.getAttribute('aria-label') || '', start: performance.now(), end: undefined, canvas: this };
      charts.push(rec);
      open.set(this, rec);
      setTimeout(() => {
        if (open.get(this) === rec) open.delete(this);
        check();
      }, 0);
    }
    return ctx;
  };
  const restore = CanvasRenderingContext2D.prototype.restore;
  CanvasRenderingContext2D.prototype.restore = function () {
    restore.call(this);
    const rec = open.get(this.canvas);
    if (rec) rec.end = performance.now();
  };

  const text = (el) => (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 300);
  const drawn = (root) => {
    for (const c of root.querySelectorAll('wp-chart canvas')) {
      if (!charts.some((r) => r.canvas === c && r.end !== undefined)) return false;
    }
    return true;
  };
  const kindOf = () => {
    const p = location.pathname;
    if (/^\\/patients\\/[^/]+\\/notes\\/[^/]+$/.test(p)) return 'editor';
    if (/^\\/patients\\/[^/]+$/.test(p)) return 'chart';
    if (p === '/supervision') return 'supervision';
    if (p === '/coordination') return 'coordination';
    return undefined;
  };
  // Each returns { error } or { waiting } (what is missing) or {} when the page is visible.
  const checks = {
    chart() {
      const page = document.querySelector('wp-patient-page');
      if (!page) return { waiting: 'wp-patient-page' };
      const alert = page.querySelector(':scope > .error[role="alert"]');
      if (alert) return { error: text(alert) };
      if (page.querySelector('.not-found')) return { error: 'Patient not found' };
      if (!page.querySelector('header.banner wp-risk-chip')) return { waiting: 'the banner with its risk chip' };
      const panels = [...page.querySelectorAll('wp-panel[role="region"]')];
      if (panels.length < 7) return { waiting: panels.length + ' of 7 panels' };
      for (const p of panels) {
        const name = text(p.querySelector('h2') || p);
        const failed = p.querySelector(':scope > .error');
        if (failed) return { error: text(failed) };
        if (p.getAttribute('aria-busy') === 'true') return { waiting: name + ' (loading)' };
        if (p.children.length < 2) return { waiting: name + ' (no content)' };
      }
      if (!drawn(page)) return { waiting: 'a chart not drawn' };
      return {};
    },
    editor() {
      const page = document.querySelector('wp-note-editor-page');
      if (!page) {
        const alert = document.querySelector('wp-new-note-page [role="alert"]');
        return alert ? { error: text(alert) } : { waiting: 'wp-note-editor-page' };
      }
      const alert = page.querySelector('p.error[role="alert"]');
      if (alert) return { error: text(alert) };
      const form = page.querySelector('wp-note-form');
      if (!form) return { waiting: 'wp-note-form' };
      const first = form.querySelector('input:not([type="hidden"]), textarea, select');
      if (!first) return { waiting: 'the first control' };
      if (first.disabled || first.readOnly) return { waiting: 'the first control enabled' };
      if (first.getClientRects().length === 0) return { waiting: 'the first control visible' };
      return {};
    },
    supervision() {
      const page = document.querySelector('wp-supervision-page');
      if (!page) return { waiting: 'wp-supervision-page' };
      const failed = page.querySelector('wp-panel > .error');
      if (failed) return { error: text(failed) };
      if (!page.querySelector('p.as-of[role="status"]')) return { waiting: 'the team summary' };
      if (!page.querySelector('wp-team-table tbody tr th a')) return { waiting: 'a counselor row' };
      if (page.querySelector('wp-panel[aria-busy="true"]')) return { waiting: 'a panel loading' };
      if (!drawn(page)) return { waiting: 'a chart not drawn' };
      return {};
    },
    coordination() {
      const page = document.querySelector('wp-adherence-page');
      if (!page) return { waiting: 'wp-adherence-page' };
      const alert = page.querySelector('.error[role="alert"]');
      if (alert) return { error: text(alert) };
      if (page.querySelector('p.loading')) return { waiting: 'the program (loading)' };
      if (!page.querySelector('.ag-row[row-id]')) return { waiting: 'a grid row' };
      const count = [...page.querySelectorAll('[role="status"]')].some((el) => /patients?$/.test(text(el)));
      if (!count) return { waiting: 'the patient count' };
      if (!drawn(page)) return { waiting: 'a chart not drawn' };
      return {};
    },
  };
  window.__wpMarks = {};
  window.__wpSave = {};
  function check() {
    const save = document.querySelector('wp-save-status [role="status"]');
    if (save) {
      const s = window.__wpSave;
      const t = text(save);
      if (s.saving === undefined && /^Saving/.test(t)) s.saving = performance.now();
      if (s.saving !== undefined && s.saved === undefined && /^Saved/.test(t)) s.saved = performance.now();
      if (s.failed === undefined && /^(Not saved|Offline)/.test(t)) s.failed = t;
    }
    const marks = window.__wpMarks;
    const kind = kindOf();
    if (!kind || marks.ready !== undefined || marks.error !== undefined) return;
    // After a click, the page it leads to (the old one is still on screen until the router navigates).
    if (marks.expect !== undefined && marks.expect !== kind) return;
    // A large program's grid shows its first page while the rest loads: when the first row appeared.
    if (kind === 'coordination' && marks.firstRow === undefined && document.querySelector('wp-adherence-page .ag-row[row-id]'))
      marks.firstRow = performance.now();
    const result = checks[kind]();
    marks.kind = kind;
    if (result.error) marks.error = result.error;
    else if (result.waiting) marks.waiting = result.waiting;
    else {
      marks.ready = performance.now();
      requestAnimationFrame(() => setTimeout(() => (marks.visible = performance.now()), 0));
    }
  }
  window.__wpCheck = check;
  new MutationObserver(check).observe(document, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['aria-busy', 'disabled', 'readonly'],
  });
})();
`;

type PageKind = 'chart' | 'editor' | 'supervision' | 'coordination';

interface Marks {
  /** The page a click leads to. */
  expect?: PageKind;
  kind?: PageKind;
  ready?: number;
  visible?: number;
  /** Coordination: the first grid row (perhaps before the whole program). */
  firstRow?: number;
  error?: string;
  waiting?: string;
}

interface PageWindow {
  __wpMarks: Marks;
  __wpSave: { saving?: number; saved?: number; failed?: string };
  __wpCharts: { label: string; start: number; end?: number; canvas: HTMLCanvasElement }[];
  __wpCheck?: () => void;
}

/** Waits until the save started after `__wpSave` was reset has ended (saved or failed), polling every `polling` ms. */
async function saveEnded(page: Page, polling: number): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = window as unknown as PageWindow;
      w.__wpCheck?.();
      return w.__wpSave.saved !== undefined || w.__wpSave.failed !== undefined;
    },
    undefined,
    { timeout: 60_000, polling },
  );
}

/** Waits until the page of `kind` is visible; the marks, in the document's own clock. */
async function visible(page: Page, kind: PageKind): Promise<Marks> {
  try {
    await page.waitForFunction(
      (k) => {
        const w = window as unknown as PageWindow;
        w.__wpCheck?.();
        const m = w.__wpMarks;
        return m !== undefined && ((m.visible !== undefined && m.kind === k) || m.error !== undefined);
      },
      kind,
      { timeout: 120_000, polling: 50 },
    );
  } catch (error) {
    const marks = await page
      .evaluate(() => (window as unknown as PageWindow).__wpMarks)
      .catch(() => undefined);
    const at = new URL(page.url()).pathname.replace(/\/patients\/[^/]+/, '/patients/:id');
    const why = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new Error(`${kind} not visible at ${at} (marks ${JSON.stringify(marks)}): ${why}`, {
      cause: error,
    });
  }
  const marks = await page.evaluate(() => (window as unknown as PageWindow).__wpMarks);
  if (marks.error !== undefined) throw new Error(`${kind}: the page showed an error: ${marks.error}`);
  return marks;
}

/** FHIR requests seen by the page (`/fhir` and below), named without ids. */
function fhirRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname !== '/fhir' && !url.pathname.startsWith('/fhir/')) return;
    const path = url.pathname.replace(/^(\/fhir\/[A-Za-z]+)\/[^/]+/, '$1/…');
    const body = request.postData() ?? '';
    const type = url.pathname === '/fhir' ? ` (${/"type":"(\w+)"/.exec(body)?.[1] ?? 'bundle'})` : '';
    seen.push(`${request.method()} ${path}${url.search ? '?…' : ''}${type}`);
  });
  return seen;
}

/** "POST /fhir (batch) ×1, GET /fhir/metadata ×1". */
function describe(requests: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${r} ×${n}`).join(', ') || 'none';
}

async function signInAt(page: Page, appUrl: string, role: string, path: string): Promise<void> {
  await page.goto(`${appUrl}${path}`);
  await page.getByLabel('User name').fill(role);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin === appUrl && url.pathname === path.split('?')[0], {
    timeout: 120_000,
  });
}

export interface PageLoad {
  /** What is measured, e.g. "supervisor1 /supervision". */
  readonly page: string;
  /** FHIR requests of the first timed full navigation, until the network is idle after the page was visible. */
  readonly requests: number;
  readonly requestKinds: string;
  /** Navigation start → visible, per full navigation (`page.goto`), after one untimed. */
  readonly full: number[];
  /** Click → visible, per in-app navigation. */
  readonly inApp: number[];
  /** Where the in-app navigation starts and what is clicked. */
  readonly inAppFrom: string;
  /** Navigation start → the first grid row, per full navigation (Coordination only; empty elsewhere). */
  readonly firstRows?: number[];
}

/** Full navigations to `path` (one untimed, then `runs`), counting the first timed one's FHIR requests. */
async function fullNavigations(
  page: Page,
  seen: string[],
  url: string,
  kind: PageKind,
  runs: number,
): Promise<{ full: number[]; firstRows: number[]; requests: string[] }> {
  const full: number[] = [];
  const firstRows: number[] = [];
  let requests: string[] = [];
  for (let run = 0; run <= runs; run++) {
    seen.length = 0;
    await page.goto(url, { waitUntil: 'commit' });
    const marks = await visible(page, kind);
    if (run === 0) continue;
    full.push(marks.visible as number);
    if (marks.firstRow !== undefined) firstRows.push(marks.firstRow);
    if (run === 1) {
      await page.waitForLoadState('networkidle');
      requests = [...seen];
    }
  }
  return { full, firstRows, requests };
}

/** Clicks the first link matching `link` on the current page and times it to the page of `kind` visible. */
async function clickToVisible(page: Page, link: string, kind: PageKind): Promise<number> {
  await page.waitForLoadState('networkidle');
  const t0 = await page.evaluate(
    ([selector, expect]) => {
      (window as unknown as PageWindow).__wpMarks = { expect };
      const start = performance.now();
      const a = document.querySelector<HTMLElement>(selector);
      if (!a) return undefined;
      a.click();
      return start;
    },
    [link, kind] as const,
  );
  if (t0 === undefined) throw new Error(`no link ${link} to click`);
  const marks = await visible(page, kind);
  return (marks.visible as number) - t0;
}

// ---- the workspaces ---------------------------------------------------------------------------------------

/** A workspace home: full navigations, then in-app navigations from `from` by clicking `link`. */
export async function measureWorkspace(
  browser: Browser,
  appUrl: string,
  role: string,
  home: { path: string; kind: PageKind; from: string; link: string; linkText: string },
  runs: number,
): Promise<PageLoad> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addInitScript(PAGE_SCRIPT);
    const page = await context.newPage();
    const seen = fhirRequests(page);
    await signInAt(page, appUrl, role, home.path);
    const { full, firstRows, requests } = await fullNavigations(
      page,
      seen,
      `${appUrl}${home.path}`,
      home.kind,
      runs,
    );
    const inApp: number[] = [];
    for (let run = 0; run < runs; run++) {
      await page.goto(`${appUrl}${home.from}`);
      await page.locator(home.link).first().waitFor({ timeout: 60_000 });
      await page.waitForLoadState('networkidle'); // settled, preloads done: as the caseload's in-app figure
      inApp.push(await clickToVisible(page, home.link, home.kind));
    }
    return {
      page: `${role} ${home.path}`,
      requests: requests.length,
      requestKinds: describe(requests),
      full,
      inApp,
      inAppFrom: `${home.linkText} from ${home.from}`,
      firstRows,
    };
  } finally {
    await context.close();
  }
}

// ---- the patient chart and the notes editor ----------------------------------------------------------------

/** A draft save as the SPA sent it: replayed over HTTP for the autosave round trip. */
export interface SavedDraft {
  /** `QuestionnaireResponse/<id>`. */
  readonly path: string;
  readonly body: string;
}

export interface ChartRender {
  /** The chart's accessible name. */
  readonly label: string;
  /** Rows of the chart's own table alternative (one per day with a point). */
  readonly points: number;
  /** Chart.js construction through its first draw, per full navigation. */
  readonly ms: number[];
}

export interface ChartAndNotes {
  readonly chart: PageLoad;
  readonly newNote: PageLoad;
  readonly reopen: PageLoad;
  /** Blur of the edited field → "Saved" in the status line (the SPA's own save), per edit. */
  readonly blurToSaved: number[];
  /** The same saves: request start → response end in Chromium (Resource Timing, through serve-dist). */
  readonly savePut: number[];
  readonly diary: { cells: number; writes: number; writeKinds: string; days: number; answers: number };
  readonly drafts: { thought: SavedDraft; diary: SavedDraft };
  readonly render: ChartRender;
}

function countAnswers(item: unknown): number {
  if (!item || typeof item !== 'object') return 0;
  let n = 0;
  const o = item as { answer?: unknown[]; item?: unknown[] };
  for (const a of o.answer ?? []) n += 1 + countAnswers(a);
  for (const i of o.item ?? []) n += countAnswers(i);
  return n;
}

/** Waits for the next PUT of a QuestionnaireResponse and returns it as a draft save. */
function nextDraftPut(page: Page): Promise<{ draft: SavedDraft; ms: Promise<number> }> {
  return page
    .waitForRequest((r) => r.method() === 'PUT' && /\/fhir\/QuestionnaireResponse\/[^/?]+$/.test(r.url()), {
      timeout: 60_000,
    })
    .then((request) => ({
      draft: {
        path: new URL(request.url()).pathname.replace(/^\/fhir\//, ''),
        body: request.postData() ?? '',
      },
      ms: request.response().then(async (response) => {
        await response?.finished();
        const t = request.timing();
        return t.responseEnd - t.requestStart;
      }),
    }));
}

/**
 * counselor1 on one patient: the chart (full navigations; in-app from a note's "Back to the chart"), new notes and
 * reopened drafts to the first control enabled, autosave after an edit, the diary card with every cell filled;
 * then `extend()` (the bench writes a long daily series) and the chart once more per run with `?range=all`,
 * timing Chart.js on the chart named `renderLabel`.
 */
export async function measureChartAndNotes(
  browser: Browser,
  appUrl: string,
  role: string,
  patientId: string,
  options: { runs: number; saves: number; extend: () => Promise<void>; renderLabel: string },
): Promise<ChartAndNotes> {
  const { runs } = options;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addInitScript(PAGE_SCRIPT);
    const page = await context.newPage();
    const seen = fhirRequests(page);
    const chartPath = `/patients/${patientId}`;
    await signInAt(page, appUrl, role, chartPath);

    // The chart: full navigations.
    const chartFull = await fullNavigations(page, seen, `${appUrl}${chartPath}`, 'chart', runs);

    // New notes: /notes/new creates the draft and replaces itself with the note's URL.
    const newFull: number[] = [];
    let newRequests: string[] = [];
    let noteUrl = '';
    for (let run = 0; run <= runs; run++) {
      seen.length = 0;
      await page.goto(`${appUrl}${chartPath}/notes/new?template=cbt-thought-record`, { waitUntil: 'commit' });
      const marks = await visible(page, 'editor');
      noteUrl = page.url();
      if (run === 0) continue;
      newFull.push(marks.visible as number);
      if (run === 1) {
        await page.waitForLoadState('networkidle');
        newRequests = [...seen];
      }
    }
    // Reopening a draft at its URL.
    const reopenFull = await fullNavigations(page, seen, noteUrl, 'editor', runs);

    // Autosave: type into the first text field, then move focus away (a blur saves at once).
    const blurToSaved: number[] = [];
    const savePut: number[] = [];
    let thought: SavedDraft | undefined;
    await page.waitForLoadState('networkidle');
    const field = page.locator('wp-note-form textarea').first();
    for (let i = 0; i < options.saves; i++) {
      await field.click();
      await page.keyboard.type(i === 0 ? 'Payday, walking past the old spot' : ` ${i}`);
      const put = nextDraftPut(page);
      const t0 = await page.evaluate(() => {
        (window as unknown as PageWindow).__wpSave = {};
        const start = performance.now();
        (document.activeElement as HTMLElement | null)?.blur();
        return start;
      });
      const { draft, ms } = await put;
      thought = draft;
      savePut.push(await ms);
      await saveEnded(page, 20);
      const save = await page.evaluate(() => (window as unknown as PageWindow).__wpSave);
      if (save.failed) throw new Error(`autosave: ${save.failed}`);
      blurToSaved.push((save.saved as number) - t0);
    }

    // In-app: "Back to the chart" from the note, then the chart's "New note" menu → "Thought record".
    const chartInApp: number[] = [];
    const newInApp: number[] = [];
    let newInAppError: string | undefined;
    for (let run = 0; run < runs; run++) {
      await page.goto(noteUrl);
      await visible(page, 'editor');
      await page.waitForLoadState('networkidle'); // settled, preloads done: as the caseload's in-app figure
      chartInApp.push(await clickToVisible(page, `a.back[href="${chartPath}"]`, 'chart'));
      if (newInAppError) continue;
      try {
        await page.getByRole('button', { name: 'New note', exact: true }).first().click();
        const item = 'a[href*="/notes/new?template=cbt-thought-record"]';
        await page.locator(item).first().waitFor({ timeout: 30_000 });
        newInApp.push(await clickToVisible(page, item, 'editor'));
      } catch (error) {
        // The other figures stand without this one.
        newInAppError = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      }
    }

    // The diary card: every cell of the week grid filled at once, then the one save (the 5 s debounce).
    seen.length = 0;
    await page.goto(`${appUrl}${chartPath}/notes/new?template=dbt-diary-card`, { waitUntil: 'commit' });
    await visible(page, 'editor');
    await page.locator('wp-week-grid').first().waitFor();
    await page.waitForLoadState('networkidle');
    seen.length = 0;
    const diaryPut = nextDraftPut(page);
    const cells = await page.evaluate(() => {
      (window as unknown as PageWindow).__wpSave = {};
      const inputs = Array.from(document.querySelectorAll<HTMLInputElement>('wp-week-grid input'));
      let filled = 0;
      for (const input of inputs) {
        if (input.type === 'checkbox') {
          if (!input.checked) input.click();
          filled++;
          continue;
        }
        if (input.type === 'number') input.value = '3';
        else if (input.type === 'text') input.value = 'none';
        else continue;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        filled++;
      }
      return filled;
    });
    const diary = (await diaryPut).draft;
    await saveEnded(page, 50);
    await page.waitForLoadState('networkidle');
    const writes = seen.filter((r) => !r.startsWith('GET '));
    const parsed = JSON.parse(diary.body) as { item?: { linkId?: string; item?: { linkId?: string }[] }[] };
    const days =
      parsed.item?.find((i) => i.linkId === 'diary-card')?.item?.filter((i) => i.linkId === 'diary.day')
        .length ?? 0;

    // A long series: Chart.js on the chart named renderLabel, per full navigation with the whole range.
    await options.extend();
    const ms: number[] = [];
    let points = 0;
    for (let run = 0; run <= runs; run++) {
      await page.goto(`${appUrl}${chartPath}?range=all`, { waitUntil: 'commit' });
      await visible(page, 'chart');
      const built = await page.evaluate((label) => {
        const w = window as unknown as PageWindow;
        const records = w.__wpCharts.filter((r) => r.label === label && r.end !== undefined);
        const last = records.at(-1);
        const table = last?.canvas.closest('wp-chart')?.querySelectorAll('table tbody tr').length ?? 0;
        return last ? { ms: (last.end as number) - last.start, points: table } : undefined;
      }, options.renderLabel);
      if (!built) throw new Error(`no chart "${options.renderLabel}" on the chart`);
      points = built.points;
      if (run > 0) ms.push(built.ms);
    }
    const render: ChartRender = { label: options.renderLabel, points, ms };

    if (!thought) throw new Error('no autosave seen');
    return {
      chart: {
        page: `${role} ${chartPath.replace(patientId, ':id')}`,
        requests: chartFull.requests.length,
        requestKinds: describe(chartFull.requests),
        full: chartFull.full,
        inApp: chartInApp,
        inAppFrom: '"Back to the chart" from a note',
      },
      newNote: {
        page: `${role} ${chartPath.replace(patientId, ':id')}/notes/new (thought record)`,
        requests: newRequests.length,
        requestKinds: describe(newRequests),
        full: newFull,
        inApp: newInApp,
        inAppFrom: newInAppError
          ? `not measured: ${newInAppError}`
          : 'the chart\'s "New note" menu, its "CBT thought record" item',
      },
      reopen: {
        page: `${role} ${chartPath.replace(patientId, ':id')}/notes/:noteId (a draft)`,
        requests: reopenFull.requests.length,
        requestKinds: describe(reopenFull.requests),
        full: reopenFull.full,
        inApp: [],
        inAppFrom: '',
      },
      blurToSaved,
      savePut,
      diary: {
        cells,
        writes: writes.length,
        writeKinds: describe(writes),
        days,
        answers: countAnswers(parsed),
      },
      drafts: { thought, diary },
      render,
    };
  } finally {
    await context.close();
  }
}

/// <reference lib="dom" />
// bench:views in Chromium: the production build behind serve-dist, a real sign-in, then the time from navigation
// start of /caseload (and from a nav-link click) to the first grid row and to the row count.
import type { Browser, Page } from '@playwright/test';

import { DEMO_PASSWORD } from './views-client';

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

export interface Marks {
  firstRow?: number;
  allRows?: number;
  count?: number;
  error?: string;
}

export interface NavFigures {
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

export /** Signs `role` in, then times `runs` full navigations (after one untimed) and `runs` in-app navigations. */
async function measureNavigation(
  browser: Browser,
  appUrl: string,
  role: string,
  runs: number,
): Promise<NavFigures> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addInitScript(MARKS_SCRIPT);
    const page = await context.newPage();
    await page.goto(`${appUrl}/caseload`);
    await page.getByLabel('User name').fill(role);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await readMarks(page); // back on /caseload after the callback: not timed
    const fullFirstRow: number[] = [];
    const fullAllRows: number[] = [];
    let first: Marks = {};
    for (let run = 0; run <= runs; run++) {
      // A full navigation: the document, the app boots, restores the session and loads the caseload.
      await page.goto(`${appUrl}/caseload`, { waitUntil: 'commit' });
      const marks = await readMarks(page);
      if (run === 0) first = marks;
      else {
        fullFirstRow.push(marks.firstRow as number);
        fullAllRows.push(marks.allRows as number);
      }
    }
    const appFirstRow: number[] = [];
    const appAllRows: number[] = [];
    for (let run = 0; run < runs; run++) {
      await page.goto(`${appUrl}/audit`);
      await page.getByRole('link', { name: 'My caseload', exact: true }).waitFor({ timeout: 60_000 });
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

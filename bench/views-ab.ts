// bench:ab — the same pages on two production builds, in the same minutes, on one server: machine speed drifts
// 20–40 % between runs on a shared VM, so a change to the SPA is judged against the build before it, alternating.
//   npm run bench:ab -- --before DIR --after DIR [--patients 240] [--rounds 2] [--runs 5]
// DIR = a production build's browser folder (`npx ng build --output-path /tmp/x` → /tmp/x/browser). Both are
// served in turn by scripts/serve-dist.mjs through a symlinked folder, in front of one embedded FHIR server.
import { mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { chromium } from '@playwright/test';

import { measureNavigation } from './views-browser';
import { measureWorkspace } from './views-pages';
import { installCleanup, startStack } from './views-stack';

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    after: { type: 'string' },
    patients: { type: 'string', default: '240' },
    rounds: { type: 'string', default: '2' },
    runs: { type: 'string', default: '5' },
  },
});
if (!values.before || !values.after) {
  console.error('usage: npm run bench:ab -- --before DIR --after DIR [--patients N] [--rounds N] [--runs N]');
  process.exit(2);
}
const builds = { before: resolve(values.before), after: resolve(values.after) } as const;
const runs = Number(values.runs);
const rounds = Number(values.rounds);

installCleanup();
const linkDir = mkdtempSync(join(tmpdir(), 'waypoint-bench-ab-'));
const link = join(linkDir, 'browser');
function serve(build: keyof typeof builds): void {
  try {
    unlinkSync(link);
  } catch {
    // first time: nothing to replace
  }
  symlinkSync(builds[build], link);
}
serve('after');
const stack = await startStack(Number(values.patients), { fhir: 8780, app: 8781 }, [8780, 8781], link);
const browser = await chromium.launch({
  executablePath: process.env['CHROME_BIN'] ?? '/usr/bin/chromium',
});
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (x: number) => `${Math.round(x).toLocaleString('en-US')} ms`;
const homes = [
  [
    'coordinator1',
    {
      path: '/coordination',
      kind: 'coordination',
      from: '/coordination/tasks',
      link: 'a[href="/coordination"]',
      linkText: 'tab "Adherence"',
    },
  ],
  [
    'supervisor1',
    {
      path: '/supervision',
      kind: 'supervision',
      from: '/audit',
      link: 'a[href="/supervision"]',
      linkText: 'nav link "Supervision"',
    },
  ],
] as const;

try {
  console.log(
    `## bench:ab — ${new Date().toISOString()}, ${values.patients} demo patients, medians of ${runs}`,
  );
  console.log(`before: ${builds.before}  \nafter: ${builds.after}\n`);
  console.log(
    '| round | build | /coordination full / in-app | /supervision full / in-app | /caseload (counselor1) full / in-app |',
  );
  console.log('|---|---|---|---|---|');
  for (let round = 1; round <= rounds; round++) {
    for (const build of ['before', 'after'] as const) {
      serve(build);
      const cells: string[] = [];
      for (const [role, home] of homes) {
        const page = await measureWorkspace(browser, stack.appUrl, role, home, runs);
        cells.push(`${ms(median(page.full))} / ${ms(median(page.inApp))}`);
      }
      const caseload = await measureNavigation(browser, stack.appUrl, 'counselor1', runs);
      cells.push(`${ms(median(caseload.fullFirstRow))} / ${ms(median(caseload.appFirstRow))}`);
      console.log(`| ${round} | ${build} | ${cells.join(' | ')} |`);
    }
  }
} finally {
  await browser.close();
  await stack.stopServers();
  stack.removeDir();
  rmSync(linkDir, { recursive: true, force: true });
}

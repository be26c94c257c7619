// `npm test`: lint, Karma unit tests, server tests, clinical tests, then end-to-end tests, in that
// order, stopping at the first failure. Prints each runner's summary and one closing line
// "N passed, M failed" for all runners together (the form CI reads).
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

import { browserMissingMessage, findBrowser } from './browser.mjs';

const browser = findBrowser();
if (!browser) {
  console.error(`\n${browserMissingMessage()}\n`);
  process.exit(1);
}
process.env.CHROME_BIN = browser;

const PLAYWRIGHT_JSON = 'test-results/playwright-summary.json';

/** Each step: the command, and how to read passed/failed counts from its output. */
const steps = [
  { name: 'lint', command: 'npm', args: ['run', '--silent', 'lint'], counts: () => null },
  { name: 'unit (Karma)', command: 'npm', args: ['run', '--silent', 'test:unit'], counts: karmaCounts },
  { name: 'server', command: 'npm', args: ['run', '--silent', 'test:server'], counts: nodeTestCounts },
  { name: 'clinical', command: 'npm', args: ['run', '--silent', 'test:clinical'], counts: nodeTestCounts },
  {
    name: 'e2e (Playwright)',
    command: 'npm',
    args: ['run', '--silent', 'test:e2e'],
    counts: playwrightCounts,
  },
];

/** Terminal colour codes (ESC [ … m), which Karma writes even into a pipe. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function karmaCounts(output) {
  // Karma's progress reporter: "Executed 138 of 138 SUCCESS" or "Executed 138 of 138 (2 FAILED)".
  const plain = output.replace(ANSI_COLOUR, '');
  const last = [
    ...plain.matchAll(/Executed (\d+) of (\d+)(?: \((\d+) FAILED\))?(?: \(skipped (\d+)\))?/g),
  ].at(-1);
  if (!last) return null;
  const executed = Number(last[1]);
  const failed = Number(last[3] ?? 0);
  return { passed: executed - failed, failed };
}

function nodeTestCounts(output) {
  // node:test's spec reporter ends with "ℹ pass N" / "ℹ fail N" (TAP: "# pass N").
  const pass = [...output.matchAll(/^(?:ℹ|#) pass (\d+)/gm)].at(-1)?.[1];
  const fail = [...output.matchAll(/^(?:ℹ|#) fail (\d+)/gm)].at(-1)?.[1];
  return pass === undefined ? null : { passed: Number(pass), failed: Number(fail ?? 0) };
}

function playwrightCounts() {
  try {
    const { stats } = JSON.parse(readFileSync(PLAYWRIGHT_JSON, 'utf8'));
    return { passed: stats.expected + stats.flaky, failed: stats.unexpected };
  } catch {
    return null;
  }
}

function run(step) {
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    const tee = (stream, target) =>
      stream.on('data', (chunk) => {
        output += chunk;
        target.write(chunk);
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

rmSync(PLAYWRIGHT_JSON, { force: true });
const summary = [];
let exitCode = 0;
for (const step of steps) {
  console.log(`\n=== ${step.name} ===\n`);
  const started = Date.now();
  const { code, output } = await run(step);
  const counts = step.counts(output);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  summary.push({ name: step.name, code, counts, seconds });
  if (code !== 0) {
    exitCode = code;
    break;
  }
}

console.log('\n=== summary ===');
let passed = 0;
let failed = 0;
for (const { name, code, counts, seconds } of summary) {
  const detail = counts ? `${counts.passed} passed, ${counts.failed} failed` : code === 0 ? 'ok' : 'FAILED';
  console.log(`${name.padEnd(18)} ${detail}  (${seconds} s)${code !== 0 ? `  exit ${code}` : ''}`);
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
  } else if (code !== 0) {
    failed += 1;
  }
}
const skipped = steps.slice(summary.length).map((s) => s.name);
if (skipped.length) console.log(`not run after the failure: ${skipped.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode);

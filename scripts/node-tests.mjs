// Runs the node:test suites of one part of the repository (server, clinical or bench), one file per
// process, each through scripts/run-ts.mjs (tsx in-process, no Node flags), in a stable order.
// Ends with the totals over all files in node:test's own summary form ("ℹ pass N" / "ℹ fail M"),
// which scripts/test.mjs reads.
// Usage: node scripts/node-tests.mjs <folder> [name filter]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const [folder, filter] = process.argv.slice(2);
if (!folder) {
  console.error('usage: node scripts/node-tests.mjs <folder> [name filter]');
  process.exit(2);
}

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules') return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = find(folder)
  .filter((f) => !filter || f.includes(filter))
  .map((f) => relative(process.cwd(), f))
  .sort();
if (files.length === 0) {
  console.error(`no *.test.ts files under ${folder}${filter ? ` matching ${filter}` : ''}`);
  process.exit(1);
}

const runTs = fileURLToPath(new URL('./run-ts.mjs', import.meta.url));

/** Runs one test file; resolves with its exit code and its own pass/fail counts. */
function runFile(file) {
  return new Promise((resolve) => {
    // node:test writes TAP when stdout is not a terminal; the counts come from its "# pass N" lines.
    // Every reuse of a resource's stored JSON is checked against a fresh serialization (server/src/store/stored-json.ts).
    const env = { ...process.env, WAYPOINT_VERIFY_STORED_JSON: '1' };
    const child = spawn(process.execPath, [runTs, file], { stdio: ['ignore', 'pipe', 'inherit'], env });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code, signal) => {
      const count = (name) =>
        Number([...output.matchAll(new RegExp(`^# ${name} (\\d+)`, 'gm'))].at(-1)?.[1] ?? 0);
      resolve({ code: code ?? (signal ? 1 : 0), pass: count('pass'), fail: count('fail') });
    });
  });
}

let pass = 0;
let fail = 0;
const failedFiles = [];
const started = Date.now();
for (const file of files) {
  console.log(`\n# file: ${file}`);
  const result = await runFile(file);
  pass += result.pass;
  fail += result.fail;
  if (result.code !== 0) {
    failedFiles.push(file);
    // A file that crashed before reporting still counts as a failure.
    if (result.fail === 0) fail += 1;
  }
}
console.log('');
if (failedFiles.length > 0) console.log(`failed files:\n${failedFiles.map((f) => `  ${f}`).join('\n')}`);
console.log(`ℹ files ${files.length}`);
console.log(`ℹ pass ${pass}`);
console.log(`ℹ fail ${fail}`);
console.log(`ℹ duration_ms ${Date.now() - started}`);
process.exit(failedFiles.length > 0 ? 1 : 0);

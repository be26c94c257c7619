// Runs the node:test suites of one part of the repository (server, clinical or bench) with tsx.
// Node 20's --test does not expand globs, so the files are found here and passed explicitly.
// Usage: node scripts/node-tests.mjs <folder> [name filter]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

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

// @medplum/core 5 touches the global WebSocket at import; Node 20 has it only behind this flag.
const args = ['--experimental-websocket', '--import', 'tsx', '--test', '--test-concurrency=1', ...files];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);

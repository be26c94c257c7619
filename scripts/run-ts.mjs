// Runs a TypeScript entry point in this very process, with no Node flags:
//   node scripts/run-ts.mjs <file.ts> [args…]
// It registers tsx's loader, installs the globals the server's libraries expect where this Node lacks
// them (server/src/runtime), then imports the file. The file sees its own path as process.argv[1] and
// its arguments from process.argv[2], as if it had been started directly. One process: a signal sent
// to it (Ctrl-C, SIGKILL in the crash tests) reaches the program itself.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { register } from 'tsx/esm/api';

const [entry] = process.argv.splice(2, 1);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <file.ts> [args…]');
  process.exit(2);
}
register();
await import('../server/src/runtime/websocket-global.ts');
const file = resolve(entry);
process.argv[1] = file;
await import(pathToFileURL(file).href);

// `npm start`: the embedded FHIR server (seeding the demo clinic on first start) and the Angular
// dev server with proxy.conf.json, together. One Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FHIR_PORT = process.env.PORT ?? '8080';
const APP_PORT = process.env.APP_PORT ?? '4200';
const appUrl = `http://localhost:${APP_PORT}/`;
const children = [];

function start(name, command, args, env = {}) {
  const child = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`\n${name} stopped (${signal ?? `exit ${code}`}); stopping the rest.`);
    stop(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on('exit', r))))).then(
    () => process.exit(code),
  );
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitForServer() {
  const url = `http://127.0.0.1:${FHIR_PORT}/fhir/metadata`;
  for (;;) {
    if (stopping) return false;
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      // not up yet (first start seeds the demo clinic first)
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

start(
  'FHIR server',
  process.execPath,
  [fileURLToPath(new URL('./run-ts.mjs', import.meta.url)), 'server/src/main.ts'],
  {
    PORT: FHIR_PORT,
    WAYPOINT_PUBLIC_URL: process.env.WAYPOINT_PUBLIC_URL ?? `http://localhost:${APP_PORT}`,
  },
);
if (await waitForServer()) {
  // The CLI's own entry point, not `npx ng`: a signal then reaches the dev server itself.
  const ng = fileURLToPath(import.meta.resolve('@angular/cli/bin/ng.js'));
  start('Angular dev server', process.execPath, [
    ng,
    'serve',
    '--port',
    APP_PORT,
    '--proxy-config',
    'proxy.conf.json',
  ]);
  console.log(
    `\n  Waypoint: open ${appUrl}  (FHIR server on http://127.0.0.1:${FHIR_PORT}/fhir; Ctrl-C stops both)\n`,
  );
}

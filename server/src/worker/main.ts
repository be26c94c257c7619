/**
 * `npm run worker -- --server URL [options]`: the clinical deriver against any FHIR R4 server, over HTTP.
 *   --server URL         FHIR base (required unless --print-jwk)
 *   --key PATH           private JWK of the SMART Backend Services client (default data/waypoint-cli.jwk.json)
 *   --client-id ID       client id (default waypoint-cli); with WAYPOINT_CLIENT_SECRET set, a client secret
 *                        is used instead of the key (client_secret_basic)
 *   --scope SCOPES       default system/*.cruds
 *   --no-auth            send no token (an open test server)
 *   --poll-seconds N     seconds between polls for changes (default 15)
 *   --subscribe URL      public URL of this worker: create rest-hook Subscriptions and listen on its port
 *   --listen-host HOST   interface the Subscription listener binds (default all)
 *   --once               derive every patient once, then exit (cron, tests)
 *   --print-jwk          print the client's public key as a JWKS (to register the client; creates the key
 *                        file when it does not exist), then exit
 * Logs (stderr) carry counts and durations only.
 */
import { parseArgs } from 'node:util';

import { loadOrCreateCliKey, publicJwk } from '../auth/keys';
import { CLI_CLIENT_ID } from '../auth/system-token';
import { FhirHttpError } from './fhir-client';
import { DeriverWorker, describe } from './worker';

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    key: { type: 'string', default: 'data/waypoint-cli.jwk.json' },
    'client-id': { type: 'string', default: CLI_CLIENT_ID },
    scope: { type: 'string', default: 'system/*.cruds' },
    'no-auth': { type: 'boolean', default: false },
    'poll-seconds': { type: 'string', default: '15' },
    subscribe: { type: 'string' },
    'listen-host': { type: 'string' },
    once: { type: 'boolean', default: false },
    'print-jwk': { type: 'boolean', default: false },
  },
});

if (values['print-jwk']) {
  // The key is created (mode 0600) when the file does not exist yet: a worker for a server other than the
  // embedded one has no key until then.
  const key = await loadOrCreateCliKey(values.key);
  console.log(JSON.stringify({ keys: [{ ...publicJwk(key), use: 'sig' }] }, null, 2));
  process.exit(0);
}

if (!values.server) {
  console.error('worker: --server <FHIR base URL> is required (e.g. --server http://127.0.0.1:8080/fhir)');
  process.exit(2);
}
const pollSeconds = Number(values['poll-seconds']);
if (!Number.isFinite(pollSeconds) || pollSeconds <= 0) {
  console.error('worker: --poll-seconds must be a positive number');
  process.exit(2);
}

const clientSecret = process.env['WAYPOINT_CLIENT_SECRET'];
const worker = new DeriverWorker({
  server: values.server,
  auth: values['no-auth']
    ? 'none'
    : {
        scope: values.scope,
        clientId: values['client-id'],
        ...(clientSecret ? { clientSecret } : { keyPath: values.key }),
      },
  pollSeconds,
  ...(values.subscribe ? { subscribe: values.subscribe } : {}),
  ...(values['listen-host'] ? { listenHost: values['listen-host'] } : {}),
  log: (line) => console.error(`worker: ${line}`),
});

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.error(`worker: ${signal}, stopping`);
  void worker.stop().then(() => process.exit(0));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

try {
  if (values.once) {
    const report = await worker.sweep();
    await worker.stop();
    process.exitCode = report.failed > 0 ? 1 : 0;
  } else {
    await worker.run();
  }
} catch (err) {
  // A FHIR failure is named by operation and status (its text may quote data); others (token, key) in full.
  console.error(
    `worker: ${err instanceof FhirHttpError ? describe(err) : ((err as Error | undefined)?.message ?? String(err))}`,
  );
  await worker.stop().catch(() => undefined);
  process.exitCode = 1;
}

// npm run fhir:import -- <files or folders…> [--server URL]
// Loads FHIR JSON (transaction/batch Bundles, single resources) into a FHIR server through its REST API.
// The server defaults to $FHIR_BASE, else the local embedded server at http://127.0.0.1:8080/fhir.
// Authorization: --token or $FHIR_TOKEN when given; otherwise, when the local server's `waypoint-cli`
// key exists (next to $WAYPOINT_DB, default data/), a SMART Backend Services system token, renewed as
// it nears expiry. A server without authorization needs neither.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { systemTokenHeaders } from '../auth/system-token';
import { formatSummary, importFhir } from './fhir-import';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    server: { type: 'string' },
    concurrency: { type: 'string' },
    token: { type: 'string' },
    key: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || positionals.length === 0) {
  process.stderr.write(
    'usage: npm run fhir:import -- <files or folders…> [--server URL] [--concurrency N] [--token T | --key JWK]\n' +
      '  default server: $FHIR_BASE or http://127.0.0.1:8080/fhir\n' +
      '  bearer token: --token or $FHIR_TOKEN; else a system token signed with --key\n' +
      '  (default: waypoint-cli.jwk.json next to $WAYPOINT_DB, i.e. data/)\n',
  );
  process.exit(values.help ? 0 : 2);
}

const server = values.server ?? process.env['FHIR_BASE'] ?? 'http://127.0.0.1:8080/fhir';
const token = values.token ?? process.env['FHIR_TOKEN'];
const keyPath = resolve(
  values.key ?? resolve(dirname(process.env['WAYPOINT_DB'] ?? 'data/waypoint.db'), 'waypoint-cli.jwk.json'),
);
const headers = token
  ? () => ({ authorization: `Bearer ${token}` })
  : existsSync(keyPath)
    ? systemTokenHeaders({ baseUrl: server, scope: 'system/*.cruds', keyPath })
    : undefined;
const tty = process.stderr.isTTY;
process.stderr.write(
  `Importing into ${server}${token ? ' (given token)' : headers ? ' (system token, waypoint-cli)' : ''}\n`,
);

const summary = await importFhir(positionals, {
  server,
  headers,
  concurrency: values.concurrency ? Number.parseInt(values.concurrency, 10) : undefined,
  onProgress: ({ done, total, resources, failures }) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files, ${resources} resources`;
    const line = failures ? `${bar}, ${failures} failures` : bar;
    process.stderr.write(tty ? `\r${line}` : `${line}\n`);
  },
});
if (tty) {
  process.stderr.write('\n');
}
process.stdout.write(formatSummary(summary) + '\n');
process.exit(summary.failures.length > 0 ? 1 : 0);

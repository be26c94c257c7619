// npm run fhir:import -- <files or folders…> [--server URL]
// Loads FHIR JSON (transaction/batch Bundles, single resources) into a FHIR server through its REST API.
// The server defaults to $FHIR_BASE, else the local embedded server at http://127.0.0.1:8080/fhir.
// A bearer token (--token or $FHIR_TOKEN, e.g. from `npm run -s fhir:token -- --scope 'system/*.cruds'`)
// is sent with every request.
import { parseArgs } from 'node:util';

import { formatSummary, importFhir } from './fhir-import';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    server: { type: 'string' },
    concurrency: { type: 'string' },
    token: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || positionals.length === 0) {
  process.stderr.write(
    'usage: npm run fhir:import -- <files or folders…> [--server URL] [--concurrency N]\n' +
      '  default server: $FHIR_BASE or http://127.0.0.1:8080/fhir; bearer token: --token or $FHIR_TOKEN\n',
  );
  process.exit(values.help ? 0 : 2);
}

const server = values.server ?? process.env['FHIR_BASE'] ?? 'http://127.0.0.1:8080/fhir';
const token = values.token ?? process.env['FHIR_TOKEN'];
const tty = process.stderr.isTTY;
process.stderr.write(`Importing into ${server}\n`);

const summary = await importFhir(positionals, {
  server,
  headers: token ? () => ({ authorization: `Bearer ${token}` }) : undefined,
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

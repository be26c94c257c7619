/**
 * `npm run fhir:token -- --scope 'system/*.rs' [--base http://127.0.0.1:8080/fhir] [--key data/waypoint-cli.jwk.json]`
 * prints a short-lived system access token (SMART Backend Services, client `waypoint-cli`), e.g.
 *   curl -H "Authorization: Bearer $(npm run -s fhir:token -- --scope 'system/*.rs')" http://127.0.0.1:8080/fhir/Patient
 */
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

import { getSystemToken } from './system-token';

const { values } = parseArgs({
  options: {
    scope: { type: 'string', default: 'system/*.rs' },
    base: { type: 'string' },
    key: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const baseUrl =
  values.base ?? process.env['WAYPOINT_FHIR_URL'] ?? `http://127.0.0.1:${process.env['PORT'] ?? '8080'}/fhir`;
const dbPath = process.env['WAYPOINT_DB'] ?? 'data/waypoint.db';
const keyPath = values.key ?? join(dirname(dbPath), 'waypoint-cli.jwk.json');

try {
  const token = await getSystemToken({ baseUrl, scope: values.scope, keyPath });
  if (values.json) {
    console.log(JSON.stringify(token, null, 2));
  } else {
    console.log(token.accessToken);
    console.error(`# ${token.scope} · expires in ${token.expiresIn} s`);
  }
} catch (err) {
  console.error(`fhir:token: ${(err as Error).message}`);
  process.exitCode = 1;
}

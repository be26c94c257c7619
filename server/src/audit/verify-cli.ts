/**
 * `npm run audit:verify [-- --db path/to/waypoint.db]`: walks the audit trail's hash chain.
 * Exit 0 when intact; exit 1 naming the first bad row when a row was edited, inserted or deleted;
 * exit 2 when the database cannot be opened.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

import Database from 'better-sqlite3';

import { verifyAuditChain } from './audit-log';

const { values } = parseArgs({ options: { db: { type: 'string' } } });
const path = values.db ?? process.env['WAYPOINT_DB'] ?? 'data/waypoint.db';
if (!existsSync(path)) {
  console.error(`audit:verify: no database at ${path} (set WAYPOINT_DB or pass --db)`);
  process.exit(2);
}
const db = new Database(path, { readonly: true, fileMustExist: true });
try {
  const verdict = verifyAuditChain(db);
  if (verdict.ok) {
    console.log(`audit trail intact: ${verdict.rows} event(s) in ${path}`);
  } else {
    const id = verdict.id ? ` (AuditEvent/${verdict.id})` : '';
    console.error(`audit trail BROKEN at row ${verdict.seq}${id}: ${verdict.reason}`);
    process.exitCode = 1;
  }
} finally {
  db.close();
}

// The WAL is checkpointed by the worker thread (server/src/store/wal-checkpointer.ts), not by the COMMIT of a
// request: with automatic checkpoints off on the writing connection, the WAL stays bounded while much more than
// its size is written, and it keeps every committed row.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';

import Database from 'better-sqlite3';

import { WalCheckpointer } from '../../src/store/wal-checkpointer';

const dir = mkdtempSync(join(tmpdir(), 'waypoint-wal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const walSize = (path: string): number => statSync(`${path}-wal`).size;

test('the worker checkpoints a WAL the writer never checkpoints itself, and close() stops it', async () => {
  const path = join(dir, 'w.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const batch = db.transaction(() => {
    for (let i = 0; i < 20; i++) insert.run(Buffer.alloc(10_000, i));
  });
  const checkpointer = new WalCheckpointer(path, { intervalMs: 5, thresholdBytes: 256 * 1024 });

  // About 8 MB in 40 transactions of 200 KB; without a checkpoint the WAL would hold all of it.
  let written = 0;
  for (let round = 0; round < 40; round++) {
    batch();
    written += 200_000;
    // Give the worker its turn while the writer works on (what a server between two requests does).
    await delay(10);
  }
  assert.ok(walSize(path) < written / 2, `WAL ${walSize(path)} B after ${written} B written`);
  assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 800);

  await checkpointer.close();
  await checkpointer.close(); // again: resolves at once
  db.close();
  const reopened = new Database(path, { readonly: true });
  assert.equal((reopened.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 800);
  reopened.close();
});

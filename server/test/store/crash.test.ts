import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { RUN_TS } from '../support/run-ts';
import { matchIds, openStore, snapshot } from './store-fixtures';

const dir = mkdtempSync(join(tmpdir(), 'waypoint-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('kill -9 in the middle of a transaction: nothing half-written, nothing committed lost', async () => {
  const path = join(dir, 'crash.db');
  const child = spawn(
    process.execPath,
    [RUN_TS, fileURLToPath(new URL('./crash-child.ts', import.meta.url)), path, '500'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('in-transaction')) {
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`child exited early: ${out}`)));
  });
  assert.ok(existsSync(path + '-wal'), 'the database runs in WAL mode');
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');

  const repo = openStore(path);
  try {
    const counts = snapshot(repo);
    assert.equal(counts['resources'], 500);
    assert.equal(counts['history'], 500);
    const integrity = repo.database.pragma('integrity_check', { simple: true });
    assert.equal(integrity, 'ok');
    // No index row points to a resource that does not exist, and nothing of the transaction is searchable.
    for (const table of ['idx_token', 'idx_ref', 'idx_date', 'idx_string', 'idx_uri']) {
      const orphans = repo.database
        .prepare(
          `SELECT COUNT(*) AS n FROM ${table} x WHERE NOT EXISTS (SELECT 1 FROM resources r WHERE r.rid = x.rid)`,
        )
        .get() as { n: number };
      assert.equal(orphans.n, 0, table);
    }
    assert.equal((await matchIds(repo, 'Patient?gender=male&_count=1')).length, 0);
    assert.equal((await matchIds(repo, 'Patient?gender=other&_count=1')).length, 0);
    assert.equal(
      (
        await repo.search({
          resourceType: 'Patient',
          filters: [{ code: 'gender', operator: 'eq', value: 'female' }],
          total: 'accurate',
          count: 0,
        })
      ).total,
      500,
    );
    // And the store still takes writes.
    await repo.createResource({ resourceType: 'Patient', gender: 'male' });
    assert.equal((await matchIds(repo, 'Patient?gender=male')).length, 1);
  } finally {
    await repo.close();
  }
});

test('reindex() rebuilds the search index from the stored resources', async () => {
  const path = join(dir, 'reindex.db');
  const repo = openStore(path);
  await repo.bulkLoad([
    { resourceType: 'Patient', id: 'r1', name: [{ family: 'Reindex' }] },
    {
      resourceType: 'Observation',
      id: 'o1',
      status: 'final',
      code: { text: 'x' },
      subject: { reference: 'Patient/r1' },
    },
  ]);
  const before = snapshot(repo);
  repo.database.exec('DELETE FROM idx_string; DELETE FROM idx_ref');
  assert.deepEqual(await matchIds(repo, 'Patient?name=reindex'), []);
  assert.equal(await repo.reindex(), 2);
  assert.deepEqual(snapshot(repo), before);
  assert.deepEqual(await matchIds(repo, 'Observation?subject.name=reindex'), ['o1']);
  // A database whose index rows come from another index version is rebuilt when opened.
  repo.database.exec(
    "UPDATE store_meta SET value = 'old' WHERE key = 'index_version'; DELETE FROM idx_token",
  );
  await repo.close();
  const reopened = openStore(path);
  try {
    assert.deepEqual(snapshot(reopened), before);
  } finally {
    await reopened.close();
  }
});

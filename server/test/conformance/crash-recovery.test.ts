// kill -9 in the middle of a FHIR transaction over HTTP: after a restart nothing of that transaction is
// there, everything committed before it is, and the database is consistent.
import assert from 'node:assert/strict';
import type { ChildProcessByStdio } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { test } from 'node:test';

import type { Bundle, BundleEntry, Patient } from '@medplum/fhirtypes';

import { initFhirDefinitions } from '../../src/store/definitions';
import { SqliteRepository } from '../../src/store/sqlite-repository';
import { RUN_TS } from '../support/run-ts';
import { FhirTestClient, startTestServer } from '../support/test-server';

const TAG = 'http://example.org/tags';

function waitForLine(
  child: ChildProcessByStdio<null, Readable, Readable>,
  pattern: RegExp,
): Promise<RegExpMatchArray> {
  return new Promise((done, fail) => {
    let buffer = '';
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString();
      const match = pattern.exec(buffer);
      if (match) {
        child.stdout.off('data', onData);
        done(match);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => fail(new Error(`child exited (${code}) before ${pattern}`)));
  });
}

function taggedPatients(count: number, code: string): Bundle {
  const entry: BundleEntry[] = Array.from({ length: count }, (_, i) => ({
    resource: {
      resourceType: 'Patient',
      meta: { tag: [{ system: TAG, code }] },
      name: [{ family: `${code}${i}` }],
    },
    request: { method: 'POST', url: 'Patient' },
  }));
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

test('SIGKILL mid-transaction: after restart the transaction is absent, committed data intact', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'waypoint-crash-'));
  const dbPath = join(dir, 'waypoint.db');
  const child = spawn(
    process.execPath,
    [RUN_TS, resolve(import.meta.dirname, 'fixtures/crash-server.ts'), dbPath],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const [, port] = await waitForLine(child, /LISTENING (\d+)/);
    const client = new FhirTestClient(`http://127.0.0.1:${port}/fhir`);
    const committed = await client.create<Patient>({
      resourceType: 'Patient',
      name: [{ family: 'Committed' }],
    });
    const updated = await client.put<Patient>(`Patient/${committed.id}`, { ...committed, gender: 'female' });
    assert.equal(updated.status, 200);
    const small = await client.post<Bundle>('', taggedPatients(3, 'small'));
    assert.equal(small.status, 200);

    const midTransaction = waitForLine(child, /MID_TRANSACTION/);
    const doomed = client.post('', taggedPatients(20, 'doomed')).catch((err: Error) => err);
    await midTransaction;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
    assert.ok((await doomed) instanceof Error, 'the client saw the connection die');
  } finally {
    child.kill('SIGKILL');
  }

  initFhirDefinitions();
  const repository = new SqliteRepository(dbPath, { validate: false });
  const server = await startTestServer(repository, { rateLimit: false });
  try {
    assert.deepEqual(repository.database.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
    const count = async (query: string): Promise<number> =>
      (await server.client.get<Bundle>(`${query}&_summary=count`)).body.total as number;
    assert.equal(await count(`Patient?_tag=${TAG}|doomed`), 0, 'nothing of the killed transaction');
    assert.equal(await count(`Patient?_tag=${TAG}|small`), 3, 'the committed transaction');
    const committed = await server.client.get<Bundle<Patient>>('Patient?family=committed');
    const patient = committed.body.entry?.[0].resource;
    assert.equal(patient?.gender, 'female', 'the committed update');
    const history = await server.client.get<Bundle>(`Patient/${patient?.id}/_history`);
    assert.equal(history.body.entry?.length, 2);
    const rows = repository.database.prepare('SELECT COUNT(*) AS n FROM resources').get() as { n: number };
    assert.equal(rows.n, 4, 'no stray rows');
    assert.equal(
      (await server.client.post('Patient', { resourceType: 'Patient' })).status,
      201,
      'writable again',
    );
  } finally {
    await server.close();
    await repository.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

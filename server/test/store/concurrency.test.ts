import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { OperationOutcomeError } from '@medplum/core';
import type { Bundle, Patient } from '@medplum/fhirtypes';

import type { SqliteRepository } from '../../src/store/sqlite-repository';
import { openStore, send } from './store-fixtures';

/** A promise with its resolve function, to hold a transaction open across awaits. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('SqliteRepository concurrency', () => {
  let repo: SqliteRepository;

  before(() => {
    repo = openStore();
  });

  after(() => repo.close());

  test('two clients updating the same version: exactly one 200, one 412', async () => {
    const p = await repo.createResource<Patient>({ resourceType: 'Patient' });
    const put = (gender: Patient['gender']) =>
      send(repo, 'PUT', `Patient/${p.id}`, { ...p, gender }, { 'if-match': 'W/"1"' });
    const statuses = (await Promise.all([put('male'), put('female')])).map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 412]);
    assert.equal((await repo.readResource('Patient', p.id)).meta?.versionId, '2');
  });

  test('concurrent conditional creates with the same criteria create one resource', async () => {
    const body = { resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value: 'RACE-1' }] };
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        send(repo, 'POST', 'Patient', body, { 'if-none-exist': 'identifier=urn:mrn|RACE-1' }),
      ),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 200, 200, 201]);
    assert.equal(new Set(results.map((r) => r.resource?.id)).size, 1);
  });

  test('two concurrent transactions with the same If-Match: one commits, the other fails whole', async () => {
    const p = await repo.createResource<Patient>({ resourceType: 'Patient' });
    const tx = (family: string): Bundle => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: { resourceType: 'Patient', name: [{ family }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: { ...p, name: [{ family }] },
          request: { method: 'PUT', url: `Patient/${p.id}`, ifMatch: 'W/"1"' },
        },
      ],
    });
    const results = await Promise.all([
      send(repo, 'POST', '', tx('Alpha')),
      send(repo, 'POST', '', tx('Beta')),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 412]);
    const winner = results.find((r) => r.status === 200);
    const family = ((winner?.resource as Bundle).entry?.[0]?.resource as Patient).name?.[0]?.family as string;
    const loser = family === 'Alpha' ? 'Beta' : 'Alpha';
    assert.equal(
      (
        await repo.searchResources({
          resourceType: 'Patient',
          filters: [{ code: 'name', operator: 'eq', value: loser }],
        })
      ).length,
      0,
    );
    assert.equal((await repo.readResource<Patient>('Patient', p.id)).name?.[0]?.family, family);
  });

  test('an open transaction is invisible to other requests, and its rollback does not undo theirs', async () => {
    const hold = gate();
    const entered = gate();
    const txDone = repo
      .withTransaction(
        async (tx) => {
          await tx.createResource({ resourceType: 'Patient', id: 'in-tx' }, { assignedId: true });
          entered.open();
          await hold.promise;
          throw new OperationOutcomeError({
            resourceType: 'OperationOutcome',
            issue: [{ severity: 'error', code: 'exception' }],
          });
        },
        { resourceTypes: ['Patient'] },
      )
      .catch((err: unknown) => err);
    await entered.promise;

    // While the transaction is open: a read and a write from other requests must wait.
    let readSettled = false;
    const read = repo.readResource('Patient', 'in-tx').then(
      () => 'found',
      (err: OperationOutcomeError) => err.outcome.id,
    );
    void read.finally(() => {
      readSettled = true;
    });
    const write = repo.createResource({ resourceType: 'Patient', id: 'outside' }, { assignedId: true });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(readSettled, false, 'a read must not observe an open transaction');

    hold.open(); // the transaction now fails and rolls back
    assert.ok((await txDone) instanceof OperationOutcomeError);
    assert.equal(await read, 'not-found');
    await write;
    assert.equal((await repo.readResource('Patient', 'outside')).id, 'outside');
    await assert.rejects(repo.readResource('Patient', 'in-tx'));
  });

  test('nested transactions are savepoints: an inner failure rolls back only the inner work', async () => {
    await repo.withTransaction(
      async (tx) => {
        await tx.createResource({ resourceType: 'Patient', id: 'outer' }, { assignedId: true });
        await tx
          .withTransaction(
            async (inner) => {
              await inner.createResource({ resourceType: 'Patient', id: 'inner' }, { assignedId: true });
              throw new Error('inner fails');
            },
            { resourceTypes: ['Patient'] },
          )
          .catch(() => undefined);
      },
      { resourceTypes: ['Patient'] },
    );
    assert.equal((await repo.readResource('Patient', 'outer')).id, 'outer');
    await assert.rejects(repo.readResource('Patient', 'inner'));
  });

  test('many concurrent creates and searches interleave safely', async () => {
    const work = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? send(repo, 'POST', 'Patient', { resourceType: 'Patient', name: [{ family: `Conc${i}` }] })
        : send(repo, 'GET', 'Patient?name=conc'),
    );
    const results = await Promise.all(work);
    assert.ok(results.every((r) => r.status === 200 || r.status === 201));
    const all = await repo.searchResources({
      resourceType: 'Patient',
      filters: [{ code: 'name', operator: 'eq', value: 'conc' }],
      count: 100,
    });
    assert.equal(all.length, 20);
  });
});

test('exclusive() writes wait for an open FHIR transaction and survive its rollback', async () => {
  const repo = openStore();
  repo.database.exec('CREATE TABLE audit (msg TEXT)');
  const hold = gate();
  const entered = gate();
  const tx = repo
    .withTransaction(
      async (txRepo) => {
        await txRepo.createResource({ resourceType: 'Patient' });
        entered.open();
        await hold.promise;
        throw new Error('roll back');
      },
      { resourceTypes: ['Patient'] },
    )
    .catch(() => 'rolled back');
  await entered.promise;
  const audit = repo.exclusive((db) => db.prepare('INSERT INTO audit VALUES (?)').run('read Patient'));
  hold.open();
  assert.equal(await tx, 'rolled back');
  await audit;
  assert.deepEqual(repo.database.prepare('SELECT msg FROM audit').all(), [{ msg: 'read Patient' }]);
  await repo.close();
});

test('a reader queued between two transactions never sees the second one half-done', async () => {
  const repo = openStore();
  const first = gate();
  const firstEntered = gate();
  const second = gate();
  const t1 = repo.withTransaction(
    async () => {
      firstEntered.open();
      await first.promise;
    },
    { resourceTypes: ['Patient'] },
  );
  await firstEntered.promise;
  const read = repo.search({ resourceType: 'Patient', total: 'accurate', count: 0 }).then((b) => b.total);
  const t2 = repo.withTransaction(
    async (tx) => {
      await tx.createResource({ resourceType: 'Patient' });
      await second.promise;
      throw new Error('roll back');
    },
    { resourceTypes: ['Patient'] },
  );
  first.open();
  await t1;
  second.open();
  await assert.rejects(t2);
  // The read ran either before the second transaction began or after it rolled back: never in between.
  assert.equal(await read, 0);
  await repo.close();
});

// An audit event recorded while another request's FHIR transaction is open must survive that
// transaction's rollback: audit writes wait for the store's exclusive() instead of joining it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Patient } from '@medplum/fhirtypes';

import { authAuditEvent } from '../../src/audit/audit-events';
import { AuditLog, verifyAuditChain } from '../../src/audit/audit-log';
import { initFhirDefinitions } from '../../src/store/definitions';
import { SqliteRepository } from '../../src/store/sqlite-repository';

initFhirDefinitions();

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function auditDuringRolledBackTransaction(
  serialized: boolean,
): Promise<{ events: number; patients: number }> {
  const repo = new SqliteRepository(':memory:', { validate: false });
  const log = new AuditLog(repo.database, serialized ? (write) => repo.exclusive(write) : undefined);
  const inside = deferred();
  const release = deferred();

  const transaction = repo
    .withTransaction(async (tx) => {
      await tx.createResource<Patient>({ resourceType: 'Patient', name: [{ family: 'Rollback' }] });
      inside.resolve();
      await release.promise; // the transaction stays open across this await
      throw new Error('entry 3 is invalid');
    })
    .catch(() => undefined);

  await inside.promise;
  const recorded = log.record(
    authAuditEvent({ kind: 'login-failed', actor: { kind: 'anonymous', username: 'x' } }),
  );
  release.resolve();
  await transaction;
  await recorded;

  const events = log.search().total;
  const patients = (await repo.search({ resourceType: 'Patient' })).entry?.length ?? 0;
  assert.equal(verifyAuditChain(repo.database).ok, true, 'the chain stays intact');
  await repo.close();
  return { events, patients };
}

test('an audit event recorded during a FHIR transaction that rolls back is kept', async () => {
  const { events, patients } = await auditDuringRolledBackTransaction(true);
  assert.equal(patients, 0, 'the transaction rolled back');
  assert.equal(events, 1, 'the audit event survived it');
});

test('without serialization the same event would be rolled back with the transaction', async () => {
  // Documents why serialization is needed: writing on the shared connection joins the open transaction.
  const { events } = await auditDuringRolledBackTransaction(false);
  assert.equal(events, 0);
});

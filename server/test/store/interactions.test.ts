import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';

import type { SqliteRepository } from '../../src/store/sqlite-repository';
import { matchIds, openStore, send, snapshot } from './store-fixtures';

describe('SqliteRepository interactions through FhirRouter', () => {
  let repo: SqliteRepository;

  before(() => {
    repo = openStore();
  });

  after(() => repo.close());

  test('create assigns id, versionId and lastUpdated, ignoring client meta and id', async () => {
    const res = await send(repo, 'POST', 'Patient', {
      resourceType: 'Patient',
      id: 'client-chosen',
      meta: { versionId: '99', lastUpdated: '2001-01-01T00:00:00Z' },
      name: [{ family: 'Lee' }],
    });
    assert.equal(res.status, 201);
    const p = res.resource as Patient;
    assert.match(p.id as string, /^[0-9a-f-]{36}$/);
    assert.equal(p.meta?.versionId, '1');
    assert.ok(Date.now() - Date.parse(p.meta?.lastUpdated as string) < 60_000);
  });

  test('read, update, vread, history, delete → 410, and history keeps the delete', async () => {
    const created = (await send(repo, 'POST', 'Patient', { resourceType: 'Patient', gender: 'male' }))
      .resource as Patient;
    const id = created.id as string;
    const updated = await send(repo, 'PUT', `Patient/${id}`, { ...created, gender: 'female' });
    assert.equal(updated.status, 200);
    assert.equal(updated.resource?.meta?.versionId, '2');
    assert.equal(((await send(repo, 'GET', `Patient/${id}`)).resource as Patient).gender, 'female');
    assert.equal(((await send(repo, 'GET', `Patient/${id}/_history/1`)).resource as Patient).gender, 'male');
    assert.equal((await send(repo, 'GET', `Patient/${id}/_history/7`)).status, 404);

    assert.equal((await send(repo, 'DELETE', `Patient/${id}`)).status, 200);
    assert.equal((await send(repo, 'GET', `Patient/${id}`)).status, 410);
    assert.equal((await send(repo, 'GET', `Patient/${id}/_history/3`)).status, 410);
    assert.equal((await send(repo, 'GET', `Patient/${id}/_history/2`)).status, 200);
    assert.deepEqual(await matchIds(repo, `Patient?_id=${id}`), []);

    const history = (await send(repo, 'GET', `Patient/${id}/_history`)).resource as Bundle;
    assert.equal(history.type, 'history');
    assert.equal(history.total, 3);
    assert.deepEqual(
      history.entry?.map((e) => [e.request?.method, e.response?.status, e.resource?.meta?.versionId]),
      [
        ['DELETE', '410 Gone', undefined],
        ['PUT', '200 OK', '2'],
        ['POST', '201 Created', '1'],
      ],
    );
    assert.equal((await send(repo, 'GET', 'Patient/does-not-exist')).status, 404);
    assert.equal((await send(repo, 'DELETE', 'Patient/does-not-exist')).status, 404);
  });

  test('type history lists every version of the type, newest first', async () => {
    const a = await repo.createResource({ resourceType: 'Device', status: 'active' });
    await repo.updateResource({ ...a, status: 'inactive' });
    const b = await repo.createResource({ resourceType: 'Device', status: 'active' });
    const history = await repo.readTypeHistory('Device');
    assert.equal(history.total, 3);
    assert.deepEqual(
      history.entry?.map((e) => `${e.resource?.id}@${e.resource?.meta?.versionId}`),
      [`${b.id}@1`, `${a.id}@2`, `${a.id}@1`],
    );
  });

  test('update with a client id creates the resource (create-on-update)', async () => {
    const res = await send(repo, 'PUT', 'Patient/pt-client-1', {
      resourceType: 'Patient',
      id: 'pt-client-1',
    });
    assert.equal(res.status, 200);
    assert.equal(res.resource?.id, 'pt-client-1');
    assert.equal(res.resource?.meta?.versionId, '1');
  });

  test('If-Match: the current version succeeds, a stale one is 412', async () => {
    const p = (await send(repo, 'POST', 'Patient', { resourceType: 'Patient' })).resource as Patient;
    const ok = await send(repo, 'PUT', `Patient/${p.id}`, { ...p, active: true }, { 'if-match': 'W/"1"' });
    assert.equal(ok.status, 200);
    const stale = await send(
      repo,
      'PUT',
      `Patient/${p.id}`,
      { ...p, active: false },
      { 'if-match': 'W/"1"' },
    );
    assert.equal(stale.status, 412);
    assert.equal(
      (await send(repo, 'DELETE', `Patient/${p.id}`, undefined, { 'if-match': 'W/"1"' })).status,
      412,
    );
    assert.equal((await repo.readResource<Patient>('Patient', p.id as string)).active, true);
  });

  test('JSON Patch creates a new version and honours If-Match', async () => {
    const p = (await send(repo, 'POST', 'Patient', { resourceType: 'Patient', gender: 'male' }))
      .resource as Patient;
    const patched = await send(repo, 'PATCH', `Patient/${p.id}`, [
      { op: 'replace', path: '/gender', value: 'other' },
    ]);
    assert.equal(patched.status, 200);
    assert.equal((patched.resource as Patient).gender, 'other');
    assert.equal(patched.resource?.meta?.versionId, '2');
    const stale = await send(repo, 'PATCH', `Patient/${p.id}`, [{ op: 'remove', path: '/gender' }], {
      'if-match': 'W/"1"',
    });
    assert.equal(stale.status, 412);
    const bad = await send(repo, 'PATCH', `Patient/${p.id}`, [{ op: 'replace', path: '/gender', value: 42 }]);
    assert.equal(bad.status, 400);
    assert.equal((await repo.readResource<Patient>('Patient', p.id as string)).gender, 'other');
  });

  test('conditional create returns the same resource twice', async () => {
    const body = { resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value: 'C-1' }] };
    const first = await send(repo, 'POST', 'Patient', body, { 'if-none-exist': 'identifier=urn:mrn|C-1' });
    const second = await send(repo, 'POST', 'Patient', body, { 'if-none-exist': 'identifier=urn:mrn|C-1' });
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.equal(second.resource?.id, first.resource?.id);
  });

  test('invalid resources are rejected with 400 naming the element', async () => {
    const res = await send(repo, 'POST', 'Observation', { resourceType: 'Observation', status: 'final' });
    assert.equal(res.status, 400);
    assert.deepEqual(res.outcome.issue[0]?.expression, ['Observation.code']);
  });

  test('a transaction is all or nothing: an invalid 3rd entry leaves the database exactly as before', async () => {
    const before = snapshot(repo);
    const res = await send(repo, 'POST', '', transaction({ resourceType: 'Observation', status: 'final' }));
    assert.equal(res.status, 400);
    assert.deepEqual(snapshot(repo), before);
    const ok = await send(
      repo,
      'POST',
      '',
      transaction({ resourceType: 'Observation', status: 'final', code: { text: 'y' } }),
    );
    assert.equal(ok.status, 200);
    const entries = (ok.resource as Bundle).entry ?? [];
    assert.deepEqual(
      entries.map((e) => e.response?.status),
      ['201', '201', '201'],
    );
    const patientId = entries[0]?.resource?.id;
    const obs = entries[1]?.resource as Observation;
    assert.equal(obs.subject?.reference, `Patient/${patientId}`); // urn:uuid rewritten
    assert.deepEqual(await matchIds(repo, `Observation?subject=Patient/${patientId}`), [obs.id]);
  });
});

function transaction(third: object): Bundle {
  const urn = 'urn:uuid:0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: urn,
        resource: { resourceType: 'Patient', name: [{ family: 'Tx' }] },
        request: { method: 'POST', url: 'Patient' },
      },
      {
        resource: {
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'x' },
          subject: { reference: urn },
        },
        request: { method: 'POST', url: 'Observation' },
      },
      { resource: third as Observation, request: { method: 'POST', url: 'Observation' } },
    ],
  };
}

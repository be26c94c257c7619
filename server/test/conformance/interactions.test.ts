// Instance interactions as a FHIR client uses them: headers, versions, history, delete, conditional
// create/update, If-Match, JSON Patch and Prefer.
import assert from 'node:assert/strict';

import type { Bundle, Patient } from '@medplum/fhirtypes';

import { conformance } from '../support/conformance';

const patient: Patient = { resourceType: 'Patient', name: [{ family: 'Rivera' }], birthDate: '1985-03-04' };

conformance(
  'create answers 201 with Location, ETag and Last-Modified; read returns the same',
  async (server) => {
    const created = await server.client.post<Patient>('Patient', patient);
    assert.equal(created.status, 201);
    const { id, meta } = created.body;
    assert.ok(id && meta?.versionId && meta.lastUpdated);
    assert.equal(
      created.headers.get('location'),
      `${server.baseUrl}/Patient/${id}/_history/${meta.versionId}`,
    );
    assert.equal(created.headers.get('etag'), `W/"${meta.versionId}"`);
    assert.equal(created.headers.get('last-modified'), new Date(meta.lastUpdated).toUTCString());
    assert.match(created.headers.get('content-type') ?? '', /^application\/fhir\+json/);

    const read = await server.client.get<Patient>(`Patient/${id}`);
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('etag'), `W/"${meta.versionId}"`);
    assert.deepEqual(read.body, created.body);
    const notModified = await server.client.get(`Patient/${id}`, {
      'if-none-match': `W/"${meta.versionId}"`,
    });
    assert.equal(notModified.status, 304);
  },
);

conformance(
  'the server assigns id, versionId and lastUpdated, ignoring the client values',
  async (server) => {
    const created = await server.client.post<Patient>('Patient', {
      ...patient,
      id: 'client-chosen',
      meta: { versionId: '42', lastUpdated: '2001-01-01T00:00:00Z' },
    });
    assert.equal(created.status, 201);
    assert.notEqual(created.body.id, 'client-chosen');
    assert.notEqual(created.body.meta?.versionId, '42');
    assert.notEqual(created.body.meta?.lastUpdated, '2001-01-01T00:00:00Z');
  },
  { memoryDiffers: 'create keeps the client-supplied id' },
);

conformance('update creates a new version; vread returns each version', async (server) => {
  const v1 = (await server.client.post<Patient>('Patient', patient)).body;
  const v2 = await server.client.put<Patient>(`Patient/${v1.id}`, { ...v1, gender: 'female' });
  assert.equal(v2.status, 200);
  assert.notEqual(v2.body.meta?.versionId, v1.meta?.versionId);
  assert.equal(v2.headers.get('etag'), `W/"${v2.body.meta?.versionId}"`);
  const old = await server.client.get<Patient>(`Patient/${v1.id}/_history/${v1.meta?.versionId}`);
  assert.equal(old.status, 200);
  assert.equal(old.body.gender, undefined);
  const current = await server.client.get<Patient>(`Patient/${v1.id}`);
  assert.equal(current.body.gender, 'female');
});

conformance('update with a client id creates the resource (update as create)', async (server) => {
  const response = await server.client.put<Patient>('Patient/cdc-example-1', {
    ...patient,
    id: 'cdc-example-1',
  });
  assert.ok(response.status === 200 || response.status === 201, String(response.status));
  const read = await server.client.get<Patient>('Patient/cdc-example-1');
  assert.equal(read.status, 200);
  assert.equal(read.body.id, 'cdc-example-1');
});

conformance('If-Match with a stale version answers 412 and changes nothing', async (server) => {
  const v1 = (await server.client.post<Patient>('Patient', patient)).body;
  const v2 = await server.client.put<Patient>(
    `Patient/${v1.id}`,
    { ...v1, gender: 'male' },
    {
      'if-match': `W/"${v1.meta?.versionId}"`,
    },
  );
  assert.equal(v2.status, 200);
  const stale = await server.client.put(
    `Patient/${v1.id}`,
    { ...v1, gender: 'female' },
    {
      'if-match': `W/"${v1.meta?.versionId}"`,
    },
  );
  assert.equal(stale.status, 412);
  assert.equal(stale.body.resourceType, 'OperationOutcome');
  assert.equal((await server.client.get<Patient>(`Patient/${v1.id}`)).body.gender, 'male');
});

conformance(
  'history after update and delete keeps every version; read after delete is 410 Gone',
  async (server) => {
    const v1 = (await server.client.post<Patient>('Patient', patient)).body;
    await server.client.put(`Patient/${v1.id}`, { ...v1, gender: 'other' });
    const deleted = await server.client.delete(`Patient/${v1.id}`);
    assert.ok(deleted.status === 200 || deleted.status === 204);
    const read = await server.client.get(`Patient/${v1.id}`);
    assert.equal(read.status, 410);
    assert.equal(read.body.resourceType, 'OperationOutcome');
    const history = await server.client.get<Bundle<Patient>>(`Patient/${v1.id}/_history`);
    assert.equal(history.status, 200);
    assert.equal(history.body.type, 'history');
    const entries = history.body.entry ?? [];
    assert.equal(entries.length, 3, 'create, update, delete');
    assert.equal(entries[0].request?.method, 'DELETE', 'newest first');
    assert.equal(entries[1].resource?.gender, 'other');
    assert.equal(entries[2].resource?.gender, undefined);
    const search = await server.client.get<Bundle>(`Patient?_id=${v1.id}`);
    assert.equal(search.body.entry?.filter((e) => e.search?.mode === 'match').length ?? 0, 0);
  },
  { memoryDiffers: 'read after delete is 404 and history drops the delete' },
);

conformance(
  'type history lists versions of every resource of the type',
  async (server) => {
    const a = (await server.client.post<Patient>('Patient', patient)).body;
    await server.client.put(`Patient/${a.id}`, { ...a, gender: 'male' });
    await server.client.post('Patient', patient);
    const history = await server.client.get<Bundle>('Patient/_history');
    assert.equal(history.status, 200);
    assert.equal(history.body.type, 'history');
    assert.equal(history.body.entry?.length, 3);
  },
  { memoryDiffers: 'no type-level history' },
);

conformance('conditional create (If-None-Exist) returns the same resource twice', async (server) => {
  const body = { ...patient, identifier: [{ system: 'http://example.org/mrn', value: 'X-1' }] };
  const headers = { 'if-none-exist': 'identifier=http://example.org/mrn|X-1' };
  const first = await server.client.post<Patient>('Patient', body, headers);
  assert.equal(first.status, 201);
  const second = await server.client.post<Patient>('Patient', body, headers);
  assert.equal(second.status, 200);
  assert.equal(second.body.id, first.body.id);
  const all = await server.client.get<Bundle>('Patient?identifier=http://example.org/mrn|X-1');
  assert.equal(all.body.entry?.filter((e) => e.search?.mode === 'match').length, 1);
});

conformance('conditional update: creates when nothing matches, updates the single match', async (server) => {
  const body = { ...patient, identifier: [{ system: 'http://example.org/mrn', value: 'U-1' }] };
  const created = await server.client.put<Patient>('Patient?identifier=http://example.org/mrn|U-1', body);
  assert.equal(created.status, 201);
  const updated = await server.client.put<Patient>('Patient?identifier=http://example.org/mrn|U-1', {
    ...body,
    gender: 'male',
  });
  assert.equal(updated.status, 200);
  assert.equal(updated.body.id, created.body.id);
  assert.equal(updated.body.gender, 'male');
});

conformance('JSON Patch applies and validates the result', async (server) => {
  const v1 = (await server.client.post<Patient>('Patient', patient)).body;
  const ok = await server.client.request<Patient>(
    'PATCH',
    `Patient/${v1.id}`,
    [{ op: 'add', path: '/gender', value: 'female' }],
    { 'content-type': 'application/json-patch+json' },
  );
  assert.equal(ok.status, 200);
  assert.equal(ok.body.gender, 'female');
  assert.notEqual(ok.body.meta?.versionId, v1.meta?.versionId);
  const invalid = await server.client.request(
    'PATCH',
    `Patient/${v1.id}`,
    [{ op: 'replace', path: '/birthDate', value: 'yesterday' }],
    { 'content-type': 'application/json-patch+json' },
  );
  assert.equal(invalid.status, 400);
  assert.deepEqual(invalid.body.issue[0].expression, ['Patient.birthDate']);
  assert.equal((await server.client.get<Patient>(`Patient/${v1.id}`)).body.birthDate, '1985-03-04');
});

conformance('Prefer: return=minimal and return=OperationOutcome', async (server) => {
  const minimal = await fetch(`${server.baseUrl}/Patient`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal' },
    body: JSON.stringify(patient),
  });
  assert.equal(minimal.status, 201);
  assert.equal(await minimal.text(), '');
  assert.ok(minimal.headers.get('location'));
  const outcome = await server.client.post('Patient', patient, { prefer: 'return=OperationOutcome' });
  assert.equal(outcome.status, 201);
  assert.equal(outcome.body.resourceType, 'OperationOutcome');
  assert.ok(outcome.headers.get('location'));
});

conformance(
  'validation failure: 400 with the bad element in issue.expression, nothing stored',
  async (server) => {
    const response = await server.client.post('Patient', {
      resourceType: 'Patient',
      birthDate: '03/04/1985',
      foo: 1,
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.resourceType, 'OperationOutcome');
    const expressions = response.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? []);
    assert.ok(expressions.includes('Patient.birthDate'), JSON.stringify(expressions));
    const search = await server.client.get<Bundle>('Patient?_summary=count');
    assert.equal(search.body.total, 0);
  },
);

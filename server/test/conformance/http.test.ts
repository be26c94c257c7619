// The HTTP envelope: error statuses as OperationOutcomes, content types, body limit, unknown types and
// methods, the CapabilityStatement, security headers, rate limiting and logs without patient data.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';

import { MemoryRepository } from '@medplum/fhir-router';
import type { CapabilityStatement } from '@medplum/fhirtypes';

import { conformance } from '../support/conformance';
import { startTestServer } from '../support/test-server';

conformance('malformed JSON is a 400 OperationOutcome', async (server) => {
  const response = await server.client.post('Patient', '{"resourceType": "Patient", ');
  assert.equal(response.status, 400);
  assert.equal(response.body.resourceType, 'OperationOutcome');
  assert.equal(response.body.issue[0].code, 'structure');
});

conformance('application/json is accepted as well as application/fhir+json', async (server) => {
  const response = await server.client.post(
    'Patient',
    { resourceType: 'Patient' },
    { 'content-type': 'application/json' },
  );
  assert.equal(response.status, 201);
  assert.match(response.headers.get('content-type') ?? '', /^application\/fhir\+json/);
});

conformance('other content types are a 415 OperationOutcome', async (server) => {
  const response = await server.client.post('Patient', '<Patient/>', {
    'content-type': 'application/fhir+xml',
  });
  assert.equal(response.status, 415);
  assert.equal(response.body.resourceType, 'OperationOutcome');
});

conformance(
  'a body over the limit is a 413 OperationOutcome',
  async (server) => {
    const response = await server.client.post('Patient', {
      resourceType: 'Patient',
      text: {
        status: 'generated',
        div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(2048)}</div>`,
      },
    });
    assert.equal(response.status, 413);
    assert.equal(response.body.resourceType, 'OperationOutcome');
  },
  { app: { bodyLimit: 1024 } },
);

conformance('unknown resource type is a 404 OperationOutcome', async (server) => {
  for (const path of ['Foo', 'Foo/1', 'patient/1']) {
    const response = await server.client.get(path);
    assert.equal(response.status, 404, path);
    assert.equal(response.body.resourceType, 'OperationOutcome');
  }
});

conformance('a missing resource is a 404 OperationOutcome', async (server) => {
  const response = await server.client.get('Patient/does-not-exist');
  assert.equal(response.status, 404);
  assert.equal(response.body.resourceType, 'OperationOutcome');
});

conformance('an unsupported method is a 405 OperationOutcome with Allow', async (server) => {
  const onInstance = await server.client.post('Patient/123', { resourceType: 'Patient' });
  assert.equal(onInstance.status, 405);
  assert.equal(onInstance.body.resourceType, 'OperationOutcome');
  assert.match(onInstance.headers.get('allow') ?? '', /GET/);
  const onMetadata = await server.client.delete('metadata');
  assert.equal(onMetadata.status, 405);
});

conformance('a body whose type does not match the URL is a 400', async (server) => {
  const response = await server.client.post('Patient', {
    resourceType: 'Observation',
    status: 'final',
    code: {},
  });
  assert.equal(response.status, 400);
  assert.equal(response.body.resourceType, 'OperationOutcome');
});

conformance('metadata: a CapabilityStatement generated from what the store supports', async (server) => {
  const response = await server.client.get<CapabilityStatement>('metadata');
  assert.equal(response.status, 200);
  const statement = response.body;
  assert.equal(statement.resourceType, 'CapabilityStatement');
  assert.equal(statement.fhirVersion, '4.0.1');
  assert.ok(statement.format.includes('application/fhir+json'));
  const rest = statement.rest?.[0];
  assert.deepEqual(rest?.interaction?.map((i) => i.code).sort(), ['batch', 'transaction']);
  const observation = rest?.resource?.find((r) => r.type === 'Observation');
  const params = new Map(observation?.searchParam?.map((p) => [p.name, p.type]));
  assert.equal(params.get('code'), 'token');
  assert.equal(params.get('value-quantity'), 'quantity');
  assert.equal(params.get('date'), 'date');
  assert.ok(observation?.searchInclude?.includes('Observation:patient'));
  const patient = rest?.resource?.find((r) => r.type === 'Patient');
  assert.ok(patient?.searchRevInclude?.includes('Observation:patient'));
  assert.ok(patient?.interaction?.some((i) => i.code === 'vread'));
  assert.ok(statement.implementation?.url === server.baseUrl);
  // Every type the statement lists is really served.
  const types = rest?.resource?.map((r) => r.type) ?? [];
  assert.ok(types.length > 100);
  for (const type of ['QuestionnaireResponse', 'EpisodeOfCare', 'CareTeam', 'MedicationDispense']) {
    assert.ok(types.includes(type as never), type);
    const search = await server.client.get(`${type}?_count=1`);
    assert.equal(search.status, 200, type);
  }
});

conformance('type history appears in metadata only when the store supports it', async (server, store) => {
  const response = await server.client.get<CapabilityStatement>('metadata');
  const patient = response.body.rest?.[0].resource?.find((r) => r.type === 'Patient');
  const hasTypeHistory = patient?.interaction?.some((i) => i.code === 'history-type');
  assert.equal(hasTypeHistory, store === 'sqlite');
});

conformance('security headers are set on FHIR responses', async (server) => {
  const response = await server.client.get('metadata');
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(response.headers.get('x-powered-by'), null);
});

conformance(
  'rate limiting answers 429 with an OperationOutcome',
  async (server) => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await server.client.get('metadata')).status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await server.client.get('metadata');
    assert.equal(limited.body.resourceType, 'OperationOutcome');
    assert.ok(limited.headers.get('retry-after'));
  },
  { app: { rateLimit: { max: 3, loopbackMax: 3, timeWindow: 60_000 } }, only: 'sqlite' },
);

test('logs carry method, route, interaction and status, never query strings, ids or bodies', async () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const server = await startTestServer(new MemoryRepository(), {
    rateLimit: false,
    logger: { level: 'info', stream },
  });
  let id = '';
  try {
    const created = await server.client.create({
      resourceType: 'Patient',
      name: [{ family: 'Confidential' }],
    });
    id = created.id;
    await server.client.get(`Patient?family=Confidential&birthdate=1990-01-01`);
    await server.client.get(`Patient/${created.id}`);
    await server.client.post('Patient', '{"name": "Confidential", ');
  } finally {
    await server.close();
  }
  const log = lines.join('');
  assert.doesNotMatch(log, /Confidential/);
  assert.doesNotMatch(log, /1990-01-01/);
  assert.ok(id && !log.includes(id), 'no resource ids');
  const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const completed = records.filter((r) => r['msg'] === 'request completed');
  assert.equal(completed.length, 4);
  assert.deepEqual(
    completed.map((r) => [r['method'], r['interaction'], r['resourceType'], r['status']]),
    [
      ['POST', 'create', 'Patient', 201],
      ['GET', 'search-type', 'Patient', 200],
      ['GET', 'read', 'Patient', 200],
      // Refused before it reached the route (malformed JSON), the request still names what it asked for.
      ['POST', 'create', 'Patient', 400],
    ],
  );
  for (const record of completed) {
    assert.equal(typeof record['ms'], 'number');
    assert.ok(!JSON.stringify(record).includes('?'), 'no query string');
  }
});

test('an internal failure is a 500 OperationOutcome that does not leak the error text', async () => {
  class BrokenRepository extends MemoryRepository {
    override async readResource<T>(): Promise<T> {
      throw new Error('SQLITE_CORRUPT at /var/lib/waypoint/secret.db');
    }
  }
  const server = await startTestServer(new BrokenRepository(), { rateLimit: false });
  try {
    const response = await server.client.get('Patient/123');
    assert.equal(response.status, 500);
    assert.equal(response.body.resourceType, 'OperationOutcome');
    assert.doesNotMatch(JSON.stringify(response.body), /SQLITE_CORRUPT|secret/);
  } finally {
    await server.close();
  }
});

conformance(
  '_summary=true returns only the summary elements',
  async (server) => {
    await server.client.create({
      resourceType: 'Patient',
      name: [{ family: 'Summary' }],
      maritalStatus: { text: 'married' },
    });
    const response = await server.client.get('Patient?_summary=true');
    const patient = response.body.entry[0].resource;
    assert.equal(patient.name[0].family, 'Summary');
    assert.equal(patient.maritalStatus, undefined);
  },
  { memoryDiffers: '_summary=true is ignored' },
);

conformance(
  'reference :identifier matches a logical reference',
  async (server) => {
    const observation = await server.client.create({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      subject: { identifier: { system: 'http://example.org/mrn', value: 'L-1' } },
    });
    const response = await server.client.get('Observation?subject:identifier=http://example.org/mrn|L-1');
    assert.deepEqual(
      response.body.entry
        .filter((e: { search: { mode: string } }) => e.search.mode === 'match')
        .map((e: { resource: { id: string } }) => e.resource.id),
      [observation.id],
    );
  },
  { memoryDiffers: ':identifier on references is not evaluated' },
);

conformance('large responses are gzip-compressed when the client accepts it', async (server) => {
  for (let i = 0; i < 30; i++) {
    await server.client.create({
      resourceType: 'Patient',
      name: [{ family: `Compressed${i}`, given: ['Ann'] }],
    });
  }
  const gzip = await fetch(`${server.baseUrl}/Patient?_count=30`, {
    headers: { accept: 'application/fhir+json', 'accept-encoding': 'gzip' },
  });
  assert.equal(gzip.status, 200);
  assert.equal(gzip.headers.get('content-encoding'), 'gzip');
  const bundle = (await gzip.json()) as { entry?: unknown[] };
  assert.equal(bundle.entry?.length, 30, 'the body decodes to the full Bundle');

  const identity = await fetch(`${server.baseUrl}/Patient?_count=30`, {
    headers: { accept: 'application/fhir+json', 'accept-encoding': 'identity' },
  });
  assert.equal(identity.headers.get('content-encoding'), null);
});

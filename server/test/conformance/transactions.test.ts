// batch and transaction Bundles over HTTP: urn:uuid and conditional references, atomicity, concurrency.
import assert from 'node:assert/strict';

import type { Bundle, BundleEntry, Encounter, Observation, Patient } from '@medplum/fhirtypes';

import { conformance, matchIds } from '../support/conformance';
import type { TestServer } from '../support/test-server';

const NPI = 'http://hl7.org/fhir/sid/us-npi';
const TAG = 'http://example.org/tags';

function transaction(entry: BundleEntry[], type: 'transaction' | 'batch' = 'transaction'): Bundle {
  return { resourceType: 'Bundle', type, entry };
}

const observationFor = (subject: string, effectiveDateTime = '2025-01-02'): Observation =>
  ({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'craving' },
    subject: { reference: subject },
    effectiveDateTime,
  }) as Observation;

/** Everything a client can see of the given types: current versions (with versionIds) and counts. */
async function snapshot(server: TestServer, types: readonly string[]): Promise<unknown> {
  const result: Record<string, unknown> = {};
  for (const type of types) {
    const response = await server.client.get<Bundle>(`${type}?_count=1000&_sort=_id`);
    result[type] = (response.body.entry ?? [])
      .filter((e) => e.search?.mode === 'match')
      .map((e) => e.resource)
      .sort((a, b) => (a?.id ?? '').localeCompare(b?.id ?? ''));
  }
  return result;
}

conformance('transaction: urn:uuid references are rewritten to the created ids', async (server) => {
  const response = await server.client.post<Bundle>(
    '',
    transaction([
      {
        fullUrl: 'urn:uuid:2b1f3c2e-0d8a-4c50-9d3c-6a3e0c1f0a01',
        resource: { resourceType: 'Patient', name: [{ family: 'Okafor' }] },
        request: { method: 'POST', url: 'Patient' },
      },
      {
        resource: observationFor('urn:uuid:2b1f3c2e-0d8a-4c50-9d3c-6a3e0c1f0a01'),
        request: { method: 'POST', url: 'Observation' },
      },
    ]),
  );
  assert.equal(response.status, 200);
  assert.equal(response.body.type, 'transaction-response');
  const [patientEntry, observationEntry] = response.body.entry ?? [];
  assert.match(patientEntry.response?.status ?? '', /^201/);
  const patientId = patientEntry.resource?.id;
  assert.equal((observationEntry.resource as Observation).subject?.reference, `Patient/${patientId}`);
  const search = await server.client.get<Bundle>(`Observation?subject=Patient/${patientId}`);
  assert.equal(matchIds(search.body).length, 1);
});

conformance(
  'transaction: conditional references (Type?identifier=…) resolve to the one match',
  async (server) => {
    const doctor = await server.client.create({
      resourceType: 'Practitioner',
      identifier: [{ system: NPI, value: '9999912345' }],
    });
    const response = await server.client.post<Bundle>(
      '',
      transaction([
        {
          fullUrl: 'urn:uuid:6c8d7a4e-1f2b-4d3c-8e9f-0a1b2c3d4e5f',
          resource: {
            resourceType: 'Patient',
            generalPractitioner: [{ reference: `Practitioner?identifier=${NPI}|9999912345` }],
          },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: {
            resourceType: 'Encounter',
            status: 'finished',
            class: { code: 'AMB' },
            subject: { reference: 'urn:uuid:6c8d7a4e-1f2b-4d3c-8e9f-0a1b2c3d4e5f' },
            participant: [{ individual: { reference: `Practitioner?identifier=${NPI}|9999912345` } }],
          } as Encounter,
          request: { method: 'POST', url: 'Encounter' },
        },
      ]),
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const encounter = response.body.entry?.[1].resource as Encounter;
    assert.equal(encounter.participant?.[0].individual?.reference, `Practitioner/${doctor.id}`);
    const patient = response.body.entry?.[0].resource as Patient;
    assert.equal(patient.generalPractitioner?.[0].reference, `Practitioner/${doctor.id}`);
  },
);

conformance(
  'transaction: an unresolvable conditional reference fails the whole transaction',
  async (server) => {
    const response = await server.client.post(
      '',
      transaction([
        {
          resource: { resourceType: 'Patient', name: [{ family: 'Lee' }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: observationFor(`Patient?identifier=${NPI}|0000000000`),
          request: { method: 'POST', url: 'Observation' },
        },
      ]),
    );
    assert.equal(response.status, 412);
    assert.equal(response.body.resourceType, 'OperationOutcome');
    assert.match(response.body.issue[0].details.text, /matches no resource/);
    const patients = await server.client.get<Bundle>('Patient?_summary=count');
    assert.equal(patients.body.total, 0);
  },
  { memoryDiffers: 'transactions are not atomic: the first entry stays written' },
);

conformance(
  'transaction whose 3rd entry is invalid leaves the database exactly as before',
  async (server) => {
    const kept = await server.client.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Kept' }] });
    const doomed = await server.client.create<Observation>(observationFor(`Patient/${kept.id}`));
    const types = ['Patient', 'Observation'];
    const before = await snapshot(server, types);
    const historyBefore = await server.client.get<Bundle>(`Patient/${kept.id}/_history`);

    const response = await server.client.post(
      '',
      transaction([
        {
          resource: { resourceType: 'Patient', name: [{ family: 'New' }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: { ...kept, name: [{ family: 'Changed' }] },
          request: { method: 'PUT', url: `Patient/${kept.id}` },
        },
        {
          resource: observationFor(`Patient/${kept.id}`, 'tomorrow'),
          request: { method: 'POST', url: 'Observation' },
        },
        { request: { method: 'DELETE', url: `Observation/${doomed.id}` } },
      ]),
    );
    assert.equal(response.status, 400);
    assert.equal(response.body.resourceType, 'OperationOutcome');
    assert.deepEqual(await snapshot(server, types), before);
    const historyAfter = await server.client.get<Bundle>(`Patient/${kept.id}/_history`);
    assert.equal(historyAfter.body.entry?.length, historyBefore.body.entry?.length);
  },
  { memoryDiffers: 'transactions are not atomic: earlier entries stay written' },
);

conformance('batch: entries succeed or fail independently', async (server) => {
  const response = await server.client.post<Bundle>(
    '',
    transaction(
      [
        {
          resource: { resourceType: 'Patient', name: [{ family: 'Ok' }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: { resourceType: 'Patient', birthDate: 'never' } as Patient,
          request: { method: 'POST', url: 'Patient' },
        },
        { request: { method: 'GET', url: 'Patient?family=ok' } },
      ],
      'batch',
    ),
  );
  assert.equal(response.status, 200);
  assert.equal(response.body.type, 'batch-response');
  const statuses = response.body.entry?.map((e) => e.response?.status?.slice(0, 3));
  assert.deepEqual(statuses, ['201', '400', '200']);
  assert.equal(response.body.entry?.[1].response?.outcome?.resourceType, 'OperationOutcome');
});

conformance('concurrent writes to the same version: one 200, one 412', async (server) => {
  const v1 = await server.client.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Race' }] });
  const ifMatch = { 'if-match': `W/"${v1.meta?.versionId}"` };
  const results = await Promise.all(
    ['male', 'female'].map((gender) => server.client.put(`Patient/${v1.id}`, { ...v1, gender }, ifMatch)),
  );
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 412]);
  const winner = results.find((r) => r.status === 200)?.body as Patient;
  assert.equal((await server.client.get<Patient>(`Patient/${v1.id}`)).body.gender, winner.gender);
});

conformance(
  'concurrent readers never see a transaction half-written',
  async (server) => {
    const size = 150;
    const entries: BundleEntry[] = Array.from({ length: size }, (_, i) => ({
      resource: {
        resourceType: 'Patient',
        meta: { tag: [{ system: TAG, code: 'bulk' }] },
        name: [{ family: `B${i}` }],
      },
      request: { method: 'POST', url: 'Patient' },
    }));
    let done = false;
    const seen = new Set<number>();
    const writer = server.client.post('', transaction(entries)).finally(() => {
      done = true;
    });
    while (!done) {
      const count = await server.client.get<Bundle>(`Patient?_tag=${TAG}|bulk&_summary=count`);
      seen.add(count.body.total as number);
    }
    assert.equal((await writer).status, 200);
    seen.add(
      (await server.client.get<Bundle>(`Patient?_tag=${TAG}|bulk&_summary=count`)).body.total as number,
    );
    assert.deepEqual(
      [...seen].filter((n) => n !== 0 && n !== size),
      [],
      'only 0 or all',
    );
  },
  { only: 'sqlite' },
);

// Chained parameters, _has, _include/_revinclude (with :iterate) over HTTP.
import assert from 'node:assert/strict';

import type {
  Bundle,
  CareTeam,
  MedicationRequest,
  Observation,
  Patient,
  Practitioner,
} from '@medplum/fhirtypes';

import { conformance, expectMatches, matchIds } from '../support/conformance';
import type { TestServer } from '../support/test-server';

const LOINC = 'http://loinc.org';

interface Seed {
  readonly doctor: string;
  readonly smith: string;
  readonly jones: string;
  readonly heartRates: string[];
  readonly joneGlucose: string;
  readonly order: string;
}

async function seed(server: TestServer): Promise<Seed> {
  const { client } = server;
  const doctor = await client.create<Practitioner>({
    resourceType: 'Practitioner',
    name: [{ family: 'Osler' }],
  });
  const smith = await client.create<Patient>({
    resourceType: 'Patient',
    name: [{ family: 'Smith' }],
    generalPractitioner: [{ reference: `Practitioner/${doctor.id}` }],
  });
  const jones = await client.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Jones' }] });
  const observation = (patient: string, code: string): Promise<Observation & { id: string }> =>
    client.create<Observation>({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: LOINC, code }] },
      subject: { reference: `Patient/${patient}` },
    });
  const heartRates = [];
  for (let i = 0; i < 3; i++) {
    heartRates.push((await observation(smith.id, '8867-4')).id);
  }
  const joneGlucose = (await observation(jones.id, '2339-0')).id;
  const order = await client.create<MedicationRequest>({
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { text: 'buprenorphine/naloxone 8/2 mg film' },
    subject: { reference: `Patient/${smith.id}` },
  });
  return { doctor: doctor.id, smith: smith.id, jones: jones.id, heartRates, joneGlucose, order: order.id };
}

function entriesByMode(bundle: Bundle, mode: 'match' | 'include'): string[] {
  return (bundle.entry ?? [])
    .filter((e) => e.search?.mode === mode)
    .map((e) => `${e.resource?.resourceType}/${e.resource?.id}`)
    .sort();
}

conformance('chained parameter with an explicit target type', async (server) => {
  const s = await seed(server);
  await expectMatches(server, 'Observation?subject:Patient.name=smith', s.heartRates);
  await expectMatches(server, 'Observation?subject:Patient.name=nobody', []);
});

conformance('chained parameter whose target type is unambiguous', async (server) => {
  const s = await seed(server);
  await expectMatches(server, 'Observation?patient.name=jones', [s.joneGlucose]);
  await expectMatches(server, 'MedicationRequest?patient.name=smith', [s.order]);
});

conformance('an ambiguous chain is reported, and rejected under handling=strict', async (server) => {
  await seed(server);
  const strict = await server.client.get('Observation?subject.name=smith', { prefer: 'handling=strict' });
  assert.equal(strict.status, 400);
  assert.equal(strict.body.resourceType, 'OperationOutcome');
  assert.deepEqual(strict.body.issue[0].expression, ['subject.name']);
  const lenient = await server.client.get('Observation?subject.name=smith');
  assert.equal(lenient.status, 200);
  const outcome = lenient.body.entry.find((e: { search: { mode: string } }) => e.search.mode === 'outcome');
  assert.match(outcome.resource.issue[0].details.text, /several types/);
});

conformance(
  '_has (reverse chain) one level',
  async (server) => {
    const s = await seed(server);
    await expectMatches(server, `Patient?_has:Observation:patient:code=${LOINC}|8867-4`, [s.smith]);
    await expectMatches(server, `Patient?_has:Observation:patient:code=${LOINC}|2339-0`, [s.jones]);
    await expectMatches(server, `Patient?_has:Observation:patient:code=${LOINC}|0000-0`, []);
  },
  { memoryDiffers: '_has is not supported' },
);

conformance(
  'a chained parameter may be a one-level _has (one indexed filter, with a date window)',
  async (server) => {
    const s = await seed(server);
    await server.client.create<CareTeam>({
      resourceType: 'CareTeam',
      status: 'active',
      subject: { reference: `Patient/${s.smith}` },
      participant: [{ member: { reference: `Practitioner/${s.doctor}` } }],
    });
    const careOf = `_has:CareTeam:patient:participant=Practitioner/${s.doctor}`;
    await expectMatches(server, `Observation?patient.${careOf}`, s.heartRates);
    await expectMatches(server, `Observation?subject:Patient.${careOf}`, s.heartRates);
    await expectMatches(server, `MedicationRequest?patient.${careOf}&_elements=status`, [s.order]);
    await expectMatches(server, `Observation?patient.${careOf}&date=ge2999-01-01`, []);
    // Not ignored with a warning: handling=strict accepts it.
    const strict = await server.client.get(`Observation?patient.${careOf}`, { prefer: 'handling=strict' });
    assert.equal(strict.status, 200);
  },
  { memoryDiffers: '_has is not supported' },
);

conformance('_include adds the referenced resources as include entries', async (server) => {
  const s = await seed(server);
  const response = await server.client.get(`Observation?code=${LOINC}|8867-4&_include=Observation:patient`);
  assert.equal(response.status, 200);
  assert.deepEqual(
    entriesByMode(response.body, 'match'),
    s.heartRates.map((id) => `Observation/${id}`).sort(),
  );
  assert.deepEqual(entriesByMode(response.body, 'include'), [`Patient/${s.smith}`]);
});

conformance('_revinclude adds the referring resources as include entries', async (server) => {
  const s = await seed(server);
  const response = await server.client.get(`Patient?_id=${s.smith}&_revinclude=Observation:patient`);
  assert.deepEqual(entriesByMode(response.body, 'match'), [`Patient/${s.smith}`]);
  assert.deepEqual(
    entriesByMode(response.body, 'include'),
    s.heartRates.map((id) => `Observation/${id}`).sort(),
  );
});

conformance('_include:iterate follows the included resources references', async (server) => {
  const s = await seed(server);
  const response = await server.client.get(
    'MedicationRequest?_include=MedicationRequest:patient&_include:iterate=Patient:general-practitioner',
  );
  assert.deepEqual(entriesByMode(response.body, 'match'), [`MedicationRequest/${s.order}`]);
  assert.deepEqual(
    entriesByMode(response.body, 'include'),
    [`Patient/${s.smith}`, `Practitioner/${s.doctor}`].sort(),
  );
});

conformance('_count limits only the matches, not the included resources', async (server) => {
  const s = await seed(server);
  const response = await server.client.get(
    `Patient?_id=${s.smith},${s.jones}&_count=1&_revinclude=Observation:patient&_sort=name`,
  );
  assert.equal(matchIds(response.body).length, 1);
  const included = entriesByMode(response.body, 'include');
  assert.ok(included.length >= 1, 'the page match brings its observations');
  const withIncludes = await server.client.get(
    `Observation?patient=${s.smith}&_count=2&_include=Observation:patient`,
  );
  assert.equal(matchIds(withIncludes.body).length, 2);
  assert.deepEqual(entriesByMode(withIncludes.body, 'include'), [`Patient/${s.smith}`]);
});

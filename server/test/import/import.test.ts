// The importer against an in-process server (SqliteRepository, real HTTP on an ephemeral port) with the
// three third-party sample sets kept in server/test/fixtures/fhir-samples (a subset of each; its README says
// which files and why): counts by type, and references resolved after loading.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';

import type { Bundle, Encounter, Medication, Observation, Practitioner } from '@medplum/fhirtypes';

import type { ImportSummary } from '../../src/cli/fhir-import';
import { importFhir } from '../../src/cli/fhir-import';
import { initFhirDefinitions } from '../../src/store/definitions';
import { SqliteRepository } from '../../src/store/sqlite-repository';
import { RUN_TS } from '../support/run-ts';
import type { TestServer } from '../support/test-server';
import { startTestServer } from '../support/test-server';

const repoRoot = resolve(import.meta.dirname, '../../..');
const samples = resolve(import.meta.dirname, '../fixtures/fhir-samples');
const CONDITIONAL_REFS = resolve(samples, 'synthea-r4-conditional-refs/bundles');
const CDC = resolve(samples, 'hl7-cdc-opioid-cpg/examples');
const SMART = resolve(samples, 'synthea-r4-smart/bundles');
const NPI = 'http://hl7.org/fhir/sid/us-npi';

let server: TestServer;
let repository: SqliteRepository;

before(async () => {
  initFhirDefinitions();
  repository = new SqliteRepository(':memory:', { validate: false });
  server = await startTestServer(repository, { rateLimit: false });
});

after(async () => {
  await server.close();
  await repository.close();
});

function assertLoaded(summary: ImportSummary, expected: Record<string, number>): void {
  assert.deepEqual(summary.failures, []);
  assert.deepEqual(
    Object.fromEntries(Object.entries(summary.resourcesByType).sort()),
    Object.fromEntries(Object.entries(expected).sort()),
  );
}

async function total(query: string): Promise<number> {
  const response = await server.client.get<Bundle>(
    `${query}${query.includes('?') ? '&' : '?'}_summary=count`,
  );
  assert.equal(response.status, 200, query);
  return response.body.total as number;
}

test('synthea-r4-conditional-refs: provider batches first, then patients with conditional references', async () => {
  const summary = await importFhir([CONDITIONAL_REFS], { server: server.baseUrl });
  // Two patients (Bob965 Keeling57, Cecelia952 Romaguera67) and the provider batches cut down upstream to the
  // providers of the source set's three patients.
  assertLoaded(summary, {
    Observation: 94,
    Immunization: 93,
    Claim: 61,
    Encounter: 61,
    DiagnosticReport: 61,
    DocumentReference: 61,
    ExplanationOfBenefit: 61,
    Condition: 1,
    Provenance: 2,
    Patient: 2,
    Organization: 6,
    Location: 6,
    Practitioner: 6,
    PractitionerRole: 6,
  });

  // An Encounter's participant, written as Practitioner?identifier=…|<npi>, now points at the Practitioner
  // the provider batch created (and its serviceProvider at the Organization). All 61 Encounters of both
  // patients are checked.
  const encounters = await server.client.get<Bundle>(
    'Encounter?_include=Encounter:participant&_include=Encounter:service-provider&_count=100',
  );
  const matches = encounters.body.entry?.filter((e) => e.search?.mode === 'match') ?? [];
  assert.equal(matches.length, 61);
  for (const entry of matches) {
    const encounter = entry.resource as Encounter;
    for (const participant of encounter.participant ?? []) {
      assert.match(participant.individual?.reference ?? '', /^Practitioner\/[^?]+$/);
    }
    assert.match(encounter.serviceProvider?.reference ?? '', /^Organization\/[^?]+$/);
  }
  const included = (encounters.body.entry ?? [])
    .filter((e) => e.search?.mode === 'include')
    .map((e) => e.resource);
  const practitioners = included.filter((r): r is Practitioner => r?.resourceType === 'Practitioner');
  // Each patient sees two providers (two Practitioners at two Organizations), none shared between them.
  assert.equal(practitioners.length, 4, 'participants resolve to stored Practitioners');
  for (const practitioner of practitioners) {
    assert.ok(practitioner.identifier?.some((i) => i.system === NPI));
  }
  assert.equal(included.filter((r) => r?.resourceType === 'Organization').length, 4);

  // Loading the provider batches again creates no duplicates (they are conditional creates).
  const again = await importFhir(
    [resolve(CONDITIONAL_REFS, '_subset_practitionerInformation1633536936158.json')],
    {
      server: server.baseUrl,
    },
  );
  assert.deepEqual(again.failures, []);
  assert.equal(await total(`Practitioner?identifier=${NPI}|`), 6);
});

test('hl7-cdc-opioid-cpg examples: single resources PUT by id with relative references', async () => {
  const summary = await importFhir([CDC], { server: server.baseUrl });
  assertLoaded(summary, {
    Patient: 1,
    Practitioner: 1,
    Encounter: 1,
    Condition: 6,
    MedicationRequest: 17,
    Medication: 12,
    Observation: 13,
    Procedure: 3,
    CarePlan: 1,
  });
  const response = await server.client.get<Bundle>(
    'MedicationRequest?_id=buprenorphine&_include=MedicationRequest:medication&_include=MedicationRequest:patient',
  );
  const included = (response.body.entry ?? [])
    .filter((e) => e.search?.mode === 'include')
    .map((e) => e.resource);
  const medication = included.find((r) => r?.resourceType === 'Medication') as Medication | undefined;
  assert.equal(medication?.id, 'buprenorphine');
  assert.ok(medication?.code?.coding?.some((c) => c.code === '1010603'));
  assert.ok(included.some((r) => r?.resourceType === 'Patient' && r.id === 'opioid-review-indicated'));
  const screens = await server.client.get<Bundle>('Observation?patient=opioid-review-indicated&_count=100');
  assert.equal(screens.body.entry?.filter((e) => e.search?.mode === 'match').length, 13);
});

test('synthea-r4-smart: 4 patient transaction bundles and the provider bundles', async () => {
  const summary = await importFhir([SMART], { server: server.baseUrl });
  // Trenton Turner and Robby Becker (drug overdose, detox/rehab encounters), Gilberto Orosco (opioid abuse,
  // hydrocodone), Luigi Wiegand (born 2020), and the two 102-entry provider bundles.
  assertLoaded(summary, {
    Observation: 322,
    Organization: 112,
    Practitioner: 112,
    Claim: 99,
    Encounter: 95,
    ExplanationOfBenefit: 95,
    Immunization: 35,
    DiagnosticReport: 24,
    Condition: 16,
    Procedure: 15,
    Goal: 10,
    CarePlan: 9,
    Patient: 4,
    MedicationRequest: 4,
  });
  // All three sets are in one store now.
  assert.equal(await total('Patient'), 2 + 1 + 4);
  assert.equal(await total('Observation'), 94 + 13 + 322);
  // SMART shifted every date two years ahead of the May 2019 run, so records dated after the generator ran
  // (a patient born in 2020, 16 encounters from June 2019 on) load and are found by date like any other.
  const smart = '_tag=https://smarthealthit.org/tags|synthea-5-2019';
  assert.equal(await total(`Patient?${smart}`), 4);
  assert.equal(await total(`Patient?${smart}&birthdate=ge2019-06-01`), 1);
  assert.equal(await total('Patient?birthdate=2020-10-20&family=Wiegand'), 1);
  assert.equal(await total(`Encounter?${smart}&date=ge2019-06-01`), 16);
  assert.equal(
    await total('Condition?code=http://snomed.info/sct|5602001'),
    1,
    'one patient with opioid abuse',
  );
  // urn:uuid references were rewritten: the overdose patients' observations point at stored Patients.
  const overdose = await server.client.get<Bundle>(
    'Condition?code=http://snomed.info/sct|55680006&_include=Condition:patient',
  );
  const patients = overdose.body.entry?.filter((e) => e.search?.mode === 'include') ?? [];
  assert.equal(patients.length, 2, 'two patients with drug overdose');
  assert.equal(await total('Encounter?type=http://snomed.info/sct|56876005'), 6, 'detox/rehab encounters');
  const observation = await server.client.get<Bundle>(
    `Observation?patient=${patients[0].resource?.id}&_count=1`,
  );
  const subject = (observation.body.entry?.[0].resource as Observation).subject?.reference;
  assert.equal(subject, `Patient/${patients[0].resource?.id}`);
});

test('the fhir:import CLI prints a summary and exits 0', async () => {
  const child = spawn(
    process.execPath,
    [RUN_TS, resolve(repoRoot, 'server/src/cli/import.ts'), '--server', server.baseUrl, CDC],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  assert.equal(code, 0, stderr);
  assert.match(stdout, /Imported 55 resources from 55 files/);
  assert.match(stdout, /MedicationRequest\s+17/);
  assert.match(stderr, /55\/55 files/);
});

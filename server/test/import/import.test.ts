// The importer against an in-process server (SqliteRepository, real HTTP on an ephemeral port) with the
// three shared third-party sample sets: counts by type, and references resolved after loading.
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
const samples = resolve(repoRoot, '../shared/fhir-samples');
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
  assertLoaded(summary, {
    Observation: 307,
    Immunization: 155,
    Claim: 135,
    Encounter: 132,
    DiagnosticReport: 132,
    DocumentReference: 132,
    ExplanationOfBenefit: 132,
    Condition: 4,
    Procedure: 3,
    MedicationRequest: 3,
    Provenance: 3,
    Patient: 3,
    Device: 1,
    Organization: 6,
    Location: 6,
    Practitioner: 6,
    PractitionerRole: 6,
  });

  // An Encounter's participant, written as Practitioner?identifier=…|<npi>, now points at the Practitioner
  // the provider batch created.
  const patients = await server.client.get<Bundle>('Patient?family=Keeling57');
  const bob = patients.body.entry?.[0].resource?.id;
  assert.ok(bob);
  const encounters = await server.client.get<Bundle>(
    `Encounter?patient=${bob}&_include=Encounter:participant&_count=5`,
  );
  const matches = encounters.body.entry?.filter((e) => e.search?.mode === 'match') ?? [];
  assert.ok(matches.length > 0);
  for (const entry of matches) {
    const encounter = entry.resource as Encounter;
    for (const participant of encounter.participant ?? []) {
      assert.match(participant.individual?.reference ?? '', /^Practitioner\/[^?]+$/);
    }
    assert.match(encounter.serviceProvider?.reference ?? '', /^Organization\/[^?]+$/);
  }
  const included = encounters.body.entry?.filter((e) => e.search?.mode === 'include') ?? [];
  assert.ok(included.length > 0, 'participants resolve to stored Practitioners');
  for (const entry of included) {
    const practitioner = entry.resource as Practitioner;
    assert.equal(practitioner.resourceType, 'Practitioner');
    assert.ok(practitioner.identifier?.some((i) => i.system === NPI));
  }

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

test('synthea-r4-smart: 23 patient transaction bundles and the provider bundles', async () => {
  const summary = await importFhir([SMART], { server: server.baseUrl });
  assertLoaded(summary, {
    Observation: 2202,
    Claim: 646,
    Encounter: 547,
    ExplanationOfBenefit: 547,
    Procedure: 213,
    Immunization: 205,
    DiagnosticReport: 154,
    Organization: 138,
    Practitioner: 138,
    Condition: 135,
    MedicationRequest: 99,
    CarePlan: 45,
    Goal: 40,
    Patient: 23,
    AllergyIntolerance: 8,
    ImagingStudy: 3,
  });
  // All three sets are in one store now.
  assert.equal(await total('Patient'), 3 + 1 + 23);
  assert.equal(await total('Observation'), 307 + 13 + 2202);
  // urn:uuid references were rewritten: the overdose patients' observations point at stored Patients.
  const overdose = await server.client.get<Bundle>(
    'Condition?code=http://snomed.info/sct|55680006&_include=Condition:patient',
  );
  const patients = overdose.body.entry?.filter((e) => e.search?.mode === 'include') ?? [];
  assert.equal(patients.length, 6, 'six patients with drug overdose');
  const observation = await server.client.get<Bundle>(
    `Observation?patient=${patients[0].resource?.id}&_count=1`,
  );
  const subject = (observation.body.entry?.[0].resource as Observation).subject?.reference;
  assert.equal(subject, `Patient/${patients[0].resource?.id}`);
});

test('the fhir:import CLI prints a summary and exits 0', async () => {
  const child = spawn(
    process.execPath,
    [
      RUN_TS,
      resolve(repoRoot, 'server/src/cli/import.ts'),
      '--server',
      server.baseUrl,
      CDC,
    ],
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

// The standalone deriver (server/src/worker) against the embedded server as if it were any FHIR server: the
// server runs WITHOUT its in-process deriver, the worker speaks HTTP only (SMART Backend Services token,
// searches, batches, transactions), and what it writes must equal what the clinical rules compute from the
// same record. Plus the Subscription listener, and a fake server for $everything and the batch fallback.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type {
  Bundle,
  CapabilityStatement,
  Flag,
  Observation,
  Resource,
  Subscription,
} from '@medplum/fhirtypes';

import {
  DERIVED_SYSTEM,
  derivedId,
  deriveState,
  groupByPatient,
  isDerived,
  RULES_DEVICE_ID,
  summaryIdentifierValue,
} from '../../../clinical/index';
import { LOCAL_SYSTEM, SCREEN_RESULT, SYSTEM } from '../../../clinical/terminology';
import { getSystemToken } from '../../src/auth/system-token';
import { ManualClock } from '../../src/derive/clock';
import { StoreDeriverSource } from '../../src/derive/store-source';
import { ChangeMapper, WATCHED_TYPES } from '../../src/worker/changes';
import { type ClientAuth, FhirClient } from '../../src/worker/fhir-client';
import { HttpDeriverSource } from '../../src/worker/http-source';
import { NotificationListener } from '../../src/worker/subscriptions';
import { DeriverWorker, type WorkerOptions } from '../../src/worker/worker';
import { type AuthTestServer, fhir, startAuthServer } from '../auth/auth-harness';

const NOW = Date.parse('2026-11-18T15:00:00Z');
const day = (offset: number, hour = 10): string =>
  new Date(Date.UTC(2026, 10, 18 + offset, hour)).toISOString();

let keysDir: string;
let server: AuthTestServer;
let token: string;
let steady: string;
let medicationId: string;
const lines: string[] = [];
const requested: string[] = [];

const fentanyl = (patient: string, offset: number, positive: boolean): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'laboratory' }] }],
  code: { coding: [{ system: SYSTEM.loinc, code: '59673-4' }] },
  subject: { reference: `Patient/${patient}` },
  effectiveDateTime: day(offset),
  valueCodeableConcept: { coding: [positive ? SCREEN_RESULT.positive : SCREEN_RESULT.negative] },
});

/** A patient 60 days into an active CBT episode (eight closed weeks), three negative screens, on buprenorphine. */
async function enrol(family: string): Promise<string> {
  const { repository: repo, clinic: c } = server;
  const patient = await repo.createResource({
    resourceType: 'Patient',
    name: [{ family, given: ['Test'] }],
    birthDate: '1980-05-01',
  });
  const subject = { reference: `Patient/${patient.id}` };
  const team = await repo.createResource({
    resourceType: 'CareTeam',
    status: 'active',
    subject,
    participant: [
      {
        member: { reference: `Practitioner/${c.counselor1}` },
        role: [{ coding: [{ system: LOCAL_SYSTEM.role, code: 'counselor' }] }],
      },
    ],
  });
  await repo.createResource({
    resourceType: 'EpisodeOfCare',
    status: 'active',
    type: [{ coding: [{ system: LOCAL_SYSTEM.track, code: 'CBT' }] }],
    patient: subject,
    managingOrganization: { reference: `Organization/${c.org1}` },
    careManager: { reference: `Practitioner/${c.counselor1}` },
    team: [{ reference: `CareTeam/${team.id}` }],
    period: { start: day(-60).slice(0, 10) },
  });
  for (const offset of [-2, -9, -16])
    await repo.createResource(fentanyl(patient.id as string, offset, false));
  const order = await repo.createResource({
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    medicationReference: { reference: `Medication/${medicationId}` },
    subject,
    authoredOn: day(-20),
    dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 16, unit: 'mg' } }] }],
  });
  await repo.createResource({
    resourceType: 'MedicationDispense',
    status: 'completed',
    medicationReference: { reference: `Medication/${medicationId}` },
    subject,
    authorizingPrescription: [{ reference: `MedicationRequest/${order.id}` }],
    whenHandedOver: day(-1),
    daysSupply: { value: 7, unit: 'd' },
    quantity: { value: 14 },
  });
  return patient.id as string;
}

function worker(options: Partial<WorkerOptions> = {}): DeriverWorker {
  const recordingFetch: typeof fetch = (input, init) => {
    requested.push(`${init?.method ?? 'GET'} ${String(input)}`);
    return fetch(input, init);
  };
  return new DeriverWorker({
    server: server.fhirUrl,
    auth: {
      scope: 'system/*.cruds',
      clientId: 'waypoint-cli',
      keyPath: join(keysDir, 'waypoint-cli.jwk.json'),
    },
    clock: new ManualClock(NOW),
    fetch: recordingFetch,
    log: (line) => lines.push(line),
    ...options,
  });
}

/** What the in-process deriver would write: the rules on the record as its source reads it from the store. */
async function expectedDerived(patientId: string): Promise<Resource[]> {
  const resources = await new StoreDeriverSource(server.repository).load(patientId);
  const record = groupByPatient(resources.filter((r) => !isDerived(r))).get(patientId);
  assert.ok(record);
  const set = deriveState(record, new Date(NOW).toISOString(), []);
  return [set.summary, set.risk, ...set.flags, ...set.weekly];
}

/** The derived resources the server holds for the patient (Provenance aside). */
async function storedDerived(patientId: string): Promise<Resource[]> {
  return (await server.repository.compartmentResources(patientId)).filter(
    (r) => isDerived(r) && r.resourceType !== 'Provenance',
  );
}

/** Content to compare: no meta; ids only when the server took the client's ids. */
function comparable(resources: readonly Resource[], withIds: boolean): unknown[] {
  return resources
    .map((r) => {
      const { meta: _meta, id, ...rest } = r;
      return withIds ? { id, ...rest } : rest;
    })
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const versions = async (patientId: string): Promise<string[]> =>
  (await storedDerived(patientId)).map((r) => `${r.resourceType}/${r.id}@${r.meta?.versionId}`).sort();

const provenanceCount = async (): Promise<number> =>
  (await fhir<Bundle>(server, token, 'GET', 'Provenance?_summary=count')).body.total ?? 0;

const activeFlagCodes = async (patientId: string): Promise<string[]> => {
  const flags = await fhir<Bundle<Flag>>(
    server,
    token,
    'GET',
    `Flag?subject=Patient/${patientId}&status=active`,
  );
  return (flags.body.entry ?? []).map((e) => e.resource?.code.coding?.[0]?.code ?? '').sort();
};

before(async () => {
  keysDir = mkdtempSync(join(tmpdir(), 'waypoint-worker-'));
  server = await startAuthServer({ keysDir }); // no `derive`: nothing derives in-process
  assert.equal(server.derivation, undefined);
  token = (
    await getSystemToken({
      baseUrl: server.fhirUrl,
      scope: 'system/*.cruds',
      keyPath: join(keysDir, 'waypoint-cli.jwk.json'),
    })
  ).accessToken;
  medicationId = (
    await server.repository.createResource({
      resourceType: 'Medication',
      code: { coding: [{ system: SYSTEM.rxnorm, code: '1010604' }] },
    })
  ).id as string;
  steady = await enrol('Steady');
});
after(async () => {
  await server.close();
  rmSync(keysDir, { recursive: true, force: true });
});

describe('the worker against a FHIR server over HTTP', () => {
  let first: DeriverWorker;

  before(() => {
    first = worker({ pageSize: 2 });
  });
  after(() => first.stop());

  test('a sweep writes, for every patient, exactly what the rules compute — every search paged two at a time', async () => {
    assert.equal((await fhir(server, token, 'GET', `Device/${RULES_DEVICE_ID}`)).status, 404);
    const report = await first.sweep();
    const patients = await server.repository.patientIds();
    // The rules Device that every RiskAssessment and Provenance names is on the server now.
    assert.equal((await fhir(server, token, 'GET', `Device/${RULES_DEVICE_ID}`)).status, 200);
    assert.equal(report.patients, patients.length);
    assert.equal(report.failed, 0);
    for (const id of patients) {
      assert.deepEqual(
        comparable(await storedDerived(id), true),
        comparable(await expectedDerived(id), true),
      );
    }
    const mine = await storedDerived(steady);
    assert.ok(
      mine.filter((r) => r.resourceType === 'RiskAssessment').length > 2,
      'weekly assessments written',
    );
    // The records (3 screens, 9 assessments …) do not fit a page of 2: `next` links were followed, in the
    // patient sweep and in the batch searches.
    assert.ok(
      requested.some((r) => r.startsWith('GET ') && /[?&]_offset=\d/.test(r) && r.includes('Patient?')),
    );
    assert.ok(
      requested.some((r) => r.startsWith('GET ') && /[?&]_offset=\d/.test(r) && r.includes('Observation?')),
    );
    // The shared Medication came with its order (_include), and the summary read it.
    const summary = mine.find((r) => r.resourceType === 'Observation') as Observation;
    assert.ok(JSON.stringify(summary).includes('buprenorphine'), 'MAT from the included Medication');
    // Client-assigned ids (the server declares updateCreate), and a Provenance naming the rules.
    assert.ok(
      mine.every(
        (r) => r.id === derivedId((r as { identifier?: { value?: string }[] }).identifier?.[0]?.value ?? ''),
      ),
    );
    const risk =
      mine.find((r) => r.resourceType === 'RiskAssessment' && r.id?.includes('.current')) ??
      mine.find((r) => r.resourceType === 'RiskAssessment');
    const provenance = await fhir<Bundle>(
      server,
      token,
      'GET',
      `Provenance?target=RiskAssessment/${risk?.id}`,
    );
    const signed = (provenance.body.entry ?? []).map((e) => e.resource as Resource & { policy?: string[] });
    assert.ok(signed.some((p) => p.policy?.some((x) => x.startsWith(`${DERIVED_SYSTEM.rules}|`))));
    assert.ok(lines.some((l) => /^swept \d+ patients: \d+ resources written, 0 failed, in \d/.test(l)));
    assert.ok(!lines.some((l) => l.includes(steady)), 'no patient ids in the logs');
  });

  test('a second sweep writes nothing: the same versions, no new Provenance', async () => {
    const before = await versions(steady);
    const provenances = await provenanceCount();
    const report = await first.sweep();
    assert.equal(report.written, 0);
    assert.deepEqual(await versions(steady), before);
    assert.equal(await provenanceCount(), provenances);
  });

  test('a positive fentanyl screen posted over HTTP is found by one poll and raises the uds-fentanyl Flag', async () => {
    await first.poll(); // sets the watermarks and takes in what the seeding and the sweep wrote
    assert.ok(!(await activeFlagCodes(steady)).includes('uds-fentanyl'));
    const posted = await fhir(server, token, 'POST', 'Observation', fentanyl(steady, -1, true));
    assert.equal(posted.status, 201);

    const derived = await first.poll();
    assert.deepEqual([...derived], [steady]);
    assert.ok((await activeFlagCodes(steady)).includes('uds-fentanyl'));
    assert.deepEqual(
      comparable(await storedDerived(steady), true),
      comparable(await expectedDerived(steady), true),
    );
    assert.deepEqual([...(await first.poll())], [], 'its own writes are no change');
  });

  test('a changed shared Medication is traced to the patients whose orders use it', async () => {
    const medication = await fhir(server, token, 'GET', `Medication/${medicationId}`);
    const updated = await fhir(server, token, 'PUT', `Medication/${medicationId}`, {
      ...medication.body,
      code: { ...medication.body.code, text: 'Suboxone film' },
    });
    assert.equal(updated.status, 200);
    assert.deepEqual([...(await first.poll())], [steady]);
  });

  test('conditional updates on the identifier: server-assigned ids, the same content, idempotent, in transactions of 8', async () => {
    const conditional = worker({ preferConditionalUpdate: true });
    try {
      const patient = await enrol('Conditional');
      const expected = await expectedDerived(patient);
      const provenances = await provenanceCount();
      const report = await conditional.sweep();
      assert.equal(report.written, expected.length, 'only the new patient is written');
      assert.ok(expected.length > 7, 'more than one transaction');
      assert.equal(await provenanceCount(), provenances + Math.ceil(expected.length / 7));
      const stored = await storedDerived(patient);
      assert.deepEqual(comparable(stored, false), comparable(expected, false));
      assert.ok(
        stored.every((r) => !r.id?.includes(patient)),
        'ids assigned by the server, not by the rules',
      );
      // The Provenance named each entry by its urn:uuid; the server resolved them to the ids it assigned.
      for (const resource of stored) {
        const signed = await fhir<Bundle>(
          server,
          token,
          'GET',
          `Provenance?target=${resource.resourceType}/${resource.id}`,
        );
        assert.equal(signed.body.entry?.length, 1, `${resource.resourceType} has its Provenance`);
      }

      const before = await versions(patient);
      assert.equal((await conditional.sweep()).written, 0);
      assert.deepEqual(await versions(patient), before);

      await conditional.poll();
      await fhir(server, token, 'POST', 'Observation', fentanyl(patient, -1, true));
      assert.deepEqual([...(await conditional.poll())], [patient]);
      assert.ok((await activeFlagCodes(patient)).includes('uds-fentanyl'));
      // Updated in place: one summary for the identifier, now at version 2.
      const summaries = await fhir<Bundle>(
        server,
        token,
        'GET',
        `Observation?identifier=${encodeURIComponent(`${DERIVED_SYSTEM.identifier}|${summaryIdentifierValue(patient)}`)}`,
      );
      assert.equal(summaries.body.entry?.length, 1);
      assert.equal(summaries.body.entry?.[0]?.resource?.meta?.versionId, '2');
    } finally {
      await conditional.stop();
    }
  });

  test('--subscribe creates one rest-hook Subscription per watched type and deletes them on stop', async () => {
    const subscribing = worker();
    const publicUrl = 'http://127.0.0.1:9/waypoint-hooks';
    const ours = async () =>
      (
        await fhir<Bundle<Subscription>>(
          server,
          token,
          'GET',
          `Subscription?url=${WATCHED_TYPES.map((t) => encodeURIComponent(`${publicUrl}/${t}`)).join(',')}`,
        )
      ).body.entry?.map((e) => e.resource as Subscription) ?? [];
    await subscribing.startSubscriptions(publicUrl, 0);
    const created = await ours();
    assert.deepEqual(created.map((s) => s.criteria).sort(), WATCHED_TYPES.map((t) => `${t}?`).sort());
    const observation = created.find((s) => s.criteria === 'Observation?');
    assert.equal(observation?.channel.type, 'rest-hook');
    assert.equal(observation?.channel.endpoint, `${publicUrl}/Observation`);
    assert.equal(observation?.channel.payload, 'application/fhir+json');
    assert.match(observation?.channel.header?.[0] ?? '', /^Authorization: Bearer \S{20,}$/);
    await subscribing.stop();
    assert.deepEqual(await ours(), []);
  });
});

describe('Subscription notifications', () => {
  let listener: NotificationListener;
  let url: string;
  const secret = 'Bearer test-secret-0123456789';
  const notified: string[][] = [];
  const unplaced: (string | undefined)[] = [];

  before(async () => {
    const client = new FhirClient({
      baseUrl: server.fhirUrl,
      auth: { headers: async () => ({ authorization: `Bearer ${token}` }), invalidate: () => undefined },
    });
    listener = new NotificationListener(
      client,
      new ChangeMapper(client),
      {
        onPatients: (patients) => notified.push([...patients].sort()),
        onUnplaced: (type) => unplaced.push(type),
      },
      { port: 0, host: '127.0.0.1', authorization: secret, basePath: '/hooks' },
    );
    url = `http://127.0.0.1:${await listener.listen()}/hooks`;
  });
  after(() => listener.close());

  const notify = (path: string, body?: unknown, method = 'POST', authorization = secret) =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization, 'content-type': 'application/fhir+json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  test('a resource in the body (Medplum) names its patient', async () => {
    notified.length = 0;
    const response = await notify('/Observation', fentanyl(steady, -3, false));
    assert.equal(response.status, 200);
    assert.deepEqual(notified, [[steady]]);
  });

  test('a group Appointment names every patient in it; a note Provenance is traced through its target', async () => {
    notified.length = 0;
    const { clinic } = server;
    const appointment = await server.repository.readResource('Appointment', clinic.groupAppointment);
    await notify('/Appointment', appointment);
    const provenance = await server.repository.readResource('Provenance', clinic.provenanceA);
    await notify('/Provenance', provenance);
    assert.deepEqual(notified, [[clinic.patientA, clinic.patientB].sort(), [clinic.patientA]]);
  });

  test('only the resource path (HAPI: PUT <endpoint>/<Type>/<id> without a body) is read from the server', async () => {
    notified.length = 0;
    const obs = await server.repository.createResource(fentanyl(steady, -4, false));
    assert.equal((await notify(`/Observation/Observation/${obs.id}`, undefined, 'PUT')).status, 200);
    assert.deepEqual(notified, [[steady]]);
  });

  test('an empty notification makes the worker poll that type; derived resources and strangers are ignored', async () => {
    notified.length = 0;
    unplaced.length = 0;
    assert.equal((await notify('/Observation')).status, 200);
    assert.deepEqual(unplaced, ['Observation']);
    const [derived] = await storedDerived(steady);
    assert.equal((await notify('/Flag', derived)).status, 200);
    assert.equal(
      (await notify('/Observation', fentanyl(steady, -3, false), 'POST', 'Bearer wrong')).status,
      401,
    );
    assert.deepEqual(notified, []);
  });
});

describe('servers with $everything and without transactions (a fake server)', () => {
  const base = 'https://fhir.example.org/r4';
  const capability: CapabilityStatement = {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-01-01',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        interaction: [{ code: 'batch' }],
        resource: [
          {
            type: 'Patient',
            operation: [
              {
                name: 'everything',
                definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
              },
            ],
          },
          { type: 'Flag', updateCreate: true },
        ],
      },
    ],
  };
  const patient = { resourceType: 'Patient', id: 'p1' } as const;
  const medication = { resourceType: 'Medication', id: 'm1' } as const;
  const order = {
    resourceType: 'MedicationRequest',
    id: 'o1',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/p1' },
    medicationReference: { reference: 'Medication/m1' },
  } as const;
  const searchset = (resources: Resource[], next?: string): Bundle => ({
    resourceType: 'Bundle',
    type: 'searchset',
    ...(next ? { link: [{ relation: 'next', url: next }] } : {}),
    entry: resources.map((resource) => ({ resource })),
  });

  test('load reads every page of $everything; write sends a batch, then a Provenance naming the versions written; a 401 renews the token once', async () => {
    const calls: string[] = [];
    let tokens = 0;
    const auth: ClientAuth = {
      headers: async () => ({ authorization: `Bearer t${tokens}` }),
      invalidate: () => void tokens++,
    };
    let provenance: Resource | undefined;
    const fake: typeof fetch = async (input, init) => {
      const url = String(input);
      const method = init?.method ?? 'GET';
      calls.push(`${method} ${url.slice(base.length)}`);
      const json = (body: unknown, status = 200) =>
        new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/fhir+json' } });
      if ((init?.headers as Record<string, string>)['authorization'] === 'Bearer t0') {
        return json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] }, 401);
      }
      if (url === `${base}/metadata`) return json(capability);
      if (url === `${base}/Patient/p1/$everything?_count=1000`) {
        return json(searchset([patient, order], `${base}?_getpages=abc&_offset=2`));
      }
      if (url === `${base}?_getpages=abc&_offset=2`) return json(searchset([medication, patient]));
      if (url.startsWith(`${base}/QuestionnaireResponse?patient=p1`)) return json(searchset([]));
      if (url === base && method === 'POST') {
        const bundle = JSON.parse(String(init?.body)) as Bundle;
        assert.equal(bundle.type, 'batch');
        return json({
          resourceType: 'Bundle',
          type: 'batch-response',
          entry: (bundle.entry ?? []).map((e) => ({
            response: { status: '200', location: `${e.request?.url}/_history/3` },
          })),
        });
      }
      if (url === `${base}/Provenance` && method === 'POST') {
        provenance = JSON.parse(String(init?.body)) as Resource;
        return json({ ...provenance, id: 'prov1' }, 201);
      }
      return json(
        { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] },
        404,
      );
    };
    const source = new HttpDeriverSource(new FhirClient({ baseUrl: base, auth, fetch: fake }));
    const loaded = await source.load('p1');
    assert.deepEqual(loaded.map((r) => `${r.resourceType}/${r.id}`).sort(), [
      'Medication/m1',
      'MedicationRequest/o1',
      'Patient/p1',
    ]);
    assert.equal(tokens, 1, 'one new token after the 401');
    assert.ok(!calls.some((c) => c.includes('batch')), 'no batch of searches when $everything is offered');

    const flag: Flag = {
      resourceType: 'Flag',
      id: 'flag.x.p1',
      meta: { tag: [{ system: DERIVED_SYSTEM.tag, code: 'derived' }] },
      identifier: [{ system: DERIVED_SYSTEM.identifier, value: 'flag.x.p1' }],
      status: 'active',
      code: { text: 'x' },
      subject: { reference: 'Patient/p1' },
    };
    await source.write(
      [flag],
      (written) =>
        ({
          resourceType: 'Provenance',
          target: [...written],
          recorded: '2026-01-01T00:00:00Z',
          agent: [],
        }) as Resource,
    );
    assert.deepEqual((provenance as { target?: unknown } | undefined)?.target, [
      { reference: 'Flag/flag.x.p1/_history/3' },
    ]);
    assert.ok(calls.indexOf('POST ') < calls.indexOf('POST /Provenance'), 'the Provenance follows the batch');
  });
});

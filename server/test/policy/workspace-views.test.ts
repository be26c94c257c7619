// The supervisor's and the coordinator's workspaces as the SPA loads them, over HTTP: clinical/'s programSearches()
// (summaries with their Patients, current RiskAssessments, active derived Flags) plus the open Tasks or the
// co-sign queue, in ONE batch, scoped by the access policy to the team or the program — no patient outside it in
// any entry, and no paging needed at this size.
//   supervisor1 supervises counselor1 → patientA; coordinator1 → org1's patients A and B; patientC is org2's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { Bundle, Resource, Task } from '@medplum/fhirtypes';

import { programSearches, searchUrl } from '../../../clinical/derived/views';
import { referenceKey } from '../../../clinical/fhir/reference';
import { cosignQueueSearch } from '../../../clinical/notes/cosign-queue';
import { LOCAL_SYSTEM, SCREEN_RESULT, SYSTEM, TASK_CODE } from '../../../clinical/terminology';
import { ManualClock } from '../../src/derive/clock';
import { type AuthTestServer, fhir, type Session, signIn, startAuthServer } from '../auth/auth-harness';

const NOW = Date.parse('2026-11-18T15:00:00Z');
const OPEN = 'requested,received,accepted,ready,in-progress,on-hold';

let server: AuthTestServer;
let c: AuthTestServer['clinic'];
const sessions: Record<string, Session> = {};
const as = (user: string) => (sessions[user] as Session).accessToken;
const tasks: Record<string, string> = {};

before(async () => {
  server = await startAuthServer({ derive: { clock: new ManualClock(NOW) } });
  c = server.clinic;
  const repo = server.repository;
  // A fentanyl-positive screen for each patient (a Flag and a raised risk for each), and an open Task each.
  for (const patient of [c.patientA, c.patientB, c.patientC]) {
    await repo.createResource({
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'laboratory' }] }],
      code: { coding: [{ system: SYSTEM.loinc, code: '59673-4' }] },
      subject: { reference: `Patient/${patient}` },
      effectiveDateTime: '2026-11-16T10:00:00Z',
      valueCodeableConcept: { coding: [SCREEN_RESULT.positive] },
    });
    const task = await repo.createResource<Task>({
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      code: { coding: [{ system: LOCAL_SYSTEM.task, code: TASK_CODE.followUp }] },
      for: { reference: `Patient/${patient}` },
      owner: { reference: `Practitioner/${c.counselor2}` },
    });
    tasks[patient] = task.id as string;
  }
  const cosign = await repo.createResource<Task>({
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    code: { coding: [{ system: LOCAL_SYSTEM.task, code: 'cosign' }] },
    focus: { reference: `QuestionnaireResponse/${c.noteA}` },
    for: { reference: `Patient/${c.patientA}` },
    requester: { reference: `Practitioner/${c.counselor1}` },
    owner: { reference: `Practitioner/${c.supervisor1}` },
    authoredOn: '2026-11-17T09:00:00Z',
  });
  tasks['cosign'] = cosign.id as string;
  await server.derivation?.deriver.idle();
  for (const user of ['supervisor1', 'coordinator1']) sessions[user] = await signIn(server, user);
});
after(() => server.close());

const url = (search: { resourceType: string; params: readonly (readonly [string, string])[] }) =>
  searchUrl(search as Parameters<typeof searchUrl>[0]);

/** One batch request; the searchset of each entry. */
async function batch(user: string, urls: string[]): Promise<Bundle[]> {
  const response = await fhir(server, as(user), 'POST', '', {
    resourceType: 'Bundle',
    type: 'batch',
    entry: urls.map((u) => ({ request: { method: 'GET', url: u } })),
  });
  assert.equal(response.status, 200);
  return response.body.entry.map((e: { response: { status: string }; resource: Bundle }) => {
    assert.match(e.response.status, /^200/);
    return e.resource;
  });
}

/** The patients each resource of a searchset is about. */
function patientsOf(bundle: Bundle): Set<string> {
  const out = new Set<string>();
  for (const { resource } of bundle.entry ?? []) {
    const r = resource as Resource & { subject?: { reference?: string }; for?: { reference?: string } };
    const key =
      r.resourceType === 'Patient'
        ? `Patient/${r.id}`
        : referenceKey(r.subject?.reference ?? r.for?.reference);
    if (key?.startsWith('Patient/')) out.add(key.slice('Patient/'.length));
  }
  return out;
}

const noNext = (bundle: Bundle) => !(bundle.link ?? []).some((l) => l.relation === 'next');

describe('workspaces in one round trip, scoped by the policy', () => {
  test('supervisor: the team’s summaries, assessments and Flags, and their co-sign queue', async () => {
    const [summaries, assessments, flags, queue] = await batch('supervisor1', [
      ...programSearches().map(url),
      url(cosignQueueSearch(`Practitioner/${c.supervisor1}`)),
    ]);
    for (const [name, bundle] of [
      ['summaries', summaries],
      ['assessments', assessments],
      ['flags', flags],
    ] as const) {
      assert.deepEqual([...patientsOf(bundle as Bundle)], [c.patientA], name);
      assert.ok(noNext(bundle as Bundle), name);
    }
    assert.ok(
      (summaries as Bundle).entry?.some((e) => e.resource?.resourceType === 'Patient'),
      'Patients included',
    );
    const queued = ((queue as Bundle).entry ?? []).filter((e) => e.search?.mode === 'match');
    assert.deepEqual(
      queued.map((e) => e.resource?.id),
      [tasks['cosign']],
    );
  });

  test('coordinator: the program’s summaries, assessments and Flags, and its open Tasks', async () => {
    const [summaries, assessments, flags, open] = await batch('coordinator1', [
      ...programSearches().map(url),
      `Task?status=${OPEN}&_count=1000`,
    ]);
    for (const [name, bundle] of [
      ['summaries', summaries],
      ['assessments', assessments],
      ['flags', flags],
    ] as const) {
      assert.deepEqual([...patientsOf(bundle as Bundle)].sort(), [c.patientA, c.patientB].sort(), name);
      assert.ok(noNext(bundle as Bundle), name);
    }
    const ids = ((open as Bundle).entry ?? []).map((e) => e.resource?.id);
    assert.ok(ids.includes(tasks[c.patientA]) && ids.includes(tasks[c.patientB]));
    assert.ok(!ids.includes(tasks[c.patientC]), 'another organization’s Task');
    assert.deepEqual([...patientsOf(open as Bundle)].sort(), [c.patientA, c.patientB].sort());
  });
});

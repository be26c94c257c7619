// Tasks over HTTP: who may create and update them (assign an owner, a due date, a status, complete), that a
// care coordinator writes Tasks but never session notes, that the owner is a practitioner of the clinic, and that
// an invalid status is refused naming the element.
//   counselor1 → patientA; counselor2 → patientB; supervisor1 supervises counselor1 (patientA);
//   coordinator1 → patients with an active episode at org1 (A and B), not patientC.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { Task } from '@medplum/fhirtypes';

import { LOCAL_SYSTEM, TASK_CODE } from '../../../clinical/terminology';
import { type AuthTestServer, fhir, refs, type Session, signIn, startAuthServer } from '../auth/auth-harness';

let server: AuthTestServer;
let c: AuthTestServer['clinic'];
const sessions: Record<string, Session> = {};
const as = (user: string) => (sessions[user] as Session).accessToken;

before(async () => {
  server = await startAuthServer();
  c = server.clinic;
  for (const user of ['counselor1', 'supervisor1', 'coordinator1']) {
    sessions[user] = await signIn(server, user);
  }
});
after(() => server.close());

function followUp(patient: string, owner: string, extra: Partial<Task> = {}): Task {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: LOCAL_SYSTEM.task, code: TASK_CODE.followUp }] },
    description: 'Call about missed doses',
    for: { reference: `Patient/${patient}` },
    owner: { reference: `Practitioner/${owner}` },
    authoredOn: '2026-11-20T09:00:00Z',
    restriction: { period: { end: '2026-11-24' } },
    ...extra,
  };
}

describe('a coordinator may write Tasks but not notes', () => {
  test('creates, assigns, dates, moves and completes a Task for a program patient', async () => {
    const created = await fhir<Task>(
      server,
      as('coordinator1'),
      'POST',
      'Task',
      followUp(c.patientB, c.coordinator1, { requester: { reference: `Practitioner/${c.coordinator1}` } }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const steps: Partial<Task>[] = [
      { owner: { reference: `Practitioner/${c.counselor2}` } },
      { restriction: { period: { end: '2026-11-27' } } },
      { status: 'in-progress' },
      { status: 'completed', executionPeriod: { end: '2026-11-26T15:00:00Z' } },
    ];
    let current = created.body;
    for (const step of steps) {
      const updated = await fhir<Task>(server, as('coordinator1'), 'PUT', `Task/${current.id}`, {
        ...current,
        ...step,
      });
      assert.equal(updated.status, 200, `${JSON.stringify(step)}: ${JSON.stringify(updated.body)}`);
      current = updated.body;
    }
    assert.equal(current.status, 'completed');
    assert.equal(current.owner?.reference, `Practitioner/${c.counselor2}`);
    assert.equal(current.restriction?.period?.end, '2026-11-27');
    const patched = await fetch(`${server.fhirUrl}/Task/${created.body.id}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${as('coordinator1')}`,
        'content-type': 'application/json-patch+json',
      },
      body: JSON.stringify([{ op: 'replace', path: '/status', value: 'cancelled' }]),
    });
    assert.equal(patched.status, 200);
  });

  test('cannot write a session note: create, update or patch', async () => {
    const create = await fhir(server, as('coordinator1'), 'POST', 'QuestionnaireResponse', {
      resourceType: 'QuestionnaireResponse',
      status: 'in-progress',
      subject: { reference: `Patient/${c.patientB}` },
    });
    assert.equal(create.status, 403);
    assert.match(create.body.issue[0].details.text, /does not create QuestionnaireResponse/);
    const update = await fhir(server, as('coordinator1'), 'PUT', `QuestionnaireResponse/${c.noteA}`, {
      resourceType: 'QuestionnaireResponse',
      id: c.noteA,
      status: 'amended',
      subject: { reference: `Patient/${c.patientA}` },
    });
    assert.equal(update.status, 403);
    const patch = await fetch(`${server.fhirUrl}/QuestionnaireResponse/${c.noteA}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${as('coordinator1')}`,
        'content-type': 'application/json-patch+json',
      },
      body: JSON.stringify([{ op: 'replace', path: '/status', value: 'amended' }]),
    });
    assert.equal(patch.status, 403);
  });

  test('a Task for a patient outside the program is refused', async () => {
    const outside = await fhir(
      server,
      as('coordinator1'),
      'POST',
      'Task',
      followUp(c.patientC, c.coordinator1),
    );
    assert.equal(outside.status, 403);
  });
});

describe('counselors and supervisors write Tasks for their patients', () => {
  test('counselor1 for patientA, not for patientB', async () => {
    const own = await fhir(server, as('counselor1'), 'POST', 'Task', followUp(c.patientA, c.counselor1));
    assert.equal(own.status, 201);
    const other = await fhir(server, as('counselor1'), 'POST', 'Task', followUp(c.patientB, c.counselor1));
    assert.equal(other.status, 403);
  });

  test('supervisor1 for their team’s patientA, assigned to counselor1; not for patientB', async () => {
    const team = await fhir(server, as('supervisor1'), 'POST', 'Task', followUp(c.patientA, c.counselor1));
    assert.equal(team.status, 201);
    const done = await fhir(server, as('supervisor1'), 'PUT', `Task/${team.body.id}`, {
      ...team.body,
      status: 'completed',
    });
    assert.equal(done.status, 200);
    const other = await fhir(server, as('supervisor1'), 'POST', 'Task', followUp(c.patientB, c.counselor1));
    assert.equal(other.status, 403);
  });

  test('“My tasks”: open Tasks owned by the caller, in one search', async () => {
    const mine = await fhir(server, as('counselor1'), 'POST', 'Task', followUp(c.patientA, c.counselor1));
    const found = await fhir(
      server,
      as('counselor1'),
      'GET',
      `Task?owner=Practitioner/${c.counselor1}&status=requested,in-progress&_count=100`,
    );
    assert.ok(refs(found.body).includes(`Task/${mine.body.id}`));
    assert.ok(
      found.body.entry.every(
        (e: { resource: Task }) => e.resource.owner?.reference === `Practitioner/${c.counselor1}`,
      ),
    );
  });
});

describe('what a Task must be', () => {
  test('the owner is a practitioner of the clinic: not a patient, not a stranger, not someone without an active role', async () => {
    const retired = await server.repository.createResource({
      resourceType: 'Practitioner',
      name: [{ family: 'Gone' }],
    });
    await server.repository.createResource({
      resourceType: 'PractitionerRole',
      active: false,
      practitioner: { reference: `Practitioner/${retired.id}` },
      organization: { reference: `Organization/${c.org1}` },
    });
    for (const [owner, message] of [
      [`Patient/${c.patientB}`, /assigned to a Practitioner of the clinic/],
      [`Organization/${c.org1}`, /assigned to a Practitioner of the clinic/],
      ['Practitioner/no-such-person', /not a practitioner of the clinic/],
      [`Practitioner/${retired.id}`, /not a practitioner of the clinic/],
    ] as const) {
      const task = { ...followUp(c.patientB, c.coordinator1), owner: { reference: owner } };
      const refused = await fhir(server, as('coordinator1'), 'POST', 'Task', task);
      assert.equal(refused.status, 422, owner);
      assert.match(refused.body.issue[0].details.text, message, owner);
      assert.deepEqual(refused.body.issue[0].expression, ['Task.owner'], owner);
    }
  });

  test('a Task whose owner has left can still be closed (the owner is not changed)', async () => {
    const leaver = await server.repository.createResource({
      resourceType: 'Practitioner',
      name: [{ family: 'Leaver' }],
    });
    const role = await server.repository.createResource({
      resourceType: 'PractitionerRole',
      active: true,
      practitioner: { reference: `Practitioner/${leaver.id}` },
      organization: { reference: `Organization/${c.org1}` },
    });
    const created = await fhir<Task>(
      server,
      as('coordinator1'),
      'POST',
      'Task',
      followUp(c.patientB, leaver.id as string),
    );
    assert.equal(created.status, 201);
    await server.repository.updateResource({ ...role, active: false });
    const closed = await fhir(server, as('coordinator1'), 'PUT', `Task/${created.body.id}`, {
      ...created.body,
      status: 'cancelled',
    });
    assert.equal(closed.status, 200);
  });

  test('an invalid status is refused with 400 naming Task.status', async () => {
    const bad = await fhir(server, as('coordinator1'), 'POST', 'Task', {
      ...followUp(c.patientB, c.coordinator1),
      status: 'done',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.resourceType, 'OperationOutcome');
    assert.deepEqual(bad.body.issue[0].expression, ['Task.status']);
    assert.match(bad.body.issue[0].details.text, /'done' is not in the required value set/);
  });
});

describe('a Task search is scoped in the store, so pages and totals are exact', () => {
  test('counselor1 finds the Tasks of their patients and the ones they own or requested, and counts no others', async () => {
    // Written by the store directly: Tasks counselor1 may not read must not be counted either.
    const about = (patient: string, owner: string, extra: Partial<Task> = {}) =>
      server.repository.createResource({
        ...followUp(patient, owner),
        meta: { tag: [{ system: 'urn:test', code: 'scope-check' }] },
        ...extra,
      });
    const ofMine = await about(c.patientA, c.counselor2);
    const ownedElsewhere = await about(c.patientB, c.counselor1);
    const requestedElsewhere = await about(c.patientB, c.counselor2, {
      requester: { reference: `Practitioner/${c.counselor1}` },
    });
    const hidden = [
      await about(c.patientB, c.counselor2),
      await about(c.patientC, c.coordinator1),
      await about(c.patientB, c.counselor2, { requester: { reference: `Practitioner/${c.counselor2}` } }),
    ];
    const found = await fhir(
      server,
      as('counselor1'),
      'GET',
      'Task?_tag=urn:test|scope-check&_count=2&_total=accurate',
    );
    assert.equal(found.status, 200);
    assert.equal(found.body.total, 3);
    assert.equal(found.body.entry.length, 2, 'a full first page');
    const next = found.body.link.find((l: { relation: string }) => l.relation === 'next')?.url as string;
    assert.ok(next, 'a next page');
    const rest = await fetch(next, { headers: { authorization: `Bearer ${as('counselor1')}` } });
    const seen = [...refs(found.body), ...refs((await rest.json()) as never)];
    assert.deepEqual(
      seen.sort(),
      [ofMine, ownedElsewhere, requestedElsewhere].map((t) => `Task/${t.id}`).sort(),
    );
    for (const task of hidden) {
      const read = await fhir(server, as('counselor1'), 'GET', `Task/${task.id}`);
      assert.equal(read.status, 404, 'and a read agrees with the search');
    }
    const ownRead = await fhir(server, as('counselor1'), 'GET', `Task/${ownedElsewhere.id}`);
    assert.equal(ownRead.status, 200);
  });
});

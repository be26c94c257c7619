// Contingency-management rewards over HTTP: a reward is stored only for a verified negative screen, once,
// with the points the schedule gives; a positive or unverified screen is refused with a clear message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { Observation, Task } from '@medplum/fhirtypes';

import {
  CM_POINTS_OUTPUT,
  LOCAL_SYSTEM,
  SCREEN_RESULT,
  SYSTEM,
  TASK_CODE,
} from '../../../clinical/terminology';
import { type AuthTestServer, fhir, type Session, signIn, startAuthServer } from '../auth/auth-harness';

let server: AuthTestServer;
let coordinator: Session;
const token = () => coordinator.accessToken;
const patient = () => `Patient/${server.clinic.patientB}`;

before(async () => {
  server = await startAuthServer();
  coordinator = await signIn(server, 'coordinator1');
});
after(() => server.close());

async function screen(
  daysAgo: number,
  positive: boolean,
  status: Observation['status'] = 'final',
): Promise<Observation> {
  const created = await fhir<Observation>(server, token(), 'POST', 'Observation', {
    resourceType: 'Observation',
    status,
    category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'laboratory' }] }],
    code: { coding: [{ system: SYSTEM.loinc, code: '59673-4' }] },
    subject: { reference: patient() },
    effectiveDateTime: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
    valueCodeableConcept: { coding: [positive ? SCREEN_RESULT.positive : SCREEN_RESULT.negative] },
  });
  assert.equal(created.status, 201);
  return created.body;
}

function reward(observation: Observation, points: number): Task {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    code: { coding: [{ system: LOCAL_SYSTEM.task, code: TASK_CODE.cmReward }] },
    focus: { reference: `Observation/${observation.id}` },
    for: { reference: patient() },
    output: [
      { type: { coding: [{ system: LOCAL_SYSTEM.task, code: CM_POINTS_OUTPUT }] }, valueInteger: points },
    ],
  };
}

describe('contingency-management rewards', () => {
  test('a verified negative screen is rewarded once, with the points of the schedule', async () => {
    const negative = await screen(20, false);
    const wrongPoints = await fhir(server, token(), 'POST', 'Task', reward(negative, 25));
    assert.equal(wrongPoints.status, 422);
    assert.match(wrongPoints.body.issue[0].details.text, /schedule gives 10 points/);

    const first = await fhir(server, token(), 'POST', 'Task', reward(negative, 10));
    assert.equal(first.status, 201);
    const second = await fhir(server, token(), 'POST', 'Task', reward(negative, 10));
    assert.equal(second.status, 422);
    assert.match(second.body.issue[0].details.text, /already rewarded/);
    // Completing the paid reward is not a second reward.
    const paid = await fhir(server, token(), 'PUT', `Task/${first.body.id}`, {
      ...first.body,
      status: 'completed',
    });
    assert.equal(paid.status, 200);
  });

  test('two coordinators rewarding the same screen at once: one reward, one refusal', async () => {
    const negative = await screen(13, false);
    const [a, b] = await Promise.all([
      fhir(server, token(), 'POST', 'Task', reward(negative, 15)),
      fhir(server, token(), 'POST', 'Task', reward(negative, 15)),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [201, 422]);
  });

  test('a positive or unverified screen earns no reward', async () => {
    const positive = await screen(6, true);
    const refused = await fhir(server, token(), 'POST', 'Task', reward(positive, 10));
    assert.equal(refused.status, 422);
    assert.match(refused.body.issue[0].details.text, /positive screen earns no reward/i);
    assert.deepEqual(refused.body.issue[0].expression, ['Task.focus']);

    const preliminary = await screen(1, false, 'preliminary');
    const unverified = await fhir(server, token(), 'POST', 'Task', reward(preliminary, 10));
    assert.equal(unverified.status, 422);
    assert.match(unverified.body.issue[0].details.text, /not verified/);
  });
});

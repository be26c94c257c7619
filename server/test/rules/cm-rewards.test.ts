// Contingency-management rewards over HTTP: a reward is stored only for a verified negative screen, once (a
// conditional create answers the reward already stored), with the points of the clinic's schedule (a
// PlanDefinition, the default one when there is none); a positive or unverified screen is refused with a clear
// message.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Observation, PlanDefinition, Task } from '@medplum/fhirtypes';

import type { CmSchedule } from '../../../clinical/cm/cm-ledger';
import { CM_PLAN_DEFINITION_URL, cmSchedulePlanDefinition } from '../../../clinical/cm/cm-schedule';
import {
  CM_POINTS_OUTPUT,
  LOCAL_SYSTEM,
  SCREEN_RESULT,
  SYSTEM,
  TASK_CODE,
} from '../../../clinical/terminology';
import { getSystemToken } from '../../src/auth/system-token';
import { type AuthTestServer, fhir, type Session, signIn, startAuthServer } from '../auth/auth-harness';

let server: AuthTestServer;
let coordinator: Session;
const token = () => coordinator.accessToken;
const patientB = () => `Patient/${server.clinic.patientB}`;

before(async () => {
  server = await startAuthServer();
  coordinator = await signIn(server, 'coordinator1');
});
after(() => server.close());

async function screen(
  daysAgo: number,
  positive: boolean,
  status: Observation['status'] = 'final',
  patient = patientB(),
): Promise<Observation> {
  const created = await fhir<Observation>(server, token(), 'POST', 'Observation', {
    resourceType: 'Observation',
    status,
    category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'laboratory' }] }],
    code: { coding: [{ system: SYSTEM.loinc, code: '59673-4' }] },
    subject: { reference: patient },
    effectiveDateTime: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
    valueCodeableConcept: { coding: [positive ? SCREEN_RESULT.positive : SCREEN_RESULT.negative] },
  });
  assert.equal(created.status, 201);
  return created.body;
}

function reward(observation: Observation, points: number): Task {
  const patient = observation.subject?.reference as string;
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    code: { coding: [{ system: LOCAL_SYSTEM.task, code: TASK_CODE.cmReward }] },
    focus: { reference: `Observation/${observation.id}` },
    for: { reference: patient },
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
    assert.match(
      second.body.issue[0].details.text,
      /^This screen \(\d+ \w+ \d{4}\) was already rewarded on \d+ \w+ \d{4}: one reward per screen\.$/,
    );
    assert.deepEqual(second.body.issue[0].expression, ['Task.focus']);
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

  test('a conditional create on the screen answers the reward already stored (200), never a second one', async () => {
    const negative = await screen(2, false, 'final', `Patient/${server.clinic.patientA}`);
    const condition = {
      'if-none-exist': `code=${encodeURIComponent(`${LOCAL_SYSTEM.task}|${TASK_CODE.cmReward}`)}&focus=Observation/${negative.id}`,
    };
    const first = await fhir(server, token(), 'POST', 'Task', reward(negative, 10), condition);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const again = await fhir(server, token(), 'POST', 'Task', reward(negative, 10), condition);
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id, 'the reward already stored');
    const rewards = await fhir(
      server,
      token(),
      'GET',
      `Task?focus=Observation/${negative.id}&_total=accurate`,
    );
    assert.equal(rewards.body.total, 1);
    // Without the condition, the second attempt is refused and says why.
    const plain = await fhir(server, token(), 'POST', 'Task', reward(negative, 10));
    assert.equal(plain.status, 422);
    assert.match(plain.body.issue[0].details.text, /was already rewarded on/);
    // A withdrawn reward does not count: a condition that looks past it lets the screen be rewarded again.
    const withdrawn = await fhir(server, token(), 'PUT', `Task/${first.body.id}`, {
      ...first.body,
      status: 'entered-in-error',
    });
    assert.equal(withdrawn.status, 200);
    const pastWithdrawn = {
      'if-none-exist': `${condition['if-none-exist']}&status:not=cancelled&status:not=entered-in-error`,
    };
    const anew = await fhir(server, token(), 'POST', 'Task', reward(negative, 10), pastWithdrawn);
    assert.equal(anew.status, 201, JSON.stringify(anew.body));
    assert.notEqual(anew.body.id, first.body.id);
    const same = await fhir(server, token(), 'POST', 'Task', reward(negative, 10), pastWithdrawn);
    assert.equal(same.status, 200);
    assert.equal(same.body.id, anew.body.id);
  });
});

describe('the clinic’s own schedule', () => {
  const keysDir = mkdtempSync(join(tmpdir(), 'waypoint-cm-keys-'));
  let own: AuthTestServer;
  let system: string;
  let coordinatorToken: string;
  const FLAT: CmSchedule = {
    id: 'points-5-3-12-weekly',
    name: 'Points 5, +3, cap 12, one screen a week',
    start: 5,
    step: 3,
    cap: 12,
    maxRewardsPerWeek: 1,
    missedWeekResets: false,
  };

  before(async () => {
    own = await startAuthServer({ keysDir });
    coordinatorToken = (await signIn(own, 'coordinator1')).accessToken;
    system = (
      await getSystemToken({
        baseUrl: own.fhirUrl,
        scope: 'system/*.cruds',
        keyPath: join(keysDir, 'waypoint-cli.jwk.json'),
      })
    ).accessToken;
  });
  after(async () => {
    await own.close();
    rmSync(keysDir, { recursive: true, force: true });
  });

  /** A verified screen of patientB on this server, `daysAgo` days ago at noon UTC. */
  async function ownScreen(daysAgo: number): Promise<Observation> {
    const day = new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const created = await fhir<Observation>(own, coordinatorToken, 'POST', 'Observation', {
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'laboratory' }] }],
      code: { coding: [{ system: SYSTEM.loinc, code: '59673-4' }] },
      subject: { reference: `Patient/${own.clinic.patientB}` },
      effectiveDateTime: `${day}T12:00:00Z`,
      valueCodeableConcept: { coding: [SCREEN_RESULT.negative] },
    });
    assert.equal(created.status, 201);
    return created.body;
  }

  test('rewards follow the PlanDefinition the clinic writes, not the default', async () => {
    const put = await fhir<PlanDefinition>(
      own,
      system,
      'PUT',
      `PlanDefinition?url=${encodeURIComponent(CM_PLAN_DEFINITION_URL)}`,
      cmSchedulePlanDefinition(FLAT),
    );
    assert.ok([200, 201].includes(put.status), JSON.stringify(put.body));
    // Readable by every signed-in staff member (the SPA reads the same resource).
    const read = await fhir(own, coordinatorToken, 'GET', `PlanDefinition?url=${CM_PLAN_DEFINITION_URL}`);
    assert.equal(read.body.entry.length, 1);

    // Mondays of the last two full weeks: 5, then 8 on this schedule (10, then 15 by default).
    const sinceMonday = (new Date().getUTCDay() + 6) % 7;
    const earlier = await ownScreen(14 + sinceMonday);
    const later = await ownScreen(7 + sinceMonday);
    const byDefault = await fhir(own, coordinatorToken, 'POST', 'Task', reward(earlier, 10));
    assert.equal(byDefault.status, 422);
    assert.match(byDefault.body.issue[0].details.text, /schedule gives 5 points .*Points 5, \+3, cap 12/);
    assert.equal((await fhir(own, coordinatorToken, 'POST', 'Task', reward(earlier, 5))).status, 201);
    assert.equal((await fhir(own, coordinatorToken, 'POST', 'Task', reward(later, 8))).status, 201);
    // One rewarded screen a week: a second screen in the later one's week (its Wednesday) earns nothing.
    const sameWeek = await ownScreen(5 + sinceMonday);
    const second = await fhir(own, coordinatorToken, 'POST', 'Task', reward(sameWeek, 11));
    assert.equal(second.status, 422);
    assert.match(second.body.issue[0].details.text, /At most 1 rewarded screen/);
  });

  test('a schedule that is not valid is refused when written; staff cannot write it at all', async () => {
    const invalid = cmSchedulePlanDefinition({ ...FLAT, cap: 2 });
    const refused = await fhir(
      own,
      system,
      'PUT',
      `PlanDefinition?url=${encodeURIComponent(CM_PLAN_DEFINITION_URL)}`,
      invalid,
    );
    assert.equal(refused.status, 422);
    assert.match(refused.body.issue[0].details.text, /cap \(2\) must be at least start \(5\)/);
    assert.deepEqual(refused.body.issue[0].expression, ['PlanDefinition.extension']);
    const staff = await fhir(own, coordinatorToken, 'POST', 'PlanDefinition', cmSchedulePlanDefinition());
    assert.equal(staff.status, 403);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { PlanDefinition, Resource } from '@medplum/fhirtypes';

import {
  aDispense,
  aMatOrder,
  anEpisode,
  aPatient,
  AS_OF,
  aUdsPanel,
  LOINC,
  recordOf,
} from '../fhir/test-builders';
import { CM_ESCALATING_POINTS, cmLedger, type CmSchedule } from './cm-ledger';
import {
  CM_PLAN_DEFINITION_URL,
  CM_SCHEDULE_EXTENSION,
  cmScheduleOf,
  cmSchedulePlanDefinition,
  readCmSchedule,
} from './cm-schedule';

/** A smaller, flatter schedule: 5, +3, at most 12; one rewarded screen a week; a missed week does not reset. */
const FLAT: CmSchedule = {
  id: 'points-5-3-12-weekly',
  name: 'Points 5, +3, cap 12, one screen a week',
  start: 5,
  step: 3,
  cap: 12,
  maxRewardsPerWeek: 1,
  missedWeekResets: false,
};

/** On buprenorphine, negative panels on the given days (AS_OF is Monday 16 Mar 2026). */
function screens(days: number[]): Resource[] {
  const order = aMatOrder({ id: 'bup-order', authoredDay: -90 });
  return [
    aPatient(),
    anEpisode({ startDay: -80 }),
    order,
    ...[-75, -61, -47, -33, -19, -5].map((day) => aDispense({ order, day, daysSupply: 14 })),
    ...days.flatMap((day) => aUdsPanel({ day, positives: [LOINC.buprenorphine] })),
  ];
}

function withPart(plan: PlanDefinition, url: string, value: object | undefined): PlanDefinition {
  const [schedule] = plan.extension ?? [];
  const parts = (schedule?.extension ?? []).filter((e) => e.url !== url);
  return {
    ...plan,
    extension: [{ url: CM_SCHEDULE_EXTENSION, extension: value ? [...parts, { url, ...value }] : parts }],
  };
}

describe('the CM schedule as a PlanDefinition', () => {
  test('the default PlanDefinition states the default schedule (10, +5, cap 40, 2 a week, missed week resets)', () => {
    const plan = cmSchedulePlanDefinition();
    assert.equal(plan.url, CM_PLAN_DEFINITION_URL);
    assert.equal(plan.status, 'active');
    assert.ok(plan.relatedArtifact?.some((a) => /Higgins ST/.test(a.citation ?? '')));
    assert.deepEqual(readCmSchedule(plan), { schedule: CM_ESCALATING_POINTS });
    assert.deepEqual(readCmSchedule(cmSchedulePlanDefinition(FLAT)), { schedule: FLAT });
  });

  test('which PlanDefinition is in force: none → the default; retired ones are not read; the latest active wins', () => {
    assert.deepEqual(cmScheduleOf([]), { schedule: CM_ESCALATING_POINTS });
    const retired = { ...cmSchedulePlanDefinition(FLAT), status: 'retired' as const };
    assert.deepEqual(cmScheduleOf([retired]), { schedule: CM_ESCALATING_POINTS });
    const older = { ...cmSchedulePlanDefinition(), meta: { lastUpdated: '2026-01-01T00:00:00Z' } };
    const newer = { ...cmSchedulePlanDefinition(FLAT), meta: { lastUpdated: '2026-02-01T00:00:00Z' } };
    assert.deepEqual(cmScheduleOf([older, newer]), { schedule: FLAT });
    assert.deepEqual(cmScheduleOf([newer, older]), { schedule: FLAT });
  });

  test('a PlanDefinition that states no valid schedule says what is wrong', () => {
    const plan = cmSchedulePlanDefinition();
    const cases: [PlanDefinition, RegExp][] = [
      [{ ...plan, extension: [] }, /no .*cm-schedule extension/],
      [withPart(plan, 'cap', { valueInteger: 5 }), /cap \(5\) must be at least start \(10\)/],
      [
        withPart(plan, 'maxRewardsPerWeek', { valueInteger: 0 }),
        /maxRewardsPerWeek must be a valueInteger of at least 1/,
      ],
      [withPart(plan, 'step', { valueString: '5' }), /step must be a valueInteger/],
      [withPart(plan, 'missedWeekResets', undefined), /missedWeekResets must be a valueBoolean/],
      [withPart(plan, 'name', undefined), /id and a name/],
    ];
    for (const [bad, message] of cases) {
      const reading = readCmSchedule(bad);
      assert.ok('problem' in reading, message.source);
      assert.match(reading.problem, message);
      assert.ok(
        'problem' in cmScheduleOf([bad]),
        'an invalid schedule in force is not replaced by the default',
      );
    }
  });

  test('worked example: the same negative screens under the default and under a flatter schedule', () => {
    // Sun 15 Feb; (no screen in the week of 16 Feb); Sun 1 Mar; Fri 6 Mar and Sat 7 Mar (one week); Fri 13 Mar.
    const record = recordOf(screens([-29, -15, -10, -9, -3]));
    const byDefault = cmLedger(record, AS_OF);
    // Default: the missed week resets (10 again), two screens a week are rewarded: 10, 10, 15, 20, 25.
    assert.deepEqual(
      byDefault.entries.map((e) => [e.streak, e.points, e.resetBefore ?? null]),
      [
        [1, 10, null],
        [1, 10, 'missed-week'],
        [2, 15, null],
        [3, 20, null],
        [4, 25, null],
      ],
    );
    assert.equal(byDefault.duePoints, 80);
    // Flat: no reset for the missed week, 5 + 3 per screen up to 12, the second screen of a week earns nothing.
    const flat = cmLedger(record, AS_OF, FLAT);
    assert.deepEqual(
      flat.entries.map((e) => [e.streak, e.points]),
      [
        [1, 5],
        [2, 8],
        [3, 11],
        [3, 0],
        [4, 12],
      ],
    );
    assert.match(flat.entries[3]?.reason ?? '', /At most 1 rewarded screen/);
    assert.equal(flat.duePoints, 36);
  });
});

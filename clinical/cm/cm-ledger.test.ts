import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Observation, Resource } from '@medplum/fhirtypes';

import {
  aCmReward,
  aDispense,
  aMatOrder,
  anEpisode,
  aPatient,
  AS_OF,
  aUdsPanel,
  LOINC,
  recordOf,
} from '../fhir/test-builders';
import { checkReward, cmLedger, cmPoints } from './cm-ledger';

/** On buprenorphine (its positives expected), weekly panels on the given days (AS_OF is Monday 16 Mar 2026). */
function patient(panels: { day: number; positives?: string[] }[], extra: Resource[] = []): Resource[] {
  const order = aMatOrder({ id: 'bup-order', authoredDay: -90 });
  return [
    aPatient(),
    anEpisode({ startDay: -80 }),
    order,
    ...[-75, -61, -47, -33, -19, -5].map((day) => aDispense({ order, day, daysSupply: 14 })),
    ...panels.flatMap((p) =>
      aUdsPanel({ day: p.day, positives: [LOINC.buprenorphine, ...(p.positives ?? [])] }),
    ),
    ...extra,
  ];
}

const firstObservation = (resources: Resource[], day: number) =>
  resources.find(
    (r): r is Observation =>
      r.resourceType === 'Observation' &&
      (r.effectiveDateTime ?? '').startsWith(
        new Date(Date.parse(AS_OF) + day * 86_400_000).toISOString().slice(0, 10),
      ),
  );

describe('contingency management', () => {
  test('escalating points: 10, 15, 20 … capped at 40', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 7, 8, 12].map((n) => cmPoints(n)),
      [10, 15, 20, 25, 40, 40, 40],
    );
  });

  test('weekly negatives escalate; a fentanyl positive resets; the expected buprenorphine positive does not', () => {
    const ledger = cmLedger(
      recordOf(
        patient([
          { day: -29 },
          { day: -22 },
          { day: -15, positives: [LOINC.fentanyl] },
          { day: -8 },
          { day: -1 },
        ]),
      ),
      AS_OF,
    );
    assert.deepEqual(
      ledger.entries.map((e) => [e.result, e.streak, e.points]),
      [
        ['negative', 1, 10],
        ['negative', 2, 15],
        ['positive', 0, 0],
        ['negative', 1, 10],
        ['negative', 2, 15],
      ],
    );
    assert.equal(ledger.entries[3]?.resetBefore, 'positive');
    assert.equal(ledger.currentStreak, 2);
    assert.equal(ledger.duePoints, 50);
  });

  test('a week without a screen resets the streak (a missed test)', () => {
    const ledger = cmLedger(recordOf(patient([{ day: -29 }, { day: -22 }, { day: -8 }])), AS_OF);
    assert.deepEqual(
      ledger.entries.map((e) => [e.streak, e.points, e.resetBefore ?? null]),
      [
        [1, 10, null],
        [2, 15, null],
        [1, 10, 'missed-week'],
      ],
    );
  });

  test('at most two rewarded screens in one week', () => {
    const ledger = cmLedger(recordOf(patient([{ day: -7 }, { day: -5 }, { day: -3 }])), AS_OF);
    assert.deepEqual(
      ledger.entries.map((e) => e.points),
      [10, 15, 0],
    );
    assert.match(ledger.entries[2]?.reason ?? '', /At most 2 rewarded screens per week/);
  });

  test('rewards already paid count as earned; a screen is rewarded once; positive or unverified screens are refused', () => {
    const resources = patient([{ day: -15 }, { day: -8, positives: [LOINC.fentanyl] }, { day: -1 }]);
    const paid = firstObservation(resources, -15);
    assert.ok(paid);
    const withReward = [...resources, aCmReward({ focus: paid, points: 10, day: -14 })];
    const record = recordOf(withReward);
    const ledger = cmLedger(record, AS_OF);
    assert.equal(ledger.earnedPoints, 10);
    assert.equal(ledger.duePoints, 10);
    assert.match(
      checkReward(record, { reference: `Observation/${paid.id}` }, AS_OF).message ?? '',
      /already rewarded/,
    );
    const positive = firstObservation(resources, -8);
    assert.deepEqual(checkReward(record, { reference: `Observation/${positive?.id}` }, AS_OF).allowed, false);
    assert.match(
      checkReward(record, { reference: `Observation/${positive?.id}` }, AS_OF).message ?? '',
      /positive screen/i,
    );
    const due = firstObservation(resources, -1);
    assert.deepEqual(checkReward(record, { reference: `Observation/${due?.id}` }, AS_OF), {
      allowed: true,
      points: 10,
    });

    const preliminary = withReward.map((r) =>
      r.resourceType === 'Observation' && r.id === due?.id ? { ...r, status: 'preliminary' as const } : r,
    );
    assert.match(
      checkReward(recordOf(preliminary), { reference: `Observation/${due?.id}` }, AS_OF).message ?? '',
      /not verified/,
    );
    assert.equal(checkReward(record, { reference: 'Observation/not-a-screen' }, AS_OF).allowed, false);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Observation } from '@medplum/fhirtypes';

import { cravingSeries, MEASURE_CODES, phq9Item9Latest, phq9Latest, phq9Severity } from './measures';
import { aMeasure, aPatient, AS_OF, recordOf } from './test-builders';

describe('measures', () => {
  test('craving: last 6 values oldest first; a 7th older value and a future value are left out', () => {
    const values = [2, 3, 5, 4, 6, 7, 8];
    const rec = recordOf([
      aPatient(),
      ...values.map((value, i) =>
        aMeasure({ code: MEASURE_CODES.craving, value, day: -7 * (values.length - i) }),
      ),
      aMeasure({ code: MEASURE_CODES.craving, value: 10, day: 1 }),
    ]);
    assert.deepEqual(
      cravingSeries(rec, AS_OF).map((v) => v.value),
      [3, 5, 4, 6, 7, 8],
    );
  });

  test('PHQ-9: latest 12 (moderate), change −4 from the previous 16', () => {
    const rec = recordOf([
      aPatient(),
      aMeasure({ code: MEASURE_CODES.phq9Total, value: 16, day: -28 }),
      aMeasure({ code: MEASURE_CODES.phq9Total, value: 12, day: -1 }),
    ]);
    const latest = phq9Latest(rec, AS_OF);
    assert.equal(latest?.score, 12);
    assert.equal(latest?.change, -4);
    assert.equal(latest?.severity, 'moderate');
  });

  test('PHQ-9: a single administration → change undefined; none → undefined', () => {
    const one = recordOf([aPatient(), aMeasure({ code: MEASURE_CODES.phq9Total, value: 4, day: -1 })]);
    assert.equal(phq9Latest(one, AS_OF)?.change, undefined);
    assert.equal(phq9Latest(recordOf([aPatient()]), AS_OF), undefined);
  });

  test('severity band edges 4/5, 9/10, 14/15, 19/20', () => {
    assert.deepEqual([4, 5, 9, 10, 14, 15, 19, 20].map(phq9Severity), [
      'minimal',
      'mild',
      'mild',
      'moderate',
      'moderate',
      'moderately severe',
      'moderately severe',
      'severe',
    ]);
  });

  test('item 9 read from a PHQ-9 panel component with a LOINC answer code (LA6570-1 = 2)', () => {
    const panel: Observation = {
      ...aMeasure({ code: MEASURE_CODES.phq9Total, value: 0, day: -1 }),
      code: { coding: [{ system: 'http://loinc.org', code: '44249-1' }] },
      valueInteger: undefined,
      component: [
        {
          code: { coding: [{ system: 'http://loinc.org', code: '44260-8' }] },
          valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA6570-1' }] },
        },
      ],
    };
    assert.equal(phq9Item9Latest(recordOf([aPatient(), panel]), AS_OF)?.value, 2);
  });

  test('valueQuantity and entered-in-error', () => {
    const q = {
      ...aMeasure({ code: MEASURE_CODES.craving, value: 0, day: -2 }),
      valueInteger: undefined,
      valueQuantity: { value: 6 },
    };
    const err = {
      ...aMeasure({ code: MEASURE_CODES.craving, value: 9, day: -1 }),
      status: 'entered-in-error' as const,
    };
    assert.deepEqual(
      cravingSeries(recordOf([aPatient(), q, err]), AS_OF).map((v) => v.value),
      [6],
    );
  });
});

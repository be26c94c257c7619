import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { part2Consent } from './consent';
import { aConsent, aPatient, AS_OF, at, recordOf } from './test-builders';

describe('42 CFR Part 2 consent', () => {
  test('active → active; none → missing', () => {
    assert.equal(part2Consent(recordOf([aPatient(), aConsent()]), AS_OF).state, 'active');
    assert.equal(part2Consent(recordOf([aPatient()]), AS_OF).state, 'missing');
  });

  test('inactive (revoked) → revoked, with the Consent as evidence', () => {
    const c = aConsent({ id: 'c1', status: 'inactive' });
    assert.deepEqual(part2Consent(recordOf([aPatient(), c]), AS_OF), {
      state: 'revoked',
      consent: { reference: 'Consent/c1' },
    });
  });

  test('provision period ended yesterday → expired', () => {
    const c = { ...aConsent(), provision: { period: { start: at(-300), end: at(-1) } } };
    assert.equal(part2Consent(recordOf([aPatient(), c]), AS_OF).state, 'expired');
  });

  test('a consent dated after as-of is not yet known → missing', () => {
    assert.equal(part2Consent(recordOf([aPatient(), aConsent({ day: 2 })]), AS_OF).state, 'missing');
  });

  test('a consent with another category (e.g. treatment) is not a Part 2 consent', () => {
    const c = { ...aConsent(), category: [{ coding: [{ system: 'http://loinc.org', code: '64292-6' }] }] };
    assert.equal(part2Consent(recordOf([aPatient(), c]), AS_OF).state, 'missing');
  });
});

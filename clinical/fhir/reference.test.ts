import assert from 'node:assert/strict';
import { test } from 'node:test';

import { referenceKey, referenceParts, referenceVersion } from './reference';

test('referenceParts takes relative, absolute and versioned references apart', () => {
  assert.deepEqual(referenceParts('Patient/1'), { type: 'Patient', id: '1' });
  assert.deepEqual(referenceParts('Patient/1/_history/3'), { type: 'Patient', id: '1', version: '3' });
  assert.deepEqual(referenceParts('https://x.example/fhir/Patient/1'), {
    type: 'Patient',
    id: '1',
    base: 'https://x.example/fhir',
  });
  assert.deepEqual(referenceParts('http://x/fhir/QuestionnaireResponse/qr-1/_history/2'), {
    type: 'QuestionnaireResponse',
    id: 'qr-1',
    version: '2',
    base: 'http://x/fhir',
  });
  // A leading slash is not a relative reference: its base is the empty string.
  assert.deepEqual(referenceParts('/Patient/1'), { type: 'Patient', id: '1', base: '' });
});

test('referenceParts answers undefined for what names no Type/id', () => {
  for (const reference of [
    undefined,
    '',
    '#contained-1',
    'urn:uuid:0d4c7e9a-1111-4222-8333-944455556666',
    'Patient?identifier=http://clinic|123',
    'patient/1',
    'Patient/1/extra',
    'Patient/has_underscore',
    `Patient/${'a'.repeat(65)}`,
    'http://waypoint.health/fhir/Questionnaire/phq9|1.0.0',
  ]) {
    assert.equal(referenceParts(reference), undefined, String(reference));
  }
});

test('referenceKey and referenceVersion read the same parts', () => {
  assert.equal(referenceKey('https://x/fhir/Observation/o1/_history/4'), 'Observation/o1');
  assert.equal(referenceVersion('https://x/fhir/Observation/o1/_history/4'), '4');
  assert.equal(referenceVersion('Observation/o1'), undefined);
  assert.equal(referenceKey('urn:uuid:abc'), 'urn:uuid:abc');
  assert.equal(referenceKey('#c1'), undefined);
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ageInYears, toEndMillis, toMillis } from './fhir-date';
import { patientAge, patientName, patientPronouns, UNNAMED_PATIENT } from './patient-facts';
import { aPatient, AS_OF } from './test-builders';

describe('patient facts', () => {
  test('age exactly 25 on the 25th birthday; 24 the day before', () => {
    assert.equal(patientAge(aPatient({ birthDate: '2001-03-16' }), AS_OF), 25);
    assert.equal(patientAge(aPatient({ birthDate: '2001-03-17' }), AS_OF), 24);
  });

  test('born 29 Feb: turns a year older on 1 Mar in a common year', () => {
    assert.equal(ageInYears('2004-02-29', toMillis('2025-02-28') as number), 20);
    assert.equal(ageInYears('2004-02-29', toMillis('2025-03-01') as number), 21);
  });

  test('no birth date → undefined', () => {
    assert.equal(patientAge({ resourceType: 'Patient', id: 'x' }, AS_OF), undefined);
  });

  test('blank names (empty strings, whitespace, no name) → "(no name recorded)"', () => {
    assert.equal(patientName(aPatient({ name: [{ given: ['  '], family: '' }] })), UNNAMED_PATIENT);
    assert.equal(patientName({ resourceType: 'Patient' }), UNNAMED_PATIENT);
    assert.equal(patientName(aPatient({ name: [{ text: ' ' }] })), UNNAMED_PATIENT);
  });

  test('the usual (preferred) name is shown before the official one; old names are skipped', () => {
    const p = aPatient({
      name: [
        { use: 'old', given: ['Former'], family: 'Name' },
        { use: 'official', given: ['Alexandra'], family: 'Rivera' },
        { use: 'usual', given: ['Sasha'], family: 'Rivera' },
      ],
    });
    assert.equal(patientName(p), 'Sasha Rivera');
  });

  test('pronouns: valueString, CodeableConcept display, R5 complex extension; none → undefined', () => {
    assert.equal(patientPronouns(aPatient({ pronouns: 'they/them' })), 'they/them');
    const url = 'http://hl7.org/fhir/StructureDefinition/individual-pronouns';
    const coded = {
      ...aPatient(),
      extension: [
        {
          url,
          valueCodeableConcept: { coding: [{ code: 'LA29519-8', display: 'she/her/her/hers/herself' }] },
        },
      ],
    };
    assert.equal(patientPronouns(coded), 'she/her/her/hers/herself');
    const complex = {
      ...aPatient(),
      extension: [{ url, extension: [{ url: 'value', valueCodeableConcept: { text: 'he/him' } }] }],
    };
    assert.equal(patientPronouns(complex), 'he/him');
    assert.equal(patientPronouns(aPatient()), undefined);
  });

  test('period ends: a date-only end includes the whole day; month and year ends likewise', () => {
    assert.equal(new Date(toEndMillis('2026-03-15') as number).toISOString(), '2026-03-16T00:00:00.000Z');
    assert.equal(new Date(toEndMillis('2026-02') as number).toISOString(), '2026-03-01T00:00:00.000Z');
    assert.equal(new Date(toEndMillis('2026') as number).toISOString(), '2027-01-01T00:00:00.000Z');
    assert.equal(toEndMillis('2026-03-15T10:00:00Z'), toMillis('2026-03-15T10:00:00Z'));
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { StaffRole } from '../terminology';
import { isMeasureResponse, mayReadResponseAnswers, readsNoteBodies } from './response-access';

const roles = (...r: StaffRole[]): ReadonlySet<StaffRole> => new Set(r);
const coordinator = roles('care-coordinator');

describe('who reads the answers of a QuestionnaireResponse', () => {
  test('the four measures are allow-listed, with or without a version', () => {
    for (const url of [
      'http://loinc.org/q/44249-1', // PHQ-9
      'http://loinc.org/q/69737-5|2.74', // GAD-7, versioned
      'http://waypoint.health/fhir/Questionnaire/bam',
      'http://waypoint.health/fhir/Questionnaire/craving',
    ]) {
      assert.equal(isMeasureResponse({ questionnaire: url }), true, url);
      assert.equal(mayReadResponseAnswers(coordinator, { questionnaire: url }), true, url);
    }
  });

  test('a coordinator never reads a note: Waypoint template, foreign note, other LOINC form, or no questionnaire', () => {
    for (const questionnaire of [
      'http://waypoint.health/fhir/Questionnaire/cbt-thought-record',
      'http://waypoint.health/fhir/Questionnaire/session-frame',
      'http://other-ehr.example.org/Questionnaire/progress-note',
      'http://loinc.org/q/11488-4', // a LOINC consult note form is not a measure
      undefined,
    ]) {
      assert.equal(mayReadResponseAnswers(coordinator, { questionnaire }), false, String(questionnaire));
      assert.equal(mayReadResponseAnswers(roles('peer-specialist'), { questionnaire }), false);
    }
  });

  test('counselor, supervisor and prescriber read note bodies; a coordinator who is also a counselor does too', () => {
    assert.equal(readsNoteBodies(roles('counselor')), true);
    assert.equal(readsNoteBodies(roles('supervisor')), true);
    assert.equal(readsNoteBodies(roles('prescriber')), true);
    assert.equal(readsNoteBodies(coordinator), false);
    assert.equal(readsNoteBodies(roles()), false);
    assert.equal(
      mayReadResponseAnswers(roles('care-coordinator', 'counselor'), { questionnaire: undefined }),
      true,
    );
  });
});

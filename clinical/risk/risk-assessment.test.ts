import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AS_OF, aStablePatient, aUds, LOINC, recordOf } from '../fhir/test-builders';
import { assessRelapseRisk } from './relapse-risk';
import { explainRisk, toRiskAssessment } from './risk-assessment';

test('toRiskAssessment: method = model id + version, qualitativeRisk from risk-probability, basis = evidence, note = explanation', () => {
  const rec = recordOf(aStablePatient([aUds({ id: 'f1', loinc: LOINC.fentanyl, day: -2, positive: true })]));
  const result = assessRelapseRisk(rec, AS_OF);
  const ra = toRiskAssessment(result, { reference: 'Patient/p1' });
  assert.equal(ra.resourceType, 'RiskAssessment');
  assert.equal(ra.status, 'final');
  assert.deepEqual(ra.subject, { reference: 'Patient/p1' });
  assert.equal(ra.occurrenceDateTime, AS_OF);
  assert.deepEqual(ra.method?.coding, [
    {
      system: 'http://waypoint.health/fhir/CodeSystem/risk-model',
      code: 'waypoint-relapse-risk',
      version: '1.0.0',
    },
  ]);
  assert.deepEqual(ra.prediction?.[0]?.qualitativeRisk?.coding, [
    {
      system: 'http://terminology.hl7.org/CodeSystem/risk-probability',
      code: 'low',
      display: 'Low likelihood',
    },
  ]);
  assert.deepEqual(ra.basis, [{ reference: 'Observation/f1' }]);
  assert.equal(ra.note?.[0]?.text, explainRisk(result));
  assert.match(
    explainRisk(result),
    /^Relapse-risk score 2 \(low\), model waypoint-relapse-risk v1\.0\.0, as of 2026-03-16\. Decision support, not a diagnosis\.\n\+2 Urine drug screen 14 Mar 2026 positive for fentanyl/,
  );
});

test('no points → explanation says so and basis is empty', () => {
  const result = assessRelapseRisk(recordOf(aStablePatient()), AS_OF);
  const ra = toRiskAssessment(result, { reference: 'Patient/p1' });
  assert.deepEqual(ra.basis, []);
  assert.match(ra.note?.[0]?.text ?? '', /No risk points\.$/);
});

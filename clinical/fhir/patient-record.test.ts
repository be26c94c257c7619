import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Bundle, Observation, Provenance, Resource } from '@medplum/fhirtypes';

import { MEASURE_CODES } from './measures';
import { bundleResources, groupByPatient } from './patient-record';
import {
  aBareRiskAssessment,
  aCarePlan,
  aCmReward,
  aConsent,
  aCosignTask,
  aGoal,
  aMeasure,
  anEncounter,
  anEpisode,
  aNote,
  aPatient,
  aRelatedPerson,
  aSignature,
  aUds,
  aUdsReport,
  LOINC,
} from './test-builders';

describe('groupByPatient', () => {
  test('sorts each resource into its patient and kind', () => {
    const enc = anEncounter({ day: -1 });
    const note = aNote({ encounter: enc });
    const resources: Resource[] = [
      aPatient({ id: 'p1' }),
      aPatient({ id: 'p2' }),
      anEpisode({ patient: 'p1' }),
      anEpisode({ patient: 'p2' }),
      enc,
      note,
      aSignature({ note, recorded: '2026-03-15T12:00:00Z' }),
      aCosignTask({ note, authoredDay: -1 }),
      aMeasure({ code: MEASURE_CODES.craving, value: 3, day: -1, patient: 'p2' }),
      aUds({ loinc: LOINC.fentanyl, day: -1, patient: 'p2' }),
      aConsent({ patient: 'p2' }),
    ];
    const records = groupByPatient(resources);
    assert.deepEqual([...records.keys()], ['p1', 'p2']);
    const p1 = records.get('p1');
    const p2 = records.get('p2');
    assert.equal(p1?.episodes.length, 1);
    assert.equal(p1?.notes.length, 1);
    assert.equal(p1?.provenances.length, 1, 'Provenance joins through its target note');
    assert.equal(p1?.cosignTasks.length, 1, 'co-sign Task joins through its focus note');
    assert.equal(p2?.measureObservations.length, 1);
    assert.equal(p2?.udsObservations.length, 1);
    assert.equal(p2?.consents.length, 1);
    assert.equal(p2?.notes.length, 0);
  });

  test('note metadata only: the note body never enters the record', () => {
    const enc = anEncounter({ day: -1 });
    const record = groupByPatient([aPatient(), enc, aNote({ id: 'n1', encounter: enc })]).get('p1');
    const note = record?.notes[0];
    assert.equal(note?.id, 'n1');
    assert.equal(note?.status, 'in-progress');
    assert.doesNotMatch(JSON.stringify(record), /private note body/);
  });

  test('resolves through the Encounter when subject is missing, and through the report for its results', () => {
    const enc = anEncounter({ id: 'e1', day: -1 });
    const viaEncounter: Observation = {
      ...aMeasure({ code: MEASURE_CODES.craving, value: 5, day: -1 }),
      subject: undefined,
      encounter: { reference: 'Encounter/e1' },
    };
    const result: Observation = { ...aUds({ id: 'u1', loinc: LOINC.fentanyl, day: -1 }), subject: undefined };
    const report = aUdsReport({ day: -1, results: [result] });
    const rec = groupByPatient([aPatient(), enc, viaEncounter, result, report]).get('p1');
    assert.equal(rec?.measureObservations.length, 1);
    assert.equal(rec?.udsObservations.length, 1);
    assert.equal(rec?.udsReports.length, 1);
  });

  test('absolute and versioned references resolve; resources of an absent patient are dropped', () => {
    const ep = {
      ...anEpisode(),
      patient: { reference: 'https://fhir.example.org/fhir/Patient/p1/_history/4' },
    };
    const stray = anEpisode({ patient: 'nobody' });
    const records = groupByPatient([aPatient(), ep, stray]);
    assert.equal(records.size, 1);
    assert.equal(records.get('p1')?.episodes.length, 1);
  });

  test('the same resource returned by two searches is kept once, the newest version', () => {
    const v1 = { ...anEpisode({ id: 'e' }), meta: { versionId: '1', lastUpdated: '2026-03-01T00:00:00Z' } };
    const v2 = {
      ...v1,
      status: 'finished' as const,
      meta: { versionId: '2', lastUpdated: '2026-03-10T00:00:00Z' },
    };
    const rec = groupByPatient([aPatient(), v2, v1, v1]).get('p1');
    assert.equal(rec?.episodes.length, 1);
    assert.equal(rec?.episodes[0]?.status, 'finished');
  });

  test('PHQ-9 QuestionnaireResponses are measures, not session notes', () => {
    const enc = anEncounter({ day: -1 });
    const phq = { ...aNote({ encounter: enc }), questionnaire: 'http://loinc.org/q/44249-1' };
    assert.equal(groupByPatient([aPatient(), enc, phq]).get('p1')?.notes.length, 0);
  });

  test("the chart's resources: CarePlans, Goals, RelatedPersons, every Task, RiskAssessments", () => {
    const enc = anEncounter({ day: -1 });
    const note = aNote({ encounter: enc });
    const screen = aUds({ loinc: LOINC.fentanyl, day: -2 });
    const goal = aGoal({ description: 'PHQ-9 below 10' });
    const cosign = { ...aCosignTask({ note, authoredDay: -1 }), for: undefined };
    const reward = aCmReward({ focus: screen, points: 10, day: -2 });
    const rec = groupByPatient([
      aPatient(),
      aPatient({ id: 'p2' }),
      enc,
      note,
      screen,
      goal,
      aGoal({ description: 'of p2', patient: 'p2' }),
      aCarePlan({ goals: [goal] }),
      aRelatedPerson({ relationship: 'MTH', display: 'mother' }),
      cosign,
      reward,
      aBareRiskAssessment({ day: -7 }),
    ]).get('p1');
    assert.equal(rec?.carePlans.length, 1);
    assert.equal(rec?.goals.length, 1, "p2's goal stays with p2");
    assert.equal(rec?.relatedPersons.length, 1);
    assert.deepEqual(
      rec?.tasks.map((t) => t.id),
      [cosign.id, reward.id],
      'every Task: the co-sign Task (through its focus note) and the CM reward (Task.for)',
    );
    assert.deepEqual(
      rec?.cosignTasks.map((t) => t.id),
      [cosign.id],
      'cosignTasks keeps co-sign Tasks only',
    );
    assert.equal(rec?.riskAssessments.length, 1);
  });

  test('an unrelated Provenance (target elsewhere) is not attached', () => {
    const prov: Provenance = {
      resourceType: 'Provenance',
      id: 'x',
      target: [{ reference: 'Patient/p1' }],
      recorded: '2026-03-01T00:00:00Z',
      agent: [],
    };
    assert.equal(groupByPatient([aPatient(), prov]).get('p1')?.provenances.length, 0);
  });
});

describe('bundleResources', () => {
  test('flattens a batch-response of searchsets and drops OperationOutcomes', () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'batch-response',
      entry: [
        {
          resource: {
            resourceType: 'Bundle',
            type: 'searchset',
            entry: [{ resource: aPatient() }, { resource: anEpisode() }],
          },
        },
        { resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden' }] } },
        { resource: { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: aConsent() }] } },
      ],
    };
    assert.deepEqual(
      bundleResources(bundle).map((r) => r.resourceType),
      ['Patient', 'EpisodeOfCare', 'Consent'],
    );
  });
});

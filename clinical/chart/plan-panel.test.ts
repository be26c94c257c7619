import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Goal, Resource } from '@medplum/fhirtypes';

import { MEASURE_CODES } from '../fhir/measures';
import {
  aCarePlan,
  aGoal,
  aMatOrder,
  aMeasure,
  anAppointment,
  anEpisode,
  aPatient,
  AS_OF,
  aUdsPanel,
  dateOnly,
  LOINC,
  recordOf,
} from '../fhir/test-builders';
import { SCREEN_RESULT, SYSTEM } from '../terminology';
import { treatmentPlan } from './plan-panel';

const episode = anEpisode({ startDay: -40, plannedWeeks: 12 });
const record = (resources: Resource[]) => recordOf([aPatient(), episode, ...resources]);

const phqGoal = (comparator: '<' | '<=' | null = '<'): Goal =>
  aGoal({
    id: 'g-phq',
    description: 'Depressive symptoms in the mild range or below (PHQ-9 total < 10)',
    achievement: 'improving',
    target: [
      {
        measure: { coding: [{ system: SYSTEM.loinc, code: '44261-6' }] },
        detailQuantity: { value: 10, ...(comparator ? { comparator } : {}), unit: '{score}' },
        dueDate: dateOnly(44),
      },
    ],
  });

describe('treatmentPlan', () => {
  test('the episode CarePlan, its goals with targets and progress, the track and week, next review = period end', () => {
    const goal = phqGoal();
    const plan = aCarePlan({ id: 'cp', goals: [goal], startDay: -40, endDay: 43 });
    const facts = treatmentPlan(
      record([plan, goal, aMeasure({ code: MEASURE_CODES.phq9Total, value: 8, day: -3 })]),
      AS_OF,
    );
    assert.deepEqual(
      [facts.track, facts.week, facts.plannedWeeks, facts.weekLabel],
      ['CBT', 6, 12, 'w 6 / 12'],
    );
    assert.equal(facts.plans.length, 1);
    const g = facts.plans[0]?.goals[0];
    assert.deepEqual(g?.targets, [
      {
        measure: { system: SYSTEM.loinc, code: '44261-6', display: null },
        detail: '< 10',
        due: dateOnly(44),
      },
    ]);
    assert.deepEqual(g?.achievement, { code: 'improving', display: 'improving' });
    assert.deepEqual(
      g?.progress.map((p) => [p.kind, p.readFrom, p.current, p.target, p.met, p.text]),
      [['phq9', 'target', 8, '< 10', true, 'Latest PHQ-9 8 on 13 Mar 2026 (target < 10).']],
    );
    assert.deepEqual(facts.nextReview, {
      date: dateOnly(43),
      source: 'period-end',
      carePlan: { reference: 'CarePlan/cp' },
    });
    assert.deepEqual(JSON.parse(JSON.stringify(facts)), facts, 'plain JSON');
  });

  test('PHQ-9 target boundary: 10 does not meet "< 10"; 10 meets "≤ 10"; no comparator reads as "at most"', () => {
    const at10 = (goal: Goal) =>
      treatmentPlan(record([goal, aMeasure({ code: MEASURE_CODES.phq9Total, value: 10, day: -3 })]), AS_OF)
        .otherGoals[0]?.progress[0];
    assert.deepEqual(
      [at10(phqGoal('<'))?.met, at10(phqGoal('<='))?.met, at10(phqGoal(null))?.met],
      [false, true, true],
    );
    assert.equal(at10(phqGoal(null))?.target, '≤ 10');
  });

  test('no PHQ-9 yet: current null, met null', () => {
    const p = treatmentPlan(record([phqGoal()]), AS_OF).otherGoals[0]?.progress[0];
    assert.deepEqual([p?.current, p?.met, p?.text], [null, null, 'No PHQ-9 on record yet (target < 10).']);
  });

  test('"4 consecutive negative screens": a UDS measure with a quantity reads the negative streak', () => {
    const goal = aGoal({
      description: 'Four consecutive negative weekly screens',
      target: [
        {
          measure: { coding: [{ system: SYSTEM.loinc, code: LOINC.fentanyl }] },
          detailQuantity: { value: 4, unit: 'wk' },
        },
      ],
    });
    const bup = aMatOrder({ authoredDay: -60 });
    const screens = [-1, -8, -15].flatMap((day) => aUdsPanel({ day, positives: [LOINC.buprenorphine] }));
    const p = treatmentPlan(record([goal, bup, ...screens]), AS_OF).otherGoals[0]?.progress[0];
    assert.deepEqual([p?.kind, p?.current, p?.target, p?.met], ['negative-screens', 3, '≥ 4 weeks', false]);
    const more = [-22].flatMap((day) => aUdsPanel({ day, positives: [LOINC.buprenorphine] }));
    assert.equal(
      treatmentPlan(record([goal, bup, ...screens, ...more]), AS_OF).otherGoals[0]?.progress[0]?.met,
      true,
    );
  });

  test('the demo\'s "UDS negative" goal: the latest fentanyl screen negative, with the streak', () => {
    const goal = aGoal({
      description: 'No use of non-prescribed opioids',
      target: [
        {
          measure: { coding: [{ system: SYSTEM.loinc, code: '59673-4' }] },
          detailCodeableConcept: { coding: [{ ...SCREEN_RESULT.negative }] },
        },
      ],
    });
    const p = treatmentPlan(record([goal, ...aUdsPanel({ day: -1 })]), AS_OF).otherGoals[0]?.progress[0];
    assert.deepEqual([p?.target, p?.met, p?.current], ['negative', true, 1]);
    assert.equal(treatmentPlan(record([goal]), AS_OF).otherGoals[0]?.targets[0]?.detail, 'negative');
    const positive = aUdsPanel({ day: -1, positives: [LOINC.fentanyl] });
    assert.equal(treatmentPlan(record([goal, ...positive]), AS_OF).otherGoals[0]?.progress[0]?.met, false);
  });

  test('attendance from the goal\'s words ("at least 90 %"): attended / (attended + no-show) over the episode', () => {
    const goal = aGoal({ description: 'Attend at least 90 % of scheduled counseling sessions' });
    const sessions = [
      ...[-35, -28, -21, -14, -7].map((day) => anAppointment({ day, status: 'fulfilled' })),
      anAppointment({ day: -3, status: 'noshow' }),
      anAppointment({ day: -10, status: 'cancelled', cancelledBy: 'pat' }),
    ];
    const p = treatmentPlan(record([goal, ...sessions]), AS_OF).otherGoals[0]?.progress[0];
    assert.deepEqual(
      [p?.kind, p?.readFrom, p?.current, p?.target, p?.met],
      ['attendance', 'description', 83, '≥ 90 %', false],
    );
  });

  test('a goal the rules cannot read has no progress', () => {
    const goal = aGoal({ description: 'Take buprenorphine as prescribed' });
    assert.deepEqual(treatmentPlan(record([goal]), AS_OF).otherGoals[0]?.progress, []);
  });

  test('next review: an extension first, else a scheduled review activity, else the period end', () => {
    const ext = aCarePlan({
      id: 'e',
      endDay: 43,
      extension: [
        { url: 'http://example.org/fhir/StructureDefinition/careplan-next-review', valueDate: dateOnly(5) },
      ],
    });
    assert.deepEqual(treatmentPlan(record([ext]), AS_OF).nextReview?.source, 'extension');
    const activity = aCarePlan({
      id: 'a',
      endDay: 43,
      activity: [
        {
          detail: {
            status: 'scheduled',
            description: 'Treatment plan review',
            scheduledString: dateOnly(-7),
          },
        },
        {
          detail: {
            status: 'scheduled',
            description: 'Treatment plan review',
            scheduledPeriod: { start: dateOnly(14) },
          },
        },
      ],
    });
    assert.deepEqual(treatmentPlan(record([activity]), AS_OF).nextReview, {
      date: dateOnly(14),
      source: 'activity',
      carePlan: { reference: 'CarePlan/a' },
    });
    const past = aCarePlan({ id: 'p', startDay: -100, endDay: -50, status: 'completed' });
    assert.equal(treatmentPlan(record([past]), AS_OF).nextReview, null);
  });

  test('plans of the episode first, active first; a plan from an earlier episode is left out', () => {
    const old = aCarePlan({ id: 'old', startDay: -200, endDay: -116, status: 'completed' });
    const current = aCarePlan({ id: 'now', startDay: -40, endDay: 43 });
    const facts = treatmentPlan(record([old, current]), AS_OF);
    assert.deepEqual(
      facts.plans.map((p) => p.carePlan.reference),
      ['CarePlan/now'],
    );
    const noEpisode = treatmentPlan(recordOf([aPatient(), old]), AS_OF);
    assert.deepEqual(
      noEpisode.plans.map((p) => p.carePlan.reference),
      ['CarePlan/old'],
    );
    assert.deepEqual([noEpisode.week, noEpisode.track, noEpisode.episode], [null, null, null]);
  });
});

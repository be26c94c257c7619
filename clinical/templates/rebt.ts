/** REBT note template: ABCDE worksheet. */
import type { Questionnaire } from '@medplum/fhirtypes';

import { questionnaireUrl } from '../terminology';
import { group, int, questionnaire, stringChoice, text } from './questionnaire-builder';

export const IRRATIONAL_BELIEF_TYPES = [
  'Demandingness (must / should)',
  'Awfulizing',
  'Low frustration tolerance ("I can\'t stand it")',
  'Self-downing / global rating',
] as const;

export const rebtAbcde: Questionnaire = questionnaire(
  {
    id: 'wp-rebt-abcde',
    url: questionnaireUrl('rebt-abcde'),
    name: 'RebtAbcde',
    title: 'REBT ABCDE worksheet',
    template: 'rebt-abcde',
    description:
      'Rational emotive behavior therapy (Ellis) ABCDE: activating event, beliefs, emotional and behavioral ' +
      'consequences, disputation, effective new belief and its effect.',
  },
  [
    text('activating-event', 'A — Activating event', { required: true }),
    group('beliefs', 'B — Beliefs', [
      text('beliefs.irrational', 'Irrational belief(s)', { required: true }),
      stringChoice('beliefs.type', 'Type of irrational belief', IRRATIONAL_BELIEF_TYPES, { repeats: true }),
    ]),
    group('consequences', 'C — Consequences', [
      text('consequences.emotional', 'Emotional consequences'),
      text('consequences.behavioral', 'Behavioral consequences (including urges to use)'),
      int('consequences.intensity', 'Intensity of the unhealthy negative emotion (0–10)', 0, 10),
    ]),
    group('disputation', 'D — Disputation', [
      text('disputation.empirical', 'Empirical: where is the evidence?'),
      text('disputation.logical', 'Logical: does it follow?'),
      text('disputation.pragmatic', 'Pragmatic: where does holding this belief get me?'),
    ]),
    text('effective-belief', 'E — Effective new (rational) belief', { required: true }),
    int('effect.intensity', 'Intensity of the emotion after disputing (0–10)', 0, 10),
    text('homework', 'Homework (rational coping statements, shame-attacking exercise, …)'),
  ],
);

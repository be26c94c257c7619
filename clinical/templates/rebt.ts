/** REBT note template: ABCDE worksheet. */
import type { Questionnaire } from '@medplum/fhirtypes';

import { MEASURE_DETAIL, questionnaireUrl } from '../terminology';
import {
  block,
  extracted,
  group,
  int,
  layout,
  localMeasure,
  stringChoice,
  text,
} from './questionnaire-builder';
import { noteQuestionnaire } from './session-frame';

export const IRRATIONAL_BELIEF_TYPES = [
  'Demandingness (must / should)',
  'Awfulizing',
  'Low frustration tolerance ("I can\'t stand it")',
  'Self-downing / global rating',
] as const;

/**
 * REBT ABCDE (Ellis & Dryden, "The Practice of Rational Emotive Behavior Therapy", 2nd ed. 2007): the activating
 * event, beliefs (irrational and the rational alternative), consequences (emotional, behavioral), disputation,
 * the effective new belief, and optionally F — the new feelings and actions.
 */
export const ABCDE_BLOCK = block(
  layout(
    group('abcde', 'ABCDE', [
      text('ab.a', 'A — Activating event', { required: true }),
      group('ab.b', 'B — Beliefs', [
        text('ab.b.irrational', 'Irrational belief(s)', { required: true }),
        stringChoice('ab.b.type', 'Type of irrational belief', IRRATIONAL_BELIEF_TYPES, { repeats: true }),
        text('ab.b.rational', 'Rational alternative belief(s)'),
      ]),
      group('ab.c', 'C — Consequences', [
        text('ab.c.emotional', 'Emotional consequences', { required: true }),
        text('ab.c.behavioral', 'Behavioral consequences (including urges to use)'),
        extracted(
          int('ab.c.intensity', 'Intensity of the unhealthy negative emotion (0–10)', 0, 10),
          localMeasure(MEASURE_DETAIL.rebtIntensityBefore, 'REBT: emotion intensity at C (0–10)'),
        ),
      ]),
      group('ab.d', 'D — Disputation', [
        text('ab.d.empirical', 'Empirical: where is the evidence?'),
        text('ab.d.logical', 'Logical: does it follow?'),
        text('ab.d.pragmatic', 'Pragmatic: where does holding this belief get me?'),
      ]),
      text('ab.e', 'E — Effective new belief', { required: true }),
      group('ab.f', 'F — New feelings and actions (optional)', [
        text('ab.f.feelings', 'New feelings'),
        text('ab.f.actions', 'New actions'),
        extracted(
          int('ab.f.intensity', 'Intensity of the emotion after disputing (0–10)', 0, 10),
          localMeasure(MEASURE_DETAIL.rebtIntensityAfter, 'REBT: emotion intensity after disputing (0–10)'),
        ),
      ]),
    ]),
    'letters',
  ),
  'abcde',
);

export const rebtAbcde: Questionnaire = noteQuestionnaire(
  {
    id: 'wp-rebt-abcde',
    url: questionnaireUrl('rebt-abcde'),
    name: 'RebtAbcde',
    title: 'REBT ABCDE',
    template: 'rebt-abcde',
    description:
      'Rational emotive behavior therapy ABCDE: activating event, beliefs, emotional and behavioral ' +
      'consequences, disputation, effective new belief and, optionally, new feelings and actions.',
  },
  ABCDE_BLOCK,
);

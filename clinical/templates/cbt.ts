/**
 * CBT note templates: thought record (the seven columns of Greenberger & Padesky, "Mind Over Mood", 2nd ed.
 * 2016), behavioral experiment (Bennett-Levy et al., "Oxford Guide to Behavioural Experiments in Cognitive
 * Therapy", 2004) and exposure with SUDS (Wolpe's subjective units of distress, 0–100).
 */
import type { Questionnaire } from '@medplum/fhirtypes';

import { MEASURE_DETAIL, questionnaireUrl } from '../terminology';
import {
  aggregate,
  block,
  bool,
  extracted,
  group,
  int,
  layout,
  localMeasure,
  str,
  stringChoice,
  text,
} from './questionnaire-builder';
import { noteQuestionnaire } from './session-frame';

export const COGNITIVE_DISTORTIONS = [
  'All-or-nothing thinking',
  'Catastrophizing',
  'Mind reading',
  'Fortune telling',
  'Emotional reasoning',
  'Should statements',
  'Labeling',
  'Overgeneralization',
  'Discounting the positive',
  'Permission-giving belief',
] as const;

const moods = (linkId: string, label: string, extra?: { required?: boolean }) =>
  group(
    linkId,
    label,
    [str(`${linkId}.name`, 'Mood', { required: true }), int(`${linkId}.rating`, 'Rating (0–100 %)', 0, 100)],
    { repeats: true, ...extra },
  );

/** The seven columns, side by side. */
export const THOUGHT_RECORD_BLOCK = block(
  layout(
    group('thought-record', 'Thought record', [
      text('tr.situation', 'Situation (who, what, when, where)', { required: true }),
      moods('tr.mood', 'Moods (rate each 0–100 %)', { required: true }),
      group(
        'tr.thought',
        'Automatic thoughts (images)',
        [text('tr.thought.text', 'Thought', { required: true }), bool('tr.thought.hot', 'Hot thought')],
        { repeats: true, required: true },
      ),
      text('tr.evidence-for', 'Evidence that supports the hot thought'),
      text('tr.evidence-against', 'Evidence that does not support the hot thought'),
      group('tr.balanced', 'Alternative / balanced thought', [
        text('tr.balanced.text', 'Balanced thought', { required: true }),
        extracted(
          int('tr.balanced.belief', 'Belief in it (0–100 %)', 0, 100),
          localMeasure(MEASURE_DETAIL.balancedThoughtBelief, 'Belief in the balanced thought (0–100 %)'),
        ),
      ]),
      moods('tr.rerate', 'Rate moods now (0–100 %)'),
      stringChoice('tr.distortion', 'Thinking traps', COGNITIVE_DISTORTIONS, { repeats: true }),
      extracted(
        aggregate('tr.mood-before', 'Strongest mood before (0–100 %)', 'max', 'tr.mood.rating'),
        localMeasure(MEASURE_DETAIL.moodRatingBefore, 'Thought record: strongest mood before (0–100 %)'),
      ),
      extracted(
        aggregate('tr.mood-after', 'Strongest mood after (0–100 %)', 'max', 'tr.rerate.rating'),
        localMeasure(MEASURE_DETAIL.moodRatingAfter, 'Thought record: strongest mood after (0–100 %)'),
      ),
    ]),
    'columns',
  ),
  'thought-record',
);

export const BEHAVIORAL_EXPERIMENT_BLOCK = block(
  group('behavioral-experiment', 'Behavioral experiment', [
    text('be.belief', 'Belief to test', { required: true }),
    extracted(
      int('be.belief-before', 'Belief (0–100 %)', 0, 100, { required: true }),
      localMeasure(MEASURE_DETAIL.experimentBeliefBefore, 'Behavioral experiment: belief before (0–100 %)'),
    ),
    text('be.prediction', 'Prediction (what I expect will happen)', { required: true }),
    text('be.experiment', 'Experiment (what, when, where, with whom)', { required: true }),
    text('be.outcome', 'Outcome (what actually happened)'),
    text('be.learned', 'What I learned'),
    extracted(
      int('be.belief-after', 'Belief re-rated (0–100 %)', 0, 100),
      localMeasure(MEASURE_DETAIL.experimentBeliefAfter, 'Behavioral experiment: belief after (0–100 %)'),
    ),
  ]),
  'behavioral-experiment',
);

export const EXPOSURE_BLOCK = block(
  group('exposure', 'Exposure', [
    str('ex.item', 'Hierarchy item (e.g. drive past the old using spot)', { required: true }),
    extracted(
      int('ex.suds-before', 'SUDS before (0–100)', 0, 100, { required: true }),
      localMeasure(MEASURE_DETAIL.sudsBefore, 'SUDS before exposure'),
    ),
    extracted(
      int('ex.suds-peak', 'SUDS at peak (0–100)', 0, 100, { required: true }),
      localMeasure(MEASURE_DETAIL.sudsPeak, 'SUDS at peak of exposure'),
    ),
    extracted(
      int('ex.suds-after', 'SUDS after (0–100)', 0, 100, { required: true }),
      localMeasure(MEASURE_DETAIL.sudsAfter, 'SUDS after exposure'),
    ),
    int('ex.duration', 'Duration (minutes)', 1, 240),
    text('ex.safety-dropped', 'Safety behaviors dropped'),
    text('ex.observations', 'Observations (urges, coping used)'),
  ]),
  'exposure',
);

export const cbtThoughtRecord: Questionnaire = noteQuestionnaire(
  {
    id: 'wp-cbt-thought-record',
    url: questionnaireUrl('cbt-thought-record'),
    name: 'CbtThoughtRecord',
    title: 'CBT thought record',
    template: 'cbt-thought-record',
    description:
      'Seven-column thought record (Greenberger & Padesky): situation, moods rated 0–100 %, automatic thoughts ' +
      'with the hot thought marked, evidence for and against, a balanced thought and how strongly it is ' +
      'believed, moods re-rated. Craving-related thoughts ("permission-giving beliefs") are a named thinking trap.',
  },
  THOUGHT_RECORD_BLOCK,
);

export const cbtBehavioralExperiment: Questionnaire = noteQuestionnaire(
  {
    id: 'wp-cbt-behavioral-experiment',
    url: questionnaireUrl('cbt-behavioral-experiment'),
    name: 'CbtBehavioralExperiment',
    title: 'CBT behavioral experiment',
    template: 'cbt-behavioral-experiment',
    description:
      'Behavioral experiment: the belief tested and how strongly it is held, the prediction, the experiment, ' +
      'what happened, what was learned, the belief re-rated.',
  },
  BEHAVIORAL_EXPERIMENT_BLOCK,
);

export const cbtExposure: Questionnaire = noteQuestionnaire(
  {
    id: 'wp-cbt-exposure',
    url: questionnaireUrl('cbt-exposure'),
    name: 'CbtExposure',
    title: 'CBT exposure',
    template: 'cbt-exposure',
    description:
      'Graded or cue exposure: the hierarchy item, Subjective Units of Distress (SUDS, 0–100) before, at peak ' +
      'and after, duration and safety behaviors dropped. SUDS codes are LOCAL (no verified LOINC code).',
  },
  EXPOSURE_BLOCK,
);

/** CBT note templates: thought record, behavioral experiment, exposure session (SUDS). */
import type { Questionnaire } from '@medplum/fhirtypes';

import { MEASURE_DETAIL, questionnaireUrl } from '../terminology';
import {
  extracted,
  group,
  int,
  localMeasure,
  questionnaire,
  str,
  stringChoice,
  text,
} from './questionnaire-builder';

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

export const cbtThoughtRecord: Questionnaire = questionnaire(
  {
    id: 'wp-cbt-thought-record',
    url: questionnaireUrl('cbt-thought-record'),
    name: 'CbtThoughtRecord',
    title: 'CBT thought record',
    template: 'cbt-thought-record',
    description:
      'Seven-column thought record (Beck): situation, automatic thought, emotions, evidence for and against, ' +
      'balanced thought and re-rated emotion. Craving-related thoughts ("permission-giving beliefs") are named ' +
      'as a distortion because they drive return to use.',
  },
  [
    text('situation', 'Situation (who, what, where, when)', { required: true }),
    text('automatic-thought', 'Automatic thought(s)', { required: true }),
    int('belief-before', 'Belief in the automatic thought (0–100 %)', 0, 100),
    group('emotion', 'Emotion', [
      str('emotion.name', 'Emotion(s)'),
      int('emotion.intensity-before', 'Intensity before (0–100)', 0, 100),
    ]),
    stringChoice('distortion', 'Thinking trap(s)', COGNITIVE_DISTORTIONS, { repeats: true }),
    text('evidence-for', 'Evidence that supports the thought'),
    text('evidence-against', 'Evidence that does not support the thought'),
    text('balanced-thought', 'Alternative / balanced thought', { required: true }),
    int('emotion.intensity-after', 'Emotion intensity after (0–100)', 0, 100),
    text('plan', 'What I will do / homework'),
  ],
);

export const cbtBehavioralExperiment: Questionnaire = questionnaire(
  {
    id: 'wp-cbt-behavioral-experiment',
    url: questionnaireUrl('cbt-behavioral-experiment'),
    name: 'CbtBehavioralExperiment',
    title: 'CBT behavioral experiment',
    template: 'cbt-behavioral-experiment',
    description:
      'Behavioral experiment worksheet: the belief tested, the prediction and how strongly it is held, the ' +
      'experiment, what happened, and what was learned.',
  },
  [
    text('belief', 'Belief being tested', { required: true }),
    int('belief-rating-before', 'How strongly believed before (0–100 %)', 0, 100),
    text('prediction', 'Prediction (what I expect will happen)', { required: true }),
    text('experiment', 'Experiment (what, when, where, with whom)', { required: true }),
    text('safety-behaviors', 'Safety behaviors to drop'),
    text('outcome', 'What actually happened'),
    text('learning', 'What I learned'),
    int('belief-rating-after', 'How strongly believed after (0–100 %)', 0, 100),
  ],
);

export const cbtExposure: Questionnaire = questionnaire(
  {
    id: 'wp-cbt-exposure',
    url: questionnaireUrl('cbt-exposure'),
    name: 'CbtExposureSession',
    title: 'CBT exposure session (cue exposure)',
    template: 'cbt-exposure',
    description:
      'Exposure session record with Subjective Units of Distress (SUDS, 0–100) before, at peak and after. ' +
      'SUDS codes are LOCAL (no verified LOINC code); the three ratings are extracted to Observations.',
  },
  [
    str('target', 'Exposure target / cue (e.g. drive past old using spot)', { required: true }),
    stringChoice('exposure-type', 'Type of exposure', ['In vivo', 'Imaginal', 'Cue (paraphernalia, images)']),
    int('duration-minutes', 'Duration (minutes)', 1, 180),
    extracted(
      int('suds-before', 'SUDS before (0–100)', 0, 100, { required: true }),
      localMeasure(MEASURE_DETAIL.sudsBefore, 'SUDS before exposure'),
    ),
    extracted(
      int('suds-peak', 'SUDS at peak (0–100)', 0, 100, { required: true }),
      localMeasure(MEASURE_DETAIL.sudsPeak, 'SUDS at peak of exposure'),
    ),
    extracted(
      int('suds-after', 'SUDS after (0–100)', 0, 100, { required: true }),
      localMeasure(MEASURE_DETAIL.sudsAfter, 'SUDS after exposure'),
    ),
    text('observations', 'Observations (urges, coping used, safety behaviors)'),
    text('next-step', 'Next step on the hierarchy'),
  ],
);

/** DBT note templates: diary card and chain analysis. */
import type { Questionnaire } from '@medplum/fhirtypes';

import { MEASURE, MEASURE_DETAIL, questionnaireUrl } from '../terminology';
import {
  bool,
  control,
  extracted,
  group,
  int,
  localMeasure,
  questionnaire,
  str,
  stringChoice,
  text,
} from './questionnaire-builder';

export type DbtModule =
  'mindfulness' | 'distress-tolerance' | 'emotion-regulation' | 'interpersonal-effectiveness';

/** Skills per DBT module as listed on Linehan's diary card (2nd ed. skills training manual). */
export const DBT_SKILLS: Record<
  DbtModule,
  { readonly title: string; readonly code: string; readonly skills: readonly string[] }
> = {
  mindfulness: {
    title: 'Mindfulness',
    code: MEASURE_DETAIL.dbtSkillsMindfulness,
    skills: [
      'Wise mind',
      'Observe',
      'Describe',
      'Participate',
      'Non-judgmental stance',
      'One-mindfully',
      'Effectively',
    ],
  },
  'distress-tolerance': {
    title: 'Distress tolerance',
    code: MEASURE_DETAIL.dbtSkillsDistressTolerance,
    skills: [
      'STOP',
      'TIPP',
      'Pros and cons',
      'Distract (ACCEPTS)',
      'Self-soothe',
      'IMPROVE the moment',
      'Radical acceptance',
      'Urge surfing',
      'Alternate rebellion',
      'Burning bridges',
    ],
  },
  'emotion-regulation': {
    title: 'Emotion regulation',
    code: MEASURE_DETAIL.dbtSkillsEmotionRegulation,
    skills: [
      'Check the facts',
      'Opposite action',
      'Problem solving',
      'Accumulate positives',
      'Build mastery',
      'Cope ahead',
      'PLEASE',
    ],
  },
  'interpersonal-effectiveness': {
    title: 'Interpersonal effectiveness',
    code: MEASURE_DETAIL.dbtSkillsInterpersonal,
    skills: ['DEAR MAN', 'GIVE', 'FAST', 'Validation', 'Walking the middle path'],
  },
};

export const DBT_MODULES = Object.keys(DBT_SKILLS) as DbtModule[];

export const DIARY_EMOTIONS = ['Sadness', 'Shame', 'Anger', 'Fear', 'Joy', 'Loneliness'] as const;

export const dbtDiaryCard: Questionnaire = questionnaire(
  {
    id: 'wp-dbt-diary-card',
    url: questionnaireUrl('dbt-diary-card'),
    name: 'DbtDiaryCard',
    title: 'DBT diary card (weekly review)',
    template: 'dbt-diary-card',
    description:
      'Weekly DBT diary card reviewed in session: highest urge to use (0–5), use and MAT adherence, emotions ' +
      '(0–5), and skills used per module. The urge rating and the days each module was practised are LOCAL ' +
      'codes extracted to Observations for trending.',
  },
  [
    group('urges', 'Urges and behaviors this week', [
      extracted(
        control(
          int('urge-to-use', 'Highest urge to use this week (0–5)', 0, 5, { required: true }),
          'slider',
        ),
        localMeasure(MEASURE.dbtUrge, 'DBT diary card urge to use (0–5)'),
      ),
      int('urge-self-harm', 'Highest urge to self-harm (0–5)', 0, 5),
      int('days-used', 'Days any opioid or other drug was used (0–7)', 0, 7),
      int('mat-doses-missed', 'MAT doses missed this week', 0, 7),
    ]),
    group(
      'emotions',
      'Emotions (highest intensity this week, 0–5)',
      DIARY_EMOTIONS.map((emotion) => int(`emotion.${emotion.toLowerCase()}`, emotion, 0, 5)),
    ),
    group(
      'skills',
      'Skills used',
      DBT_MODULES.map((module) => {
        const { title, code, skills } = DBT_SKILLS[module];
        return group(`skills.${module}`, title, [
          extracted(
            int(`skills.${module}.days`, `Days ${title.toLowerCase()} skills were used (0–7)`, 0, 7),
            localMeasure(code, `DBT ${title.toLowerCase()} skills: days used (0–7)`),
          ),
          control(
            stringChoice(`skills.${module}.used`, `${title} skills used`, skills, { repeats: true }),
            'check-box',
          ),
        ]);
      }),
    ),
    bool('skills-coaching-used', 'Used between-session skills coaching'),
    text('notes', 'Diary card review notes'),
  ],
);

export const dbtChainAnalysis: Questionnaire = questionnaire(
  {
    id: 'wp-dbt-chain-analysis',
    url: questionnaireUrl('dbt-chain-analysis'),
    name: 'DbtChainAnalysis',
    title: 'DBT chain analysis',
    template: 'dbt-chain-analysis',
    description:
      'Behavior chain analysis of one problem behavior: vulnerabilities, prompting event, links (thoughts, ' +
      'feelings, sensations, actions), the behavior, consequences, and repair / solution analysis.',
  },
  [
    str('problem-behavior', 'Problem behavior (specific, observable)', { required: true }),
    text('vulnerability', 'Vulnerability factors (sleep, pain, conflict, missed doses, …)', {
      required: true,
    }),
    text('prompting-event', 'Prompting event', { required: true }),
    group(
      'link',
      'Links in the chain',
      [
        stringChoice('link.kind', 'Kind of link', [
          'Thought',
          'Feeling',
          'Body sensation',
          'Action',
          'Event',
        ]),
        str('link.description', 'What happened'),
      ],
      { repeats: true },
    ),
    text('consequences', 'Consequences (short and long term, self and others)', { required: true }),
    text('solutions', 'Where the chain could be broken, and with which skill'),
    text('repair', 'Repair', { required: true }),
    text('prevention', 'Prevention plan for vulnerabilities'),
  ],
);

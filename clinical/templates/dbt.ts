/** DBT note templates: diary card and chain analysis. */
import type { Questionnaire } from '@medplum/fhirtypes';

import { MEASURE, MEASURE_DETAIL, questionnaireUrl } from '../terminology';
import {
  aggregate,
  block,
  bool,
  control,
  copyForward,
  date,
  extracted,
  group,
  int,
  layout,
  localMeasure,
  maxOccurs,
  str,
  stringChoice,
  text,
} from './questionnaire-builder';
import { noteQuestionnaire } from './session-frame';

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

/** Personal target behaviors a diary card may track besides the standard urges (Linehan's card has room for 4). */
export const DIARY_PERSONAL_TARGETS = 4;

/** The answer a skill checkbox stores: "<module title>: <skill>", so each module's days can be counted. */
export function diarySkillAnswer(module: DbtModule, skill: string): string {
  return `${DBT_SKILLS[module].title}: ${skill}`;
}

/**
 * The diary card as a week grid (Linehan, "DBT Skills Training Manual", 2nd ed. 2015, diary card): one entry per
 * day — urges 0–5 to use drugs, to self-harm and to kill oneself, up to four personal targets, whether an urge
 * was acted on, substance and amount, emotions 0–5, skills used per module. The week's highest urges and the
 * days each module's skills were used are computed (aggregate hints) and extracted for trending.
 */
export const DIARY_CARD_BLOCK = block(
  group('diary-card', 'Diary card', [
    copyForward(
      maxOccurs(
        group('diary.target', 'Personal targets', [str('diary.target.name', 'Target behavior')]),
        DIARY_PERSONAL_TARGETS,
      ),
    ),
    layout(
      maxOccurs(
        group('diary.day', 'Day', [
          date('diary.day.date', 'Date', { required: true }),
          int('diary.day.urge-use', 'Urge to use drugs (0–5)', 0, 5),
          int('diary.day.urge-self-harm', 'Urge to self-harm (0–5)', 0, 5),
          int('diary.day.urge-suicide', 'Urge to kill self (0–5)', 0, 5),
          ...Array.from({ length: DIARY_PERSONAL_TARGETS }, (_, i) =>
            int(`diary.day.target-${i + 1}`, `Personal target ${i + 1} (0–5)`, 0, 5),
          ),
          bool('diary.day.acted', 'Acted on an urge (used, self-harmed)'),
          str('diary.day.substance', 'Substance and amount'),
          ...DIARY_EMOTIONS.map((emotion) =>
            int(`diary.day.emotion.${emotion.toLowerCase()}`, `${emotion} (0–5)`, 0, 5),
          ),
          control(
            stringChoice(
              'diary.day.skills',
              'Skills used',
              DBT_MODULES.flatMap((m) => DBT_SKILLS[m].skills.map((skill) => diarySkillAnswer(m, skill))),
              { repeats: true },
            ),
            'check-box',
          ),
        ]),
        7,
      ),
      'week-grid',
    ),
    extracted(
      aggregate('diary.urge-use-max', 'Highest urge to use this week (0–5)', 'max', 'diary.day.urge-use'),
      localMeasure(MEASURE.dbtUrge, 'DBT diary card urge to use (0–5)'),
    ),
    extracted(
      aggregate(
        'diary.urge-self-harm-max',
        'Highest urge to self-harm (0–5)',
        'max',
        'diary.day.urge-self-harm',
      ),
      localMeasure(MEASURE_DETAIL.dbtUrgeSelfHarm, 'DBT diary card urge to self-harm (0–5)'),
    ),
    extracted(
      aggregate('diary.urge-suicide-max', 'Highest urge to kill self (0–5)', 'max', 'diary.day.urge-suicide'),
      localMeasure(MEASURE_DETAIL.dbtUrgeSuicide, 'DBT diary card urge to kill self (0–5)'),
    ),
    ...DBT_MODULES.map((m) =>
      extracted(
        aggregate(
          `diary.skills-days.${m}`,
          `Days ${DBT_SKILLS[m].title.toLowerCase()} skills were used (0–7)`,
          'days-with-answer',
          'diary.day.skills',
          `${DBT_SKILLS[m].title}: `,
        ),
        localMeasure(DBT_SKILLS[m].code, `DBT ${DBT_SKILLS[m].title.toLowerCase()} skills: days used (0–7)`),
      ),
    ),
    text('diary.notes', 'Diary card review notes'),
  ]),
  'diary-card',
);

/**
 * Chain analysis (Linehan 2015; Rizvi, "Chain Analysis in DBT", 2019): vulnerabilities, the prompting event, the
 * ordered links (thoughts, feelings, actions), each with a more skilful alternative, the problem behavior, its
 * short- and long-term consequences, solutions, repair and commitment.
 */
export const CHAIN_ANALYSIS_BLOCK = block(
  group('chain-analysis', 'Chain analysis', [
    text('ch.vulnerabilities', 'Vulnerabilities (sleep, pain, conflict, missed doses, …)', {
      required: true,
    }),
    text('ch.prompting-event', 'Prompting event', { required: true }),
    layout(
      group(
        'ch.link',
        'Links in the chain',
        [
          stringChoice(
            'ch.link.kind',
            'Kind of link',
            ['Thought', 'Feeling', 'Body sensation', 'Action', 'Event'],
            {
              required: true,
            },
          ),
          text('ch.link.text', 'What happened', { required: true }),
          text('ch.link.alternative', 'More skilful alternative'),
        ],
        { repeats: true },
      ),
      'chain',
    ),
    text('ch.problem', 'Problem behavior (specific, observable)', { required: true }),
    text('ch.consequences.short', 'Consequences, short term'),
    text('ch.consequences.long', 'Consequences, long term'),
    text('ch.solutions', 'Solutions: where the chain could be broken, with which skill'),
    text('ch.repair', 'Repair'),
    text('ch.commitment', 'Commitment'),
  ]),
  'chain-analysis',
);

export const dbtDiaryCard: Questionnaire = noteQuestionnaire(
  {
    id: 'wp-dbt-diary-card',
    url: questionnaireUrl('dbt-diary-card'),
    name: 'DbtDiaryCard',
    title: 'DBT diary card',
    template: 'dbt-diary-card',
    description:
      'DBT diary card reviewed in session: a week grid of urges (0–5), personal targets, actions, substances, ' +
      'emotions (0–5) and skills used per module. The highest urges and the days each module was used are ' +
      'LOCAL codes extracted to Observations for trending.',
  },
  DIARY_CARD_BLOCK,
);

export const dbtChainAnalysis: Questionnaire = noteQuestionnaire(
  {
    id: 'wp-dbt-chain-analysis',
    url: questionnaireUrl('dbt-chain-analysis'),
    name: 'DbtChainAnalysis',
    title: 'DBT chain analysis',
    template: 'dbt-chain-analysis',
    description:
      'Behavior chain analysis of one problem behavior: vulnerabilities, prompting event, links with more ' +
      'skilful alternatives, the behavior, consequences, solutions, repair and commitment.',
  },
  CHAIN_ANALYSIS_BLOCK,
);

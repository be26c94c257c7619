/**
 * Clinically coherent note bodies for the demo clinic: QuestionnaireResponse items for each template,
 * worded from the patient's week (use, missed doses, craving, mood). Synthetic text, no real patient.
 */
import type { Coding, QuestionnaireResponseItem, QuestionnaireResponseItemAnswer } from '@medplum/fhirtypes';

import {
  COGNITIVE_DISTORTIONS,
  DBT_MODULES,
  DBT_SKILLS,
  DIARY_EMOTIONS,
  IRRATIONAL_BELIEF_TYPES,
  OVERDOSE_RISK,
  SESSION_CPT,
  type SessionCpt,
  SUICIDAL_IDEATION,
} from '../../../clinical/templates/index';
import { type Random } from './prng';

export type Phase = 'engaging' | 'stable' | 'struggling' | 'using';

export interface SessionContext {
  readonly week: number;
  readonly phase: Phase;
  readonly usedOpioids: boolean;
  readonly usedStimulants: boolean;
  readonly missedDoses: number;
  readonly craving: number;
  readonly lowMood: boolean;
  readonly suicidalIdeation: boolean;
  readonly minutes: number;
  readonly cpt: SessionCpt;
  readonly modality: string;
  readonly naloxone: boolean;
}

type Value = string | number | boolean | Coding;

function answer(value: Value): QuestionnaireResponseItemAnswer {
  if (typeof value === 'string') return { valueString: value };
  if (typeof value === 'number') return { valueInteger: value };
  if (typeof value === 'boolean') return { valueBoolean: value };
  return { valueCoding: value };
}

export function qItem(linkId: string, ...values: Value[]): QuestionnaireResponseItem {
  return { linkId, answer: values.map(answer) };
}

export function qGroup(linkId: string, items: QuestionnaireResponseItem[]): QuestionnaireResponseItem {
  return { linkId, item: items };
}

const TRIGGERS = [
  'ran into an old using friend outside the corner store',
  'got paid on Friday and had cash in hand',
  'argument with partner about money',
  'drove past the block where they used to buy',
  'could not sleep and was alone at 2 a.m.',
  'back pain flared after a double shift',
  'a cousin offered pills at a family party',
  'got a text from a former dealer',
];

const COPING = [
  'called their sponsor',
  'went to an NA meeting',
  'used urge surfing for 20 minutes',
  'went for a walk and texted the peer specialist',
  'played the recorded reasons-for-recovery list',
  "stayed at their sister's place for the night",
];

const HOMEWORK = [
  'Complete two thought records on cravings before next session.',
  'Practice urge surfing daily and log intensity before and after.',
  'Attend three NA/SMART meetings this week.',
  'Schedule one pleasant activity each day (behavioral activation).',
  'Review safety plan and keep naloxone on hand.',
  'Fill in the diary card every evening.',
  'Write rational coping statements on a card and read them twice daily.',
];

export function sessionFrameItems(random: Random, ctx: SessionContext): QuestionnaireResponseItem[] {
  const trigger = random.pick(TRIGGERS);
  const coping = random.pick(COPING);
  const format = random.chance(0.6) ? 'DAP' : 'BIRP';
  const data =
    ctx.week === 0
      ? `Intake counseling session. Patient describes ${random.int(3, 12)} years of opioid use, most recently fentanyl, and completed detox before admission. Craving ${ctx.craving}/10 today.`
      : ctx.usedOpioids
        ? `Patient reports use this week after ${trigger}. ${ctx.missedDoses > 0 ? `Missed ${ctx.missedDoses} MAT dose(s). ` : ''}Craving ${ctx.craving}/10.`
        : `Patient reports no opioid use this week. ${trigger[0]?.toUpperCase()}${trigger.slice(1)}; ${coping}. Craving ${ctx.craving}/10.`;
  const assessment =
    ctx.phase === 'using'
      ? 'Return to use with elevated overdose risk; ambivalent but engaged in session. Motivation to resume MAT discussed.'
      : ctx.phase === 'struggling'
        ? `Increased risk: ${ctx.lowMood ? 'depressed mood and ' : ''}high craving; protective factors present (family contact, MAT).`
        : ctx.phase === 'engaging'
          ? 'Early in treatment, building rapport; ambivalence typical for stage. Withdrawal symptoms resolving on MAT.'
          : 'Progressing toward goals; applying skills to triggers; MAT adherent.';
  const plan = `Continue weekly counseling and MAT. ${ctx.usedOpioids ? 'Coordinate with prescriber about dose; UDS next visit. ' : ''}${random.pick(HOMEWORK)}`;
  const narrative =
    format === 'DAP'
      ? qGroup('dap', [qItem('dap.data', data), qItem('dap.assessment', assessment), qItem('dap.plan', plan)])
      : qGroup('birp', [
          qItem('birp.behavior', data),
          qItem(
            'birp.intervention',
            random.pick([
              'Motivational interviewing around change talk; reviewed decisional balance.',
              'Cognitive restructuring of permission-giving beliefs; relapse-prevention planning.',
              'Skills coaching (urge surfing, TIPP); chain analysis of the week.',
              'Disputation of demandingness and low-frustration-tolerance beliefs.',
            ]),
          ),
          qItem(
            'birp.response',
            ctx.phase === 'stable'
              ? 'Engaged, completed homework, identified next step.'
              : 'Engaged with some ambivalence; agreed to plan.',
          ),
          qItem('birp.plan', plan),
        ]);
  const overdose = ctx.usedOpioids
    ? ctx.missedDoses > 0
      ? OVERDOSE_RISK[2]
      : OVERDOSE_RISK[1]
    : OVERDOSE_RISK[0];
  return [
    qGroup('session', [
      qItem('session.modality', ctx.modality),
      qItem('session.duration', ctx.minutes),
      qItem('session.cpt', SESSION_CPT[ctx.cpt]),
    ]),
    qItem('format', format),
    narrative,
    qGroup('risk', [
      qItem('risk.suicidal-ideation', ctx.suicidalIdeation ? SUICIDAL_IDEATION[1] : SUICIDAL_IDEATION[0]),
      qItem('risk.overdose', overdose),
      qItem('risk.naloxone', ctx.naloxone),
      qItem('risk.safety-plan-reviewed', ctx.suicidalIdeation || ctx.usedOpioids),
      ...(ctx.suicidalIdeation
        ? [
            qItem(
              'risk.notes',
              'Passive ideation reported on PHQ-9 item 9; denies plan or intent; safety plan reviewed, crisis line given.',
            ),
          ]
        : []),
    ]),
    qItem('homework', random.pick(HOMEWORK)),
  ];
}

export function thoughtRecordItems(random: Random, ctx: SessionContext): QuestionnaireResponseItem[] {
  const before = random.int(60, 95);
  const after = Math.max(10, before - random.int(20, 50));
  return [
    qItem('situation', `${random.pick(TRIGGERS)[0]?.toUpperCase()}${random.pick(TRIGGERS).slice(1)}.`),
    qItem(
      'automatic-thought',
      random.pick([
        "One time won't hurt, I deserve it after this week.",
        "I'll never be able to stay clean, so why bother.",
        "Everyone at home already thinks I'm using anyway.",
        "I can't handle this feeling without something.",
      ]),
    ),
    qItem('belief-before', before),
    qGroup('emotion', [
      qItem('emotion.name', random.pick(['Anxious', 'Ashamed', 'Angry', 'Hopeless', 'Restless'])),
      qItem('emotion.intensity-before', random.int(60, 95)),
    ]),
    qItem('distortion', random.pick(COGNITIVE_DISTORTIONS), random.pick(COGNITIVE_DISTORTIONS.slice(0, 5))),
    qItem('evidence-for', 'I have used in similar moments before and the feeling went away fast.'),
    qItem(
      'evidence-against',
      `I have had ${ctx.week} weeks in treatment; last time I ${random.pick(COPING)} and the urge passed within an hour.`,
    ),
    qItem(
      'balanced-thought',
      'The urge is strong but it peaks and passes; using would cost me what I have built.',
    ),
    qItem('emotion.intensity-after', after),
    qItem('plan', random.pick(HOMEWORK)),
  ];
}

export function behavioralExperimentItems(random: Random): QuestionnaireResponseItem[] {
  const before = random.int(60, 90);
  return [
    qItem(
      'belief',
      random.pick([
        'If I go to the family dinner sober, I will not be able to cope.',
        'I cannot sleep without using.',
        'If I say no to my friend, he will cut me off.',
      ]),
    ),
    qItem('belief-rating-before', before),
    qItem('prediction', 'I will feel overwhelmed within an hour and have to leave or use.'),
    qItem('experiment', 'Go for two hours with a support person, with a leave plan and naloxone on hand.'),
    qItem('safety-behaviors', 'Checking the phone for old contacts; keeping cash in the pocket.'),
    qItem(
      'outcome',
      'Felt anxious for the first 30 minutes, then settled; left on plan and called the peer specialist.',
    ),
    qItem('learning', 'Discomfort rises and falls; I can stay with it when I have a plan.'),
    qItem('belief-rating-after', Math.max(10, before - random.int(25, 50))),
  ];
}

export function exposureItems(random: Random): {
  items: QuestionnaireResponseItem[];
  suds: [number, number, number];
} {
  const before = random.int(30, 55);
  const peak = Math.min(100, before + random.int(15, 40));
  const after = Math.max(5, peak - random.int(30, 55));
  return {
    suds: [before, peak, after],
    items: [
      qItem(
        'target',
        random.pick([
          'Images of paraphernalia',
          'Drive past old buying spot',
          'Holding a lighter and foil',
          'Imagining payday evening alone',
        ]),
      ),
      qItem('exposure-type', random.pick(['In vivo', 'Imaginal', 'Cue (paraphernalia, images)'])),
      qItem('duration-minutes', random.int(20, 45)),
      qItem('suds-before', before),
      qItem('suds-peak', peak),
      qItem('suds-after', after),
      qItem(
        'observations',
        'Urge peaked at about 10 minutes and declined without escape; used paced breathing.',
      ),
      qItem('next-step', 'Move one step up the hierarchy next session.'),
    ],
  };
}

export interface DiaryCard {
  readonly items: QuestionnaireResponseItem[];
  readonly urge: number;
  readonly skillDays: readonly number[];
}

export function diaryCardItems(random: Random, ctx: SessionContext): DiaryCard {
  const urge = Math.min(5, Math.max(0, Math.round(ctx.craving / 2 + random.gaussian() * 0.5)));
  const practice = ctx.phase === 'stable' ? 4 : ctx.phase === 'using' ? 1 : 2;
  const skillDays = DBT_MODULES.map(() => Math.min(7, Math.max(0, practice + random.int(-1, 2))));
  return {
    urge,
    skillDays,
    items: [
      qGroup('urges', [
        qItem('urge-to-use', urge),
        qItem('urge-self-harm', ctx.suicidalIdeation ? random.int(1, 2) : 0),
        qItem('days-used', ctx.usedOpioids ? random.int(1, 3) : 0),
        qItem('mat-doses-missed', Math.min(7, ctx.missedDoses)),
      ]),
      qGroup(
        'emotions',
        DIARY_EMOTIONS.map((e) =>
          qItem(
            `emotion.${e.toLowerCase()}`,
            e === 'Joy'
              ? random.int(ctx.lowMood ? 0 : 2, 4)
              : random.int(ctx.lowMood ? 2 : 0, ctx.lowMood ? 5 : 3),
          ),
        ),
      ),
      qGroup(
        'skills',
        DBT_MODULES.map((m, i) => {
          const days = skillDays[i] ?? 0;
          const used = random.shuffle(DBT_SKILLS[m].skills).slice(0, days === 0 ? 0 : random.int(1, 3));
          return qGroup(`skills.${m}`, [
            qItem(`skills.${m}.days`, days),
            ...(used.length > 0 ? [qItem(`skills.${m}.used`, ...used)] : []),
          ]);
        }),
      ),
      qItem('skills-coaching-used', random.chance(0.3)),
      qItem(
        'notes',
        ctx.usedOpioids
          ? 'Use episode reviewed; chain analysis completed.'
          : 'Diary card complete; skills use discussed.',
      ),
    ],
  };
}

export function chainAnalysisItems(random: Random, ctx: SessionContext): QuestionnaireResponseItem[] {
  return [
    qItem('problem-behavior', ctx.usedOpioids ? 'Used fentanyl (smoked) alone' : 'Skipped MAT doses'),
    qItem(
      'vulnerability',
      `${ctx.missedDoses > 0 ? `Missed ${ctx.missedDoses} doses, ` : ''}poor sleep, conflict at home.`,
    ),
    qItem('prompting-event', `${random.pick(TRIGGERS)}.`),
    {
      linkId: 'link',
      item: [
        qItem('link.kind', 'Thought'),
        qItem('link.description', '"I can\'t take this anymore, just once."'),
      ],
    },
    {
      linkId: 'link',
      item: [
        qItem('link.kind', 'Body sensation'),
        qItem('link.description', 'Restless, stomach cramps, sweating.'),
      ],
    },
    {
      linkId: 'link',
      item: [qItem('link.kind', 'Action'), qItem('link.description', 'Texted old contact, drove to meet.')],
    },
    qItem('consequences', 'Short term relief; then shame, missed work, partner upset; high overdose risk.'),
    qItem(
      'solutions',
      'Call peer specialist at the first thought; TIPP skill for the body sensations; delete contact.',
    ),
    qItem('repair', 'Told partner the truth; restarted MAT with the prescriber; attends extra session.'),
    qItem('prevention', 'Sleep routine, dose reminders, keep naloxone on hand.'),
  ];
}

export function abcdeItems(random: Random, ctx: SessionContext): QuestionnaireResponseItem[] {
  const intensity = Math.min(10, Math.max(3, Math.round(ctx.craving + random.int(0, 3))));
  return [
    qItem('activating-event', `${random.pick(TRIGGERS)[0]?.toUpperCase()}${random.pick(TRIGGERS).slice(1)}.`),
    qGroup('beliefs', [
      qItem(
        'beliefs.irrational',
        random.pick([
          '"I must not feel this bad; I can\'t stand it."',
          '"They should respect me; it\'s awful that they don\'t."',
          '"I\'m a total failure for relapsing."',
        ]),
      ),
      qItem('beliefs.type', random.pick(IRRATIONAL_BELIEF_TYPES)),
    ]),
    qGroup('consequences', [
      qItem('consequences.emotional', random.pick(['Rage', 'Shame', 'Anxiety', 'Depression'])),
      qItem(
        'consequences.behavioral',
        ctx.usedOpioids ? 'Used opioids that evening.' : 'Strong urge to use; isolated in room.',
      ),
      qItem('consequences.intensity', intensity),
    ]),
    qGroup('disputation', [
      qItem(
        'disputation.empirical',
        'Where is it written that I must not feel discomfort? I have stood it before.',
      ),
      qItem('disputation.logical', 'Feeling bad does not mean I cannot cope.'),
      qItem('disputation.pragmatic', 'Believing this keeps me using; it has not helped me.'),
    ]),
    qItem(
      'effective-belief',
      'I strongly dislike this feeling, and I can stand it; it does not make me a failure.',
    ),
    qItem('effect.intensity', Math.max(1, intensity - random.int(2, 5))),
    qItem('homework', random.pick(HOMEWORK)),
  ];
}

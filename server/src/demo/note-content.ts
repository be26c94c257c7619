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
  diarySkillAnswer,
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
  /** Service date (YYYY-MM-DD) and clinic-local start and end times (HH:MM:SS). */
  readonly date: string;
  readonly start: string;
  readonly end: string;
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

/**
 * A note's items in template order: the frame's session items and format, the method block (none for a
 * frame-only note), then the DAP or BIRP narrative, the risk check and the homework.
 */
export function noteItems(
  random: Random,
  ctx: SessionContext,
  block: QuestionnaireResponseItem | undefined,
): QuestionnaireResponseItem[] {
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
      { linkId: 'session.date', answer: [{ valueDate: ctx.date }] },
      { linkId: 'session.start', answer: [{ valueTime: ctx.start }] },
      { linkId: 'session.end', answer: [{ valueTime: ctx.end }] },
      qItem('session.duration', ctx.minutes),
      qItem('session.cpt', SESSION_CPT[ctx.cpt]),
    ]),
    qItem('format', format),
    ...(block ? [block] : []),
    narrative,
    qGroup('risk', [
      qItem('risk.suicidal-ideation', ctx.suicidalIdeation ? SUICIDAL_IDEATION[1] : SUICIDAL_IDEATION[0]),
      qItem('risk.overdose', overdose),
      qItem('risk.naloxone', ctx.naloxone),
      qItem('risk.safety-plan-reviewed', ctx.suicidalIdeation || ctx.usedOpioids),
      qItem('risk.crisis-resources-given', ctx.suicidalIdeation),
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

const mood = (linkId: string, name: string, rating: number) =>
  qGroup(linkId, [qItem(`${linkId}.name`, name), qItem(`${linkId}.rating`, rating)]);

/** The seven-column thought record block. */
export function thoughtRecordBlock(random: Random, ctx: SessionContext): QuestionnaireResponseItem {
  const name = random.pick(['Anxious', 'Ashamed', 'Angry', 'Hopeless', 'Restless']);
  const before = random.int(60, 95);
  const after = Math.max(10, before - random.int(20, 50));
  const situation = random.pick(TRIGGERS);
  return qGroup('thought-record', [
    qItem('tr.situation', `${situation[0]?.toUpperCase()}${situation.slice(1)}.`),
    mood('tr.mood', name, before),
    mood('tr.mood', 'Craving', random.int(50, 90)),
    qGroup('tr.thought', [
      qItem(
        'tr.thought.text',
        random.pick([
          "One time won't hurt, I deserve it after this week.",
          "I'll never be able to stay clean, so why bother.",
          "Everyone at home already thinks I'm using anyway.",
          "I can't handle this feeling without something.",
        ]),
      ),
      qItem('tr.thought.hot', true),
    ]),
    qGroup('tr.thought', [
      qItem('tr.thought.text', 'They can tell I am struggling.'),
      qItem('tr.thought.hot', false),
    ]),
    qItem('tr.evidence-for', 'I have used in similar moments before and the feeling went away fast.'),
    qItem(
      'tr.evidence-against',
      `I have had ${ctx.week} weeks in treatment; last time I ${random.pick(COPING)} and the urge passed within an hour.`,
    ),
    qGroup('tr.balanced', [
      qItem(
        'tr.balanced.text',
        'The urge is strong but it peaks and passes; using would cost me what I have built.',
      ),
      qItem('tr.balanced.belief', random.int(55, 85)),
    ]),
    mood('tr.rerate', name, after),
    qItem(
      'tr.distortion',
      random.pick(COGNITIVE_DISTORTIONS),
      random.pick(COGNITIVE_DISTORTIONS.slice(0, 5)),
    ),
  ]);
}

export function behavioralExperimentBlock(random: Random): QuestionnaireResponseItem {
  const before = random.int(60, 90);
  return qGroup('behavioral-experiment', [
    qItem(
      'be.belief',
      random.pick([
        'If I go to the family dinner sober, I will not be able to cope.',
        'I cannot sleep without using.',
        'If I say no to my friend, he will cut me off.',
      ]),
    ),
    qItem('be.belief-before', before),
    qItem('be.prediction', 'I will feel overwhelmed within an hour and have to leave or use.'),
    qItem('be.experiment', 'Go for two hours with a support person, with a leave plan and naloxone on hand.'),
    qItem(
      'be.outcome',
      'Felt anxious for the first 30 minutes, then settled; left on plan and called the peer specialist.',
    ),
    qItem('be.learned', 'Discomfort rises and falls; I can stay with it when I have a plan.'),
    qItem('be.belief-after', Math.max(10, before - random.int(25, 50))),
  ]);
}

export function exposureBlock(random: Random): QuestionnaireResponseItem {
  const before = random.int(30, 55);
  const peak = Math.min(100, before + random.int(15, 40));
  const after = Math.max(5, peak - random.int(30, 55));
  return qGroup('exposure', [
    qItem(
      'ex.item',
      random.pick([
        'Images of paraphernalia',
        'Drive past old buying spot',
        'Holding a lighter and foil',
        'Imagining payday evening alone',
      ]),
    ),
    qItem('ex.suds-before', before),
    qItem('ex.suds-peak', peak),
    qItem('ex.suds-after', after),
    qItem('ex.duration', random.int(20, 45)),
    qItem('ex.safety-dropped', 'Left the phone in the car; no cash in the pocket.'),
    qItem(
      'ex.observations',
      'Urge peaked at about 10 minutes and declined without escape; used paced breathing.',
    ),
  ]);
}

/** A week grid: the 7 days before the session, each with urges, emotions and skills used. */
export function diaryCardBlock(
  random: Random,
  ctx: SessionContext,
  days: readonly string[],
): QuestionnaireResponseItem {
  const peak = Math.min(5, Math.max(0, Math.round(ctx.craving / 2 + random.gaussian() * 0.5)));
  const practice = ctx.phase === 'stable' ? 0.6 : ctx.phase === 'using' ? 0.15 : 0.35;
  const useDay = ctx.usedOpioids ? random.int(0, days.length - 1) : -1;
  return qGroup('diary-card', [
    qGroup('diary.target', [qItem('diary.target.name', 'Skipping MAT doses')]),
    qGroup('diary.target', [qItem('diary.target.name', 'Isolating')]),
    ...days.map((date, i) => {
      const skills = DBT_MODULES.flatMap((m) =>
        random.chance(practice) ? [diarySkillAnswer(m, random.pick(DBT_SKILLS[m].skills))] : [],
      );
      return qGroup('diary.day', [
        { linkId: 'diary.day.date', answer: [{ valueDate: date }] },
        qItem('diary.day.urge-use', i === useDay ? 5 : Math.max(0, peak - random.int(0, 2))),
        qItem('diary.day.urge-self-harm', ctx.suicidalIdeation ? random.int(0, 2) : 0),
        qItem('diary.day.urge-suicide', 0),
        qItem('diary.day.target-1', Math.min(5, ctx.missedDoses > 0 ? random.int(2, 4) : random.int(0, 1))),
        qItem('diary.day.target-2', ctx.lowMood ? random.int(2, 4) : random.int(0, 2)),
        qItem('diary.day.acted', i === useDay),
        ...(i === useDay ? [qItem('diary.day.substance', 'Fentanyl, smoked, about 1 pill')] : []),
        ...DIARY_EMOTIONS.map((e) =>
          qItem(
            `diary.day.emotion.${e.toLowerCase()}`,
            e === 'Joy'
              ? random.int(ctx.lowMood ? 0 : 2, 4)
              : random.int(ctx.lowMood ? 2 : 0, ctx.lowMood ? 5 : 3),
          ),
        ),
        ...(skills.length > 0 ? [qItem('diary.day.skills', ...skills)] : []),
      ]);
    }),
    qItem(
      'diary.notes',
      ctx.usedOpioids
        ? 'Use episode reviewed; chain analysis next session.'
        : 'Diary card complete; skills use discussed.',
    ),
  ]);
}

export function chainAnalysisBlock(random: Random, ctx: SessionContext): QuestionnaireResponseItem {
  const link = (kind: string, text: string, alternative: string) =>
    qGroup('ch.link', [
      qItem('ch.link.kind', kind),
      qItem('ch.link.text', text),
      qItem('ch.link.alternative', alternative),
    ]);
  return qGroup('chain-analysis', [
    qItem(
      'ch.vulnerabilities',
      `${ctx.missedDoses > 0 ? `Missed ${ctx.missedDoses} doses, ` : ''}poor sleep, conflict at home.`,
    ),
    qItem('ch.prompting-event', `${random.pick(TRIGGERS)}.`),
    link(
      'Thought',
      '"I can\'t take this anymore, just once."',
      'Check the facts: the urge peaks and passes.',
    ),
    link('Body sensation', 'Restless, stomach cramps, sweating.', 'TIPP: cold water, paced breathing.'),
    link(
      'Action',
      'Texted old contact, drove to meet.',
      'Call the peer specialist first; delete the contact.',
    ),
    qItem('ch.problem', ctx.usedOpioids ? 'Used fentanyl (smoked) alone' : 'Skipped MAT doses'),
    qItem('ch.consequences.short', 'Relief for an hour.'),
    qItem('ch.consequences.long', 'Shame, missed work, partner upset; high overdose risk.'),
    qItem('ch.solutions', 'Call peer specialist at the first thought; TIPP skill for the body sensations.'),
    qItem('ch.repair', 'Told partner the truth; restarted MAT with the prescriber; attends extra session.'),
    qItem('ch.commitment', 'Keep naloxone on hand; dose reminders; call before acting on an urge.'),
  ]);
}

export function abcdeBlock(random: Random, ctx: SessionContext): QuestionnaireResponseItem {
  const intensity = Math.min(10, Math.max(3, Math.round(ctx.craving + random.int(0, 3))));
  const event = random.pick(TRIGGERS);
  return qGroup('abcde', [
    qItem('ab.a', `${event[0]?.toUpperCase()}${event.slice(1)}.`),
    qGroup('ab.b', [
      qItem(
        'ab.b.irrational',
        random.pick([
          '"I must not feel this bad; I can\'t stand it."',
          '"They should respect me; it\'s awful that they don\'t."',
          '"I\'m a total failure for relapsing."',
        ]),
      ),
      qItem('ab.b.type', random.pick(IRRATIONAL_BELIEF_TYPES)),
      qItem('ab.b.rational', 'I would prefer not to feel this, and I can stand it.'),
    ]),
    qGroup('ab.c', [
      qItem('ab.c.emotional', random.pick(['Rage', 'Shame', 'Anxiety', 'Depression'])),
      qItem(
        'ab.c.behavioral',
        ctx.usedOpioids ? 'Used opioids that evening.' : 'Strong urge to use; isolated in room.',
      ),
      qItem('ab.c.intensity', intensity),
    ]),
    qGroup('ab.d', [
      qItem('ab.d.empirical', 'Where is it written that I must not feel discomfort? I have stood it before.'),
      qItem('ab.d.logical', 'Feeling bad does not mean I cannot cope.'),
      qItem('ab.d.pragmatic', 'Believing this keeps me using; it has not helped me.'),
    ]),
    qItem('ab.e', 'I strongly dislike this feeling, and I can stand it; it does not make me a failure.'),
    qGroup('ab.f', [
      qItem('ab.f.feelings', 'Concerned rather than panicked.'),
      qItem('ab.f.actions', 'Called my sister and went to a meeting.'),
      qItem('ab.f.intensity', Math.max(1, intensity - random.int(2, 5))),
    ]),
  ]);
}

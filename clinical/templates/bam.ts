/**
 * Brief Addiction Monitor (BAM, 17 items; Cacciola et al., J Subst Abuse Treat 2013;44:256–263) and the
 * 0–10 craving scale. No verified LOINC codes exist for either: items, subscales and answers are LOCAL
 * codes in Waypoint's CodeSystems ({@link LOCAL_SYSTEM.measure}, {@link BAM_ANSWER_SYSTEM}).
 *
 * Scoring (VA BAM scoring guide): every scored item is 0–4 (day counts binned 0 / 1–3 / 4–8 / 9–15 /
 * 16–30); Use = items 4+5+6 (0–12), Risk = 1+2+3+8+11+15 (0–24), Protective = 9+10+12+13+14+16 (0–24).
 * Item 7 (7A–7G) elaborates item 6 and item 17 (satisfaction) is not part of a subscale.
 */
import type { Coding, Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';

import {
  BAM_ANSWER_SYSTEM,
  LOCAL_SYSTEM,
  MEASURE,
  MEASURE_DETAIL,
  MEASURE_QUESTIONNAIRE,
  questionnaireUrl,
} from '../terminology';
import {
  calculated,
  control,
  extracted,
  group,
  int,
  localMeasure,
  questionnaire,
  scoredChoice,
} from './questionnaire-builder';

type ScoredCoding = Coding & { score: number };
const answer = (code: string, display: string, score: number): ScoredCoding => ({
  system: BAM_ANSWER_SYSTEM,
  code,
  display,
  score,
});

export const BAM_DAY_BINS: readonly ScoredCoding[] = [
  answer('days-0', '0 days', 0),
  answer('days-1-3', '1–3 days', 1),
  answer('days-4-8', '4–8 days', 2),
  answer('days-9-15', '9–15 days', 3),
  answer('days-16-30', '16–30 days', 4),
];
export const BAM_DEGREE: readonly ScoredCoding[] = [
  answer('degree-0', 'Not at all', 0),
  answer('degree-1', 'Slightly', 1),
  answer('degree-2', 'Moderately', 2),
  answer('degree-3', 'Considerably', 3),
  answer('degree-4', 'Extremely', 4),
];
export const BAM_HEALTH: readonly ScoredCoding[] = [
  answer('health-excellent', 'Excellent', 0),
  answer('health-very-good', 'Very good', 1),
  answer('health-good', 'Good', 2),
  answer('health-fair', 'Fair', 3),
  answer('health-poor', 'Poor', 4),
];
export const BAM_YES_NO: readonly ScoredCoding[] = [answer('no', 'No', 0), answer('yes', 'Yes', 4)];

/** Every answer the BAM uses (for its CodeSystem). */
export const BAM_ANSWERS: readonly ScoredCoding[] = [
  ...BAM_DAY_BINS,
  ...BAM_DEGREE,
  ...BAM_HEALTH,
  ...BAM_YES_NO,
];

export type BamScale = 'days' | 'degree' | 'health' | 'yes-no';
export type BamSubscale = 'use' | 'risk' | 'protective';

export interface BamItem {
  /** '1' … '17', '7a' … '7g'. */
  readonly number: string;
  readonly text: string;
  readonly scale: BamScale;
  readonly subscale?: BamSubscale;
}

const P30 = 'In the past 30 days,';
export const BAM_ITEMS: readonly BamItem[] = [
  {
    number: '1',
    text: `${P30} how would you say your physical health has been?`,
    scale: 'health',
    subscale: 'risk',
  },
  {
    number: '2',
    text: `${P30} how many nights did you have trouble falling asleep or staying asleep?`,
    scale: 'days',
    subscale: 'risk',
  },
  {
    number: '3',
    text: `${P30} how many days have you felt depressed, anxious, angry or very upset throughout most of the day?`,
    scale: 'days',
    subscale: 'risk',
  },
  { number: '4', text: `${P30} how many days did you drink ANY alcohol?`, scale: 'days', subscale: 'use' },
  {
    number: '5',
    text: `${P30} how many days did you have at least 5 drinks (if you are a man) or at least 4 drinks (if you are a woman)?`,
    scale: 'days',
    subscale: 'use',
  },
  {
    number: '6',
    text: `${P30} how many days did you use any illegal/street drugs or abuse any prescription medications?`,
    scale: 'days',
    subscale: 'use',
  },
  { number: '7a', text: 'Marijuana (cannabis, pot, weed)', scale: 'days' },
  {
    number: '7b',
    text: 'Sedatives/tranquilizers (e.g. benzos, Valium, Xanax, Ativan, Ambien, barbs, Phenobarbital, downers, etc.)',
    scale: 'days',
  },
  { number: '7c', text: 'Cocaine/crack', scale: 'days' },
  {
    number: '7d',
    text: 'Other stimulants (e.g. amphetamine, methamphetamine, Dexedrine, Ritalin, Adderall, speed, crystal meth, ice, etc.)',
    scale: 'days',
  },
  {
    number: '7e',
    text: 'Opiates (e.g. heroin, morphine, Dilaudid, Demerol, oxycodone, Oxy, OxyContin, Percocet, fentanyl, etc.)',
    scale: 'days',
  },
  {
    number: '7f',
    text: 'Inhalants (glues, adhesives, nail polish remover, paint thinner, etc.)',
    scale: 'days',
  },
  {
    number: '7g',
    text: 'Other drugs (steroids, non-prescription sleep/diet pills, Benadryl, Ephedra, other over-the-counter/unknown medications)',
    scale: 'days',
  },
  {
    number: '8',
    text: `${P30} how much were you bothered by cravings or urges to drink alcohol or use drugs?`,
    scale: 'degree',
    subscale: 'risk',
  },
  {
    number: '9',
    text: 'How confident are you in your ability to be completely abstinent (clean) from alcohol and drugs in the next 30 days?',
    scale: 'degree',
    subscale: 'protective',
  },
  {
    number: '10',
    text: `${P30} how many days did you attend self-help meetings like AA or NA to support your recovery?`,
    scale: 'days',
    subscale: 'protective',
  },
  {
    number: '11',
    text: `${P30} how many days were you in any situations or with any people that might put you at an increased risk for using alcohol or drugs (i.e., around risky "people, places or things")?`,
    scale: 'days',
    subscale: 'risk',
  },
  {
    number: '12',
    text: 'Does your religion or spirituality help support your recovery?',
    scale: 'degree',
    subscale: 'protective',
  },
  {
    number: '13',
    text: `${P30} how many days did you spend much of the time at work, school, or doing volunteer work?`,
    scale: 'days',
    subscale: 'protective',
  },
  {
    number: '14',
    text: 'Do you have enough income (from legal sources) to pay for necessities such as housing, transportation, food and clothing for yourself and your dependents?',
    scale: 'yes-no',
    subscale: 'protective',
  },
  {
    number: '15',
    text: `${P30} how much have you been bothered by arguments or problems getting along with any family members or friends?`,
    scale: 'degree',
    subscale: 'risk',
  },
  {
    number: '16',
    text: `${P30} how many days did you contact or spend time with any family members or friends who are supportive of your recovery?`,
    scale: 'days',
    subscale: 'protective',
  },
  {
    number: '17',
    text: 'How satisfied are you with your progress toward achieving your recovery goals?',
    scale: 'degree',
  },
];

export const BAM_SCALE_ANSWERS: Record<BamScale, readonly ScoredCoding[]> = {
  days: BAM_DAY_BINS,
  degree: BAM_DEGREE,
  health: BAM_HEALTH,
  'yes-no': BAM_YES_NO,
};

export const BAM_SUBSCALE_CODE: Record<BamSubscale, string> = {
  use: MEASURE.bamUse,
  risk: MEASURE.bamRisk,
  protective: MEASURE.bamProtective,
};

export const BAM_SUBSCALE_DISPLAY: Record<BamSubscale, string> = {
  use: 'BAM use subscale (items 4, 5, 6; 0–12)',
  risk: 'BAM risk factors subscale (items 1, 2, 3, 8, 11, 15; 0–24)',
  protective: 'BAM protective factors subscale (items 9, 10, 12, 13, 14, 16; 0–24)',
};

export const bamItemCode = (n: string) => `${MEASURE_DETAIL.bamItemPrefix}${n}`;
export const bamLinkId = (n: string) => `bam-${n}`;

/** Subscale scores from item scores (0–4 each), keyed by item number. Missing items count 0. */
export function bamSubscales(itemScores: Readonly<Record<string, number>>): Record<BamSubscale, number> {
  const sum = (s: BamSubscale) =>
    BAM_ITEMS.filter((i) => i.subscale === s).reduce((acc, i) => acc + (itemScores[i.number] ?? 0), 0);
  return { use: sum('use'), risk: sum('risk'), protective: sum('protective') };
}

function bamItem(item: BamItem): QuestionnaireItem {
  return {
    ...scoredChoice(bamLinkId(item.number), item.text, BAM_SCALE_ANSWERS[item.scale], {
      required: !item.number.startsWith('7'),
    }),
    code: [
      {
        system: LOCAL_SYSTEM.measure,
        code: bamItemCode(item.number),
        display: `BAM item ${item.number.toUpperCase()}`,
      },
    ],
  };
}

const subscaleExpression = (s: BamSubscale) => {
  const linkIds = BAM_ITEMS.filter((i) => i.subscale === s).map((i) => `'${bamLinkId(i.number)}'`);
  return (
    `%questionnaire.repeat(item).where(linkId in (${linkIds.join(' | ')})).answerOption` +
    `.where(valueCoding.code in %resource.repeat(item).where(linkId in (${linkIds.join(' | ')})).answer.value.code)` +
    `.extension.where(url = 'http://hl7.org/fhir/StructureDefinition/ordinalValue').value.sum()`
  );
};

const topLevel = BAM_ITEMS.filter((i) => !i.number.startsWith('7'));
const drugDays = BAM_ITEMS.filter((i) => i.number.startsWith('7'));

export const bam: Questionnaire = questionnaire(
  {
    id: 'wp-bam',
    url: questionnaireUrl(MEASURE_QUESTIONNAIRE.bam),
    name: 'BriefAddictionMonitor',
    title: 'Brief Addiction Monitor (BAM)',
    code: [{ system: LOCAL_SYSTEM.measure, code: 'bam', display: 'Brief Addiction Monitor' }],
    description:
      'Brief Addiction Monitor, 17 items about the past 30 days (Cacciola et al. 2013), administered monthly. ' +
      'LOCAL codes: no verified LOINC codes exist. Items scored 0–4; subscales Use (4, 5, 6), Risk (1, 2, 3, ' +
      '8, 11, 15) and Protective (9, 10, 12, 13, 14, 16) are computed and extracted to Observations.',
    copyright: 'The BAM was developed by the VA VISN 4 MIRECC and is in the public domain.',
  },
  [
    ...topLevel.flatMap((item) =>
      item.number === '6'
        ? [
            bamItem(item),
            group(
              'bam-7',
              '7. In the past 30 days, how many days did you use any of the following drugs?',
              drugDays.map(bamItem),
              {
                enableWhen: [
                  {
                    question: bamLinkId('6'),
                    operator: '!=',
                    answerCoding: { system: BAM_ANSWER_SYSTEM, code: 'days-0' },
                  },
                ],
              },
            ),
          ]
        : [bamItem(item)],
    ),
    group(
      'bam-scores',
      'Subscale scores',
      (['use', 'risk', 'protective'] as const).map((s) =>
        calculated(
          extracted(
            int(BAM_SUBSCALE_CODE[s], BAM_SUBSCALE_DISPLAY[s], 0, s === 'use' ? 12 : 24),
            localMeasure(BAM_SUBSCALE_CODE[s], BAM_SUBSCALE_DISPLAY[s]),
          ),
          subscaleExpression(s),
          `Sum of the item scores of the ${s} subscale`,
        ),
      ),
    ),
  ],
);

export const craving: Questionnaire = questionnaire(
  {
    id: 'wp-craving',
    url: questionnaireUrl(MEASURE_QUESTIONNAIRE.craving),
    name: 'CravingScale',
    title: 'Opioid craving (0–10)',
    code: [{ system: LOCAL_SYSTEM.measure, code: MEASURE.craving, display: 'Opioid craving 0–10' }],
    description:
      'Single-item opioid craving rating asked at every session: "Right now, how strong is your craving to use ' +
      'opioids?" 0 = none, 10 = the most ever. LOCAL code (no verified LOINC code); extracted to an Observation. ' +
      'Craving predicts next-visit use (Tsui et al. 2014).',
  },
  [
    extracted(
      control(
        int(
          MEASURE.craving,
          'Right now, how strong is your craving to use opioids? (0 = none, 10 = the most ever)',
          0,
          10,
          { required: true },
        ),
        'slider',
      ),
      localMeasure(MEASURE.craving, 'Opioid craving 0–10'),
    ),
    int('craving-week-max', 'Strongest craving in the past week (0–10)', 0, 10),
  ],
);

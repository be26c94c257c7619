/**
 * PHQ-9 and GAD-7, LOINC-coded with ordinal scoring, authored from public LOINC facts (modelled on the
 * LHNCBC lforms PHQ-9; nothing copied). Both instruments are public domain (Pfizer, no permission required).
 */
import type { Coding, Questionnaire } from '@medplum/fhirtypes';

import { GAD7, PHQ9, SYSTEM } from '../terminology';
import { calculated, extracted, int, questionnaire, scoredChoice } from './questionnaire-builder';

/** LOINC answer list LL358-3 (frequency over the last two weeks), with the instrument's scores. */
export const FREQUENCY_ANSWERS: readonly (Coding & { score: number })[] = [
  { system: SYSTEM.loinc, code: 'LA6568-5', display: 'Not at all', score: 0 },
  { system: SYSTEM.loinc, code: 'LA6569-3', display: 'Several days', score: 1 },
  { system: SYSTEM.loinc, code: 'LA6570-1', display: 'More than half the days', score: 2 },
  { system: SYSTEM.loinc, code: 'LA6571-9', display: 'Nearly every day', score: 3 },
];

export const PHQ9_ITEM_TEXT: readonly string[] = [
  'Little interest or pleasure in doing things',
  'Feeling down, depressed, or hopeless',
  'Trouble falling or staying asleep, or sleeping too much',
  'Feeling tired or having little energy',
  'Poor appetite or overeating',
  'Feeling bad about yourself - or that you are a failure or have let yourself or your family down',
  'Trouble concentrating on things, such as reading the newspaper or watching television',
  'Moving or speaking so slowly that other people could have noticed. Or the opposite - being so fidgety or restless that you have been moving around a lot more than usual',
  'Thoughts that you would be better off dead, or of hurting yourself in some way',
];

export const GAD7_ITEMS: readonly { readonly code: string; readonly text: string }[] = [
  { code: '69725-0', text: 'Feeling nervous, anxious, or on edge' },
  { code: '68509-9', text: 'Not being able to stop or control worrying' },
  { code: '69733-4', text: 'Worrying too much about different things' },
  { code: '69734-2', text: 'Trouble relaxing' },
  { code: '69735-9', text: 'Being so restless that it is hard to sit still' },
  { code: '69689-8', text: 'Becoming easily annoyed or irritable' },
  { code: '69736-7', text: 'Feeling afraid, as if something awful might happen' },
];

export const PHQ9_DIFFICULTY = {
  code: '69722-7',
  answers: [
    { system: SYSTEM.loinc, code: 'LA6572-7', display: 'Not difficult at all' },
    { system: SYSTEM.loinc, code: 'LA6573-5', display: 'Somewhat difficult' },
    { system: SYSTEM.loinc, code: 'LA6575-0', display: 'Very difficult' },
    { system: SYSTEM.loinc, code: 'LA6574-3', display: 'Extremely difficult' },
  ],
} as const;

/** PHQ-9 severity bands (Kroenke 2001). */
export function phq9Severity(
  total: number,
): 'minimal' | 'mild' | 'moderate' | 'moderately-severe' | 'severe' {
  if (total >= 20) return 'severe';
  if (total >= 15) return 'moderately-severe';
  if (total >= 10) return 'moderate';
  if (total >= 5) return 'mild';
  return 'minimal';
}

/** GAD-7 severity bands (Spitzer 2006). */
export function gad7Severity(total: number): 'minimal' | 'mild' | 'moderate' | 'severe' {
  if (total >= 15) return 'severe';
  if (total >= 10) return 'moderate';
  if (total >= 5) return 'mild';
  return 'minimal';
}

const sumOfOrdinals = (linkIds: readonly string[]) =>
  `%questionnaire.repeat(item).where(linkId in (${linkIds.map((l) => `'${l}'`).join(' | ')})).answerOption` +
  `.where(valueCoding.code in %resource.repeat(item).answer.value.code)` +
  `.extension.where(url = 'http://hl7.org/fhir/StructureDefinition/ordinalValue').value.sum()`;

const loinc = (code: string, display: string): Coding => ({ system: SYSTEM.loinc, code, display });

export const phq9: Questionnaire = questionnaire(
  {
    id: 'wp-phq-9',
    url: PHQ9.questionnaire,
    name: 'PHQ9',
    title: 'PHQ-9 quick depression assessment panel',
    code: [loinc(PHQ9.panel, 'PHQ-9 quick depression assessment panel')],
    description:
      'Patient Health Questionnaire-9: over the last 2 weeks, how often have you been bothered by any of the ' +
      'following problems? Every item and the total are extracted to Observations (valueInteger = the ' +
      'item score). Total 0–27 (minimal 0–4, mild 5–9, moderate 10–14, moderately severe 15–19, severe ' +
      '20–27). Any answer above "Not at all" on item 9 raises a safety alert, separate from the total.',
    copyright:
      'PHQ-9 © Pfizer Inc., public domain; no permission required to reproduce. LOINC® codes © Regenstrief Institute.',
  },
  [
    ...PHQ9.items.map((code, i) => {
      const item = scoredChoice(code, PHQ9_ITEM_TEXT[i] ?? code, FREQUENCY_ANSWERS, { required: true });
      return extracted(item, loinc(code, PHQ9_ITEM_TEXT[i] ?? code));
    }),
    calculated(
      extracted(
        int(PHQ9.total, 'PHQ-9 total score', 0, 27),
        loinc(PHQ9.total, 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]'),
      ),
      sumOfOrdinals(PHQ9.items),
      'Sum of the ordinal values of items 1–9',
    ),
    {
      ...scoredChoice(
        PHQ9_DIFFICULTY.code,
        'If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?',
        [],
      ),
      answerOption: PHQ9_DIFFICULTY.answers.map((valueCoding) => ({ valueCoding })),
      code: [
        loinc(
          PHQ9_DIFFICULTY.code,
          'How difficult have these problems made it for you to do your work, take care of things at home, or get along with other people',
        ),
      ],
    },
  ],
);

export const gad7: Questionnaire = questionnaire(
  {
    id: 'wp-gad-7',
    url: GAD7.questionnaire,
    name: 'GAD7',
    title: 'Generalized anxiety disorder 7 item (GAD-7)',
    code: [loinc(GAD7.panel, 'Generalized anxiety disorder 7 item (GAD-7)')],
    description:
      'GAD-7: over the last 2 weeks, how often have you been bothered by the following problems? Total 0–21 ' +
      '(minimal 0–4, mild 5–9, moderate 10–14, severe 15–21).',
    copyright:
      'GAD-7 © Pfizer Inc., public domain; no permission required to reproduce. LOINC® codes © Regenstrief Institute.',
  },
  [
    ...GAD7_ITEMS.map(({ code, text }) =>
      extracted(scoredChoice(code, text, FREQUENCY_ANSWERS, { required: true }), loinc(code, text)),
    ),
    calculated(
      extracted(
        int(GAD7.total, 'GAD-7 total score', 0, 21),
        loinc(GAD7.total, 'Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]'),
      ),
      sumOfOrdinals(GAD7_ITEMS.map((i) => i.code)),
      'Sum of the ordinal values of items 1–7',
    ),
  ],
);

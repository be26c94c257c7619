/**
 * The session frame every counseling note shares, around its method block: modality, service date, start and
 * end time, minutes and CPT code; the DAP or BIRP narrative (the clinic chooses which); the risk check; the
 * craving rating; homework reviewed and assigned; the treatment-plan goal addressed.
 */
import type { Coding, Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';

import { MEASURE, type NoteTemplate, questionnaireUrl, SYSTEM } from '../terminology';
import {
  bool,
  codingChoice,
  copyForward,
  date,
  extracted,
  group,
  int,
  localMeasure,
  questionnaire,
  type QuestionnaireHeader,
  reference,
  stringChoice,
  text,
  time,
} from './questionnaire-builder';

/** Psychotherapy CPT codes a counseling session bills (short descriptions, not the AMA descriptors). */
export const SESSION_CPT = {
  '90832': { system: SYSTEM.cpt, code: '90832', display: 'Psychotherapy, 30 minutes' },
  '90834': { system: SYSTEM.cpt, code: '90834', display: 'Psychotherapy, 45 minutes' },
  '90837': { system: SYSTEM.cpt, code: '90837', display: 'Psychotherapy, 60 minutes' },
  '90853': { system: SYSTEM.cpt, code: '90853', display: 'Group psychotherapy' },
} as const satisfies Record<string, Coding>;

export type SessionCpt = keyof typeof SESSION_CPT;

/**
 * Face-to-face minutes each time-based psychotherapy code needs (AMA CPT 2013 psychotherapy codes and the CPT
 * time rule — a unit of time is attained when the midpoint is passed; CMS MLN "Psychotherapy Services" 2024):
 * 90832 16–37 min, 90834 38–52, 90837 53 or more. Group psychotherapy (90853) has no time requirement.
 */
export const CPT_MINUTES: Readonly<
  Record<SessionCpt, { readonly min: number; readonly max?: number } | null>
> = {
  '90832': { min: 16, max: 37 },
  '90834': { min: 38, max: 52 },
  '90837': { min: 53 },
  '90853': null,
};

/** The time-based code for a number of face-to-face minutes (individual psychotherapy). */
export function cptForMinutes(minutes: number): SessionCpt | undefined {
  if (minutes >= 53) return '90837';
  if (minutes >= 38) return '90834';
  if (minutes >= 16) return '90832';
  return undefined;
}

export const SESSION_MODALITIES = ['In person', 'Video (telehealth)', 'Telephone', 'Group'] as const;
export const SUICIDAL_IDEATION = [
  'None reported',
  'Passive ideation, no plan or intent',
  'Active ideation',
] as const;
export const OVERDOSE_RISK = [
  'Low',
  'Elevated (recent use or missed MAT doses)',
  'High (return to use, fentanyl, alone)',
] as const;

/** Note formats a clinic may choose (Organization extension note-format; clinical/templates/organization.ts). */
export const NOTE_FORMATS = ['DAP', 'BIRP'] as const;
export type NoteFormat = (typeof NOTE_FORMATS)[number];

/** The frame items before the method block. */
export const FRAME_START: readonly QuestionnaireItem[] = [
  group('session', 'Session', [
    stringChoice('session.modality', 'Modality', SESSION_MODALITIES, { required: true }),
    date('session.date', 'Service date', { required: true }),
    time('session.start', 'Start time', { required: true }),
    time('session.end', 'End time', { required: true }),
    int('session.duration', 'Face-to-face minutes', 1, 480, { required: true }),
    codingChoice('session.cpt', 'CPT code', Object.values(SESSION_CPT), { required: true }),
  ]),
  stringChoice('format', 'Note format', NOTE_FORMATS, { required: true }),
];

/** The frame items after the method block. */
export const FRAME_END: readonly QuestionnaireItem[] = [
  group(
    'dap',
    'DAP',
    [
      text('dap.data', 'Data', { required: true }),
      text('dap.assessment', 'Assessment', { required: true }),
      text('dap.plan', 'Plan', { required: true }),
    ],
    { enableWhen: [{ question: 'format', operator: '=', answerString: 'DAP' }] },
  ),
  group(
    'birp',
    'BIRP',
    [
      text('birp.behavior', 'Behavior', { required: true }),
      text('birp.intervention', 'Intervention', { required: true }),
      text('birp.response', 'Response', { required: true }),
      text('birp.plan', 'Plan', { required: true }),
    ],
    { enableWhen: [{ question: 'format', operator: '=', answerString: 'BIRP' }] },
  ),
  group('risk', 'Risk check', [
    stringChoice('risk.suicidal-ideation', 'Suicidal ideation', SUICIDAL_IDEATION, { required: true }),
    stringChoice('risk.overdose', 'Overdose risk', OVERDOSE_RISK, { required: true }),
    bool('risk.naloxone', 'Has naloxone on hand'),
    bool('risk.safety-plan-reviewed', 'Safety plan reviewed'),
    bool(
      'risk.crisis-resources-given',
      'Crisis resources given (988, SAMHSA National Helpline, clinic line)',
    ),
    text('risk.notes', 'Risk notes'),
  ]),
  extracted(
    int('craving', 'Craving to use right now (0–10)', 0, 10),
    localMeasure(MEASURE.craving, 'Opioid craving 0–10'),
  ),
  text('homework.review', 'Homework from last session, reviewed'),
  copyForward(text('homework', 'Homework assigned'), 'homework.review'),
  reference('goal', 'Treatment-plan goal this session addresses', 'Goal'),
];

/** A note template's Questionnaire: the frame around the method block. */
export function noteQuestionnaire(
  header: QuestionnaireHeader & { readonly template: NoteTemplate },
  methodBlock: QuestionnaireItem | undefined,
): Questionnaire {
  return questionnaire(header, [...FRAME_START, ...(methodBlock ? [methodBlock] : []), ...FRAME_END]);
}

export const sessionFrame: Questionnaire = noteQuestionnaire(
  {
    id: 'wp-session-frame',
    url: questionnaireUrl('session-frame'),
    name: 'SessionFrame',
    title: 'Counseling session note',
    template: 'session-frame',
    description:
      'A counseling note without a method worksheet: modality, time and CPT code, the DAP or BIRP narrative, ' +
      'a risk check (suicidal ideation, overdose risk, naloxone), craving and homework.',
  },
  undefined,
);

/** The session frame every counseling note shares: DAP or BIRP sections plus billing and risk check. */
import type { Coding, Questionnaire } from '@medplum/fhirtypes';

import { questionnaireUrl, SYSTEM } from '../terminology';
import { bool, codingChoice, group, int, questionnaire, stringChoice, text } from './questionnaire-builder';

/** Psychotherapy CPT codes a counseling session bills (short descriptions, not the AMA descriptors). */
export const SESSION_CPT = {
  '90832': { system: SYSTEM.cpt, code: '90832', display: 'Psychotherapy, 30 minutes' },
  '90834': { system: SYSTEM.cpt, code: '90834', display: 'Psychotherapy, 45 minutes' },
  '90837': { system: SYSTEM.cpt, code: '90837', display: 'Psychotherapy, 60 minutes' },
  '90853': { system: SYSTEM.cpt, code: '90853', display: 'Group psychotherapy' },
} as const satisfies Record<string, Coding>;

export type SessionCpt = keyof typeof SESSION_CPT;

/** CPT time rule for individual psychotherapy: 16–37 min → 90832, 38–52 → 90834, ≥ 53 → 90837. */
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

export const sessionFrame: Questionnaire = questionnaire(
  {
    id: 'wp-session-frame',
    url: questionnaireUrl('session-frame'),
    name: 'SessionFrame',
    title: 'Counseling session note (DAP / BIRP)',
    template: 'session-frame',
    description:
      'Frame of every individual or group counseling note: modality, duration and CPT code, the DAP or BIRP ' +
      'narrative, a risk check (suicidal ideation, overdose risk, naloxone) and homework.',
  },
  [
    group('session', 'Session', [
      stringChoice('session.modality', 'Modality', SESSION_MODALITIES, { required: true }),
      int('session.duration', 'Face-to-face minutes', 1, 240, { required: true }),
      codingChoice('session.cpt', 'CPT code', Object.values(SESSION_CPT), { required: true }),
    ]),
    stringChoice('format', 'Note format', ['DAP', 'BIRP'], { required: true }),
    group(
      'dap',
      'DAP',
      [text('dap.data', 'Data'), text('dap.assessment', 'Assessment'), text('dap.plan', 'Plan')],
      { enableWhen: [{ question: 'format', operator: '=', answerString: 'DAP' }] },
    ),
    group(
      'birp',
      'BIRP',
      [
        text('birp.behavior', 'Behavior'),
        text('birp.intervention', 'Intervention'),
        text('birp.response', 'Response'),
        text('birp.plan', 'Plan'),
      ],
      { enableWhen: [{ question: 'format', operator: '=', answerString: 'BIRP' }] },
    ),
    group('risk', 'Risk check', [
      stringChoice('risk.suicidal-ideation', 'Suicidal ideation', SUICIDAL_IDEATION, { required: true }),
      stringChoice('risk.overdose', 'Overdose risk', OVERDOSE_RISK, { required: true }),
      bool('risk.naloxone', 'Has naloxone on hand'),
      bool('risk.safety-plan-reviewed', 'Safety plan reviewed'),
      text('risk.notes', 'Risk notes'),
    ]),
    text('homework', 'Homework'),
  ],
);

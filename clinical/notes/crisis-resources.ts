import type { CrisisContact } from '../chart/chart-facts';
import { clinicOrganization } from '../templates/organization';
import { OVERDOSE_RISK, SUICIDAL_IDEATION } from '../templates/session-frame';
import { type AnswerValue } from './response-items';

/**
 * Crisis resources a note shows when its risk check is positive (docs/notes.md), the national lines first:
 * - 988 Suicide & Crisis Lifeline: call or text 988, chat at 988lifeline.org; 24/7 (SAMHSA, "988 Suicide &
 *   Crisis Lifeline", samhsa.gov/find-help/988, 2024).
 * - SAMHSA National Helpline: 1-800-662-4357 (1-800-662-HELP), free, confidential, 24/7, treatment referral and
 *   information (SAMHSA, "National Helpline", samhsa.gov/find-help/national-helpline, 2024).
 * - The clinic's own line, from the clinic's Organization definition (clinical/templates/organization.ts).
 */
export const NATIONAL_CRISIS_RESOURCES: readonly CrisisContact[] = [
  {
    name: '988 Suicide & Crisis Lifeline',
    contact: 'Call or text 988',
    telecom: [
      { system: 'phone', value: '988' },
      { system: 'sms', value: '988' },
    ],
    description: 'Free, confidential, 24/7 support for people in suicidal crisis or emotional distress.',
    source: 'SAMHSA, 988 Suicide & Crisis Lifeline (samhsa.gov/find-help/988), 2024',
  },
  {
    name: 'SAMHSA National Helpline',
    contact: 'Call 1-800-662-4357',
    telecom: [{ system: 'phone', value: '1-800-662-4357' }],
    description: 'Free, confidential, 24/7 treatment referral and information for substance use disorders.',
    source: 'SAMHSA, National Helpline (samhsa.gov/find-help/national-helpline), 2024',
  },
];

/** The clinic's line from its Organization (the first phone number). */
export function clinicCrisisContact(organization = clinicOrganization): CrisisContact | undefined {
  const phone = organization.telecom?.find((t) => t.system === 'phone' && t.value);
  if (!phone?.value) return undefined;
  return {
    name: organization.name ?? 'The clinic',
    contact: `Call ${phone.value}`,
    telecom: [{ system: 'phone', value: phone.value }],
    description: 'The clinic during opening hours: ask for the counselor on duty.',
    source: `Organization/${organization.id ?? ''}`,
  };
}

/** The crisis resources to show, national lines first, then the clinic's. */
export function noteCrisisResources(organization = clinicOrganization): CrisisContact[] {
  const clinic = clinicCrisisContact(organization);
  return [...NATIONAL_CRISIS_RESOURCES, ...(clinic ? [clinic] : [])];
}

/**
 * Whether a note's risk check calls for the crisis resources: active suicidal ideation, or high overdose risk
 * (session-frame.ts answers; passive ideation and elevated overdose risk are documented, not escalated here).
 */
export function riskCheckPositive(
  suicidalIdeation: AnswerValue | undefined,
  overdoseRisk: AnswerValue | undefined,
): boolean {
  return suicidalIdeation === SUICIDAL_IDEATION[2] || overdoseRisk === OVERDOSE_RISK[2];
}

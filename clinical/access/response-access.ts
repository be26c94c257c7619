import type { QuestionnaireResponse } from '@medplum/fhirtypes';

import {
  GAD7,
  MEASURE_QUESTIONNAIRE,
  NOTE_TEMPLATES,
  PHQ9,
  questionnaireUrl,
  type StaffRole,
} from '../terminology';

/**
 * Who may read the answers of a QuestionnaireResponse. One rule, used by the server's access policy
 * (which redacts what a caller may not read) and by the SPA (which says why a body is hidden).
 *
 * Session notes of substance-use-disorder counseling are the most protected class of record
 * (42 CFR Part 2, §2.11 and §2.12; psychotherapy notes under HIPAA 45 CFR §164.501 and
 * §164.508(a)(2)), so the rule is an allow-list: a role that does not read note bodies sees the
 * answers of a measure only — PHQ-9, GAD-7, the Brief Addiction Monitor and the craving scale —
 * identified by the canonical URL of its Questionnaire. Every other response is redacted for that role:
 * a Waypoint note, a note imported from another system (whatever its questionnaire), and a response
 * with no `questionnaire` at all.
 */

/** Canonical URLs (without version) of the measure Questionnaires whose answers every chart reader sees. */
export const MEASURE_QUESTIONNAIRE_URLS: readonly string[] = [
  PHQ9.questionnaire,
  GAD7.questionnaire,
  questionnaireUrl(MEASURE_QUESTIONNAIRE.bam),
  questionnaireUrl(MEASURE_QUESTIONNAIRE.craving),
];

/** Roles that read session-note bodies: the treating counselor, their supervisor, the prescriber. */
export const NOTE_BODY_ROLES: readonly StaffRole[] = ['counselor', 'supervisor', 'prescriber'];

const MEASURES = new Set(MEASURE_QUESTIONNAIRE_URLS);
const TEMPLATES = new Set(NOTE_TEMPLATES.map((t) => questionnaireUrl(t)));

/** The canonical URL of a `questionnaire` element without its `|version`. */
export function canonicalUrl(canonical: string | undefined): string | undefined {
  return canonical?.split('|')[0];
}

/** True for a response to one of the allow-listed measure Questionnaires. */
export function isMeasureResponse(qr: Pick<QuestionnaireResponse, 'questionnaire'>): boolean {
  const url = canonicalUrl(qr.questionnaire);
  return url !== undefined && MEASURES.has(url);
}

/** True for a response to one of Waypoint's own note templates. */
export function isNoteTemplateResponse(qr: Pick<QuestionnaireResponse, 'questionnaire'>): boolean {
  const url = canonicalUrl(qr.questionnaire);
  return url !== undefined && TEMPLATES.has(url);
}

/** Whether one of these roles reads session-note bodies. */
export function readsNoteBodies(roles: ReadonlySet<StaffRole>): boolean {
  return NOTE_BODY_ROLES.some((role) => roles.has(role));
}

/** Whether a caller with these roles may read the answers (`item`, narrative, contained) of this response. */
export function mayReadResponseAnswers(
  roles: ReadonlySet<StaffRole>,
  qr: Pick<QuestionnaireResponse, 'questionnaire'>,
): boolean {
  return readsNoteBodies(roles) || isMeasureResponse(qr);
}

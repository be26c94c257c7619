import type { Consent, Reference } from '@medplum/fhirtypes';

import { PART2_CONSENT, SYSTEM } from '../terminology';
import { codingsOf, hasCoding } from './coding';
import { type AsOf, asOfMillis, toEndMillis, toMillis } from './fhir-date';
import type { PatientRecord } from './patient-record';
import { referenceTo } from './reference';

/**
 * 42 CFR Part 2 consent (Consent scope patient-privacy, category LOINC 59284-0). "revoked" =
 * the latest such Consent is inactive or rejected; "expired" = its provision period ended before as-of.
 */

export type Part2ConsentState = 'active' | 'missing' | 'revoked' | 'expired';

export interface Part2Consent {
  readonly state: Part2ConsentState;
  readonly consent?: Reference;
}

function isPart2Consent(c: Consent): boolean {
  const scopeOk =
    hasCoding(c.scope, SYSTEM.consentScope, PART2_CONSENT.scope) || codingsOf(c.scope).length === 0; // scope is required in R4 but absent in some exports
  return scopeOk && hasCoding(c.category, SYSTEM.loinc, PART2_CONSENT.category);
}

export function part2Consent(record: PatientRecord, asOf: AsOf): Part2Consent {
  const now = asOfMillis(asOf);
  const candidates = record.consents
    .filter(
      (c) =>
        isPart2Consent(c) &&
        c.status !== 'entered-in-error' &&
        c.status !== 'draft' &&
        c.status !== 'proposed',
    )
    .filter((c) => (toMillis(c.dateTime ?? c.provision?.period?.start) ?? 0) <= now)
    .sort((a, b) => (toMillis(a.dateTime) ?? 0) - (toMillis(b.dateTime) ?? 0));
  const active = candidates.filter((c) => c.status === 'active');
  const current = active.find((c) => {
    const end = toEndMillis(c.provision?.period?.end);
    return end === undefined || end >= now;
  });
  if (current) return { state: 'active', consent: referenceTo(current) };
  const latest = candidates.at(-1);
  if (!latest) return { state: 'missing' };
  if (latest.status === 'active') return { state: 'expired', consent: referenceTo(latest) };
  return { state: 'revoked', consent: referenceTo(latest) };
}

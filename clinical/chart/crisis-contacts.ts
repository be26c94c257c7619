import type { CodeableConcept, ContactPoint, HealthcareService, Organization } from '@medplum/fhirtypes';

import { codingsOf } from '../fhir/coding';
import { NATIONAL_CRISIS_RESOURCES } from '../notes/crisis-resources';
import type { CrisisContact } from './chart-facts';

/**
 * The clinic's own crisis contacts, read from its definitions (Organization, HealthcareService): every active
 * HealthcareService whose name, type or category says "crisis" (the clinic's "Crisis line",
 * templates/organization.ts), and every Organization.contact whose purpose says "crisis". The national lines
 * (988 Suicide & Crisis Lifeline, SAMHSA National Helpline) are NATIONAL_CRISIS_RESOURCES
 * (notes/crisis-resources.ts); {@link crisisResources} puts them first.
 */

const CRISIS = /\bcrisis\b/i;

function conceptSays(concepts: readonly CodeableConcept[] | CodeableConcept | undefined): boolean {
  const list =
    concepts === undefined ? [] : Array.isArray(concepts) ? concepts : [concepts as CodeableConcept];
  return list.some(
    (c) => CRISIS.test(c.text ?? '') || codingsOf(c).some((x) => CRISIS.test(x.display ?? '')),
  );
}

function telecomOf(points: readonly ContactPoint[] | undefined): CrisisContact['telecom'] {
  return [...(points ?? [])]
    .filter((p) => p.value && p.system && p.period?.end === undefined)
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity))
    .map((p) => ({ system: p.system as string, value: p.value as string }));
}

function contactText(telecom: CrisisContact['telecom']): string {
  const phone = telecom.find((t) => t.system === 'phone');
  const sms = telecom.find((t) => t.system === 'sms');
  if (phone && sms && phone.value === sms.value) return `Call or text ${phone.value}`;
  if (phone) return `Call ${phone.value}`;
  if (sms) return `Text ${sms.value}`;
  return telecom[0]?.value ?? '';
}

/** The clinic's crisis contacts from its Organization(s) and HealthcareService(s), in input order. */
export function clinicCrisisContacts(
  definitions: readonly (Organization | HealthcareService)[],
): CrisisContact[] {
  const out: CrisisContact[] = [];
  for (const d of definitions) {
    if (d.active === false) continue;
    if (d.resourceType === 'HealthcareService') {
      const says = CRISIS.test(d.name ?? '') || conceptSays(d.type) || conceptSays(d.category);
      const telecom = telecomOf(d.telecom);
      if (!says || telecom.length === 0) continue;
      out.push({
        name: d.name ?? 'Clinic crisis line',
        contact: contactText(telecom),
        telecom,
        description: d.comment ?? '',
        source: `HealthcareService/${d.id ?? ''}`,
      });
    } else {
      for (const c of d.contact ?? []) {
        const telecom = telecomOf(c.telecom);
        if (!conceptSays(c.purpose) || telecom.length === 0) continue;
        out.push({
          name: c.name?.text ?? d.name ?? 'Clinic crisis contact',
          contact: contactText(telecom),
          telecom,
          description: c.purpose?.text ?? '',
          source: `Organization/${d.id ?? ''}`,
        });
      }
    }
  }
  return out;
}

/** What a safety alert lists: the national lines first, then the clinic's own contacts. */
export function crisisResources(clinicContacts: readonly CrisisContact[] = []): CrisisContact[] {
  return [...NATIONAL_CRISIS_RESOURCES, ...clinicContacts];
}

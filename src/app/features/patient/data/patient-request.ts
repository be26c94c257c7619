import type { Resource } from '@medplum/fhirtypes';

import type { SearchParams } from '../../../core/fhir/fhir-client';

/**
 * What the patient header reads (track, week and the relapse-risk inputs), in one search: the Patient
 * by id, with `_revinclude` of the resources that point at it. Notes are not needed for the header.
 */
export const PATIENT_HEADER_TYPES = [
  'Patient',
  'EpisodeOfCare',
  'CareTeam',
  'Appointment',
  'Encounter',
  'MedicationRequest',
  'MedicationAdministration',
  'MedicationDispense',
  'MedicationStatement',
  'Medication',
  'Observation',
  'DiagnosticReport',
  'Consent',
] as const;

export type PatientHeaderType = (typeof PATIENT_HEADER_TYPES)[number];

const REVINCLUDED: readonly PatientHeaderType[] = [
  'EpisodeOfCare',
  'CareTeam',
  'Appointment',
  'Encounter',
  'MedicationRequest',
  'MedicationAdministration',
  'MedicationDispense',
  'MedicationStatement',
  'Observation',
  'DiagnosticReport',
  'Consent',
];

export function patientHeaderSearch(patientId: string): SearchParams {
  return [
    ['_id', patientId],
    ...REVINCLUDED.map((type) => ['_revinclude', `${type}:patient`] as const),
    ['_include:iterate', 'MedicationRequest:medication'],
  ];
}

/** Keeps the header's types only, de-duplicated. */
export function headerResources(resources: readonly Resource[]): Resource[] {
  const known = new Set<string>(PATIENT_HEADER_TYPES);
  const seen = new Set<string>();
  return resources.filter((r) => {
    const key = `${r.resourceType}/${r.id ?? ''}`;
    if (!r.id || !known.has(r.resourceType) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

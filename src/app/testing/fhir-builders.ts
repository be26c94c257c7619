import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';

/** A synthetic adult patient; override any field (pass `id: undefined` for a not-yet-created one). */
export function aPatient(overrides: Partial<Patient> = {}): Patient {
  return {
    resourceType: 'Patient',
    id: 'patient-1',
    active: true,
    name: [{ use: 'official', family: 'Rivera', given: ['Sam'] }],
    gender: 'unknown',
    birthDate: '1990-04-12',
    ...overrides,
  };
}

/** A searchset Bundle whose entries are all matches. */
export function aSearchBundle(
  resources: readonly Resource[],
  options: { readonly total?: number; readonly next?: string } = {},
): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(options.total !== undefined ? { total: options.total } : {}),
    ...(options.next ? { link: [{ relation: 'next', url: options.next }] } : {}),
    entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
  };
}

/**
 * What each role may write, which types are shared definitions, and which are never changed.
 * Deny by default: a type missing here is not writable by that role (system clients are governed by
 * their SMART scopes alone).
 */
import type { Observation, QuestionnaireResponse, Resource } from '@medplum/fhirtypes';

import { mayReadResponseAnswers } from '../../../clinical/access/response-access';
import { type StaffRole, SYSTEM } from '../../../clinical/terminology';

export type WriteKind = 'create' | 'update' | 'delete';

/** Readable by any signed-in staff member: definitions and directory resources. */
export const SHARED_TYPES: ReadonlySet<string> = new Set([
  'Questionnaire',
  'CodeSystem',
  'ValueSet',
  'ConceptMap',
  'NamingSystem',
  'StructureDefinition',
  'SearchParameter',
  'CompartmentDefinition',
  'OperationDefinition',
  'CapabilityStatement',
  'PlanDefinition',
  'ActivityDefinition',
  'Library',
  'Organization',
  'HealthcareService',
  'Location',
  'Endpoint',
  'Practitioner',
  'PractitionerRole',
  'Medication',
  'Substance',
]);

/** Append-only records: no one updates or deletes them through the API. */
export const IMMUTABLE_TYPES: ReadonlySet<string> = new Set(['Provenance', 'AuditEvent']);

const COUNSELOR = [
  'QuestionnaireResponse',
  'Provenance',
  'Task',
  'Appointment',
  'Encounter',
  'Observation',
  'CarePlan',
  'Goal',
  'RiskAssessment',
  'Basic',
  'Flag',
  'Communication',
  'Consent',
];
const SUPERVISOR = ['Provenance', 'Task', 'Communication', 'Flag'];
const COORDINATOR = [
  'Task',
  'Appointment',
  'Encounter',
  'MedicationAdministration',
  'MedicationDispense',
  'Observation',
  'DiagnosticReport',
  'Communication',
  'Flag',
  'Consent',
];
const PRESCRIBER = [
  'MedicationRequest',
  'MedicationAdministration',
  'MedicationDispense',
  'MedicationStatement',
  'Condition',
  'Observation',
  'DiagnosticReport',
  'Task',
  'Provenance',
  'Encounter',
];
const PEER = ['Task', 'Communication'];

const WRITES: Record<StaffRole, ReadonlySet<string>> = {
  counselor: new Set(COUNSELOR),
  supervisor: new Set(SUPERVISOR),
  'care-coordinator': new Set(COORDINATOR),
  prescriber: new Set(PRESCRIBER),
  'peer-specialist': new Set(PEER),
};

/**
 * True when one of the roles may write this resource. Coordinators write only laboratory
 * Observations (urine drug screens); Provenance is create-only for everyone.
 */
export function roleMayWrite(roles: ReadonlySet<StaffRole>, resource: Resource, kind: WriteKind): boolean {
  if (IMMUTABLE_TYPES.has(resource.resourceType) && kind !== 'create') {
    return false;
  }
  for (const role of roles) {
    if (!WRITES[role].has(resource.resourceType)) continue;
    if (role === 'care-coordinator' && resource.resourceType === 'Observation' && !isLaboratory(resource))
      continue;
    return true;
  }
  return false;
}

function isLaboratory(observation: Observation): boolean {
  return (observation.category ?? []).some((c) =>
    (c.coding ?? []).some(
      (coding) => coding.system === SYSTEM.observationCategory && coding.code === 'laboratory',
    ),
  );
}

/**
 * Whether a caller with these roles receives this resource's answers. Only QuestionnaireResponses are
 * ever redacted, by the one rule in clinical/ (an allow-list of measures for roles that do not read notes).
 */
export function mustRedact(
  roles: ReadonlySet<StaffRole>,
  resource: Resource,
): resource is QuestionnaireResponse {
  return resource.resourceType === 'QuestionnaireResponse' && !mayReadResponseAnswers(roles, resource);
}

export const REDACTED_TAG = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'REDACTED',
  display: 'redacted',
} as const;

/** The response without its answers (`item`, narrative, contained), tagged redacted: the caller sees that it exists, its date and status. */
export function redactNote<T extends Resource>(resource: T): T {
  const { item: _item, text: _text, contained: _contained, ...rest } = resource as QuestionnaireResponse;
  const meta = { ...rest.meta, security: [...(rest.meta?.security ?? []), { ...REDACTED_TAG }] };
  return { ...rest, meta } as unknown as T;
}

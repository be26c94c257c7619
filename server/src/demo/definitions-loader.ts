/**
 * Loads the clinic definitions (clinical/templates) idempotently at every start: each definition is found by
 * its canonical URL (or, for Organization / HealthcareService, its identifier) and created or updated only
 * when its content changed. Safe to run on any FHIR repository, including one holding other data.
 */
import { deepEquals, Operator } from '@medplum/core';
import type { FhirRepository } from '@medplum/fhir-router';
import type { Identifier, Resource } from '@medplum/fhirtypes';

import { type ClinicDefinition, clinicDefinitions } from '../../../clinical/templates/index';

export interface DefinitionsReport {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
}

type Loadable = ClinicDefinition | (Resource & { url?: string; identifier?: Identifier[] });

/** The content that matters when comparing a stored definition with ours (server-managed parts dropped). */
function content(resource: Resource): Record<string, unknown> {
  const { id: _id, meta: _meta, text: _text, ...rest } = resource as Resource & { text?: unknown };
  return rest;
}

async function findExisting(repo: FhirRepository, definition: Loadable): Promise<Resource | undefined> {
  if ('url' in definition && definition.url) {
    return repo.searchOne({
      resourceType: definition.resourceType,
      filters: [{ code: 'url', operator: Operator.EQUALS, value: definition.url }],
    });
  }
  const identifier = 'identifier' in definition ? definition.identifier?.[0] : undefined;
  if (identifier?.system && identifier.value) {
    return repo.searchOne({
      resourceType: definition.resourceType,
      filters: [
        { code: 'identifier', operator: Operator.EQUALS, value: `${identifier.system}|${identifier.value}` },
      ],
    });
  }
  throw new Error(`definition ${definition.resourceType}/${definition.id} has neither url nor identifier`);
}

/** Creates or updates the given definitions (default: the clinic's) so the repository holds exactly them. */
export async function ensureClinicDefinitions(
  repo: FhirRepository,
  definitions: readonly Loadable[] = clinicDefinitions(),
): Promise<DefinitionsReport> {
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  for (const definition of definitions) {
    const existing = await findExisting(repo, definition);
    if (!existing) {
      await repo.createResource(definition, { assignedId: true });
      created++;
    } else if (!deepEquals(content(existing), content(definition))) {
      await repo.updateResource({ ...definition, id: existing.id });
      updated++;
    } else {
      unchanged++;
    }
  }
  return { created, updated, unchanged };
}

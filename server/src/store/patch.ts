// The PATCH interaction's one implementation of applying a patch, shared by the repository layers
// (SqliteRepository, ValidatingRepository, PolicyRepository): each applies it itself so that what it
// checks or writes is the patched resource.
import type { Operation } from '@medplum/core';
import {
  applyPatch,
  badRequest,
  fhirpathPatchTypedValue,
  normalizeOperationOutcome,
  OperationOutcomeError,
  parseFhirPathPatchParameters,
  toTypedValue,
} from '@medplum/core';
import type { Parameters, Resource } from '@medplum/fhirtypes';

/**
 * A patched copy of `resource`: a JSON Patch (RFC 6902) array or a FHIRPath Patch Parameters resource.
 * Throws an OperationOutcomeError (400) when the patch does not apply or changes resourceType or id;
 * `resource` itself is never modified.
 */
export function applyFhirPatch<T extends Resource>(resource: T, patch: Operation[] | Parameters): T {
  const patched = structuredClone(resource);
  try {
    if (Array.isArray(patch)) {
      const errors = applyPatch(patched, patch).filter((e) => e !== null);
      if (errors.length > 0) {
        throw new OperationOutcomeError(badRequest(errors.map((e) => e.message).join('\n')));
      }
    } else {
      fhirpathPatchTypedValue(toTypedValue(patched), parseFhirPathPatchParameters(patch));
    }
  } catch (err) {
    throw new OperationOutcomeError(normalizeOperationOutcome(err));
  }
  if (patched.resourceType !== resource.resourceType || patched.id !== resource.id) {
    throw new OperationOutcomeError(badRequest('Patch must not change resourceType or id'));
  }
  return patched;
}

// OperationOutcome builders for the HTTP layer, for the statuses @medplum/core has no helper for.
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** An error OperationOutcome with one issue. */
export function outcome(
  code: OperationOutcomeIssue['code'],
  text: string,
  expression?: string[],
  severity: OperationOutcomeIssue['severity'] = 'error',
): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity, code, details: { text }, ...(expression ? { expression } : {}) }],
  };
}

export function methodNotAllowed(method: string, path: string): OperationOutcome {
  return outcome('not-supported', `Method ${method} is not allowed on ${path}`);
}

export function unknownResourceType(resourceType: string): OperationOutcome {
  return outcome('not-supported', `Unknown or unsupported resource type: ${resourceType}`);
}

export function malformedJson(): OperationOutcome {
  return outcome('structure', 'Request body is not valid JSON');
}

export function serverFailure(): OperationOutcome {
  return outcome('exception', 'Internal server error');
}

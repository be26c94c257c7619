import { HttpErrorResponse } from '@angular/common/http';

import { isFhirError, outcomeMessage, toFhirError } from '../fhir/operation-outcome';

/** What the user is told about an unexpected failure. */
export interface AppError {
  readonly message: string;
  /** HTTP status for server failures (0 = unreachable); undefined for client-side errors. */
  readonly status?: number;
}

const MAX_MESSAGE = 200;

function truncate(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

/** Unwraps the wrappers errors arrive in (unhandled rejections, `{ error }` objects). */
function unwrap(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 3; i++) {
    if (typeof current === 'object' && current !== null && 'rejection' in current) {
      current = (current as { rejection: unknown }).rejection;
    } else if (current instanceof PromiseRejectionEvent) {
      current = current.reason;
    } else if (current instanceof ErrorEvent) {
      current = current.error ?? current.message;
    } else {
      break;
    }
  }
  return current;
}

/** Normalizes anything thrown in the app into one short, human message. */
export function normalizeError(error: unknown): AppError {
  const cause = unwrap(error);
  if (isFhirError(cause) || cause instanceof HttpErrorResponse) {
    const fhirError = toFhirError(cause);
    return { status: fhirError.status, message: truncate(outcomeMessage(fhirError.outcome)) };
  }
  const text =
    cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : 'An unknown error occurred';
  if (
    /Failed to fetch dynamically imported module|Loading chunk .* failed|error loading dynamically imported module/i.test(
      text,
    )
  ) {
    return { message: 'Part of Waypoint could not be loaded; check the connection and reload the page' };
  }
  return { message: truncate(`Something went wrong: ${text || 'unknown error'}`) };
}

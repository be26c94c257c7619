import { HttpErrorResponse } from '@angular/common/http';
import { computed, type Signal } from '@angular/core';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

type IssueType = OperationOutcomeIssue['code'];

/**
 * The one shape every FHIR failure takes in Waypoint: the HTTP status (0 when the server could not be
 * reached) and an OperationOutcome, either the server's own or one synthesized from what came back.
 * It is an Error so stack traces survive, but its data stays plain JSON for NgRx actions.
 */
export class FhirError extends Error {
  override readonly name = 'FhirError';

  constructor(
    readonly status: number,
    readonly outcome: OperationOutcome,
  ) {
    super(outcomeMessage(outcome));
  }
}

export function isFhirError(value: unknown): value is FhirError {
  return value instanceof FhirError;
}

export function isOperationOutcome(value: unknown): value is OperationOutcome {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { resourceType?: unknown }).resourceType === 'OperationOutcome'
  );
}

export const UNREACHABLE_MESSAGE = 'The FHIR server could not be reached';

const STATUS_MESSAGES: Readonly<Record<number, readonly [IssueType, string]>> = {
  400: ['invalid', 'The FHIR server rejected the request as invalid'],
  401: ['login', 'Your session has ended; please sign in again'],
  403: ['forbidden', 'You are not allowed to do this'],
  404: ['not-found', 'The record was not found'],
  405: ['not-supported', 'The FHIR server does not support this operation'],
  409: ['conflict', 'The record conflicts with another change'],
  410: ['deleted', 'The record has been deleted'],
  412: ['conflict', 'The record was changed by someone else; reload it and try again'],
  422: ['business-rule', 'The FHIR server refused the change because it breaks a rule'],
  429: ['throttled', 'Too many requests; wait a moment and try again'],
};

function issueForStatus(status: number): readonly [IssueType, string] {
  if (status === 0) {
    return ['transient', UNREACHABLE_MESSAGE];
  }
  const known = STATUS_MESSAGES[status];
  if (known) {
    return known;
  }
  if (status >= 500) {
    return ['exception', `The FHIR server failed (HTTP ${status})`];
  }
  return ['processing', `The request failed (HTTP ${status})`];
}

/** Builds an OperationOutcome for a failure whose response carried none. */
export function synthesizeOutcome(status: number, diagnostics?: string): OperationOutcome {
  const [code, text] = issueForStatus(status);
  const issue: OperationOutcomeIssue = { severity: 'error', code, details: { text } };
  if (diagnostics) {
    issue.diagnostics = diagnostics;
  }
  return { resourceType: 'OperationOutcome', issue: [issue] };
}

/** Keeps error bodies that are not FHIR short and single-line: they may be whole HTML pages. */
function summarizeBody(body: unknown): string | undefined {
  let text: string | undefined;
  if (typeof body === 'string') {
    text = body;
  } else if (body instanceof Error) {
    text = body.message;
  } else if (typeof body === 'object' && body !== null) {
    const { message, error } = body as { message?: unknown; error?: unknown };
    text = typeof message === 'string' ? message : typeof error === 'string' ? error : undefined;
  }
  const squashed = text
    ?.replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return squashed ? squashed.slice(0, 300) : undefined;
}

/** Normalizes anything an HTTP call can fail with into a FhirError. */
export function toFhirError(error: unknown): FhirError {
  if (isFhirError(error)) {
    return error;
  }
  if (error instanceof HttpErrorResponse) {
    if (error.status === 0) {
      // Angular reports a failed connection (offline, refused, CORS, aborted) as status 0.
      return new FhirError(0, synthesizeOutcome(0));
    }
    const body: unknown = parseMaybeJson(error.error);
    if (isOperationOutcome(body) && (body.issue?.length ?? 0) > 0) {
      return new FhirError(error.status, body);
    }
    if (error.status >= 200 && error.status < 300) {
      // A 2xx whose body could not be parsed as JSON.
      return new FhirError(error.status, {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'structure',
            details: { text: 'The FHIR server sent a response that is not valid FHIR JSON' },
          },
        ],
      });
    }
    return new FhirError(error.status, synthesizeOutcome(error.status, summarizeBody(body)));
  }
  const issue: OperationOutcomeIssue = {
    severity: 'error',
    code: 'exception',
    details: { text: 'The request could not be sent' },
  };
  const diagnostics = summarizeBody(error);
  if (diagnostics) {
    issue.diagnostics = diagnostics;
  }
  return new FhirError(0, { resourceType: 'OperationOutcome', issue: [issue] });
}

function parseMaybeJson(body: unknown): unknown {
  if (typeof body !== 'string' || !/^\s*[{[]/.test(body)) {
    return body;
  }
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

function issueText(issue: OperationOutcomeIssue): string {
  return (
    issue.details?.text?.trim() ||
    issue.diagnostics?.trim() ||
    issue.details?.coding?.find((c) => c.display)?.display ||
    (issue.code ? humanizeIssueCode(issue.code) : 'Unknown error')
  );
}

function humanizeIssueCode(code: IssueType): string {
  const text = code.replace(/-/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * One human sentence for an outcome: the error and fatal issues (or all issues when none is an
 * error), de-duplicated, joined with "; ".
 */
export function outcomeMessage(outcome: OperationOutcome | undefined): string {
  const issues = outcome?.issue ?? [];
  const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  const relevant = errors.length > 0 ? errors : issues;
  const texts = [...new Set(relevant.map(issueText))];
  return texts.length > 0 ? texts.join('; ') : 'Unknown error';
}

/** The message of an outcome a signal holds, for a page to show; null while it holds none. */
export function outcomeMessageOf(outcome: () => OperationOutcome | null | undefined): Signal<string | null> {
  return computed(() => {
    const o = outcome();
    return o ? outcomeMessage(o) : null;
  });
}

/** True when an outcome only carries information or warnings (e.g. the 200 of a successful delete). */
export function isSuccessOutcome(outcome: OperationOutcome): boolean {
  return (outcome.issue ?? []).every((i) => i.severity === 'information' || i.severity === 'warning');
}

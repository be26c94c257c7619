import { HttpErrorResponse } from '@angular/common/http';
import type { OperationOutcome } from '@medplum/fhirtypes';

import { isSuccessOutcome, outcomeMessage, synthesizeOutcome, toFhirError } from './operation-outcome';

describe('operation-outcome', () => {
  describe('outcomeMessage', () => {
    it('prefers details.text, then diagnostics, then the issue code', () => {
      const outcome: OperationOutcome = {
        resourceType: 'OperationOutcome',
        issue: [
          { severity: 'error', code: 'required', details: { text: 'Status is required' } },
          { severity: 'error', code: 'value', diagnostics: 'Bad date "2025-13-01"' },
          { severity: 'fatal', code: 'too-costly' },
        ],
      };
      expect(outcomeMessage(outcome)).toBe('Status is required; Bad date "2025-13-01"; Too costly');
    });

    it('leaves out warnings when there are errors, and de-duplicates', () => {
      const outcome: OperationOutcome = {
        resourceType: 'OperationOutcome',
        issue: [
          { severity: 'warning', code: 'informational', details: { text: 'Slow query' } },
          { severity: 'error', code: 'conflict', details: { text: 'Version conflict' } },
          { severity: 'error', code: 'conflict', details: { text: 'Version conflict' } },
        ],
      };
      expect(outcomeMessage(outcome)).toBe('Version conflict');
    });

    it('says something even for an empty outcome', () => {
      expect(outcomeMessage({ resourceType: 'OperationOutcome', issue: [] })).toBe('Unknown error');
      expect(outcomeMessage(undefined)).toBe('Unknown error');
    });
  });

  it('synthesizes an outcome with a code matching the status', () => {
    expect(synthesizeOutcome(401).issue[0].code).toBe('login');
    expect(synthesizeOutcome(403).issue[0].code).toBe('forbidden');
    expect(synthesizeOutcome(503).issue[0].code).toBe('exception');
    expect(synthesizeOutcome(418).issue[0].code).toBe('processing');
    expect(synthesizeOutcome(418).issue[0].diagnostics).toBeUndefined();
  });

  it('parses an OperationOutcome that arrived as text (wrong content type)', () => {
    const body = JSON.stringify(synthesizeOutcome(409, 'Duplicate identifier'));
    const error = toFhirError(new HttpErrorResponse({ status: 409, error: body }));
    expect(error.status).toBe(409);
    expect(error.outcome.issue[0].diagnostics).toBe('Duplicate identifier');
  });

  it('reports a 200 whose body is not JSON as a structure error', () => {
    const error = toFhirError(
      new HttpErrorResponse({
        status: 200,
        error: { error: new SyntaxError('Unexpected token <'), text: '<html>' },
      }),
    );
    expect(error.status).toBe(200);
    expect(error.outcome.issue[0].code).toBe('structure');
  });

  it('wraps a plain thrown error as status 0 with its message as diagnostics', () => {
    const error = toFhirError(new TypeError('boom'));
    expect(error.status).toBe(0);
    expect(error.outcome.issue[0].diagnostics).toBe('boom');
  });

  it('treats information-only outcomes as success', () => {
    expect(
      isSuccessOutcome({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'information', code: 'informational' }],
      }),
    ).toBeTrue();
    expect(isSuccessOutcome(synthesizeOutcome(400))).toBeFalse();
  });
});

import type { Bundle } from '@medplum/fhirtypes';

import { aPatient, aSearchBundle } from '../../testing/fhir-builders';
import {
  createEntry,
  deleteEntry,
  entryOutcome,
  entryStatus,
  findIncluded,
  mergeSearchResults,
  unwrapSearchBundle,
  updateEntry,
} from './bundle';

describe('bundle helpers', () => {
  it('classifies entries by resource type when the server omits search.mode', () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        { resource: aPatient({ id: 'a' }) },
        { resource: { resourceType: 'Practitioner', id: 'pr' } },
        { resource: { resourceType: 'OperationOutcome', issue: [] } },
        { fullUrl: 'urn:uuid:no-resource' },
      ],
    };
    const result = unwrapSearchBundle(bundle, 'Patient');
    expect(result.resources.map((r) => r.id)).toEqual(['a']);
    expect(result.included.map((r) => r.id)).toEqual(['pr']);
    expect(result.outcomes.length).toBe(1);
    expect(result.total).toBeUndefined();
    expect(result.next).toBeUndefined();
  });

  it('merges pages and de-duplicates included resources', () => {
    const page = (id: string) => ({
      ...unwrapSearchBundle(aSearchBundle([aPatient({ id })], { total: 2 }), 'Patient'),
      included: [{ resourceType: 'Organization' as const, id: 'clinic' }],
    });
    const merged = mergeSearchResults([page('a'), page('b')]);
    expect(merged.resources.map((r) => r.id)).toEqual(['a', 'b']);
    expect(merged.included.length).toBe(1);
    expect(merged.total).toBe(2);
    expect(findIncluded(merged, 'Organization/clinic')?.id).toBe('clinic');
    expect(findIncluded(merged, 'Organization/other')).toBeUndefined();
    expect(findIncluded(merged, undefined)).toBeUndefined();
    expect(merged.next).toBeUndefined();
  });

  it("keeps the last page's next link when paging stopped before the end", () => {
    const page = (id: string, next?: string) => ({
      resources: [aPatient({ id })],
      included: [],
      outcomes: [],
      ...(next ? { next } : {}),
    });
    expect(
      mergeSearchResults([page('a', '/fhir/Patient?page=2'), page('b', '/fhir/Patient?page=3')]).next,
    ).toBe('/fhir/Patient?page=3');
  });

  it('builds write entries, with If-Match from the version read', () => {
    expect(updateEntry(aPatient({ id: 'p', meta: { versionId: '4' } })).request).toEqual({
      method: 'PUT',
      url: 'Patient/p',
      ifMatch: 'W/"4"',
    });
    expect(() => updateEntry(aPatient({ id: undefined }))).toThrowError(/without an id/);
    expect(createEntry(aPatient({ id: undefined }), 'urn:uuid:1', 'identifier=x|1')).toEqual(
      jasmine.objectContaining({
        fullUrl: 'urn:uuid:1',
        request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=x|1' },
      }),
    );
    expect(deleteEntry('Task', 't').request).toEqual({ method: 'DELETE', url: 'Task/t' });
  });

  it('reads response entry status and outcome', () => {
    expect(entryStatus({ response: { status: '201 Created' } })).toBe(201);
    expect(entryStatus({ response: { status: 'garbage' } })).toBe(0);
    const outcome = {
      resourceType: 'OperationOutcome' as const,
      issue: [{ severity: 'error' as const, code: 'conflict' as const }],
    };
    expect(entryOutcome({ response: { status: '412 Precondition Failed', outcome } })).toBe(outcome);
    expect(entryOutcome({ response: { status: '500' } })?.issue[0].code).toBe('exception');
    expect(entryOutcome({ response: { status: '200 OK' } })).toBeUndefined();
  });
});

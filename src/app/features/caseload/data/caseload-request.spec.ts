import type { Resource } from '@medplum/fhirtypes';

import { FhirError } from '../../../core/fhir/operation-outcome';
import { aCaseloadBatchResponse } from '../../../testing/caseload-rows';
import { aCaseloadPatient, aMeasureObservation, CRAVING } from '../../../testing/fhir-builders';
import {
  caseloadBatch,
  readCaseloadResponse,
  REVINCLUDE_CAP,
  SLICE_SIZE,
  SLICES_PER_BATCH,
} from './caseload-request';

describe('caseload request', () => {
  it('is one batch: my unsigned notes without bodies, then slices of patients with what they reference', () => {
    const batch = caseloadBatch('Practitioner/c1');
    expect(batch.type).toBe('batch');
    const urls = (batch.entry ?? []).map((e) => `${e.request?.method} ${decodeURIComponent(e.request?.url ?? '')}`);
    expect(urls.length).toBe(SLICES_PER_BATCH + 1);

    const notes = new URLSearchParams(urls[0]?.split('?')[1]);
    expect(urls[0]).toMatch(/^GET QuestionnaireResponse\?/);
    expect(notes.get('author')).toBe('Practitioner/c1');
    expect(notes.get('status')).toBe('in-progress');
    expect(notes.get('_elements')?.split(',')).not.toContain('item');

    const first = new URLSearchParams(urls[1]?.split('?')[1]);
    expect(urls[1]).toMatch(/^GET Patient\?/);
    expect(first.get('_has:CareTeam:patient:participant')).toBe('Practitioner/c1');
    expect(first.get('_has:EpisodeOfCare:patient:status')).toBe('active');
    expect(first.get('_sort')).toBe('_id');
    expect(first.get('_count')).toBe(String(SLICE_SIZE));
    expect(first.get('_offset')).toBe('0');
    expect(first.getAll('_revinclude')).toEqual(
      jasmine.arrayContaining([
        'CareTeam:patient',
        'EpisodeOfCare:patient',
        'Appointment:patient',
        'MedicationAdministration:patient',
        'Observation:patient',
        'DiagnosticReport:patient',
        'Task:patient',
        'Consent:patient',
      ]),
    );
    expect(new URLSearchParams(urls[2]?.split('?')[1]).get('_offset')).toBe(String(SLICE_SIZE));

    const next = caseloadBatch('Practitioner/c1', SLICES_PER_BATCH);
    expect(next.entry?.length).toBe(SLICES_PER_BATCH);
    expect(decodeURIComponent(next.entry?.[0]?.request?.url ?? '')).toContain(
      `_offset=${SLICES_PER_BATCH * SLICE_SIZE}`,
    );
  });

  it('reads the matched patients of every slice and every resource once, dropping unknown types', () => {
    const p1 = aCaseloadPatient('p1');
    const response = aCaseloadBatchResponse([
      [...p1, { resourceType: 'Practitioner', id: 'c1' }],
      [...aCaseloadPatient('p2'), p1[1] as Resource],
    ]);
    const read = readCaseloadResponse(response);
    expect(read.patientIds).toEqual(['p1', 'p2']);
    expect(read.more).toBeFalse();
    const keys = read.resources.map((r) => `${r.resourceType}/${r.id}`);
    expect(keys).toContain('EpisodeOfCare/eoc-p1');
    expect(keys).not.toContain('Practitioner/c1');
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('asks for more when the last slice is full', () => {
    const full = Array.from({ length: SLICES_PER_BATCH }, (_, s) =>
      Array.from({ length: SLICE_SIZE }, (_, i) => aCaseloadPatient(`p${s}-${i}`).slice(0, 1)).flat(),
    );
    const read = readCaseloadResponse(aCaseloadBatchResponse(full));
    expect(read.patientIds.length).toBe(SLICE_SIZE * SLICES_PER_BATCH);
    expect(read.more).toBeTrue();
    expect(read.nextSlice).toBe(SLICES_PER_BATCH);
  });

  it('fails rather than show a caseload cut short by the server include cap', () => {
    const many = Array.from({ length: REVINCLUDE_CAP }, (_, i) => aMeasureObservation('p1', CRAVING, 5, -i));
    expect(() => readCaseloadResponse(aCaseloadBatchResponse([[...aCaseloadPatient('p1'), ...many]]))).toThrowError(
      /returned 1003 Observation resources for 5 patients/,
    );
  });

  it('fails the whole load with the failed entry outcome', () => {
    const response = aCaseloadBatchResponse([]);
    const outcome = {
      resourceType: 'OperationOutcome' as const,
      issue: [{ severity: 'error' as const, code: 'forbidden' as const, details: { text: 'Not your notes' } }],
    };
    response.entry![0] = { response: { status: '403 Forbidden', outcome } };
    let error: unknown;
    try {
      readCaseloadResponse(response);
    } catch (e) {
      error = e;
    }
    expect(error).toEqual(jasmine.any(FhirError));
    expect((error as FhirError).status).toBe(403);
    expect((error as FhirError).message).toBe('Not your notes');
  });

  it('refuses a response with fewer entries than were asked', () => {
    expect(() =>
      readCaseloadResponse({ resourceType: 'Bundle', type: 'batch-response', entry: [{ response: { status: '200 OK' } }] }),
    ).toThrowError(/missing entries/);
  });
});

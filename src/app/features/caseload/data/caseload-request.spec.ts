import type { Bundle, Resource } from '@medplum/fhirtypes';

import { FhirError } from '../../../core/fhir/operation-outcome';
import { aCaseloadBatchResponse } from '../../../testing/caseload-rows';
import {
  aCaseloadPatient,
  aMeasureObservation,
  COUNSELOR,
  CRAVING,
  FIXED_NOW,
} from '../../../testing/fhir-builders';
import { caseloadBatch, caseloadSearches, readCaseloadResponse, SEARCH_CAP } from './caseload-request';

const SEARCHES = caseloadSearches(COUNSELOR, FIXED_NOW);

function params(url: string): URLSearchParams {
  return new URLSearchParams(url.split('?')[1]);
}

/** The searches of one type, as [type, parameters]. */
function searchesOf(type: string): URLSearchParams[] {
  return SEARCHES.filter((s) => s.type === type).map((s) => params(s.url));
}

describe('caseload request', () => {
  it('is one batch of GET searches, one or more per type, each at the server cap', () => {
    const batch = caseloadBatch(SEARCHES);
    expect(batch.type).toBe('batch');
    expect(batch.entry?.length).toBe(SEARCHES.length);
    for (const [i, entry] of (batch.entry ?? []).entries()) {
      expect(entry.request?.method).toBe('GET');
      expect(entry.request?.url).toBe(SEARCHES[i]?.url ?? '');
      expect(params(entry.request?.url ?? '').get('_count')).toBe(String(SEARCH_CAP));
    }
  });

  it('scopes every resource search to my care teams by a chained _has, and my notes by author, bodies left out', () => {
    for (const s of SEARCHES) {
      const p = params(s.url);
      if (s.type === 'QuestionnaireResponse') {
        expect(p.get('author')).toBe(COUNSELOR);
        expect(p.get('status')).toBe('in-progress');
        expect(p.get('_elements')?.split(',')).not.toContain('item');
      } else {
        expect(p.get('patient._has:CareTeam:patient:participant')).withContext(s.type).toBe(COUNSELOR);
      }
    }
    expect(searchesOf('CareTeam')[0]?.get('_include')).toBe('CareTeam:subject');
    expect(searchesOf('MedicationRequest')[0]?.get('_include')).toBe('MedicationRequest:medication');
  });

  it('windows only MAT events (60 days) and UDS (35 days); everything a rule reads at any date is unwindowed', () => {
    // FIXED_NOW is 2026-03-16.
    // Observed doses: 4 consecutive periods from as-of − 60 days, the last open-ended.
    expect(searchesOf('MedicationAdministration').map((p) => p.getAll('effective-time'))).toEqual([
      ['ge2026-01-15', 'lt2026-01-30'],
      ['ge2026-01-30', 'lt2026-02-14'],
      ['ge2026-02-14', 'lt2026-03-01'],
      ['ge2026-03-01'],
    ]);
    expect(searchesOf('MedicationDispense')[0]?.get('whenhandedover')).toBe('ge2026-01-15');
    expect(searchesOf('DiagnosticReport')[0]?.get('date')).toBe('ge2026-02-09');
    for (const type of ['CareTeam', 'EpisodeOfCare', 'Consent', 'MedicationRequest', 'Task']) {
      const [p] = searchesOf(type);
      expect(p).withContext(type).toBeDefined();
      for (const name of ['date', 'effective-time', 'whenhandedover', 'authored', '_lastUpdated']) {
        expect(p?.has(name)).withContext(`${type} ${name}`).toBeFalse();
      }
    }
    expect(searchesOf('Task')[0]?.get('code')).toBe('cosign');
  });

  it('asks for sessions at every date, cut into consecutive ranges plus the undated ones', () => {
    // FIXED_NOW is 2026-03-16; cuts at 84, 56, 28 and 0 days before it.
    for (const type of ['Appointment', 'Encounter']) {
      const searches = searchesOf(type);
      expect(searches.map((p) => p.getAll('date')))
        .withContext(type)
        .toEqual([
          ['lt2025-12-22'],
          ['ge2025-12-22', 'lt2026-01-19'],
          ['ge2026-01-19', 'lt2026-02-16'],
          ['ge2026-02-16', 'lt2026-03-16'],
          ['ge2026-03-16'],
          [],
        ]);
      expect(searches.at(-1)?.get('date:missing')).withContext(type).toBe('true');
    }
  });

  it('asks for the measures by code at all dates, and the UDS analytes windowed, split by substance', () => {
    const observations = searchesOf('Observation');
    const uds = observations.filter((p) => p.get('date')?.startsWith('ge2026-02-09'));
    const measures = observations.filter((p) => !uds.includes(p));
    const codes = [...new Set(measures.flatMap((p) => p.get('code')?.split(',') ?? []))];
    // Every measure code is asked for over the same whole-timeline ranges as the sessions.
    for (const code of codes) {
      const ranges = measures.filter((p) => p.get('code') === code).map((p) => p.getAll('date'));
      expect(ranges).withContext(code).toEqual([
        ['lt2025-12-22'],
        ['ge2025-12-22', 'lt2026-01-19'],
        ['ge2026-01-19', 'lt2026-02-16'],
        ['ge2026-02-16', 'lt2026-03-16'],
        ['ge2026-03-16'],
        [],
      ]);
    }
    expect(codes).toEqual(
      jasmine.arrayWithExactContents([
        'craving-0-10',
        '44261-6',
        '44260-8',
        '70274-6',
        'bam-use',
        'bam-risk',
        'bam-protective',
      ]),
    );
    // PHQ-9 items 1–8 are not sent.
    expect(codes).not.toContain('44250-9');
    expect(uds.length).toBeGreaterThan(5);
    for (const p of uds) expect(p.get('date')).toBe('ge2026-02-09');
    const udsCodes = uds.flatMap((p) => p.get('code')?.split(',') ?? []);
    expect(udsCodes).toContain('59673-4');
    expect(new Set(udsCodes).size).toBe(udsCodes.length);
  });

  it('reads the patients of my care teams and every resource once, dropping unknown types', () => {
    const p1 = aCaseloadPatient('p1');
    const response = aCaseloadBatchResponse([
      ...aCaseloadPatient('p2'),
      ...p1,
      { resourceType: 'Practitioner', id: 'c1' },
    ]);
    // The same Observation in a second entry (two searches may overlap).
    const again = p1.find((r) => r.resourceType === 'Observation') as Resource;
    (response.entry?.at(-1)?.resource as Bundle).entry?.push({ resource: again, search: { mode: 'match' } });
    const read = readCaseloadResponse(response, SEARCHES);
    expect(read.patientIds).toEqual(['p1', 'p2']);
    const keys = read.resources.map((r) => `${r.resourceType}/${r.id}`);
    expect(keys).toContain('EpisodeOfCare/eoc-p1');
    expect(keys).not.toContain('Practitioner/c1');
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('fails rather than show a caseload cut short by the server cap', () => {
    const many = Array.from({ length: SEARCH_CAP }, (_, i) => aMeasureObservation('p1', CRAVING, 5, -i));
    expect(() => readCaseloadResponse(aCaseloadBatchResponse([...aCaseloadPatient('p1'), ...many]), SEARCHES)).toThrowError(
      /returned 1003 Observation resources for one caseload search, its limit/,
    );
  });

  it('fails rather than show a caseload whose search has a next page', () => {
    const response = aCaseloadBatchResponse(aCaseloadPatient('p1'));
    const encounters = SEARCHES.findIndex((s) => s.type === 'Encounter');
    (response.entry?.[encounters]?.resource as Bundle).link = [{ relation: 'next', url: 'Encounter?_offset=1000' }];
    expect(() => readCaseloadResponse(response, SEARCHES)).toThrowError(/more than one page of Encounter/);
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
      readCaseloadResponse(response, SEARCHES);
    } catch (e) {
      error = e;
    }
    expect(error).toEqual(jasmine.any(FhirError));
    expect((error as FhirError).status).toBe(403);
    expect((error as FhirError).message).toBe('Not your notes');
  });

  it('refuses a response with fewer entries than were asked', () => {
    expect(() =>
      readCaseloadResponse(
        { resourceType: 'Bundle', type: 'batch-response', entry: [{ response: { status: '200 OK' } }] },
        SEARCHES,
      ),
    ).toThrowError(/missing entries/);
  });
});

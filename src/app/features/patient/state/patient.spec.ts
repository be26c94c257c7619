import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { ReplaySubject } from 'rxjs';

import {
  initialResourcesState,
  resourceKeyOf,
  ResourcesActions,
  resourcesFeature,
} from '../../../core/state/resources/resources.feature';
import { CLOCK } from '../../../core/time/clock';
import { recordBatchResponse } from '../../../testing/caseload-rows';
import { aCaseloadPatient, aSearchBundle, FIXED_NOW } from '../../../testing/fhir-builders';
import { provideMockStoreForSpec } from '../../../testing/mock-store';
import { chartSearches, PANEL_SEARCHES, panelState } from '../data/chart-panels';
import { PatientApiActions, PatientPageActions } from './patient.actions';
import { loadPatient, retryPanel } from './patient.effects';
import { initialPatientState, patientFeature, RECORD_SEARCH_NAMES } from './patient.feature';

const { reducer, selectRecord, selectResources, selectPanels } = patientFeature;
const failure: OperationOutcome = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'exception', details: { text: 'Database is locked' } }],
};

type Settled = ReturnType<typeof PatientApiActions.searchesSettled>;

/** The server's answer to the chart batch: the record searches, then the clinic's definitions (none here). */
function chartBatchResponse(patientId: string, raw: Parameters<typeof recordBatchResponse>[1]): Bundle {
  const response = recordBatchResponse(patientId, raw);
  while (response.entry!.length < chartSearches(patientId).length) {
    response.entry!.push({ response: { status: '200 OK' }, resource: aSearchBundle([]) });
  }
  return response;
}

describe('patient chart state', () => {
  it('keeps the keys per search and computes the record for the URL patient only', () => {
    const raw = aCaseloadPatient('p1', { track: 'REBT', fentanylWeeks: 2 });
    const entities = resourcesFeature.reducer(
      initialResourcesState,
      ResourcesActions.received({ resources: raw }),
    ).entities;
    const loaded = reducer(
      reducer(initialPatientState, PatientPageActions.opened({ patientId: 'p1' })),
      PatientApiActions.searchesSettled({
        patientId: 'p1',
        asOf: FIXED_NOW,
        searches: RECORD_SEARCH_NAMES.map((search) => ({
          search,
          keys: raw.filter((r) => r.resourceType === search || search === 'Patient').map(resourceKeyOf),
        })),
      }),
    );
    expect(Object.values(loaded.searches).every((s) => s === 'loaded')).toBeTrue();
    const resources = selectResources.projector(entities, loaded.keys, true);
    expect(resources.length).toBe(raw.length);
    expect(selectRecord.projector(resources, 'p1')?.patient.id).toBe('p1');
    // The URL moved on before the data did: nothing of p1 is shown under p2's URL.
    expect(selectResources.projector(entities, loaded.keys, false)).toEqual([]);

    const next = reducer(loaded, PatientPageActions.opened({ patientId: 'p2' }));
    expect(next.keys).toEqual({});
    const late = reducer(
      next,
      PatientApiActions.searchesSettled({ patientId: 'p1', asOf: FIXED_NOW, searches: [] }),
    );
    expect(late).toBe(next);
  });

  it('fails only the panels that read a failed search, and a panel retry marks only its searches loading', () => {
    const opened = reducer(initialPatientState, PatientPageActions.opened({ patientId: 'p1' }));
    const settled = reducer(
      opened,
      PatientApiActions.searchesSettled({
        patientId: 'p1',
        asOf: FIXED_NOW,
        searches: RECORD_SEARCH_NAMES.map((search) =>
          search === 'QuestionnaireResponse' ? { search, outcome: failure } : { search, keys: [] },
        ),
      }),
    );
    const panels = selectPanels.projector(settled.searches);
    expect(panels.sessions.callState).toEqual({ error: failure });
    expect(panels.sessions.failedSearches).toEqual(['QuestionnaireResponse']);
    for (const panel of ['mat', 'uds', 'measures', 'risk', 'plan', 'network'] as const) {
      expect(panels[panel].callState).withContext(panel).toBe('loaded');
    }
    const retrying = reducer(
      settled,
      PatientPageActions.panelRetried({
        patientId: 'p1',
        panel: 'sessions',
        searches: ['QuestionnaireResponse'],
      }),
    );
    expect(retrying.searches['QuestionnaireResponse']).toBe('loading');
    expect(retrying.searches['Observation']).toBe('loaded');
    expect(panelState('sessions', retrying.searches).callState).toBe('loading');
    expect(panelState('mat', retrying.searches).callState).toBe('loaded');
  });

  it('every panel reads searches that the record batch has', () => {
    for (const searches of Object.values(PANEL_SEARCHES)) {
      for (const s of searches) expect(RECORD_SEARCH_NAMES).toContain(s);
    }
  });

  it('keeps break-glass reasons across patients for the session', () => {
    const glass = reducer(
      initialPatientState,
      PatientPageActions.breakGlassRequested({ patientId: 'p9', reason: 'Crisis call from ED' }),
    );
    expect(glass.patientId).toBe('p9');
    const other = reducer(glass, PatientPageActions.opened({ patientId: 'p1' }));
    expect(other.breakGlass).toEqual({ p9: 'Crisis call from ED' });
  });

  describe('effects', () => {
    let actions$: ReplaySubject<Action>;
    let http: HttpTestingController;

    function setUp(breakGlass: Record<string, string> = {}): void {
      actions$ = new ReplaySubject<Action>();
      TestBed.configureTestingModule({
        providers: [
          provideHttpClient(),
          provideHttpClientTesting(),
          provideMockActions(() => actions$),
          provideMockStoreForSpec({
            selectors: [{ selector: patientFeature.selectBreakGlass, value: breakGlass }],
          }),
          { provide: CLOCK, useValue: () => new Date(FIXED_NOW) },
        ],
      });
      http = TestBed.inject(HttpTestingController);
    }

    afterEach(() => http.verify());

    function run(effect: typeof loadPatient, action: Action): Action[] {
      const emitted: Action[] = [];
      TestBed.runInInjectionContext(() => effect()).subscribe((a) => emitted.push(a));
      actions$.next(action);
      return emitted;
    }

    it('reads the whole record in one batch and settles every search', () => {
      setUp();
      const emitted = run(loadPatient, PatientPageActions.opened({ patientId: 'p1' }));
      const raw = aCaseloadPatient('p1');
      const request = http.expectOne({ method: 'POST', url: '/fhir' });
      const sent = JSON.parse(request.request.body as string) as Bundle;
      expect(sent.type).toBe('batch');
      expect(sent.entry?.length).toBe(chartSearches('p1').length);
      expect(request.request.headers.has('X-Break-Glass-Reason')).toBeFalse();
      request.flush(chartBatchResponse('p1', raw));
      expect(emitted.map((a) => a.type)).toEqual([
        ResourcesActions.received.type,
        PatientApiActions.searchesSettled.type,
      ]);
      const settled = emitted[1] as Settled;
      expect(settled.searches.every((s) => 'keys' in s)).toBeTrue();
      const keys = settled.searches.flatMap((s) => ('keys' in s ? s.keys : []));
      expect([...new Set(keys)].sort()).toEqual(raw.map(resourceKeyOf).sort());
    });

    it('a failed entry fails only its search; the others still arrive', () => {
      setUp();
      const emitted = run(loadPatient, PatientPageActions.opened({ patientId: 'p1' }));
      const response = chartBatchResponse('p1', aCaseloadPatient('p1'));
      const i = chartSearches('p1').findIndex((s) => s.resourceType === 'DiagnosticReport');
      response.entry![i] = { response: { status: '500 Internal Server Error', outcome: failure } };
      http.expectOne('/fhir').flush(response);
      const settled = emitted[1] as Settled;
      const failed = settled.searches.filter((s) => 'outcome' in s);
      expect(failed).toEqual([{ search: 'DiagnosticReport', outcome: failure }]);
    });

    it('answers not-found when the Patient search does not return the patient', () => {
      setUp();
      const emitted = run(loadPatient, PatientPageActions.opened({ patientId: 'p1' }));
      const response = chartBatchResponse('p1', []);
      (response.entry![0]!.resource as Bundle) = aSearchBundle([]);
      http.expectOne('/fhir').flush(response);
      const patient = (emitted[1] as Settled).searches.find((s) => s.search === 'Patient');
      expect(patient && 'outcome' in patient && patient.outcome.issue[0]?.code).toBe('not-found');
    });

    it('a panel retry sends only the searches it names, with the break-glass reason of that patient', () => {
      setUp({ p1: 'Crisis call from ED' });
      const emitted = run(
        retryPanel,
        PatientPageActions.panelRetried({
          patientId: 'p1',
          panel: 'sessions',
          searches: ['QuestionnaireResponse'],
        }),
      );
      const request = http.expectOne('/fhir');
      expect(request.request.headers.get('X-Break-Glass-Reason')).toBe('Crisis call from ED');
      const sent = JSON.parse(request.request.body as string) as Bundle;
      expect(sent.entry?.map((e) => e.request?.url.split('?')[0])).toEqual(['QuestionnaireResponse']);
      request.flush({
        resourceType: 'Bundle',
        type: 'batch-response',
        entry: [{ response: { status: '200 OK' }, resource: aSearchBundle([]) }],
      });
      expect((emitted[1] as Settled).searches).toEqual([{ search: 'QuestionnaireResponse', keys: [] }]);
    });

    it('a failed batch request fails every search it carried', () => {
      setUp();
      const emitted = run(loadPatient, PatientPageActions.opened({ patientId: 'p1' }));
      http.expectOne('/fhir').flush(failure, { status: 503, statusText: 'Service Unavailable' });
      const failed = emitted[0] as ReturnType<typeof PatientApiActions.loadFailed>;
      expect(failed.type).toBe(PatientApiActions.loadFailed.type);
      expect(failed.searches).toEqual(RECORD_SEARCH_NAMES as string[]);
    });
  });
});

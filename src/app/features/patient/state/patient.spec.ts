import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { Bundle } from '@medplum/fhirtypes';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { ReplaySubject } from 'rxjs';

import { toCaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { groupByPatient } from '../../../../../clinical/fhir/patient-record';
import {
  initialResourcesState,
  resourceKeyOf,
  ResourcesActions,
  resourcesFeature,
} from '../../../core/state/resources/resources.feature';
import { CLOCK } from '../../../core/time/clock';
import { recordBatchResponse } from '../../../testing/caseload-rows';
import { aCaseloadPatient, aSearchBundle, FIXED_NOW } from '../../../testing/fhir-builders';
import { PatientApiActions, PatientPageActions } from './patient.actions';
import { loadPatient } from './patient.effects';
import { initialPatientState, patientFeature } from './patient.feature';

const { reducer, selectHeader, selectRecord } = patientFeature;

describe('patient chart state', () => {
  it('computes the header live from the record, for the URL patient only', () => {
    const raw = aCaseloadPatient('p1', { track: 'REBT', fentanylWeeks: 2 });
    const entities = resourcesFeature.reducer(
      initialResourcesState,
      ResourcesActions.received({ resources: raw }),
    ).entities;
    const loaded = reducer(
      reducer(initialPatientState, PatientPageActions.opened({ patientId: 'p1' })),
      PatientApiActions.loadSucceeded({ patientId: 'p1', keys: raw.map(resourceKeyOf), asOf: FIXED_NOW }),
    );
    const record = selectRecord.projector(entities, loaded.keys, loaded.patientId, 'p1');
    expect(selectHeader.projector(record, loaded.asOf)).toEqual(
      toCaseloadRow(groupByPatient(raw).get('p1')!, FIXED_NOW),
    );
    // The URL moved on before the data did: nothing of p1 is shown under p2's URL.
    expect(selectRecord.projector(entities, loaded.keys, loaded.patientId, 'p2')).toBeNull();

    const next = reducer(loaded, PatientPageActions.opened({ patientId: 'p2' }));
    expect(next.keys).toEqual([]);
    // A late answer for p1 is ignored.
    const late = reducer(
      next,
      PatientApiActions.loadSucceeded({ patientId: 'p1', keys: ['Patient/p1'], asOf: FIXED_NOW }),
    );
    expect(late).toBe(next);
  });

  describe('loadPatient effect', () => {
    let actions$: ReplaySubject<Action>;
    let http: HttpTestingController;

    beforeEach(() => {
      actions$ = new ReplaySubject<Action>();
      TestBed.configureTestingModule({
        providers: [
          provideHttpClient(),
          provideHttpClientTesting(),
          provideMockActions(() => actions$),
          { provide: CLOCK, useValue: () => new Date(FIXED_NOW) },
        ],
      });
      http = TestBed.inject(HttpTestingController);
    });

    afterEach(() => http.verify());

    function run(): Action[] {
      const emitted: Action[] = [];
      TestBed.runInInjectionContext(() => loadPatient()).subscribe((a) => emitted.push(a));
      actions$.next(PatientPageActions.opened({ patientId: 'p1' }));
      return emitted;
    }

    it('reads the whole record in one batch and stores every resource the server returned', () => {
      const emitted = run();
      const raw = aCaseloadPatient('p1');
      const request = http.expectOne({ method: 'POST', url: '/fhir' });
      expect((JSON.parse(request.request.body as string) as Bundle).type).toBe('batch');
      request.flush(recordBatchResponse('p1', raw));
      expect(emitted.map((a) => a.type)).toEqual([
        ResourcesActions.received.type,
        PatientApiActions.loadSucceeded.type,
      ]);
      const loaded = emitted[1] as ReturnType<typeof PatientApiActions.loadSucceeded>;
      expect([...loaded.keys].sort()).toEqual(raw.map(resourceKeyOf).sort());
    });

    it('answers "not found" when the patient is not returned (outside one\'s scope looks the same)', () => {
      const emitted = run();
      const response = recordBatchResponse('p1', []);
      (response.entry![0]!.resource as Bundle) = aSearchBundle([]);
      http.expectOne('/fhir').flush(response);
      const failed = emitted[0] as ReturnType<typeof PatientApiActions.loadFailed>;
      expect(failed.type).toBe(PatientApiActions.loadFailed.type);
      expect(failed.outcome.issue[0]?.code).toBe('not-found');
    });
  });
});

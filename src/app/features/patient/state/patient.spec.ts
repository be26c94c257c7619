import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { ReplaySubject } from 'rxjs';

import { aCaseloadPatient, aSearchBundle, FIXED_NOW } from '../../../testing/fhir-builders';
import { PatientApiActions, PatientPageActions } from './patient.actions';
import { loadPatient } from './patient.effects';
import { initialPatientState, patientFeature } from './patient.feature';
import { PATIENT_CLOCK } from './patient-clock';

const { reducer, selectHeader } = patientFeature;

describe('patient header state', () => {
  it('drops another patient at once and derives the header of the URL patient only', () => {
    const loaded = reducer(
      reducer(initialPatientState, PatientPageActions.opened({ patientId: 'p1' })),
      PatientApiActions.loadSucceeded({
        patientId: 'p1',
        resources: aCaseloadPatient('p1', { track: 'REBT', fentanylWeeks: 2 }),
        asOf: FIXED_NOW,
      }),
    );
    const header = selectHeader.projector(loaded.resources, loaded.patientId, 'p1', loaded.asOf);
    expect(header?.name).toBe('Sam Rivera');
    expect(header?.track).toBe('REBT');
    expect(header?.week?.label).toBe('w 6 / 12');
    expect(header?.risk.points.filter((p) => p.ruleId === 'uds-opioid-positive').length).toBe(2);
    // The URL moved on before the data did: nothing of p1 is shown under p2's URL.
    expect(selectHeader.projector(loaded.resources, loaded.patientId, 'p2', loaded.asOf)).toBeNull();

    const next = reducer(loaded, PatientPageActions.opened({ patientId: 'p2' }));
    expect(next.resources.Patient.ids).toEqual([]);
    // A late answer for p1 is ignored.
    const late = reducer(
      next,
      PatientApiActions.loadSucceeded({
        patientId: 'p1',
        resources: aCaseloadPatient('p1'),
        asOf: FIXED_NOW,
      }),
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
          { provide: PATIENT_CLOCK, useValue: () => new Date(FIXED_NOW) },
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

    it('loads the header in one search, the id in the POST body rather than the URL', () => {
      const emitted = run();
      const request = http.expectOne('/fhir/Patient/_search');
      const body = new URLSearchParams(request.request.body as string);
      expect(body.get('_id')).toBe('p1');
      expect(body.getAll('_revinclude')).toContain('Observation:patient');
      const [patient, ...included] = aCaseloadPatient('p1');
      request.flush({
        ...aSearchBundle([patient!]),
        entry: [
          { resource: patient, search: { mode: 'match' } },
          ...included.map((resource) => ({ resource, search: { mode: 'include' } })),
        ],
      });
      expect(emitted.length).toBe(1);
      expect(emitted[0]?.type).toBe(PatientApiActions.loadSucceeded.type);
    });

    it('answers "not found" when the patient is not returned (outside one\'s scope looks the same)', () => {
      const emitted = run();
      http.expectOne('/fhir/Patient/_search').flush(aSearchBundle([]));
      const failed = emitted[0] as ReturnType<typeof PatientApiActions.loadFailed>;
      expect(failed.type).toBe(PatientApiActions.loadFailed.type);
      expect(failed.outcome.issue[0]?.code).toBe('not-found');
    });
  });
});

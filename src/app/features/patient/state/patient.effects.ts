import { inject } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { catchError, map, of, switchMap } from 'rxjs';

import { FhirClient } from '../../../core/fhir/fhir-client';
import { synthesizeOutcome, toFhirError } from '../../../core/fhir/operation-outcome';
import { headerResources, patientHeaderSearch } from '../data/patient-request';
import { PatientApiActions, PatientPageActions } from './patient.actions';
import { PATIENT_CLOCK } from './patient-clock';

/** Loads the patient header in one search (`Patient?_id=…&_revinclude=…`). */
export const loadPatient = createEffect(
  (actions$ = inject(Actions), fhir = inject(FhirClient), clock = inject(PATIENT_CLOCK)) => {
    return actions$.pipe(
      ofType(PatientPageActions.opened, PatientPageActions.retried),
      switchMap(({ patientId }) => {
        const asOf = clock().toISOString();
        return fhir.search('Patient', patientHeaderSearch(patientId)).pipe(
          map((result) => {
            if (!result.resources.some((p) => p.id === patientId)) {
              // Outside one's scope answers like a missing record: existence does not leak.
              return PatientApiActions.loadFailed({ patientId, outcome: synthesizeOutcome(404) });
            }
            return PatientApiActions.loadSucceeded({
              patientId,
              resources: headerResources([...result.resources, ...result.included]),
              asOf,
            });
          }),
          catchError((error: unknown) =>
            of(PatientApiActions.loadFailed({ patientId, outcome: toFhirError(error).outcome })),
          ),
        );
      }),
    );
  },
  { functional: true },
);

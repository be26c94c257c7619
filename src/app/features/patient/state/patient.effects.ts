import { inject } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { catchError, of, switchMap } from 'rxjs';

import { patientRecordSearches } from '../../../../../clinical/fhir/record-query';
import { type BatchSearch, FhirClient } from '../../../core/fhir/fhir-client';
import { synthesizeOutcome, toFhirError } from '../../../core/fhir/operation-outcome';
import { resourceKeyOf, ResourcesActions } from '../../../core/state/resources/resources.feature';
import { CLOCK } from '../../../core/time/clock';
import { PatientApiActions, PatientPageActions } from './patient.actions';

/** Loads one patient's whole record in one batch (clinical/fhir/record-query.ts), following any `next` pages. */
export const loadPatient = createEffect(
  (actions$ = inject(Actions), fhir = inject(FhirClient), clock = inject(CLOCK)) => {
    return actions$.pipe(
      ofType(PatientPageActions.opened, PatientPageActions.retried),
      switchMap(({ patientId }) => {
        const asOf = clock().toISOString();
        return fhir.searchBatch(patientRecordSearches(patientId) as BatchSearch[]).pipe(
          switchMap((results) => {
            if (!results[0]?.resources.some((p) => p.id === patientId)) {
              // Outside one's scope answers like a missing record: existence does not leak.
              return of(PatientApiActions.loadFailed({ patientId, outcome: synthesizeOutcome(404) }));
            }
            const resources = results.flatMap((r) => [...r.resources, ...r.included]);
            return of(
              ResourcesActions.received({ resources }),
              PatientApiActions.loadSucceeded({
                patientId,
                keys: [...new Set(resources.map(resourceKeyOf))],
                asOf,
              }),
            );
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

import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { Store } from '@ngrx/store';
import { catchError, filter, first, map, of, switchMap, tap, withLatestFrom } from 'rxjs';

import { FhirClient } from '../../../core/fhir/fhir-client';
import { synthesizeOutcome, toFhirError } from '../../../core/fhir/operation-outcome';
import { selectUser } from '../../../core/state/session/session.feature';
import { caseloadBatch, caseloadSearches, readCaseloadResponse } from '../data/caseload-request';
import { applyViewChange, caseloadQueryParams } from '../data/caseload-view';
import { CaseloadApiActions, CaseloadPageActions } from './caseload.actions';
import { selectView } from './caseload.feature';
import { CASELOAD_CLOCK } from './caseload-clock';

/**
 * Loads the signed-in practitioner's caseload in one FHIR round trip (a batch Bundle). Waits for the
 * session to know the user; a newer open or retry cancels the request in flight.
 */
export const loadCaseload = createEffect(
  (
    actions$ = inject(Actions),
    store = inject(Store),
    fhir = inject(FhirClient),
    clock = inject(CASELOAD_CLOCK),
  ) => {
    return actions$.pipe(
      ofType(CaseloadPageActions.opened, CaseloadPageActions.retried),
      switchMap(() =>
        store.select(selectUser).pipe(
          filter((user) => user !== null),
          first(),
          switchMap((user) => {
            if (!user.fhirUser?.startsWith('Practitioner/')) {
              return of(
                CaseloadApiActions.loadFailed({
                  outcome: synthesizeOutcome(
                    403,
                    'Your account is not linked to a Practitioner record, so it has no caseload',
                  ),
                }),
              );
            }
            const asOf = clock().toISOString();
            const searches = caseloadSearches(user.fhirUser, asOf);
            // The whole caseload in one round trip, whatever its size (one search per type, see caseloadSearches).
            return fhir.batch(caseloadBatch(searches)).pipe(
              map((response) => readCaseloadResponse(response, searches)),
              map(({ patientIds, resources }) =>
                CaseloadApiActions.loadSucceeded({ patientIds, resources, asOf }),
              ),
              catchError((error: unknown) =>
                of(CaseloadApiActions.loadFailed({ outcome: toFhirError(error).outcome })),
              ),
            );
          }),
        ),
      ),
    );
  },
  { functional: true },
);

/** Quick filters, search and sort live in the URL query: a view change is a navigation. */
export const syncViewToUrl = createEffect(
  (actions$ = inject(Actions), store = inject(Store), router = inject(Router)) => {
    return actions$.pipe(
      ofType(CaseloadPageActions.filterChanged),
      withLatestFrom(store.select(selectView)),
      tap(([{ change }, view]) => {
        // The current path with the view's parameters replaced (others kept); typing in the search box
        // replaces the history entry instead of adding one per keystroke.
        const url = router.parseUrl(router.url);
        const params: Record<string, unknown> = { ...url.queryParams };
        for (const [name, value] of Object.entries(caseloadQueryParams(applyViewChange(view, change)))) {
          if (value === null) delete params[name];
          else params[name] = value;
        }
        url.queryParams = params;
        void router.navigateByUrl(url, { replaceUrl: change.q !== undefined });
      }),
    );
  },
  { functional: true, dispatch: false },
);

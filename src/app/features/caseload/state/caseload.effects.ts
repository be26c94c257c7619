import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { Store } from '@ngrx/store';
import { catchError, filter, first, of, switchMap, tap, withLatestFrom } from 'rxjs';

import { caseloadSearches } from '../../../../../clinical/derived/views';
import { FhirClient } from '../../../core/fhir/fhir-client';
import { synthesizeOutcome, toFhirError } from '../../../core/fhir/operation-outcome';
import { resourceKeyOf, ResourcesActions } from '../../../core/state/resources/resources.feature';
import { selectUser } from '../../../core/state/session/session.feature';
import { CLOCK } from '../../../core/time/clock';
import { applyViewChange, caseloadQueryParams } from '../data/caseload-view';
import { CaseloadApiActions, CaseloadPageActions } from './caseload.actions';
import { selectView } from './caseload.feature';

/**
 * Loads a caseload from the derived resources the server keeps (clinical/derived/views.ts): one batch of three
 * searches, then any `next` pages in parallel. Waits for the session to know the user; a newer open or retry
 * cancels the request in flight.
 */
export const loadCaseload = createEffect(
  (actions$ = inject(Actions), store = inject(Store), fhir = inject(FhirClient), clock = inject(CLOCK)) => {
    return actions$.pipe(
      ofType(CaseloadPageActions.opened, CaseloadPageActions.retried),
      switchMap(({ practitioner: requested }) =>
        store.select(selectUser).pipe(
          filter((user) => user !== null),
          first(),
          switchMap((user) => {
            const practitioner = requested ?? user.fhirUser;
            if (!practitioner?.startsWith('Practitioner/')) {
              return of(
                CaseloadApiActions.loadFailed({
                  practitioner: null,
                  outcome: synthesizeOutcome(
                    403,
                    'Your account is not linked to a Practitioner record, so it has no caseload',
                  ),
                }),
              );
            }
            const asOf = clock().toISOString();
            return fhir.searchBatch(caseloadSearches(practitioner)).pipe(
              switchMap((results) => {
                const resources = results.flatMap((r) => [...r.resources, ...r.included]);
                return of(
                  ResourcesActions.received({ resources }),
                  CaseloadApiActions.loadSucceeded({
                    practitioner,
                    keys: [...new Set(resources.map(resourceKeyOf))],
                    asOf,
                  }),
                );
              }),
              catchError((error: unknown) =>
                of(CaseloadApiActions.loadFailed({ practitioner, outcome: toFhirError(error).outcome })),
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

import { DOCUMENT } from '@angular/common';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import type { Resource } from '@medplum/fhirtypes';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { concatLatestFrom } from '@ngrx/operators';
import { Store } from '@ngrx/store';
import { catchError, exhaustMap, filter, map, mergeMap, of, switchMap, tap } from 'rxjs';

import { type BatchSearch, FhirClient, type SettledSearch } from '../../../core/fhir/fhir-client';
import { synthesizeOutcome, toFhirError } from '../../../core/fhir/operation-outcome';
import { recordPrint } from '../../../core/fhir/record-print';
import { resourceKeyOf, ResourcesActions } from '../../../core/state/resources/resources.feature';
import { CLOCK } from '../../../core/time/clock';
import { breakGlassHeaders } from '../data/break-glass';
import { chartSearches, PATIENT_SEARCH } from '../data/chart-panels';
import { PatientApiActions, PatientPageActions, type SettledSearchKeys } from './patient.actions';
import { patientFeature } from './patient.feature';

/** The searches of the chart's batch with these names (all of them when `names` is absent). */
function recordSearches(patientId: string, names?: readonly string[]): BatchSearch[] {
  const all = chartSearches(patientId);
  return names ? all.filter((s) => names.includes(s.resourceType)) : all;
}

/**
 * Runs searches of the record batch in one round trip (plus any `next` pages, in parallel) and settles each one on
 * its own: a failed entry fails only the panels that read it. A Patient search that does not return the patient
 * answers not-found, as a patient outside one's scope does (existence does not leak).
 */
function runSearches(
  fhir: FhirClient,
  patientId: string,
  searches: BatchSearch[],
  asOf: string,
  reason: string | undefined,
) {
  return fhir.searchBatchSettled(searches, { headers: breakGlassHeaders(reason) }).pipe(
    mergeMap((settled: SettledSearch[]) => {
      const resources: Resource[] = [];
      const outcomes: SettledSearchKeys[] = settled.map((s, i) => {
        const search = searches[i]?.resourceType ?? '';
        if (!s.ok) return { search, outcome: s.outcome };
        const found = [...s.result.resources, ...s.result.included];
        if (search === PATIENT_SEARCH && !s.result.resources.some((p) => p.id === patientId)) {
          return { search, outcome: synthesizeOutcome(404) };
        }
        resources.push(...found);
        return { search, keys: [...new Set(found.map(resourceKeyOf))] };
      });
      return of(
        ResourcesActions.received({ resources }),
        PatientApiActions.searchesSettled({ patientId, asOf, searches: outcomes }),
      );
    }),
    catchError((error: unknown) =>
      of(
        PatientApiActions.loadFailed({
          patientId,
          searches: searches.map((s) => s.resourceType),
          outcome: toFhirError(error).outcome,
        }),
      ),
    ),
  );
}

/** Loads one patient's whole record in one batch (clinical/fhir/record-query.ts); a newer open cancels it. */
export const loadPatient = createEffect(
  (actions$ = inject(Actions), store = inject(Store), fhir = inject(FhirClient), clock = inject(CLOCK)) => {
    return actions$.pipe(
      ofType(PatientPageActions.opened, PatientPageActions.retried, PatientPageActions.breakGlassRequested),
      concatLatestFrom(() => store.select(patientFeature.selectBreakGlass)),
      switchMap(([{ patientId }, reasons]) =>
        runSearches(fhir, patientId, recordSearches(patientId), clock().toISOString(), reasons[patientId]),
      ),
    );
  },
  { functional: true },
);

/** A panel's Retry: only the searches that failed for it, in one batch. */
export const retryPanel = createEffect(
  (actions$ = inject(Actions), store = inject(Store), fhir = inject(FhirClient), clock = inject(CLOCK)) => {
    return actions$.pipe(
      ofType(PatientPageActions.panelRetried),
      filter(({ searches }) => searches.length > 0),
      concatLatestFrom(() => store.select(patientFeature.selectBreakGlass)),
      mergeMap(([{ patientId, searches }, reasons]) =>
        runSearches(
          fhir,
          patientId,
          recordSearches(patientId, searches),
          clock().toISOString(),
          reasons[patientId],
        ),
      ),
    );
  },
  { functional: true },
);

/** The date range lives in the URL query (`?range=`): a change is a navigation, other parameters kept. */
export const syncRangeToUrl = createEffect(
  (actions$ = inject(Actions), router = inject(Router)) => {
    return actions$.pipe(
      ofType(PatientPageActions.rangeChanged),
      tap(({ range }) => {
        const url = router.parseUrl(router.url);
        const params: Record<string, unknown> = { ...url.queryParams };
        if (range === 'episode') delete params['range'];
        else params['range'] = range;
        url.queryParams = params;
        void router.navigateByUrl(url, { replaceUrl: true });
      }),
    );
  },
  { functional: true, dispatch: false },
);

/**
 * Printing is an export of the record: the server records it (AuditEvent, `$record-export`) before the print
 * dialog opens; when it cannot, nothing is printed.
 */
export const recordExport = createEffect(
  (actions$ = inject(Actions), store = inject(Store), fhir = inject(FhirClient)) => {
    return actions$.pipe(
      ofType(PatientPageActions.printRequested),
      concatLatestFrom(() => store.select(patientFeature.selectBreakGlass)),
      exhaustMap(([{ patientId }, reasons]) =>
        recordPrint(fhir, patientId, breakGlassHeaders(reasons[patientId])).pipe(
          map(() => PatientApiActions.exportRecorded({ patientId })),
          catchError((error: unknown) =>
            of(PatientApiActions.exportFailed({ patientId, outcome: toFhirError(error).outcome })),
          ),
        ),
      ),
    );
  },
  { functional: true },
);

export const printAfterExport = createEffect(
  (actions$ = inject(Actions), document = inject(DOCUMENT)) => {
    return actions$.pipe(
      ofType(PatientApiActions.exportRecorded),
      tap(() => document.defaultView?.print()),
    );
  },
  { functional: true, dispatch: false },
);

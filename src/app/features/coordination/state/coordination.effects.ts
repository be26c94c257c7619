import { inject } from '@angular/core';
import { Router } from '@angular/router';
import type { CarePlan, Task } from '@medplum/fhirtypes';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { Store } from '@ngrx/store';
import { catchError, map, of, switchMap, tap, withLatestFrom } from 'rxjs';

import { patientRecordSearches } from '../../../../../clinical/fhir/record-query';
import { type BatchSearch, FhirClient } from '../../../core/fhir/fhir-client';
import { toFhirError } from '../../../core/fhir/operation-outcome';
import { resourceKeyOf, ResourcesActions } from '../../../core/state/resources/resources.feature';
import { CLOCK } from '../../../core/time/clock';
import { adherenceQueryParams, applyAdherenceViewChange } from '../data/adherence-view';
import { cmFigures, programCarePlanSearch, programRewardSearch } from '../data/cm-model';
import { programRequest } from '../data/program-request';
import { CoordinationApiActions, CoordinationPageActions } from './coordination.actions';
import { coordinationFeature } from './coordination.feature';

/**
 * The program (summaries with their Patients, current assessments, Flags, open Tasks, staff) in one batch, then
 * any `next` pages in parallel; a newer open cancels the request in flight.
 */
export const loadProgram = createEffect(
  (actions$ = inject(Actions), fhir = inject(FhirClient), clock = inject(CLOCK)) => {
    return actions$.pipe(
      ofType(CoordinationPageActions.programOpened, CoordinationPageActions.cmTotalsOpened),
      switchMap(() => {
        const asOf = clock().toISOString();
        return fhir.searchBatch(programRequest()).pipe(
          switchMap((results) => {
            const resources = results.flatMap((r) => [...r.resources, ...r.included]);
            return of(
              ResourcesActions.received({ resources }),
              CoordinationApiActions.programLoaded({
                keys: [...new Set(resources.map(resourceKeyOf))],
                asOf,
              }),
            );
          }),
          catchError((error: unknown) =>
            of(CoordinationApiActions.programLoadFailed({ outcome: toFhirError(error).outcome })),
          ),
        );
      }),
    );
  },
  { functional: true },
);

const cmProgramSearches = (): BatchSearch[] =>
  [programRewardSearch(), programCarePlanSearch()] as BatchSearch[];

/** The figures of the program's CM rewards (what the totals need; the Tasks themselves are not kept). */
function figuresOf(rewards: readonly unknown[], plans: readonly unknown[]) {
  return cmFigures(rewards as Task[], plans as CarePlan[]);
}

/**
 * One patient's CM ledger: the patient's record (the searches the chart and the server's reward rule read, so the
 * ledger says what the server will decide) and the program's reward figures, in one batch.
 */
export const loadLedger = createEffect(
  (actions$ = inject(Actions), fhir = inject(FhirClient), clock = inject(CLOCK)) => {
    return actions$.pipe(
      ofType(CoordinationPageActions.ledgerOpened),
      switchMap(({ patientId }) => {
        const asOf = clock().toISOString();
        const record = patientRecordSearches(patientId) as BatchSearch[];
        return fhir.searchBatch([...record, ...cmProgramSearches()]).pipe(
          switchMap((results) => {
            const own = results.slice(0, record.length);
            const [rewards, plans] = results.slice(record.length);
            const resources = own.flatMap((r) => [...r.resources, ...r.included]);
            return of(
              ResourcesActions.received({ resources }),
              CoordinationApiActions.ledgerLoaded({
                patientId,
                keys: [...new Set(resources.map(resourceKeyOf))],
                asOf,
              }),
              CoordinationApiActions.cmTotalsLoaded({
                figures: figuresOf(rewards?.resources ?? [], plans?.resources ?? []),
              }),
            );
          }),
          catchError((error: unknown) =>
            of(CoordinationApiActions.ledgerLoadFailed({ patientId, outcome: toFhirError(error).outcome })),
          ),
        );
      }),
    );
  },
  { functional: true },
);

/** The program's CM figures per enrolled patient (reward Tasks and CM care plans), one batch. */
export const loadCmTotals = createEffect(
  (actions$ = inject(Actions), fhir = inject(FhirClient)) => {
    return actions$.pipe(
      ofType(CoordinationPageActions.cmTotalsOpened),
      switchMap(() =>
        fhir.searchBatch(cmProgramSearches()).pipe(
          map(([rewards, plans]) =>
            CoordinationApiActions.cmTotalsLoaded({
              figures: figuresOf(rewards?.resources ?? [], plans?.resources ?? []),
            }),
          ),
          catchError((error: unknown) =>
            of(CoordinationApiActions.cmTotalsLoadFailed({ outcome: toFhirError(error).outcome })),
          ),
        ),
      ),
    );
  },
  { functional: true },
);

/** What a page wrote, as the server returned it, goes into the resources table. */
export const storeSaved = createEffect(
  (actions$ = inject(Actions)) => {
    return actions$.pipe(
      ofType(CoordinationPageActions.saved),
      map(({ resources }) => ResourcesActions.received({ resources })),
    );
  },
  { functional: true },
);

/** Quick filters, sort and the charted patient live in the URL query: a view change is a navigation. */
export const syncAdherenceViewToUrl = createEffect(
  (actions$ = inject(Actions), store = inject(Store), router = inject(Router)) => {
    return actions$.pipe(
      ofType(CoordinationPageActions.viewChanged),
      withLatestFrom(store.select(coordinationFeature.selectAdherenceView)),
      tap(([{ change }, view]) => {
        const url = router.parseUrl(router.url);
        const params: Record<string, unknown> = { ...url.queryParams };
        for (const [name, value] of Object.entries(
          adherenceQueryParams(applyAdherenceViewChange(view, change)),
        )) {
          if (value === null) delete params[name];
          else params[name] = value;
        }
        url.queryParams = params;
        void router.navigateByUrl(url, { replaceUrl: change.chart !== undefined });
      }),
    );
  },
  { functional: true, dispatch: false },
);

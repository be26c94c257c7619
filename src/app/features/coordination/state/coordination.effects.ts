import { inject } from '@angular/core';
import { Router } from '@angular/router';
import type { CarePlan, PlanDefinition, Resource, Task } from '@medplum/fhirtypes';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { Store } from '@ngrx/store';
import { catchError, map, of, switchMap, tap, withLatestFrom } from 'rxjs';

import { cmScheduleOf } from '../../../../../clinical/cm/cm-schedule';
import { patientRecordSearches } from '../../../../../clinical/fhir/record-query';
import type { SearchResult } from '../../../core/fhir/bundle';
import { type BatchSearch, FhirClient } from '../../../core/fhir/fhir-client';
import { toFhirError } from '../../../core/fhir/operation-outcome';
import { resourceKeyOf, ResourcesActions } from '../../../core/state/resources/resources.feature';
import { CLOCK } from '../../../core/time/clock';
import { adherenceQueryParams, applyAdherenceViewChange } from '../data/adherence-view';
import { cmFigures, programCarePlanSearch, programRewardSearch, scheduleSearch } from '../data/cm-model';
import { programRequest } from '../data/program-request';
import { CoordinationApiActions, CoordinationPageActions } from './coordination.actions';
import { coordinationFeature } from './coordination.feature';

/**
 * The program (summaries with their Patients, open Tasks, staff) in one batch, then any `next` pages; the rows are
 * shown from the first page on (a large program arrives a page at a time: PROGRAM_PAGE_SIZE), each stage adding
 * the resources it brought. A newer open cancels the request in flight.
 */
export const loadProgram = createEffect(
  (actions$ = inject(Actions), fhir = inject(FhirClient), clock = inject(CLOCK)) => {
    return actions$.pipe(
      ofType(CoordinationPageActions.programOpened, CoordinationPageActions.cmTotalsOpened),
      switchMap(() => {
        const asOf = clock().toISOString();
        const keys = new Set<string>();
        return fhir.searchBatchInStages(programRequest()).pipe(
          switchMap(({ results, complete }) => {
            const fresh: Resource[] = [];
            for (const resource of results.flatMap((r) => [...r.resources, ...r.included])) {
              const key = resourceKeyOf(resource);
              if (keys.has(key)) continue;
              keys.add(key);
              fresh.push(resource);
            }
            return of(
              ResourcesActions.received({ resources: fresh }),
              CoordinationApiActions.programLoaded({ keys: [...keys], asOf, complete }),
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

/** The program's reward Tasks and CM care plans, and the clinic's schedule: what the CM totals read. */
const cmProgramSearches = (): BatchSearch[] =>
  [programRewardSearch(), programCarePlanSearch(), scheduleSearch()] as BatchSearch[];

/** The totals action from the answers to `cmProgramSearches` (the Tasks themselves are not kept). */
function cmTotalsOf(results: readonly (SearchResult | undefined)[]) {
  const [rewards, plans, schedule] = results;
  return CoordinationApiActions.cmTotalsLoaded({
    figures: cmFigures((rewards?.resources ?? []) as Task[], (plans?.resources ?? []) as CarePlan[]),
    schedule: cmScheduleOf((schedule?.resources ?? []) as PlanDefinition[]),
  });
}

/**
 * One patient's CM ledger: the patient's record (the searches the chart and the server's reward rule read, so the
 * ledger says what the server will decide), the program's reward figures and the clinic's schedule, in one batch.
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
            const resources = own.flatMap((r) => [...r.resources, ...r.included]);
            return of(
              ResourcesActions.received({ resources }),
              CoordinationApiActions.ledgerLoaded({
                patientId,
                keys: [...new Set(resources.map(resourceKeyOf))],
                asOf,
              }),
              cmTotalsOf(results.slice(record.length)),
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
          map((results) => cmTotalsOf(results)),
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

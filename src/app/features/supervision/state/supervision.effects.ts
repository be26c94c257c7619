import { inject } from '@angular/core';
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import type { Action } from '@ngrx/store';
import { Store } from '@ngrx/store';
import { catchError, filter, first, map, mergeMap, of, switchMap } from 'rxjs';

import { type BatchSearch, FhirClient, type SettledSearch } from '../../../core/fhir/fhir-client';
import { synthesizeOutcome, toFhirError } from '../../../core/fhir/operation-outcome';
import { resourceKeyOf, ResourcesActions } from '../../../core/state/resources/resources.feature';
import { selectUser } from '../../../core/state/session/session.feature';
import { CLOCK } from '../../../core/time/clock';
import { overviewSearches, queueSearches } from '../data/supervision-request';
import { SupervisionApiActions, SupervisionPageActions, type SupervisionPart } from './supervision.actions';

const NOT_LINKED = synthesizeOutcome(
  403,
  'Your account is not linked to a Practitioner record, so it has no team to show',
);

/**
 * Loads the page in one batch (plus any `next` pages, in parallel): the overview's searches and the co-sign
 * queue's. Each part settles on its own, so a failed queue search leaves the overview on screen; a Retry re-runs
 * only its part's searches.
 */
export const loadSupervision = createEffect(
  (actions$ = inject(Actions), store = inject(Store), fhir = inject(FhirClient), clock = inject(CLOCK)) => {
    return actions$.pipe(
      ofType(SupervisionPageActions.opened, SupervisionPageActions.retried),
      map((action): readonly SupervisionPart[] =>
        action.type === SupervisionPageActions.retried.type ? [action.part] : ['overview', 'queue'],
      ),
      // A newer open cancels the request in flight; retries of the two parts may run side by side.
      switchMap((parts) =>
        store.select(selectUser).pipe(
          filter((user) => user !== null),
          first(),
          mergeMap((user) => {
            const me = user.fhirUser;
            if (!me?.startsWith('Practitioner/')) {
              return of(...parts.map((part) => failed(part, NOT_LINKED)));
            }
            const asOf = clock().toISOString();
            const plan: { part: SupervisionPart; searches: BatchSearch[] }[] = parts.map((part) => ({
              part,
              searches: part === 'overview' ? overviewSearches(me) : queueSearches(me),
            }));
            return fhir.searchBatchSettled(plan.flatMap((p) => p.searches)).pipe(
              mergeMap((settled) => {
                const out: Action[] = [];
                let at = 0;
                for (const { part, searches } of plan) {
                  out.push(...settle(part, settled.slice(at, at + searches.length), asOf));
                  at += searches.length;
                }
                return of(...out);
              }),
              catchError((error: unknown) => {
                const outcome = toFhirError(error).outcome;
                return of(...parts.map((part) => failed(part, outcome)));
              }),
            );
          }),
        ),
      ),
    );
  },
  { functional: true },
);

function failed(part: SupervisionPart, outcome: OperationOutcome): Action {
  return part === 'overview'
    ? SupervisionApiActions.overviewFailed({ outcome })
    : SupervisionApiActions.queueFailed({ outcome });
}

function settle(part: SupervisionPart, results: readonly SettledSearch[], asOf: string): Action[] {
  const failure = results.find((r) => !r.ok);
  if (failure && !failure.ok) return [failed(part, failure.outcome)];
  const ok = results.flatMap((r) => (r.ok ? [r.result] : []));
  const resources = ok.flatMap((r) => [...r.resources, ...r.included]);
  const keys = (list: readonly Resource[]) => [...new Set(list.map(resourceKeyOf))];
  if (part === 'overview') {
    return [
      ResourcesActions.received({ resources }),
      SupervisionApiActions.overviewLoaded({ keys: keys(resources), asOf }),
    ];
  }
  const tasks = ok.flatMap((r) => r.resources);
  const included = ok.flatMap((r) => r.included);
  return [
    ResourcesActions.received({ resources }),
    SupervisionApiActions.queueLoaded({ taskKeys: keys(tasks), includedKeys: keys(included) }),
  ];
}

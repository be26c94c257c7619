import { DOCUMENT } from '@angular/common';
import { inject } from '@angular/core';
import type { Parameters, Resource } from '@medplum/fhirtypes';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { Store } from '@ngrx/store';
import { catchError, exhaustMap, filter, first, map, of, switchMap, withLatestFrom } from 'rxjs';

import { FhirClient } from '../../../core/fhir/fhir-client';
import { synthesizeOutcome, toFhirError } from '../../../core/fhir/operation-outcome';
import { resourceKeyOf, ResourcesActions } from '../../../core/state/resources/resources.feature';
import { selectUser } from '../../../core/state/session/session.feature';
import { CLOCK } from '../../../core/time/clock';
import { auditCsv } from '../data/audit-csv';
import { eventSearch, exportSearchParams, nameSearches, reportQuery } from '../data/audit-request';
import { auditRow } from '../data/audit-rows';
import { localDay } from '../data/audit-view';
import { AuditApiActions, AuditPageActions } from './audit.actions';
import { auditFeature, resourcesOf } from './audit.feature';

const keysOf = (resources: readonly Resource[]) => [...new Set(resources.map(resourceKeyOf))];

/**
 * The events of the view. The first load (and a retry before the names arrived) sends one batch with the searches
 * that name users and patients; later changes search the events alone (`POST AuditEvent/_search`, so patient ids
 * stay out of URLs). A newer view cancels the request in flight.
 */
export const loadEvents = createEffect(
  (actions$ = inject(Actions), store = inject(Store), fhir = inject(FhirClient)) => {
    return actions$.pipe(
      ofType(AuditPageActions.queryChanged, AuditPageActions.retried),
      withLatestFrom(store.select(auditFeature.selectNames)),
      switchMap(([{ params }, names]) =>
        store.select(selectUser).pipe(
          filter((user) => user !== null),
          first(),
          switchMap((user) => {
            const events = eventSearch(params);
            if (names !== null || !user.fhirUser?.startsWith('Practitioner/')) {
              return fhir.search('AuditEvent', events.params).pipe(
                map((page) => [
                  ResourcesActions.received({ resources: page.resources }),
                  AuditApiActions.eventsLoaded({
                    eventKeys: keysOf(page.resources),
                    next: page.next ?? null,
                    total: page.total ?? null,
                    names: null,
                  }),
                ]),
              );
            }
            return fhir.searchBatchSettled([events, ...nameSearches(user.fhirUser)], { maxPages: 1 }).pipe(
              map(([found, ...named]) => {
                if (!found?.ok) {
                  return [
                    AuditApiActions.eventsFailed({ outcome: found?.outcome ?? synthesizeOutcome(502) }),
                  ];
                }
                // Names that could not be read leave the references showing (and the filters empty); no failure.
                const nameResources = resourcesOf(named.flatMap((n) => (n.ok ? [n.result] : [])));
                return [
                  ResourcesActions.received({ resources: [...found.result.resources, ...nameResources] }),
                  AuditApiActions.eventsLoaded({
                    eventKeys: keysOf(found.result.resources),
                    next: found.result.next ?? null,
                    total: found.result.total ?? null,
                    names: {
                      practitionerKeys: keysOf(
                        nameResources.filter((r) => r.resourceType === 'Practitioner'),
                      ),
                      patientKeys: keysOf(nameResources.filter((r) => r.resourceType === 'Patient')),
                    },
                  }),
                ];
              }),
            );
          }),
          switchMap((actions) => of(...actions)),
          catchError((error: unknown) =>
            of(AuditApiActions.eventsFailed({ outcome: toFhirError(error).outcome })),
          ),
        ),
      ),
    );
  },
  { functional: true },
);

/** "Load more": the server's `next` page, appended. */
export const loadMore = createEffect(
  (actions$ = inject(Actions), store = inject(Store), fhir = inject(FhirClient)) => {
    return actions$.pipe(
      ofType(AuditPageActions.moreRequested),
      withLatestFrom(store.select(auditFeature.selectNext)),
      filter(([, next]) => next !== null),
      exhaustMap(([, next]) =>
        fhir.nextPage(next as string, 'AuditEvent').pipe(
          switchMap((page) =>
            of(
              ResourcesActions.received({ resources: page.resources }),
              AuditApiActions.moreLoaded({ eventKeys: keysOf(page.resources), next: page.next ?? null }),
            ),
          ),
          catchError((error: unknown) =>
            of(AuditApiActions.moreFailed({ outcome: toFhirError(error).outcome })),
          ),
        ),
      ),
    );
  },
  { functional: true },
);

/**
 * The CSV export: every page of the view's events, then `POST AuditEvent/$report-export` so that the server
 * records the export (with the query and the row count), and only then the file. If the server does not record
 * it, no file is made.
 */
export const exportReport = createEffect(
  (
    actions$ = inject(Actions),
    store = inject(Store),
    fhir = inject(FhirClient),
    document = inject(DOCUMENT),
    clock = inject(CLOCK),
  ) => {
    return actions$.pipe(
      ofType(AuditPageActions.exportConfirmed),
      withLatestFrom(store.select(auditFeature.selectNameMaps)),
      exhaustMap(([{ params }, names]) =>
        fhir.searchAll('AuditEvent', exportSearchParams(params), { maxPages: 1000 }).pipe(
          switchMap((all) => {
            const rows = all.resources.map((event) => auditRow(event, names));
            const parameters: Parameters = {
              resourceType: 'Parameters',
              parameter: [
                { name: 'query', valueString: reportQuery(params) },
                { name: 'rows', valueInteger: rows.length },
                { name: 'format', valueCode: 'csv' },
              ],
            };
            return fhir.typeOperation('AuditEvent', 'report-export', parameters).pipe(
              map(() => {
                download(document, auditCsv(rows), `audit-report-${localDay(clock())}.csv`);
                return AuditApiActions.exportRecorded({ rows: rows.length });
              }),
            );
          }),
          catchError((error: unknown) =>
            of(AuditApiActions.exportFailed({ outcome: toFhirError(error).outcome })),
          ),
        ),
      ),
    );
  },
  { functional: true },
);

function download(document: Document, csv: string, name: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

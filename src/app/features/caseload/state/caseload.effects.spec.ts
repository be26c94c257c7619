import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { NavigationEnd, provideRouter, Router } from '@angular/router';
import type { Bundle } from '@medplum/fhirtypes';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { filter, firstValueFrom, type Observable, ReplaySubject } from 'rxjs';

import { selectUser } from '../../../core/state/session/session.feature';
import { aCaseloadBatchResponse } from '../../../testing/caseload-rows';
import { aCaseloadPatient, COUNSELOR, FIXED_NOW } from '../../../testing/fhir-builders';
import { caseloadSearches } from '../data/caseload-request';
import { DEFAULT_VIEW } from '../data/caseload-view';
import { CaseloadApiActions, CaseloadPageActions } from './caseload.actions';
import { loadCaseload, syncViewToUrl } from './caseload.effects';
import { selectView } from './caseload.feature';
import { CASELOAD_CLOCK } from './caseload-clock';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Blank {}

describe('caseload effects', () => {
  let actions$: ReplaySubject<Action>;
  let store: MockStore;
  let http: HttpTestingController;

  beforeEach(() => {
    actions$ = new ReplaySubject<Action>();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'caseload', component: Blank }]),
        provideMockActions(() => actions$ as Observable<Action>),
        provideMockStore({
          selectors: [
            { selector: selectUser, value: { name: 'Casey', role: 'counselor', fhirUser: COUNSELOR } },
            { selector: selectView, value: DEFAULT_VIEW },
          ],
        }),
        { provide: CASELOAD_CLOCK, useValue: () => new Date(FIXED_NOW) },
      ],
    });
    store = TestBed.inject(MockStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  function runLoad(): Action[] {
    const emitted: Action[] = [];
    TestBed.runInInjectionContext(() => loadCaseload()).subscribe((a) => emitted.push(a));
    return emitted;
  }

  function batchResponse(): Bundle {
    return aCaseloadBatchResponse(aCaseloadPatient('p1'));
  }

  it('loads the whole caseload in exactly one request: a batch POSTed to the FHIR base', () => {
    const emitted = runLoad();
    actions$.next(CaseloadPageActions.opened());

    const requests = http.match(() => true);
    expect(requests.length).toBe(1);
    const [request] = requests;
    expect(request?.request.method).toBe('POST');
    expect(request?.request.url).toBe('/fhir');
    const sent = JSON.parse(request?.request.body as string) as Bundle;
    expect(sent.type).toBe('batch');
    // The searches of the caseload as of the clock's date.
    expect(sent.entry?.map((e) => e.request?.url)).toEqual(
      caseloadSearches(COUNSELOR, FIXED_NOW).map((s) => s.url),
    );
    expect(decodeURIComponent(sent.entry?.[1]?.request?.url ?? '')).toContain(
      `patient._has:CareTeam:patient:participant=${COUNSELOR}`,
    );

    request?.flush(batchResponse());
    expect(emitted.length).toBe(1);
    const action = emitted[0] as ReturnType<typeof CaseloadApiActions.loadSucceeded>;
    expect(action.type).toBe(CaseloadApiActions.loadSucceeded.type);
    expect(action.asOf).toBe(FIXED_NOW);
    expect(action.patientIds).toEqual(['p1']);
    expect(action.resources.length).toBe(aCaseloadPatient('p1').length);
  });

  it('maps a failed request to loadFailed with the server OperationOutcome, and keeps listening', () => {
    const emitted = runLoad();
    actions$.next(CaseloadPageActions.opened());
    http.expectOne('/fhir').flush(
      {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'exception', details: { text: 'Database is locked' } }],
      },
      { status: 503, statusText: 'Service Unavailable' },
    );
    expect(emitted).toEqual([
      CaseloadApiActions.loadFailed({
        outcome: {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'exception', details: { text: 'Database is locked' } }],
        },
      }),
    ]);

    actions$.next(CaseloadPageActions.retried());
    http.expectOne('/fhir').flush(batchResponse());
    expect(emitted[1]?.type).toBe(CaseloadApiActions.loadSucceeded.type);
  });

  it('sends no second request, even for a large caseload', () => {
    const emitted = runLoad();
    actions$.next(CaseloadPageActions.opened());
    const many = Array.from({ length: 300 }, (_, i) => aCaseloadPatient(`p${i}`).slice(0, 3)).flat();
    http.expectOne('/fhir').flush(aCaseloadBatchResponse(many));
    http.expectNone('/fhir');
    const action = emitted[0] as ReturnType<typeof CaseloadApiActions.loadSucceeded>;
    expect(action.type).toBe(CaseloadApiActions.loadSucceeded.type);
    expect(action.patientIds.length).toBe(300);
  });

  it('fails the load, without a second request, when a search reaches the server cap', () => {
    const emitted = runLoad();
    actions$.next(CaseloadPageActions.opened());
    const response = aCaseloadBatchResponse(aCaseloadPatient('p1'));
    const encounters = caseloadSearches(COUNSELOR, FIXED_NOW).findIndex((s) => s.type === 'Encounter');
    (response.entry?.[encounters]?.resource as Bundle).link = [
      { relation: 'next', url: 'Encounter?_offset=1000' },
    ];
    http.expectOne('/fhir').flush(response);
    http.expectNone('/fhir');
    expect(emitted.length).toBe(1);
    const action = emitted[0] as ReturnType<typeof CaseloadApiActions.loadFailed>;
    expect(action.type).toBe(CaseloadApiActions.loadFailed.type);
    expect(action.outcome.issue?.[0]?.code).toBe('too-costly');
    expect(action.outcome.issue?.[0]?.details?.text).toMatch(/more than one page of Encounter/);
  });

  it('cancels the request in flight when the page is opened again (switchMap)', () => {
    runLoad();
    actions$.next(CaseloadPageActions.opened());
    const first = http.expectOne('/fhir');
    actions$.next(CaseloadPageActions.retried());
    expect(first.cancelled).toBeTrue();
    http.expectOne('/fhir').flush(batchResponse());
  });

  it('waits for the session to know the user before loading', () => {
    store.overrideSelector(selectUser, null);
    store.refreshState();
    const emitted = runLoad();
    actions$.next(CaseloadPageActions.opened());
    http.expectNone('/fhir');
    store.overrideSelector(selectUser, { name: 'Casey', fhirUser: COUNSELOR });
    store.refreshState();
    http.expectOne('/fhir').flush(batchResponse());
    expect(emitted.map((a) => a.type)).toEqual([CaseloadApiActions.loadSucceeded.type]);
  });

  it('fails without a request when the user is not a Practitioner', () => {
    store.overrideSelector(selectUser, { name: 'Pat', fhirUser: 'Patient/p1' });
    store.refreshState();
    const emitted = runLoad();
    actions$.next(CaseloadPageActions.opened());
    http.expectNone('/fhir');
    expect(emitted[0]?.type).toBe(CaseloadApiActions.loadFailed.type);
  });

  it('puts a view change into the URL query, keeping the path and unrelated parameters', async () => {
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/caseload?utm=x&sort=risk:desc');
    store.overrideSelector(selectView, { ...DEFAULT_VIEW, sort: { column: 'risk', direction: 'desc' } });
    store.refreshState();
    TestBed.runInInjectionContext(() => syncViewToUrl()).subscribe();
    const navigated = firstValueFrom(router.events.pipe(filter((e) => e instanceof NavigationEnd)));
    actions$.next(CaseloadPageActions.filterChanged({ change: { filters: ['high-risk'], track: 'DBT' } }));
    await navigated;
    expect(router.url).toBe('/caseload?utm=x&sort=risk:desc&filter=high-risk&track=DBT');
  });
});

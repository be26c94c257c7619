import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { NavigationEnd, provideRouter, Router } from '@angular/router';
import type { Bundle } from '@medplum/fhirtypes';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { MockStore } from '@ngrx/store/testing';
import { filter, firstValueFrom, type Observable, ReplaySubject } from 'rxjs';

import { ResourcesActions } from '../../../core/state/resources/resources.feature';
import { selectUser } from '../../../core/state/session/session.feature';
import { CLOCK } from '../../../core/time/clock';
import { derivedCaseloadResponse } from '../../../testing/caseload-rows';
import { aCaseloadPatient, aSearchBundle, COUNSELOR, FIXED_NOW } from '../../../testing/fhir-builders';
import { provideMockStoreForSpec } from '../../../testing/mock-store';
import { DEFAULT_VIEW } from '../data/caseload-view';
import { CaseloadApiActions, CaseloadPageActions } from './caseload.actions';
import { loadCaseload, syncViewToUrl } from './caseload.effects';
import { selectView } from './caseload.feature';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Blank {}

type Succeeded = ReturnType<typeof CaseloadApiActions.loadSucceeded>;
type Received = ReturnType<typeof ResourcesActions.received>;

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
        provideMockStoreForSpec({
          selectors: [
            { selector: selectUser, value: { name: 'Casey', role: 'counselor', fhirUser: COUNSELOR } },
            { selector: selectView, value: DEFAULT_VIEW },
          ],
        }),
        { provide: CLOCK, useValue: () => new Date(FIXED_NOW) },
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

  it('stores what the server returned and lists it as the caseload, as of the clock', () => {
    const emitted = runLoad();
    actions$.next(CaseloadPageActions.opened({ practitioner: null }));
    const response = derivedCaseloadResponse([...aCaseloadPatient('p1'), ...aCaseloadPatient('p2')]);
    http.expectOne({ method: 'POST', url: '/fhir' }).flush(response);

    expect(emitted.map((a) => a.type)).toEqual([
      ResourcesActions.received.type,
      CaseloadApiActions.loadSucceeded.type,
    ]);
    const received = (emitted[0] as Received).resources;
    const served = (response.entry ?? [])
      .flatMap((e) => (e.resource as Bundle).entry ?? [])
      .map((e) => e.resource);
    expect(received.length).toBe(served.length);
    const loaded = emitted[1] as Succeeded;
    expect(loaded.practitioner).toBe(COUNSELOR);
    expect(loaded.asOf).toBe(FIXED_NOW);
    expect(loaded.keys).toContain('Patient/p1');
    expect(loaded.keys).toContain('Patient/p2');
  });

  it('follows a search that has more pages instead of refusing it, and keeps every page', () => {
    const emitted = runLoad();
    actions$.next(CaseloadPageActions.opened({ practitioner: null }));
    const response = derivedCaseloadResponse(aCaseloadPatient('p1'));
    const summaries = response.entry?.[0]?.resource as Bundle;
    summaries.link = [{ relation: 'next', url: '/fhir/Observation?_page=next-1' }];
    http.expectOne({ method: 'POST', url: '/fhir' }).flush(response);

    // The second page: the summaries of one more patient.
    const more = (derivedCaseloadResponse(aCaseloadPatient('p2')).entry?.[0]?.resource as Bundle).entry ?? [];
    http
      .expectOne((r) => r.method === 'GET' && r.url.endsWith('/fhir/Observation?_page=next-1'))
      .flush({
        ...aSearchBundle([]),
        entry: more,
      });
    const loaded = emitted.find((a) => a.type === CaseloadApiActions.loadSucceeded.type) as Succeeded;
    expect(loaded.keys).toContain('Patient/p1');
    expect(loaded.keys).toContain('Patient/p2');
  });

  it('maps a failed request to loadFailed with the server OperationOutcome, and a retry loads', () => {
    const emitted = runLoad();
    actions$.next(CaseloadPageActions.opened({ practitioner: null }));
    const failure = {
      resourceType: 'OperationOutcome' as const,
      issue: [
        { severity: 'error' as const, code: 'exception' as const, details: { text: 'Database is locked' } },
      ],
    };
    http.expectOne('/fhir').flush(failure, { status: 503, statusText: 'Service Unavailable' });
    expect(emitted).toEqual([CaseloadApiActions.loadFailed({ practitioner: COUNSELOR, outcome: failure })]);

    actions$.next(CaseloadPageActions.retried({ practitioner: null }));
    http.expectOne('/fhir').flush(derivedCaseloadResponse(aCaseloadPatient('p1')));
    expect(emitted.at(-1)?.type).toBe(CaseloadApiActions.loadSucceeded.type);
  });

  it('fails the load when one search of the batch fails, naming its outcome', () => {
    const emitted = runLoad();
    actions$.next(CaseloadPageActions.opened({ practitioner: null }));
    const response = derivedCaseloadResponse(aCaseloadPatient('p1'));
    response.entry![2] = {
      response: {
        status: '403 Forbidden',
        outcome: {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'forbidden', details: { text: 'No Flag access' } }],
        },
      },
    };
    http.expectOne('/fhir').flush(response);
    const failed = emitted[0] as ReturnType<typeof CaseloadApiActions.loadFailed>;
    expect(failed.type).toBe(CaseloadApiActions.loadFailed.type);
    expect(failed.outcome.issue[0]?.details?.text).toBe('No Flag access');
  });

  it('loads another practitioner’s caseload when the page asks for one', () => {
    const emitted = runLoad();
    actions$.next(CaseloadPageActions.opened({ practitioner: 'Practitioner/other' }));
    const request = http.expectOne('/fhir');
    const sent = JSON.parse(request.request.body as string) as Bundle;
    expect(decodeURIComponent(sent.entry?.[0]?.request?.url ?? '')).toContain('performer=Practitioner/other');
    request.flush(derivedCaseloadResponse([]));
    expect((emitted.at(-1) as Succeeded).practitioner).toBe('Practitioner/other');
  });

  it('cancels the request in flight when the page is opened again (switchMap)', () => {
    runLoad();
    actions$.next(CaseloadPageActions.opened({ practitioner: null }));
    const first = http.expectOne('/fhir');
    actions$.next(CaseloadPageActions.retried({ practitioner: null }));
    expect(first.cancelled).toBeTrue();
    http.expectOne('/fhir').flush(derivedCaseloadResponse([]));
  });

  it('waits for the session to know the user before loading', () => {
    store.overrideSelector(selectUser, null);
    store.refreshState();
    const emitted = runLoad();
    actions$.next(CaseloadPageActions.opened({ practitioner: null }));
    http.expectNone('/fhir');
    store.overrideSelector(selectUser, { name: 'Casey', fhirUser: COUNSELOR });
    store.refreshState();
    http.expectOne('/fhir').flush(derivedCaseloadResponse([]));
    expect(emitted.map((a) => a.type)).toEqual([
      ResourcesActions.received.type,
      CaseloadApiActions.loadSucceeded.type,
    ]);
  });

  it('fails without a request when the user is not a Practitioner', () => {
    store.overrideSelector(selectUser, { name: 'Pat', fhirUser: 'Patient/p1' });
    store.refreshState();
    const emitted = runLoad();
    actions$.next(CaseloadPageActions.opened({ practitioner: null }));
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

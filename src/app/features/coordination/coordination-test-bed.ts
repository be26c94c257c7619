import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { Bundle } from '@medplum/fhirtypes';
import { Store } from '@ngrx/store';

import { provideWaypointConfig } from '../../core/config/waypoint-config';
import { provideRootState } from '../../core/state/root-state';
import { AuthActions } from '../../core/state/session/session.actions';
import { CLOCK } from '../../core/time/clock';
import { COORDINATOR } from '../../testing/coordination-fixtures';
import { FIXED_NOW } from '../../testing/fhir-builders';

@Component({ template: '<h1>Chart</h1>', changeDetection: ChangeDetectionStrategy.OnPush })
class ChartStandIn {}

/**
 * The coordination routes in a real store (root state, the feature's reducer, effects and selectors), a router
 * with input binding, a fixed clock and an HTTP double: page specs drive the pages as a user would and answer
 * the FHIR requests they make.
 */
export interface CoordinationBed {
  readonly harness: RouterTestingHarness;
  readonly http: HttpTestingController;
  readonly router: Router;
  /** The page's element. */
  el(): HTMLElement;
  /** Settles change detection and pending microtasks. */
  stable(): Promise<void>;
  /** The one pending batch POST to the base URL. */
  batch(): TestRequest;
  /** Waits until the page has sent a request matching `match` (requests can follow awaited ones). */
  request(match: Parameters<HttpTestingController['match']>[0], what: string): Promise<TestRequest>;
  /** Waits (a few turns of the event loop) until `find` returns something. */
  until<T>(find: () => T | null | undefined, what: string): Promise<T>;
}

export async function coordinationBed(url: string): Promise<CoordinationBed> {
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      provideWaypointConfig({ fhirBaseUrl: '/fhir' }),
      provideRouter(
        [
          { path: 'coordination', loadChildren: () => import('./coordination.routes') },
          { path: 'patients/:id', component: ChartStandIn },
        ],
        withComponentInputBinding(),
      ),
      provideRootState(),
      { provide: CLOCK, useValue: () => new Date(FIXED_NOW) },
    ],
  });
  TestBed.inject(Store).dispatch(
    AuthActions.signedIn({
      user: { name: 'Casey Coordinator', role: 'care-coordinator', fhirUser: COORDINATOR },
    }),
  );
  const harness = await RouterTestingHarness.create(url);
  const http = TestBed.inject(HttpTestingController);
  const stable = async () => {
    await harness.fixture.whenStable();
    harness.detectChanges();
  };
  const until = async <T>(find: () => T | null | undefined, what: string): Promise<T> => {
    for (let turn = 0; turn < 200; turn++) {
      await stable();
      const found = find();
      if (found !== null && found !== undefined && !(Array.isArray(found) && found.length === 0))
        return found;
      await new Promise((resolve) => setTimeout(resolve));
    }
    throw new Error(`Timed out waiting for ${what}`);
  };
  return {
    harness,
    http,
    router: TestBed.inject(Router),
    el: () => harness.routeNativeElement as HTMLElement,
    stable,
    batch: () => http.expectOne((r) => r.method === 'POST' && r.url === '/fhir'),
    request: (match, what) => until(() => http.match(match)[0], what),
    until,
  };
}

/** The searches a batch request asked for (`Type?query` of each entry). */
export function batchUrls(request: TestRequest): string[] {
  const bundle = JSON.parse(request.request.body as string) as Bundle;
  return (bundle.entry ?? []).map((e) => decodeURIComponent(e.request?.url ?? ''));
}

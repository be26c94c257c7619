import { TestBed } from '@angular/core/testing';
import type { Route } from '@angular/router';
import { firstValueFrom, of, Subject } from 'rxjs';

import { routes } from '../../app.routes';
import { provideMockStoreForSpec } from '../../testing/mock-store';
import { HttpActivity } from '../http/http-activity';
import { initialSessionState, selectUser } from '../state/session/session.feature';
import type { SessionUser } from '../state/session/session.models';
import { lazyLoaderFor, RoleSectionPreloading } from './route-loading';

function child(path: string): Route {
  const guarded = routes.find((r) => r.path === '' && r.children);
  const route = guarded?.children?.find((r) => r.path === path);
  if (!route) throw new Error(`no route ${path}`);
  return route;
}

describe('lazyLoaderFor (the chunk a full page load fetches while the session is restored)', () => {
  it('finds the lazy route the router will match, below the guarded parent', () => {
    expect(lazyLoaderFor(routes, '/caseload')).toBe(child('caseload').loadChildren);
    expect(lazyLoaderFor(routes, '/caseload/practitioners/c2?tab=x')).toBe(child('caseload').loadChildren);
    expect(lazyLoaderFor(routes, '/coordination/tasks')).toBe(child('coordination').loadChildren);
  });

  it('takes the first route whose segments fit, as the router does: a note before the chart', () => {
    expect(lazyLoaderFor(routes, '/patients/p1/notes/n1')).toBe(
      child('patients/:patientId/notes').loadChildren,
    );
    expect(lazyLoaderFor(routes, '/patients/p1')).toBe(child('patients').loadChildren);
  });

  it('fetches nothing for the role home, whose page depends on the role', () => {
    expect(lazyLoaderFor(routes, '/')).toBeUndefined();
  });
});

/**
 * Resolves after `n` of the browser's idle periods (the event the strategy itself waits for), each bounded by
 * the same kind of timeout the strategy gives its own wait: a headless browser on a loaded machine may grant no
 * idle period for seconds, and a spec must not hang on that.
 */
async function idlePeriods(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 50 }));
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await idlePeriods(1);
}

describe('RoleSectionPreloading', () => {
  function setUp(user: SessionUser | null): RoleSectionPreloading {
    TestBed.configureTestingModule({
      providers: [
        provideMockStoreForSpec({
          initialState: { session: initialSessionState },
          selectors: [{ selector: selectUser, value: user }],
        }),
      ],
    });
    return TestBed.inject(RoleSectionPreloading);
  }

  it("preloads the sections of the signed-in role and the patient pages, not other roles' sections", async () => {
    const strategy = setUp({ name: 'Casey Nguyen', role: 'counselor' });
    const load = jasmine.createSpy('load').and.returnValue(of('loaded'));
    expect(await firstValueFrom(strategy.preload({ path: 'caseload' }, load))).toBe('loaded');
    expect(await firstValueFrom(strategy.preload({ path: 'patients' }, load))).toBe('loaded');
    expect(load).toHaveBeenCalledTimes(2);
    expect(await firstValueFrom(strategy.preload({ path: 'supervision' }, load))).toBeNull();
    expect(await firstValueFrom(strategy.preload({ path: 'coordination' }, load))).toBeNull();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('waits while a request is in flight, then preloads one route at a time', async () => {
    const strategy = setUp({ name: 'Casey Nguyen', role: 'counselor' });
    const activity = TestBed.inject(HttpActivity);
    activity.started(); // the page is still loading its data
    const caseload = new Subject<string>();
    const loadCaseload = jasmine.createSpy('caseload').and.returnValue(caseload);
    const loadPatients = jasmine.createSpy('patients').and.returnValue(of('patients'));
    const first = firstValueFrom(strategy.preload({ path: 'caseload' }, loadCaseload));
    const second = firstValueFrom(strategy.preload({ path: 'patients' }, loadPatients));
    await idlePeriods(3);
    expect(loadCaseload).not.toHaveBeenCalled();

    activity.finished();
    TestBed.tick();
    await until(() => loadCaseload.calls.count() === 1);
    await idlePeriods(3);
    expect(loadPatients).not.toHaveBeenCalled(); // the first chunk is still loading

    caseload.next('caseload');
    caseload.complete();
    expect(await first).toBe('caseload');
    expect(await second).toBe('patients');
  }, 15_000); // two of the strategy's idle waits and the spec's own may pass 5 s when no idle period comes

  it('preloads even when the browser grants no idle period: the idle wait has a timeout', async () => {
    // A browser that never has an idle period: a callback runs only when its timeout expires (or never).
    const asked: (number | undefined)[] = [];
    spyOn(window, 'requestIdleCallback').and.callFake((callback, options) => {
      asked.push(options?.timeout);
      if (options?.timeout !== undefined) {
        setTimeout(() => callback({ didTimeout: true, timeRemaining: () => 0 }), options.timeout);
      }
      return asked.length;
    });
    const strategy = setUp({ name: 'Casey Nguyen', role: 'counselor' });
    const load = jasmine.createSpy('load').and.returnValue(of('loaded'));
    expect(await firstValueFrom(strategy.preload({ path: 'caseload' }, load))).toBe('loaded');
    expect(asked.length).toBeGreaterThan(0);
    // Every wait was bounded: without a timeout this browser would never run the callback.
    expect(asked.every((timeout) => timeout !== undefined)).toBeTrue();
  }, 15_000);

  it('preloads nothing before anyone has signed in', async () => {
    const strategy = setUp(null);
    const load = jasmine.createSpy('load').and.returnValue(of('loaded'));
    expect(await firstValueFrom(strategy.preload({ path: 'caseload' }, load))).toBeNull();
    expect(load).not.toHaveBeenCalled();
  });
});

import { TestBed } from '@angular/core/testing';
import type { Route } from '@angular/router';
import { firstValueFrom, of } from 'rxjs';

import { routes } from '../../app.routes';
import { provideMockStoreForSpec } from '../../testing/mock-store';
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

  it('preloads nothing before anyone has signed in', async () => {
    const strategy = setUp(null);
    const load = jasmine.createSpy('load').and.returnValue(of('loaded'));
    expect(await firstValueFrom(strategy.preload({ path: 'caseload' }, load))).toBeNull();
    expect(load).not.toHaveBeenCalled();
  });
});

import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { createReducer, on, Store } from '@ngrx/store';

import { clearOnSignOut, provideRootState } from './root-state';
import { selectQueryParam, selectRouteParam, selectUrl } from './router-state';
import { AuthActions } from './session/session.actions';
import {
  selectRoleLabel,
  selectSignedIn,
  selectSignedOutForInactivity,
  selectUser,
  sessionFeature,
} from './session/session.feature';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Blank {}

describe('root state', () => {
  describe('router-store', () => {
    beforeEach(() => {
      TestBed.configureTestingModule({
        providers: [
          provideRouter([{ path: 'patients/:id', children: [{ path: 'notes/:noteId', component: Blank }] }]),
          provideRootState(),
        ],
      });
    });

    it('keeps the URL, merged route params and query params, serializable under strict checks', async () => {
      const harness = await RouterTestingHarness.create();
      await harness.navigateByUrl('/patients/p1/notes/n9?range=12w&range=4w');
      const store = TestBed.inject(Store);
      expect(store.selectSignal(selectUrl)()).toBe('/patients/p1/notes/n9?range=12w&range=4w');
      expect(store.selectSignal(selectRouteParam('id'))()).toBe('p1');
      expect(store.selectSignal(selectRouteParam('noteId'))()).toBe('n9');
      expect(store.selectSignal(selectRouteParam('missing'))()).toBeUndefined();
      expect(store.selectSignal(selectQueryParam('range'))()).toBe('12w');
    });
  });

  describe('session', () => {
    const dana = { name: 'Dana Whitfield', role: 'care-coordinator' as const, fhirUser: 'Practitioner/d' };

    it('holds the signed-in user until sign-out', () => {
      const { reducer } = sessionFeature;
      const signedIn = reducer(undefined, AuthActions.signedIn({ user: dana }));
      expect(selectUser.projector(signedIn)).toEqual(dana);
      expect(selectSignedIn.projector(dana)).toBeTrue();
      expect(selectRoleLabel.projector(dana)).toBe('Care coordinator');
      expect(selectRoleLabel.projector({ name: 'No role' })).toBeUndefined();

      const expired = reducer(signedIn, AuthActions.sessionExpired());
      expect(expired).toEqual({ user: dana, expired: true, signedOutForInactivity: false });
      expect(reducer(expired, AuthActions.signedOut())).toEqual({
        user: null,
        expired: false,
        signedOutForInactivity: false,
      });
    });

    it('marks a sign-out for inactivity until the next sign-in or sign-out', () => {
      const { reducer } = sessionFeature;
      const signedIn = reducer(undefined, AuthActions.signedIn({ user: dana }));
      const idle = reducer(signedIn, AuthActions.signedOutForInactivity());
      expect(idle).toEqual({ user: null, expired: false, signedOutForInactivity: true });
      expect(selectSignedOutForInactivity.projector(idle)).toBeTrue();
      expect(reducer(idle, AuthActions.signedIn({ user: dana })).signedOutForInactivity).toBeFalse();
      expect(reducer(idle, AuthActions.signedOut()).signedOutForInactivity).toBeFalse();
    });

    it('sign-out resets every slice, lazily registered ones included, but keeps the router', () => {
      const caseload = createReducer(
        { ids: [] as string[] },
        on(AuthActions.signedIn, (): { ids: string[] } => ({ ids: ['p1'] })),
      );
      const root = (state: Record<string, unknown> | undefined, action: { type: string }) => ({
        router: state?.['router'] ?? { state: { url: '/caseload' } },
        caseload: caseload(state?.['caseload'] as { ids: string[] } | undefined, action),
        session: sessionFeature.reducer(state?.['session'] as never, action),
      });
      const reducer = clearOnSignOut(root);
      const before = reducer(undefined, AuthActions.signedIn({ user: dana }));
      expect(before['caseload']).toEqual({ ids: ['p1'] });

      const after = reducer(before, AuthActions.signedOut());
      expect(after['caseload']).toEqual({ ids: [] });
      expect(after['session']).toEqual({ user: null, expired: false, signedOutForInactivity: false });
      expect(after['router']).toBe(before['router']);

      const afterIdle = reducer(before, AuthActions.signedOutForInactivity());
      expect(afterIdle['caseload']).toEqual({ ids: [] });
      expect(afterIdle['session']).toEqual({ user: null, expired: false, signedOutForInactivity: true });
      expect(afterIdle['router']).toBe(before['router']);
    });
  });
});

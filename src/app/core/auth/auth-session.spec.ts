import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { Store } from '@ngrx/store';
import type { UserManager } from 'oidc-client-ts';

import {
  aUser,
  aUserManagerDouble,
  SMART_CONFIGURATION,
  type UserManagerDouble,
} from '../../testing/auth-doubles';
import { provideWaypointConfig, type WaypointConfig } from '../config/waypoint-config';
import { DraftStore } from '../drafts/draft-store';
import { ErrorNotifier } from '../errors/error-notifier';
import { provideRootState } from '../state/root-state';
import { selectExpired, selectSignedOutForInactivity, selectUser } from '../state/session/session.feature';
import { authGuard } from './auth.guard';
import { authInterceptor } from './auth.interceptor';
import { AuthSession, relativeReference, safeReturnUrl, sessionUserFromClaims } from './auth-session';
import { createUserManager, USER_MANAGER_FACTORY, type WaypointUserManagerSettings } from './user-manager';

@Component({ template: '<p>protected page</p>', changeDetection: ChangeDetectionStrategy.OnPush })
class ProtectedPage {}

const DISCOVERY = '/fhir/.well-known/smart-configuration';

describe('sign-in (core/auth)', () => {
  let manager: UserManagerDouble;
  let settings: WaypointUserManagerSettings | undefined;
  let storage: Storage | undefined;
  let http: HttpTestingController;
  let store: Store;

  beforeEach(() => {
    // A MockStore spec elsewhere that forgot resetSelectors() would leave these pinned to a value.
    for (const selector of [selectUser, selectExpired, selectSignedOutForInactivity]) {
      selector.clearResult();
      selector.release();
    }
  });

  function setup(user = aUser() as ReturnType<typeof aUser> | null, config: Partial<WaypointConfig> = {}) {
    manager = aUserManagerDouble(user);
    settings = undefined;
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        provideWaypointConfig(config),
        provideRouter([
          { path: 'signed-out', component: ProtectedPage },
          { path: '', canActivateChild: [authGuard], children: [{ path: '**', component: ProtectedPage }] },
        ]),
        provideRootState(),
        {
          provide: USER_MANAGER_FACTORY,
          useValue: async (s: WaypointUserManagerSettings, store: Storage) => {
            settings = s;
            storage = store;
            return manager;
          },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    store = TestBed.inject(Store);
  }

  /** Answers SMART discovery once it has been requested (the request starts inside async code). */
  async function answerDiscovery(body: object = SMART_CONFIGURATION, status = 200): Promise<void> {
    for (let i = 0; i < 50; i++) {
      const pending = http.match(DISCOVERY);
      if (pending.length > 0) {
        pending[0].flush(body, { status, statusText: status === 200 ? 'OK' : 'Error' });
        return;
      }
      await Promise.resolve();
    }
    throw new Error('SMART discovery was not requested');
  }

  /** Waits (yielding to the event loop, never a fixed delay) for the one request to `url`. */
  async function nextRequest(url: string): Promise<TestRequest> {
    for (let i = 0; i < 100; i++) {
      const [request, ...others] = http.match(url);
      if (request) {
        expect(others.length).withContext(`one request to ${url}`).toBe(0);
        return request;
      }
      await new Promise<void>((resolve) => setTimeout(resolve));
    }
    throw new Error(`no request to ${url}`);
  }

  async function navigate(url: string): Promise<RouterTestingHarness> {
    const harness = await RouterTestingHarness.create();
    const navigation = harness.navigateByUrl(url);
    await answerDiscovery();
    await navigation;
    return harness;
  }

  afterEach(() => {
    http.verify();
    sessionStorage.clear();
  });

  describe('guard', () => {
    it('lets a signed-in user through and puts name, role and fhirUser in the store', async () => {
      setup(aUser());
      const harness = await navigate('/caseload');
      expect(harness.routeNativeElement?.textContent).toContain('protected page');
      expect(store.selectSignal(selectUser)()).toEqual({
        name: 'Dana Whitfield',
        role: 'supervisor',
        fhirUser: 'Practitioner/pr-dana',
      });
      expect(manager.signinRedirect).not.toHaveBeenCalled();
    });

    it('starts a SMART sign-in that returns to the requested URL, and blocks the page', async () => {
      setup(null);
      const harness = await navigate('/patients/p1?tab=notes');
      expect(harness.routeNativeElement?.textContent ?? '').not.toContain('protected page');
      expect(manager.signinRedirect).toHaveBeenCalledOnceWith({
        state: { returnUrl: '/patients/p1?tab=notes' },
        prompt: 'login',
      });
    });

    it('refreshes an expired session with the refresh token instead of signing in again', async () => {
      const expired = aUser({ expires_at: Math.floor(Date.now() / 1000) - 10 });
      setup(expired);
      manager.signinSilent.and.resolveTo(aUser({ access_token: 'access-2' }));
      const harness = await navigate('/caseload');
      expect(harness.routeNativeElement?.textContent).toContain('protected page');
      expect(manager.signinSilent).toHaveBeenCalled();
      expect(manager.signinRedirect).not.toHaveBeenCalled();
    });

    it('explains, rather than loops, when the server has no SMART discovery', async () => {
      setup(null);
      const show = spyOn(TestBed.inject(ErrorNotifier), 'show').and.resolveTo();
      spyOn(console, 'error');
      const harness = await RouterTestingHarness.create();
      const navigation = harness.navigateByUrl('/caseload');
      await answerDiscovery({ resourceType: 'OperationOutcome', issue: [] }, 404);
      await navigation;
      expect(manager.signinRedirect).not.toHaveBeenCalled();
      expect(show).toHaveBeenCalledWith(jasmine.stringMatching(/^Sign-in is not available/));
    });

    it('is open when sign-in is configured off (a public test server)', async () => {
      setup(null, { signIn: 'none' });
      const harness = await RouterTestingHarness.create();
      await harness.navigateByUrl('/caseload');
      expect(harness.routeNativeElement?.textContent).toContain('protected page');
      http.expectNone(DISCOVERY);
    });
  });

  it('configures oidc-client-ts for SMART: PKCE code flow, aud, discovery endpoints, session storage only', async () => {
    setup(aUser());
    await navigate('/caseload');
    expect(settings).toBeDefined();
    const s = settings!;
    expect(s.client_id).toBe('waypoint');
    expect(s.response_type).toBe('code');
    expect(s.disablePKCE).toBeFalsy();
    expect(s.redirect_uri).toBe(`${location.origin}/signin/callback`);
    expect(s.scope).toBe('openid fhirUser profile online_access user/*.rs user/*.cru');
    expect(s.extraQueryParams).toEqual({ aud: `${location.origin}/fhir` });
    expect(s.metadata?.token_endpoint).toBe(SMART_CONFIGURATION.token_endpoint);
    expect(s.metadata?.revocation_endpoint).toBe(SMART_CONFIGURATION.revocation_endpoint);
    expect(s.authority).toBe(SMART_CONFIGURATION.issuer);

    expect(storage).toBe(sessionStorage);

    // The real factory keeps the user and the request state in that storage, never in localStorage.
    localStorage.clear();
    const real = (await createUserManager(s, sessionStorage)) as UserManager;
    await real.settings.userStore.set('probe', 'x');
    await real.settings.stateStore.set('probe', 'y');
    expect(Object.keys(sessionStorage).filter((k) => k.startsWith('waypoint.oidc.')).length).toBe(1);
    expect(localStorage.length).withContext('nothing in localStorage').toBe(0);
  });

  describe('callback', () => {
    it('completes the sign-in and returns to the URL in the state', async () => {
      setup(null);
      manager.signinCallback.and.resolveTo(aUser({ userState: { returnUrl: '/audit?from=2025-01-01' } }));
      const auth = TestBed.inject(AuthSession);
      sessionStorage.setItem('waypoint.oidc.s1', '{}'); // the request state this window stored
      const done = auth.completeSignIn(`${location.origin}/signin/callback?code=abc&state=s1`);
      await answerDiscovery();
      await done;
      expect(manager.signinCallback).toHaveBeenCalledWith(
        `${location.origin}/signin/callback?code=abc&state=s1`,
      );
      expect(TestBed.inject(Router).url).toBe('/audit?from=2025-01-01');
      expect(store.selectSignal(selectUser)()?.name).toBe('Dana Whitfield');
    });

    it('reads the Practitioner for the name when the server sends no name claim', async () => {
      setup(null);
      manager.signinCallback.and.resolveTo(
        aUser({
          profile: {
            sub: 'u1',
            iss: 'x',
            aud: 'waypoint',
            exp: 0,
            iat: 0,
            fhirUser: 'https://other.example/fhir/Practitioner/77',
          },
        }),
      );
      sessionStorage.setItem('waypoint.oidc.s2', '{}');
      const done = TestBed.inject(AuthSession).completeSignIn(
        `${location.origin}/signin/callback?code=c&state=s2`,
      );
      await answerDiscovery();
      const read = await nextRequest('/fhir/Practitioner/77');
      expect(read.request.headers.get('Authorization')).toBe('Bearer access-1');
      read.flush({ resourceType: 'Practitioner', id: '77', name: [{ given: ['Robin'], family: 'Okafor' }] });
      await done;
      expect(store.selectSignal(selectUser)()).toEqual({ name: 'Robin Okafor', fhirUser: 'Practitioner/77' });
    });
  });

  it('in the re-sign-in popup, hands the response to the opening window instead of signing in here', async () => {
    setup(null);
    manager.signinPopupCallback.and.resolveTo();
    const done = TestBed.inject(AuthSession).completeSignIn(
      `${location.origin}/signin/callback?code=c&state=other`,
    );
    await answerDiscovery();
    expect(await done).toBe('handed-over');
    expect(manager.signinPopupCallback).toHaveBeenCalledWith(
      `${location.origin}/signin/callback?code=c&state=other`,
    );
    expect(manager.signinCallback).not.toHaveBeenCalled();
    expect(store.selectSignal(selectUser)()).toBeNull();
  });

  describe('sign-out', () => {
    async function revocations(): Promise<Record<string, string>[]> {
      const bodies: Record<string, string>[] = [];
      for (const hint of ['refresh_token', 'access_token']) {
        const request = await nextRequest(SMART_CONFIGURATION.revocation_endpoint);
        expect(request.request.method).toBe('POST');
        expect(request.request.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded');
        expect(request.request.headers.has('Authorization')).toBeFalse();
        const body: Record<string, string> = {};
        new URLSearchParams(request.request.body as string).forEach((value, key) => (body[key] = value));
        expect(body['token_type_hint']).toBe(hint);
        bodies.push(body);
        // RFC 7009: 200 with an empty body (oidc-provider sends text/plain).
        request.flush('', { status: 200, statusText: 'OK', headers: { 'Content-Type': 'text/plain' } });
      }
      return bodies;
    }

    it('revokes both tokens at the revocation endpoint and clears the user, store, drafts and session storage', async () => {
      setup(aUser());
      await navigate('/caseload');
      TestBed.inject(DraftStore).set('note:Encounter/e1', { text: 'Patient reports cravings' });
      sessionStorage.setItem('waypoint.oidc.user', 'token material');

      const signOut = TestBed.inject(AuthSession).signOut();
      const bodies = await revocations();
      await signOut;

      expect(bodies).toEqual([
        { token: 'refresh-1', token_type_hint: 'refresh_token', client_id: 'waypoint' },
        { token: 'access-1', token_type_hint: 'access_token', client_id: 'waypoint' },
      ]);
      expect(manager.removeUser).toHaveBeenCalled();
      expect(store.selectSignal(selectUser)()).toBeNull();
      expect(TestBed.inject(DraftStore).size).toBe(0);
      expect(sessionStorage.length).toBe(0);
      expect(TestBed.inject(Router).url).toBe('/signed-out');
    });

    it('still clears everything locally when revocation fails', async () => {
      setup(aUser());
      await navigate('/caseload');
      spyOn(console, 'error');
      const signOut = TestBed.inject(AuthSession).signOut();
      (await nextRequest(SMART_CONFIGURATION.revocation_endpoint)).error(new ProgressEvent('error'));
      (await nextRequest(SMART_CONFIGURATION.revocation_endpoint)).error(new ProgressEvent('error'));
      await signOut;
      expect(manager.removeUser).toHaveBeenCalled();
      expect(store.selectSignal(selectUser)()).toBeNull();
      expect(console.error).toHaveBeenCalledWith('Revoking the refresh_token failed', jasmine.anything());
    });
  });

  describe('sign-out for inactivity', () => {
    const NOTE = { text: 'Patient reports cravings' };

    /** Signed in on a patient page with a draft, then signed out for inactivity. */
    async function signedOutForInactivity(): Promise<AuthSession> {
      setup(aUser());
      // Like the real UserManager: once removed, the user is gone from this tab's storage.
      manager.removeUser.and.callFake(async () => void manager.getUser.and.resolveTo(null));
      await navigate('/patients/p1');
      TestBed.inject(DraftStore).set('note:Encounter/e1', NOTE);
      const auth = TestBed.inject(AuthSession);
      const done = auth.signOutForInactivity();
      for (const hint of ['refresh_token', 'access_token']) {
        const request = await nextRequest(SMART_CONFIGURATION.revocation_endpoint);
        expect(new URLSearchParams(request.request.body as string).get('token_type_hint')).toBe(hint);
        request.flush('', { status: 200, statusText: 'OK' });
      }
      await done;
      return auth;
    }

    it('revokes the tokens and empties the store, but keeps the drafts and the page', async () => {
      const auth = await signedOutForInactivity();
      expect(manager.removeUser).toHaveBeenCalled();
      expect(store.selectSignal(selectUser)()).toBeNull();
      expect(store.selectSignal(selectSignedOutForInactivity)()).toBeTrue();
      expect(await auth.accessToken()).toBeUndefined();
      expect(TestBed.inject(DraftStore).get('note:Encounter/e1')).toEqual(NOTE);
      expect(TestBed.inject(Router).url).toBe('/patients/p1');
      expect(auth.suspendedForInactivity).toBeTrue();
    });

    it('holds navigation instead of a redirect sign-in that would reload the page and lose the drafts', async () => {
      await signedOutForInactivity();
      expect(await TestBed.inject(Router).navigateByUrl('/audit')).toBeFalse();
      expect(TestBed.inject(Router).url).toBe('/patients/p1');
      expect(manager.signinRedirect).not.toHaveBeenCalled();
    });

    it('signs in again in the popup: same page, drafts kept, and waiting requests retried', async () => {
      const auth = await signedOutForInactivity();
      const prompt = spyOn(TestBed.inject(ErrorNotifier), 'prompt').and.resolveTo();
      const httpClient = TestBed.inject((await import('@angular/common/http')).HttpClient);
      const result = new Promise((resolve, reject) =>
        httpClient.get('/fhir/Patient/p1').subscribe({ next: resolve, error: reject }),
      );
      const refused = await nextRequest('/fhir/Patient/p1');
      expect(refused.request.headers.has('Authorization')).toBeFalse();
      refused.flush(null, { status: 401, statusText: 'Unauthorized' });

      manager.signinPopup.and.resolveTo(aUser({ access_token: 'access-2' }));
      expect(await auth.signInAgain()).toBeTrue();
      const retry = await nextRequest('/fhir/Patient/p1');
      expect(retry.request.headers.get('Authorization')).toBe('Bearer access-2');
      retry.flush({ resourceType: 'Patient', id: 'p1' });
      expect(await result).toEqual({ resourceType: 'Patient', id: 'p1' });

      expect(prompt).withContext('no second sign-in prompt').not.toHaveBeenCalled();
      expect(manager.signinPopup).toHaveBeenCalledOnceWith({
        prompt: 'login',
        popupWindowTarget: 'waypoint-signin',
      });
      expect(store.selectSignal(selectSignedOutForInactivity)()).toBeFalse();
      expect(store.selectSignal(selectUser)()?.name).toBe('Dana Whitfield');
      expect(TestBed.inject(DraftStore).get('note:Encounter/e1')).toEqual(NOTE);
      expect(TestBed.inject(Router).url).toBe('/patients/p1');
      expect(auth.suspendedForInactivity).toBeFalse();
    });

    it('gives someone else who signs in at the same screen neither the drafts nor the page', async () => {
      const auth = await signedOutForInactivity();
      manager.signinPopup.and.resolveTo(
        aUser({
          access_token: 'access-robin',
          profile: {
            sub: 'robin',
            iss: SMART_CONFIGURATION.issuer,
            aud: 'waypoint',
            exp: 0,
            iat: 0,
            name: 'Robin Okafor',
          },
        }),
      );
      expect(await auth.signInAgain()).toBeTrue();
      expect(TestBed.inject(DraftStore).size).toBe(0);
      expect(store.selectSignal(selectUser)()?.name).toBe('Robin Okafor');
      expect(TestBed.inject(Router).url).toBe('/');
    });

    it('stays signed out when the popup is closed or blocked', async () => {
      const auth = await signedOutForInactivity();
      spyOn(console, 'error');
      manager.signinPopup.and.rejectWith(new Error('Popup closed by user'));
      expect(await auth.signInAgain()).toBeFalse();
      expect(auth.suspendedForInactivity).toBeTrue();
      expect(store.selectSignal(selectSignedOutForInactivity)()).toBeTrue();
      expect(TestBed.inject(DraftStore).size).toBe(1);
    });

    it('a full sign-out from there discards the drafts and fails the waiting requests', async () => {
      const auth = await signedOutForInactivity();
      const httpClient = TestBed.inject((await import('@angular/common/http')).HttpClient);
      const result = new Promise((resolve, reject) =>
        httpClient.get('/fhir/Patient/p1').subscribe({ next: resolve, error: reject }),
      );
      (await nextRequest('/fhir/Patient/p1')).flush(null, { status: 401, statusText: 'Unauthorized' });
      await auth.signOut();
      await expectAsync(result).toBeRejected();
      expect(TestBed.inject(DraftStore).size).toBe(0);
      expect(TestBed.inject(Router).url).toBe('/signed-out');
      expect(store.selectSignal(selectSignedOutForInactivity)()).toBeFalse();
      expect(auth.suspendedForInactivity).toBeFalse();
    });
  });

  describe('interceptor', () => {
    it('attaches the bearer token to FHIR requests only', async () => {
      setup(aUser());
      const client = TestBed.inject(AuthSession);
      const httpClient = TestBed.inject((await import('@angular/common/http')).HttpClient);
      const token = client.accessToken();
      await answerDiscovery();
      expect(await token).toBe('access-1');

      httpClient.get('/fhir/Patient/p1').subscribe();
      httpClient.get('/auth/userinfo').subscribe();
      httpClient.get('https://elsewhere.example/fhir/Patient/p1').subscribe();
      expect((await nextRequest('/fhir/Patient/p1')).request.headers.get('Authorization')).toBe(
        'Bearer access-1',
      );
      expect(http.expectOne('/auth/userinfo').request.headers.has('Authorization')).toBeFalse();
      expect(
        http.expectOne('https://elsewhere.example/fhir/Patient/p1').request.headers.has('Authorization'),
      ).toBeFalse();
    });

    it('on 401 signs in again once and retries with the new token', async () => {
      setup(aUser());
      const auth = TestBed.inject(AuthSession);
      const httpClient = TestBed.inject((await import('@angular/common/http')).HttpClient);
      const warm = auth.accessToken();
      await answerDiscovery();
      await warm;

      // The refresh token has been revoked server-side: refresh fails, the user signs in in a popup.
      manager.getUser.and.resolveTo(aUser({ refresh_token: undefined }));
      const prompt = spyOn(TestBed.inject(ErrorNotifier), 'prompt').and.resolveTo();
      manager.signinPopup.and.resolveTo(aUser({ access_token: 'access-2' }));

      const result = new Promise((resolve, reject) =>
        httpClient.get('/fhir/Patient/p1').subscribe({ next: resolve, error: reject }),
      );
      (await nextRequest('/fhir/Patient/p1')).flush(null, { status: 401, statusText: 'Unauthorized' });
      const retry = await nextRequest('/fhir/Patient/p1');
      expect(store.selectSignal(selectExpired)()).withContext('cleared by the new sign-in').toBeFalse();
      expect(retry.request.headers.get('Authorization')).toBe('Bearer access-2');
      retry.flush({ resourceType: 'Patient', id: 'p1' });
      expect(await result).toEqual({ resourceType: 'Patient', id: 'p1' });
      expect(prompt).toHaveBeenCalledTimes(1);
      expect(manager.signinPopup).toHaveBeenCalledOnceWith({
        prompt: 'login',
        popupWindowTarget: 'waypoint-signin',
      });
    });

    it('does not loop when the retried request is refused again', async () => {
      setup(aUser());
      const auth = TestBed.inject(AuthSession);
      const httpClient = TestBed.inject((await import('@angular/common/http')).HttpClient);
      const warm = auth.accessToken();
      await answerDiscovery();
      await warm;
      spyOn(auth, 'reauthenticate').and.resolveTo();

      const result = new Promise((resolve, reject) =>
        httpClient.get('/fhir/Patient/p1').subscribe({ next: resolve, error: reject }),
      );
      (await nextRequest('/fhir/Patient/p1')).flush(null, { status: 401, statusText: 'Unauthorized' });
      (await nextRequest('/fhir/Patient/p1')).flush(null, { status: 401, statusText: 'Unauthorized' });
      await expectAsync(result).toBeRejectedWith(jasmine.objectContaining({ status: 401 }));
      expect(auth.reauthenticate).toHaveBeenCalledTimes(1);
    });
  });
});

describe('claims and return URLs', () => {
  it('maps id_token claims, ignoring an unknown role', () => {
    expect(
      sessionUserFromClaims({
        sub: 'x',
        name: ' Ana ',
        waypoint_role: 'admin',
        fhirUser: 'Practitioner/1',
      }),
    ).toEqual({
      name: 'Ana',
      fhirUser: 'Practitioner/1',
    });
    expect(relativeReference('http://localhost:8080/fhir/Practitioner/abc-1')).toBe('Practitioner/abc-1');
    expect(relativeReference('Observation/1')).toBeUndefined();
  });

  it('never returns to another site after sign-in', () => {
    expect(safeReturnUrl('/patients/1')).toBe('/patients/1');
    expect(safeReturnUrl('https://evil.example/')).toBe('/');
    expect(safeReturnUrl('//evil.example/')).toBe('/');
    expect(safeReturnUrl('/signin/callback?code=1')).toBe('/');
  });
});

import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatDialog } from '@angular/material/dialog';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { Store } from '@ngrx/store';

import {
  aUser,
  aUserManagerDouble,
  SMART_CONFIGURATION,
  type UserManagerDouble,
} from '../../testing/auth-doubles';
import { authGuard } from '../auth/auth.guard';
import { authInterceptor } from '../auth/auth.interceptor';
import { AuthSession } from '../auth/auth-session';
import { USER_MANAGER_FACTORY } from '../auth/user-manager';
import { provideWaypointConfig, type WaypointConfig } from '../config/waypoint-config';
import { DraftStore } from '../drafts/draft-store';
import { provideRootState } from '../state/root-state';
import { selectSignedIn, selectSignedOutForInactivity, selectUser } from '../state/session/session.feature';
import { BEFORE_SIGN_OUT_TIMEOUT_MS, IdleMonitor } from './idle-monitor';

@Component({ template: '<p>page</p>', changeDetection: ChangeDetectionStrategy.OnPush })
class Page {}

const DISCOVERY = '/fhir/.well-known/smart-configuration';
const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** One real macrotask: jasmine's mock clock holds back timers, not this (chunk loads, overlays). */
function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** Waits for a condition, a macrotask at a time (never a fixed delay). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) {
      return;
    }
    await macrotask();
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describe('IdleMonitor', () => {
  beforeEach(() => {
    // A MockStore spec elsewhere that forgot resetSelectors() would leave these pinned to a value.
    for (const selector of [selectSignedIn, selectUser, selectSignedOutForInactivity]) {
      selector.clearResult();
      selector.release();
    }
  });

  let manager: UserManagerDouble;
  let http: HttpTestingController;
  let store: Store;
  let monitor: IdleMonitor;
  let drafts: DraftStore;
  let harness: RouterTestingHarness;
  let loader: HarnessLoader;
  let clock: jasmine.Clock | undefined;

  /** Signs in (SMART discovery answered), opens a patient page, then starts the monitor on a mock clock. */
  async function signedInOn(url: string, config: Partial<WaypointConfig> = {}): Promise<void> {
    manager = aUserManagerDouble(aUser());
    // Like the real UserManager: once removed, the user is gone from this tab's storage.
    manager.removeUser.and.callFake(async () => void manager.getUser.and.resolveTo(null));
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        provideWaypointConfig(config),
        provideRouter([
          { path: 'signed-out', component: Page },
          { path: '', canActivateChild: [authGuard], children: [{ path: '**', component: Page }] },
        ]),
        provideRootState(),
        { provide: USER_MANAGER_FACTORY, useValue: async () => manager },
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    store = TestBed.inject(Store);
    drafts = TestBed.inject(DraftStore);
    harness = await RouterTestingHarness.create();
    const navigation = harness.navigateByUrl(url);
    if (config.signIn !== 'none') {
      (await requests(DISCOVERY)).forEach((request) => request.flush(SMART_CONFIGURATION));
    }
    await navigation;
    loader = TestbedHarnessEnvironment.documentRootLoader(harness.fixture);

    clock = jasmine.clock();
    clock.install();
    clock.mockDate(new Date(2026, 2, 16, 9, 0, 0));
    monitor = TestBed.inject(IdleMonitor);
    monitor.start();
  }

  /** The requests to `url` once there is one (HttpTestingController.match() takes them off the list). */
  async function requests(url: string): Promise<TestRequest[]> {
    let found: TestRequest[] = [];
    await until(() => (found = http.match(url)).length > 0, `a request to ${url}`);
    return found;
  }

  const text = async (dialog: MatDialogHarness) => (await dialog.getText()).replace(/\s+/g, ' ');
  // The pane and the dialog's container in it (the harness looks for the container).
  const dialogOpen = () => document.querySelector('.wp-idle-warning .mat-mdc-dialog-container') !== null;
  const signedOutForInactivity = () => store.selectSignal(selectSignedOutForInactivity)();

  /** Answers the two RFC 7009 revocations and returns the token type hints, in order. */
  async function revocations(): Promise<string[]> {
    const hints: string[] = [];
    for (let i = 0; i < 2; i++) {
      for (const request of await requests(SMART_CONFIGURATION.revocation_endpoint)) {
        hints.push(new URLSearchParams(request.request.body as string).get('token_type_hint') ?? '');
        request.flush('', { status: 200, statusText: 'OK' });
      }
    }
    return hints;
  }

  function press(type: string, target: EventTarget = document.body): void {
    target.dispatchEvent(new Event(type, { bubbles: true }));
  }

  afterEach(() => {
    clock?.uninstall();
    clock = undefined;
    http.verify();
    sessionStorage.clear();
  });

  it('warns at 13:00 without input, with a countdown from 2:00', async () => {
    await signedInOn('/patients/p1');
    expect(monitor.phase()).toBe('active');

    clock!.tick(13 * MINUTE - 1);
    expect(monitor.phase()).toBe('active');
    expect(dialogOpen()).toBeFalse();

    clock!.tick(1);
    expect(monitor.phase()).toBe('warning');
    expect(monitor.secondsLeft()).toBe(120);
    await until(dialogOpen, 'the warning');
    const dialog = await loader.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Are you still there?');
    expect(await text(dialog)).toContain('You will be signed out for inactivity in 2:00.');

    clock!.tick(SECOND);
    expect(monitor.secondsLeft()).toBe(119);
    await harness.fixture.whenStable();
    expect(await text(dialog)).toContain('in 1:59.');
    clock!.tick(60 * SECOND);
    expect(monitor.secondsLeft()).toBe(59);
    expect(signedOutForInactivity()).toBeFalse();
  });

  it('signs out at 15:00: tokens revoked, patient data gone from the store, drafts and URL kept', async () => {
    await signedInOn('/patients/p1');
    drafts.set('note:Encounter/e1', { text: 'Patient reports cravings after a family visit' });
    sessionStorage.setItem('waypoint.oidc.user:x', 'token material');

    clock!.tick(15 * MINUTE - 1);
    expect(signedOutForInactivity()).toBeFalse();
    clock!.tick(1);
    await until(signedOutForInactivity, 'the sign-out for inactivity');

    expect(await revocations()).toEqual(['refresh_token', 'access_token']);
    expect(manager.removeUser).toHaveBeenCalled();
    expect(store.selectSignal(selectUser)()).toBeNull();
    expect(sessionStorage.getItem('waypoint.oidc.user:x')).toBeNull();
    expect(drafts.get('note:Encounter/e1')).toEqual({
      text: 'Patient reports cravings after a family visit',
    });
    expect(TestBed.inject(Router).url).toBe('/patients/p1');
    await until(() => !dialogOpen(), 'the warning to close');
    expect(monitor.phase()).toBe('off');

    // Nothing more happens until someone signs in again.
    clock!.tick(60 * MINUTE);
    expect(dialogOpen()).toBeFalse();
    http.expectNone(SMART_CONFIGURATION.revocation_endpoint);
  });

  it('starts the count again on any input, and input dismisses the warning; mouse movement does not', async () => {
    await signedInOn('/caseload');
    for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart']) {
      clock!.tick(12 * MINUTE);
      press(type);
    }
    clock!.tick(12 * MINUTE);
    expect(monitor.phase()).withContext('48 minutes in, 12 since the last input').toBe('active');
    press('mousemove');
    clock!.tick(MINUTE);
    expect(monitor.phase()).toBe('warning');
    await until(dialogOpen, 'the warning');

    press('pointerdown'); // outside the dialog (on the backdrop's side)
    expect(monitor.phase()).toBe('active');
    await until(() => !dialogOpen(), 'the warning to close');

    // Inside the dialog, keys that reach its buttons leave it up; any other key dismisses it.
    clock!.tick(13 * MINUTE);
    await until(dialogOpen, 'the warning again');
    const stay = document.querySelector<HTMLElement>('.wp-idle-warning button:last-of-type')!;
    for (const key of ['Tab', 'Shift', 'Enter', ' ']) {
      stay.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      expect(monitor.phase()).withContext(key).toBe('warning');
    }
    document
      .querySelector('.wp-idle-warning p')!
      .dispatchEvent(new KeyboardEvent('keydown', { key: 'a', bubbles: true }));
    expect(monitor.phase()).toBe('active');
    await until(() => !dialogOpen(), 'the warning to close');
    clock!.tick(13 * MINUTE - 1);
    expect(monitor.phase()).toBe('active');
    clock!.tick(1);
    expect(monitor.phase()).toBe('warning');
  });

  it('the window taking focus (the warning focusing its button) does not dismiss the warning', async () => {
    await signedInOn('/caseload');
    clock!.tick(14 * MINUTE);
    await until(dialogOpen, 'the warning');
    window.dispatchEvent(new Event('focus'));
    await macrotask();
    expect(monitor.phase()).toBe('warning');
    expect(dialogOpen()).toBeTrue();
  });

  it('"Stay signed in" starts the count again', async () => {
    await signedInOn('/caseload');
    clock!.tick(14 * MINUTE);
    await until(dialogOpen, 'the warning');
    const dialog = await loader.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Stay signed in' }))).click();
    await until(() => monitor.phase() === 'active', 'the count to start again');
    await until(() => !dialogOpen(), 'the warning to close');

    clock!.tick(13 * MINUTE - 1);
    expect(monitor.phase()).toBe('active');
    clock!.tick(2 * MINUTE + 1);
    await until(signedOutForInactivity, 'the sign-out for inactivity');
    expect(await revocations()).toEqual(['refresh_token', 'access_token']);
  });

  it('"Sign out now" signs out fully: drafts discarded, the signed-out page', async () => {
    await signedInOn('/caseload');
    drafts.set('note:Encounter/e1', { text: 'x' });
    clock!.tick(13 * MINUTE + 30 * SECOND);
    await until(dialogOpen, 'the warning');
    const dialog = await loader.getHarness(MatDialogHarness);
    // Its pointerdown lands inside the dialog: an answer to the warning, not input that dismisses it.
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Sign out now' }))).click();
    expect(await revocations()).toEqual(['refresh_token', 'access_token']);
    await until(() => TestBed.inject(Router).url === '/signed-out', 'the signed-out page');
    expect(drafts.size).toBe(0);
    expect(signedOutForInactivity()).toBeFalse();
    expect(monitor.phase()).toBe('off');
  });

  it('runs beforeSignOut hooks with the page still there, waiting at most 2 s for each', async () => {
    await signedInOn('/patients/p1');
    const seen: string[] = [];
    monitor.beforeSignOut(() => {
      seen.push(store.selectSignal(selectUser)() ? 'signed in' : 'signed out');
      drafts.set('note:Encounter/e2', { text: 'flushed by the editor' });
    });
    monitor.beforeSignOut(() => new Promise<void>(() => undefined)); // never settles
    monitor.beforeSignOut(() => {
      throw new Error('editor failed');
    });
    const unregistered = jasmine.createSpy('unregistered');
    monitor.beforeSignOut(unregistered)();
    const error = spyOn(console, 'error');

    clock!.tick(15 * MINUTE);
    await until(() => seen.length > 0, 'the hooks');
    expect(seen).toEqual(['signed in']);
    expect(monitor.phase()).toBe('ending');
    clock!.tick(BEFORE_SIGN_OUT_TIMEOUT_MS - 1);
    await macrotask();
    expect(signedOutForInactivity()).withContext('waits for the hung hook').toBeFalse();
    clock!.tick(1);
    await until(signedOutForInactivity, 'the sign-out for inactivity');
    await revocations();
    expect(drafts.get('note:Encounter/e2')).toEqual({ text: 'flushed by the editor' });
    expect(unregistered).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledWith('A before-sign-out hook failed', jasmine.any(Error));
  });

  it('signs out at the first input after the timers slept past the timeout, instead of extending', async () => {
    await signedInOn('/caseload');
    // A laptop lid closed for 20 minutes: the clock moves on, no timer has fired.
    clock!.mockDate(new Date(Date.now() + 20 * MINUTE));
    expect(monitor.phase()).toBe('active');
    press('pointerdown');
    await until(signedOutForInactivity, 'the sign-out for inactivity');
    expect(await revocations()).toEqual(['refresh_token', 'access_token']);
  });

  it('closes other dialogs (patient data) before the panel', async () => {
    await signedInOn('/caseload');
    TestBed.inject(MatDialog).open(Page);
    clock!.tick(15 * MINUTE);
    await until(signedOutForInactivity, 'the sign-out for inactivity');
    await revocations();
    await until(() => TestBed.inject(MatDialog).openDialogs.length === 0, 'every dialog to close');
    expect(document.querySelector('.mat-mdc-dialog-container')).toBeNull();
  });

  it('counts again once the user has signed in again in the popup, drafts kept', async () => {
    await signedInOn('/patients/p1');
    drafts.set('note:Encounter/e1', { text: 'kept' });
    clock!.tick(15 * MINUTE);
    await until(signedOutForInactivity, 'the sign-out for inactivity');
    await revocations();

    manager.signinPopup.and.resolveTo(aUser({ access_token: 'access-2' }));
    expect(await TestBed.inject(AuthSession).signInAgain()).toBeTrue();
    expect(signedOutForInactivity()).toBeFalse();
    expect(monitor.phase()).toBe('active');
    expect(drafts.get('note:Encounter/e1')).toEqual({ text: 'kept' });
    clock!.tick(13 * MINUTE);
    expect(monitor.phase()).toBe('warning');
  });

  it('does not run on the signed-out page', async () => {
    await signedInOn('/caseload');
    clock!.uninstall(); // the router needs real timers to navigate
    clock = undefined;
    await TestBed.inject(Router).navigateByUrl('/signed-out');
    expect(monitor.phase()).toBe('off');
  });

  it('does not run without SMART sign-in', async () => {
    await signedInOn('/caseload', { signIn: 'none' });
    clock!.tick(60 * MINUTE);
    expect(monitor.phase()).toBe('off');
    expect(dialogOpen()).toBeFalse();
  });
});

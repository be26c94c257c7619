import { BreakpointObserver, type BreakpointState } from '@angular/cdk/layout';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatProgressBarHarness } from '@angular/material/progress-bar/testing';
import { MatSidenavHarness } from '@angular/material/sidenav/testing';
import { provideRouter, Router } from '@angular/router';
import { MockStore } from '@ngrx/store/testing';
import { BehaviorSubject, map } from 'rxjs';

import { provideMockStoreForSpec } from '../../testing/mock-store';
import { AuthSession } from '../auth/auth-session';
import { HttpActivity } from '../http/http-activity';
import {
  initialSessionState,
  selectRoleLabel,
  selectSignedOutForInactivity,
  selectUser,
} from '../state/session/session.feature';
import { Shell } from './shell';
import { THEME_STORAGE_KEY } from './theme-preference';

@Component({ template: '<p>page</p>', changeDetection: ChangeDetectionStrategy.OnPush })
class Page {}

/** Stands in for the viewport, which a Karma test cannot resize. */
class FakeBreakpoints {
  readonly narrow = new BehaviorSubject(false);
  observe() {
    return this.narrow.pipe(map((matches): BreakpointState => ({ matches, breakpoints: {} })));
  }
}

describe('Shell', () => {
  let fixture: ComponentFixture<Shell>;
  let loader: HarnessLoader;
  let store: MockStore;
  let breakpoints: FakeBreakpoints;
  const root = document.documentElement;
  const button = (selector: string): HTMLButtonElement => {
    const found = (fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>(
      `button${selector}`,
    );
    if (!found) throw new Error(`no button ${selector}`);
    return found;
  };

  beforeEach(async () => {
    localStorage.removeItem(THEME_STORAGE_KEY);
    breakpoints = new FakeBreakpoints();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'caseload', component: Page },
          { path: 'audit', component: Page },
        ]),
        provideMockStoreForSpec({
          initialState: { session: initialSessionState },
          // Pinned explicitly: memoized selectors are shared by every spec in the run.
          selectors: [
            { selector: selectUser, value: null },
            { selector: selectRoleLabel, value: undefined },
            { selector: selectSignedOutForInactivity, value: false },
          ],
        }),
        { provide: BreakpointObserver, useValue: breakpoints },
        provideHttpClient(),
        provideHttpClientTesting(),
      ],
    });
    store = TestBed.inject(MockStore);
    fixture = TestBed.createComponent(Shell);
    loader = TestbedHarnessEnvironment.loader(fixture);
    await fixture.whenStable();
  });

  afterEach(() => {
    // Overridden selectors are module-level singletons: leaving them set leaks into other specs.
    store.resetSelectors();
    localStorage.removeItem(THEME_STORAGE_KEY);
    root.classList.remove('wp-dark', 'wp-light');
  });

  const navLabels = () =>
    (Array.from(fixture.nativeElement.querySelectorAll('nav a')) as HTMLAnchorElement[]).map((a) => [
      a.querySelector('span')?.textContent,
      a.getAttribute('href'),
    ]);

  async function signInAs(role: 'counselor' | 'supervisor' | 'care-coordinator'): Promise<void> {
    store.overrideSelector(selectUser, { name: 'Dana Whitfield', role, fhirUser: 'Practitioner/p1' });
    store.refreshState();
    await fixture.whenStable();
  }

  it('shows the product name and a labelled navigation, empty until the session is known', async () => {
    const el: HTMLElement = fixture.nativeElement;
    expect(el.querySelector('mat-toolbar')?.textContent).toContain('Waypoint');
    expect(el.querySelector('nav')?.getAttribute('aria-label')).toBe('Main');
    expect(navLabels()).toEqual([]);
  });

  it("shows only the sections of the user's role", async () => {
    await signInAs('counselor');
    expect(navLabels()).toEqual([
      ['My caseload', '/caseload'],
      ['My unsigned notes', '/notes'],
    ]);
    await signInAs('supervisor');
    expect(navLabels()).toEqual([
      ['Supervision', '/supervision'],
      ['Co-sign queue', '/notes/cosign'],
      ['Audit report', '/audit'],
    ]);
    await signInAs('care-coordinator');
    expect(navLabels()).toEqual([['Coordination', '/coordination']]);
  });

  it('marks the current section with aria-current="page"', async () => {
    await signInAs('supervisor');
    await TestBed.inject(Router).navigateByUrl('/audit');
    await fixture.whenStable();
    const current = Array.from(
      fixture.nativeElement.querySelectorAll('[aria-current="page"]'),
    ) as HTMLElement[];
    expect(current.map((a) => a.textContent?.trim())).toEqual([jasmine.stringContaining('Audit report')]);
  });

  it('toggles light and dark with a labelled button and remembers the choice', async () => {
    const toggle = button('[aria-label^="Switch to"]');
    const label = async () => toggle.getAttribute('aria-label');
    // Headless Chromium reports a light system preference and nothing is stored yet.
    expect(root.classList.contains('wp-light')).toBeTrue();
    expect(await label()).toBe('Switch to dark theme');

    toggle.click();
    await fixture.whenStable();
    expect(root.classList.contains('wp-dark')).toBeTrue();
    expect(root.classList.contains('wp-light')).toBeFalse();
    expect(getComputedStyle(root).colorScheme).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    expect(await label()).toBe('Switch to light theme');

    toggle.click();
    await fixture.whenStable();
    expect(root.classList.contains('wp-light')).toBeTrue();
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
  });

  it('shows the signed-in user and role once there is one', async () => {
    const el: HTMLElement = fixture.nativeElement;
    expect(el.querySelector('[data-testid="signed-in-user"]')).toBeNull();

    store.overrideSelector(selectUser, {
      name: 'Dana Whitfield',
      role: 'supervisor',
      fhirUser: 'Practitioner/p1',
    });
    store.overrideSelector(selectRoleLabel, 'Supervisor');
    store.refreshState();
    await fixture.whenStable();
    const user = el.querySelector('[data-testid="signed-in-user"]');
    expect(user?.textContent).toContain('Dana Whitfield');
    expect(user?.textContent).toContain('Supervisor');

    const signOut = button('[aria-label="Sign out"]');
    const auth = TestBed.inject(AuthSession);
    const signOutSpy = spyOn(auth, 'signOut').and.resolveTo();
    signOut.click();
    await fixture.whenStable();
    expect(signOutSpy).toHaveBeenCalled();
  });

  it('shows the progress bar only while requests are in flight', async () => {
    const activity = TestBed.inject(HttpActivity);
    expect(await loader.getAllHarnesses(MatProgressBarHarness)).toEqual([]);
    activity.started();
    const bar = await loader.getHarness(MatProgressBarHarness);
    expect(await bar.getMode()).toBe('indeterminate');
    activity.finished();
    expect(await loader.getAllHarnesses(MatProgressBarHarness)).toEqual([]);
  });

  it('keeps the navigation open beside the content on wide screens', async () => {
    const sidenav = await loader.getHarness(MatSidenavHarness);
    expect(await sidenav.getMode()).toBe('side');
    expect(await sidenav.isOpen()).toBeTrue();
    expect(fixture.nativeElement.querySelector('button[aria-label="Open navigation"]')).toBeNull();
  });

  it('turns the navigation into a drawer on narrow screens, closed after choosing a section', async () => {
    await signInAs('counselor');
    breakpoints.narrow.next(true);
    await fixture.whenStable();
    const sidenav = await loader.getHarness(MatSidenavHarness);
    expect(await sidenav.getMode()).toBe('over');
    expect(await sidenav.isOpen()).toBeFalse();

    const menu = button('[aria-label="Open navigation"]');
    menu.click();
    await fixture.whenStable();
    expect(await sidenav.isOpen()).toBeTrue();

    (fixture.nativeElement.querySelector('nav a[href="/caseload"]') as HTMLAnchorElement).click();
    await fixture.whenStable();
    expect(await sidenav.isOpen()).toBeFalse();
    expect(TestBed.inject(Router).url).toBe('/caseload');
  });

  it('after a sign-out for inactivity shows only the signed-out panel: the page leaves the DOM', async () => {
    const el: HTMLElement = fixture.nativeElement;
    await TestBed.inject(Router).navigateByUrl('/caseload');
    await fixture.whenStable();
    expect(el.querySelector('main ng-component')?.textContent).toBe('page');

    store.overrideSelector(selectSignedOutForInactivity, true);
    store.refreshState();
    let panel: HTMLElement | null = null;
    for (let attempt = 0; attempt < 100 && !panel; attempt++) {
      await fixture.whenStable(); // the panel is a @defer block: its code loads now
      panel = el.querySelector('wp-idle-sign-out-panel');
      await new Promise<void>((resolve) => setTimeout(resolve));
    }
    expect(panel?.querySelector('h1')?.textContent).toContain('Signed out after 15 minutes without activity');
    expect(el.querySelector('main ng-component')).withContext('the routed page').toBeNull();
    for (const selector of ['.skip-link', 'header', 'mat-sidenav-container']) {
      expect(getComputedStyle(el.querySelector(selector)!).display)
        .withContext(selector)
        .toBe('none');
    }
    expect(getComputedStyle(panel!).display).not.toBe('none');

    store.overrideSelector(selectSignedOutForInactivity, false);
    store.refreshState();
    await fixture.whenStable();
    expect(el.querySelector('wp-idle-sign-out-panel')).toBeNull();
    expect(el.querySelector('main ng-component')?.textContent)
      .withContext('the same page again')
      .toBe('page');
    expect(getComputedStyle(el.querySelector('header')!).display).not.toBe('none');
  });

  it('has a skip link that moves focus to the main content', async () => {
    const skip: HTMLAnchorElement = fixture.nativeElement.querySelector('.skip-link');
    expect(skip.textContent).toBe('Skip to main content');
    skip.click();
    expect(document.activeElement?.id).toBe('main-content');
    expect(TestBed.inject(Router).url).toBe('/');
  });
});

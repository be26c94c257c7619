import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';

import { AuthSession } from '../auth/auth-session';
import { provideWaypointConfig } from '../config/waypoint-config';
import { IdleSignOutPanel } from './idle-sign-out-panel';

describe('IdleSignOutPanel', () => {
  let auth: jasmine.SpyObj<Pick<AuthSession, 'signInAgain' | 'signOut'>>;

  async function create(timeoutSeconds = 900) {
    auth = jasmine.createSpyObj<Pick<AuthSession, 'signInAgain' | 'signOut'>>('AuthSession', [
      'signInAgain',
      'signOut',
    ]);
    auth.signOut.and.resolveTo();
    TestBed.configureTestingModule({
      providers: [
        provideWaypointConfig({ idleTimeoutSeconds: timeoutSeconds, idleWarningSeconds: 5 }),
        { provide: AuthSession, useValue: auth },
      ],
    });
    const fixture = TestBed.createComponent(IdleSignOutPanel);
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    return { fixture, loader, el: fixture.nativeElement as HTMLElement };
  }

  it('says how long without activity it took, in a main landmark, and takes the focus', async () => {
    const { el } = await create();
    const heading = el.querySelector('main h1');
    expect(heading?.textContent?.trim()).toBe('Signed out after 15 minutes without activity');
    expect(el.querySelector('main')?.getAttribute('aria-labelledby')).toBe(heading?.id ?? 'missing');
    expect(document.activeElement).toBe(heading);
    expect(el.textContent).toContain('Unsaved text is kept in this window');
  });

  it('writes a shortened timeout in seconds', async () => {
    const { el } = await create(8);
    expect(el.querySelector('h1')?.textContent?.trim()).toBe('Signed out after 8 seconds without activity');
  });

  it('"Sign in again" signs in in the popup; a closed popup says so and can be tried again', async () => {
    const { fixture, loader, el } = await create();
    auth.signInAgain.and.resolveTo(false);
    const signIn = await loader.getHarness(MatButtonHarness.with({ text: 'Sign in again' }));
    await signIn.click();
    await fixture.whenStable();
    expect(auth.signInAgain).toHaveBeenCalledTimes(1);
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('Sign-in did not complete');

    auth.signInAgain.and.resolveTo(true);
    await signIn.click();
    await fixture.whenStable();
    expect(auth.signInAgain).toHaveBeenCalledTimes(2);
    expect(el.querySelector('[role="alert"]')).toBeNull();
  });

  it('"Sign out" is the full sign-out', async () => {
    const { loader } = await create();
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Sign out' }))).click();
    expect(auth.signOut).toHaveBeenCalled();
    expect(auth.signInAgain).not.toHaveBeenCalled();
  });
});

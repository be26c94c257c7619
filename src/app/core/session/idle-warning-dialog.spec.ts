import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { ChangeDetectionStrategy, Component, Injector, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatDialog } from '@angular/material/dialog';
import { MatDialogHarness } from '@angular/material/dialog/testing';

import { IDLE_WARNING_PANE_CLASS } from './idle-monitor';
import { closeAllDialogs, openIdleWarning } from './idle-warning-dialog';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Host {}

describe('IdleWarningDialog', () => {
  const secondsLeft = signal(120);

  function open() {
    TestBed.configureTestingModule({
      providers: [{ provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } }],
    });
    const fixture = TestBed.createComponent(Host);
    secondsLeft.set(120);
    const handle = openIdleWarning(TestBed.inject(Injector), {
      secondsLeft,
      timeoutSeconds: 900,
      warningSeconds: 120,
    });
    const loader = TestbedHarnessEnvironment.documentRootLoader(fixture);
    return { fixture, handle, loader };
  }

  it('is an alert dialog asking "Are you still there?" with the time left as M:SS', async () => {
    const { fixture, loader } = open();
    const dialog = await loader.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Are you still there?');
    expect(await dialog.getRole()).toBe('alertdialog');

    const host = await dialog.host();
    const describedBy = await host.getAttribute('aria-describedby');
    const description = document.getElementById(describedBy ?? '');
    expect(description?.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'You will be signed out for inactivity in 2:00. Waypoint signs you out after 15 minutes ' +
        'without activity, so that patient information is not left open on an unattended screen.',
    );
    expect(description?.closest(`.${IDLE_WARNING_PANE_CLASS}`))
      .withContext('pane class')
      .not.toBeNull();

    secondsLeft.set(61);
    await fixture.whenStable();
    const timer = description?.querySelector('[role="timer"]');
    expect(timer?.textContent?.trim()).toBe('1:01');
  });

  it('announces in a polite live region at the marks only, not every second', async () => {
    const { fixture } = open();
    await fixture.whenStable();
    const region = document.querySelector('.mat-mdc-dialog-container [aria-live="polite"]');
    expect(region?.getAttribute('aria-atomic')).toBe('true');
    expect(region?.textContent?.trim()).toBe('');
    secondsLeft.set(90);
    await fixture.whenStable();
    expect(region?.textContent?.trim()).toBe('');
    secondsLeft.set(60);
    await fixture.whenStable();
    expect(region?.textContent?.trim()).toBe('1 minute left before you are signed out for inactivity.');
    secondsLeft.set(45);
    await fixture.whenStable();
    expect(region?.textContent?.trim()).toBe('1 minute left before you are signed out for inactivity.');
  });

  it('starts on "Stay signed in", which answers "stay"', async () => {
    const { handle, loader } = open();
    const dialog = await loader.getHarness(MatDialogHarness);
    const stay = await dialog.getHarness(MatButtonHarness.with({ text: 'Stay signed in' }));
    expect(await stay.isFocused()).toBeTrue();
    await stay.click();
    expect(await handle.choice).toBe('stay');
  });

  it('answers "sign-out" from "Sign out now"', async () => {
    const { handle, loader } = open();
    const dialog = await loader.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Sign out now' }))).click();
    expect(await handle.choice).toBe('sign-out');
  });

  it('takes Escape as "stay"', async () => {
    const { handle, loader } = open();
    const dialog = await loader.getHarness(MatDialogHarness);
    await dialog.close(); // the harness presses Escape
    expect(await handle.choice).toBe('stay');
  });

  it('closes every dialog before the signed-out panel', async () => {
    const { loader } = open();
    TestBed.inject(MatDialog).open(Host);
    expect((await loader.getAllHarnesses(MatDialogHarness)).length).toBe(2);
    closeAllDialogs(TestBed.inject(Injector));
    expect(await loader.getAllHarnesses(MatDialogHarness)).toEqual([]);
  });
});

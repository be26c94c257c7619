import { DOCUMENT } from '@angular/common';
import { DestroyRef, inject, Injectable, Injector, signal } from '@angular/core';
import { NavigationEnd, Router } from '@angular/router';
import { Store } from '@ngrx/store';
import { combineLatest, filter, map, startWith } from 'rxjs';

import { BeforeHooks } from '../../shared/data/within';
import { AuthSession } from '../auth/auth-session';
import { APP_CONFIG } from '../config/waypoint-config';
import { selectSignedIn } from '../state/session/session.feature';
import type { IdleWarningHandle } from './idle-warning-dialog';

/**
 * `off`: no session to watch (signed out, for inactivity too: the store's session state says which).
 * `active`: signed in, counting. `warning`: the countdown dialog is up. `ending`: the
 * `beforeSignOut` hooks are running.
 */
export type IdlePhase = 'off' | 'active' | 'warning' | 'ending';

/** Work to finish before a sign-out for inactivity; see {@link IdleMonitor.beforeSignOut}. */
export type BeforeIdleSignOut = () => void | Promise<void>;

/** How long a sign-out for inactivity waits for each `beforeSignOut` hook. */
export const BEFORE_SIGN_OUT_TIMEOUT_MS = 2000;

/**
 * Input that shows someone is at this tab. Not mousemove: a pointer nudged on a desk is not a
 * person reading. Scrolling by keyboard or scrollbar arrives as keydown or pointerdown; `input`
 * catches dictation software that types without key events.
 */
const INPUT_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'input'] as const;

/** Pages with no session to watch: the sign-in callback (the popup's only page) and the signed-out page. */
const OUTSIDE_SESSION = /^\/(signed-out|signin\/)/;

/** Class of the warning dialog's pane: input inside it answers the warning rather than dismissing it. */
export const IDLE_WARNING_PANE_CLASS = 'wp-idle-warning';

/**
 * Automatic logoff (HIPAA Security Rule, 45 CFR §164.312(a)(2)(iii): "electronic procedures that
 * terminate an electronic session after a predetermined time of inactivity"). After
 * `idleWarningSeconds` short of `idleTimeoutSeconds` without input in this tab (config.json; 13:00
 * of 15:00 by default) a dialog counts down; any input, or "Stay signed in", starts the count again.
 * At the timeout AuthSession.signOutForInactivity() forgets the store's data and revokes the tokens,
 * but keeps unsaved drafts in the DraftStore and the URL: the shell replaces the page with a "Signed
 * out after N minutes without activity" panel whose "Sign in again" signs in in a popup and returns
 * to the same page; once signed in, the count starts again.
 *
 * Before that sign-out it runs the hooks registered with {@link beforeSignOut} (each given
 * {@link BEFORE_SIGN_OUT_TIMEOUT_MS}): the place for an editor to copy its text into the DraftStore
 * or autosave it, while its page is still on screen.
 *
 * Listeners are plain DOM listeners (no change detection; only a phase change or the countdown
 * writes a signal). One timer runs at a time, and every check compares Date.now() with the last
 * input, so a tab whose timers were throttled in the background, or a machine that slept, signs out
 * as soon as it wakes instead of late. Each tab holds its own tokens (sessionStorage), so only this
 * tab's input counts. It never runs without SMART sign-in, on the signed-out page or in the sign-in
 * popup (which only shows the callback page and never signs in itself). provideIdleSignOff() loads
 * and starts it after the first sign-in.
 */
@Injectable({ providedIn: 'root' })
export class IdleMonitor {
  private readonly config = inject(APP_CONFIG);
  private readonly auth = inject(AuthSession);
  private readonly store = inject(Store);
  private readonly router = inject(Router);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  private readonly destroyRef = inject(DestroyRef);

  /** Seconds without input before the sign-out. */
  readonly timeoutSeconds = this.config.idleTimeoutSeconds;
  /** Seconds of countdown before it. */
  readonly warningSeconds = this.config.idleWarningSeconds;

  private readonly currentPhase = signal<IdlePhase>('off');
  readonly phase = this.currentPhase.asReadonly();
  private readonly remaining = signal(0);
  /** Whole seconds before the sign-out, while the warning shows. */
  readonly secondsLeft = this.remaining.asReadonly();

  private readonly hooks = new BeforeHooks(BEFORE_SIGN_OUT_TIMEOUT_MS, 'before-sign-out');
  private lastInput = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private warning: IdleWarningHandle | undefined;
  private started = false;
  private listening = false;
  private readonly onInput = (event: Event): void => this.input(event);
  private readonly onVisibility = (event: Event): void => {
    if (this.document.visibilityState === 'visible') {
      this.input(event);
    }
  };

  private get timeoutMs(): number {
    return this.timeoutSeconds * 1000;
  }

  private get warnAfterMs(): number {
    return (this.timeoutSeconds - this.warningSeconds) * 1000;
  }

  /** Follows the session from now on (once). */
  start(): void {
    if (this.started || !this.auth.enabled) {
      return;
    }
    this.started = true;
    const url$ = this.router.events.pipe(
      filter((event) => event instanceof NavigationEnd),
      map((event) => event.urlAfterRedirects),
      startWith(this.router.url),
    );
    const subscription = combineLatest([this.store.select(selectSignedIn), url$]).subscribe(
      ([signedIn, url]) => this.follow(signedIn && !OUTSIDE_SESSION.test(url)),
    );
    this.destroyRef.onDestroy(() => {
      subscription.unsubscribe();
      this.stop();
    });
  }

  /**
   * Registers work to finish before a sign-out for inactivity, e.g. a notes editor putting its text
   * in the DraftStore or autosaving it. It may return a promise; the sign-out waits for it up to
   * {@link BEFORE_SIGN_OUT_TIMEOUT_MS}, and a failure is logged, never stops the sign-out. Returns the
   * function that unregisters it: `inject(DestroyRef).onDestroy(idle.beforeSignOut(() => …))`.
   */
  beforeSignOut(hook: BeforeIdleSignOut): () => void {
    return this.hooks.add(hook);
  }

  /** "Stay signed in": the count starts again. */
  staySignedIn(): void {
    if (this.phase() !== 'warning') {
      return;
    }
    if (Date.now() - this.lastInput >= this.timeoutMs) {
      void this.expire(); // a late click on a tab whose timers were throttled
      return;
    }
    this.lastInput = Date.now();
    this.resume();
  }

  /** "Sign out now": the full sign-out, which discards drafts. */
  async signOut(): Promise<void> {
    this.listen(false);
    this.clearTimer();
    this.closeWarning();
    await this.auth.signOut();
    this.stop();
  }

  /** `inSession`: signed in, and on one of the app's pages. */
  private follow(inSession: boolean): void {
    if (inSession && this.phase() === 'off') {
      this.watch();
    } else if (!inSession && this.phase() !== 'off') {
      this.stop(); // also when signed out some other way while the hooks ran
    }
  }

  private watch(): void {
    this.lastInput = Date.now();
    this.listen(true);
    this.currentPhase.set('active');
    this.schedule(this.warnAfterMs);
  }

  private stop(): void {
    this.listen(false);
    this.clearTimer();
    this.closeWarning();
    this.currentPhase.set('off');
  }

  private resume(): void {
    this.closeWarning();
    this.currentPhase.set('active');
    this.schedule(this.warnAfterMs - (Date.now() - this.lastInput));
  }

  /** Runs when a timer fires: on to the warning, a countdown step, or the sign-out. */
  private check(): void {
    const idle = Date.now() - this.lastInput;
    if (idle >= this.timeoutMs) {
      void this.expire();
      return;
    }
    if (idle < this.warnAfterMs) {
      this.schedule(this.warnAfterMs - idle);
      return;
    }
    const left = this.timeoutMs - idle;
    this.remaining.set(Math.ceil(left / 1000));
    if (this.phase() !== 'warning') {
      this.currentPhase.set('warning');
      void this.openWarning();
    }
    this.schedule(left % 1000 || 1000); // the next whole second
  }

  private input(event: Event): void {
    const phase = this.phase();
    if (phase !== 'active' && phase !== 'warning') {
      return;
    }
    if (phase === 'warning' && answersWarning(event)) {
      return; // the dialog's own buttons (and Escape) decide
    }
    const now = Date.now();
    if (now - this.lastInput >= this.timeoutMs) {
      void this.expire(); // overdue: the first input after a throttled or sleeping spell
      return;
    }
    this.lastInput = now;
    if (phase === 'warning') {
      this.resume();
    }
  }

  private async expire(): Promise<void> {
    if (this.phase() !== 'active' && this.phase() !== 'warning') {
      return;
    }
    this.listen(false);
    this.clearTimer();
    this.closeWarning();
    this.currentPhase.set('ending');
    await this.hooks.run();
    if (this.phase() !== 'ending') {
      return;
    }
    await this.closeDialogs();
    if (this.phase() === 'ending') {
      await this.auth.signOutForInactivity(); // the store's session change stops this monitor
    }
  }

  private async openWarning(): Promise<void> {
    try {
      const { openIdleWarning } = await import('./idle-warning-dialog');
      if (this.phase() !== 'warning' || this.warning) {
        return; // answered, or ended, while the dialog was loading
      }
      const handle = openIdleWarning(this.injector, {
        secondsLeft: this.secondsLeft,
        timeoutSeconds: this.timeoutSeconds,
        warningSeconds: this.warningSeconds,
      });
      this.warning = handle;
      const choice = await handle.choice;
      if (this.warning !== handle) {
        return; // closed by the monitor itself
      }
      this.warning = undefined;
      if (choice === 'sign-out') {
        await this.signOut();
      } else {
        this.staySignedIn();
      }
    } catch (error) {
      // Without the dialog the sign-out still comes on time, and any input still postpones it.
      console.error('The inactivity warning could not be shown', error);
    }
  }

  private closeWarning(): void {
    const warning = this.warning;
    this.warning = undefined;
    warning?.close();
  }

  /** Other dialogs (a patient's risk points, an export) would stay on top of the panel. */
  private async closeDialogs(): Promise<void> {
    try {
      const { closeAllDialogs } = await import('./idle-warning-dialog');
      closeAllDialogs(this.injector);
    } catch (error) {
      console.error('Dialogs could not be closed', error);
    }
  }

  private schedule(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => this.check(), Math.max(0, ms));
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private listen(on: boolean): void {
    if (on === this.listening) {
      return;
    }
    this.listening = on;
    const options: AddEventListenerOptions = { capture: true, passive: true };
    // Not the window's focus event: opening the warning moves focus into it, and a browser may focus the window
    // for that — the warning would dismiss itself. Coming back to the tab is `visibilitychange`, or input.
    if (on) {
      INPUT_EVENTS.forEach((type) => this.document.addEventListener(type, this.onInput, options));
      this.document.addEventListener('visibilitychange', this.onVisibility);
    } else {
      INPUT_EVENTS.forEach((type) => this.document.removeEventListener(type, this.onInput, options));
      this.document.removeEventListener('visibilitychange', this.onVisibility);
    }
  }
}

/** Keys that move between or press the warning's buttons, and modifiers held for them (Shift+Tab). */
const ANSWER_KEYS = new Set(['Tab', 'Enter', ' ', 'Escape', 'Shift', 'Control', 'Alt', 'Meta']);

/**
 * Input that works the warning's buttons, which must not be pre-empted: a pointerdown on "Sign out
 * now" would otherwise dismiss the dialog before its click. Any other input (a wheel over the
 * dialog, a letter key) dismisses it.
 */
function answersWarning(event: Event): boolean {
  const target = event.target;
  if (!(target instanceof Element) || target.closest(`.${IDLE_WARNING_PANE_CLASS}`) === null) {
    return false;
  }
  if (event instanceof KeyboardEvent) {
    return ANSWER_KEYS.has(event.key);
  }
  return (event.type === 'pointerdown' || event.type === 'touchstart') && target.closest('button') !== null;
}

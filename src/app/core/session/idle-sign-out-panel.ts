import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';

import { AuthSession } from '../auth/auth-session';
import { APP_CONFIG } from '../config/waypoint-config';
import { PRODUCT_NAME } from '../layout/page-title-strategy';
import { formatDuration } from './idle-time';

/**
 * Replaces the whole app after a sign-out for inactivity (the shell renders it instead of the page
 * and hides everything else): nothing about patients stays on screen, in the DOM or in the
 * accessibility tree. Unsaved drafts are still in memory; "Sign in again" brings the same page back
 * with them, "Sign out" is the full sign-out that discards them.
 */
@Component({
  selector: 'wp-idle-sign-out-panel',
  imports: [MatButtonModule, MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <main class="panel" aria-labelledby="wp-idle-sign-out-title">
      <p class="product">
        <mat-icon class="product-icon" aria-hidden="true">explore</mat-icon>{{ productName }}
      </p>
      <mat-icon class="icon" aria-hidden="true">lock_clock</mat-icon>
      <h1 #title id="wp-idle-sign-out-title" class="title" tabindex="-1">
        Signed out after {{ idleTime }} without activity
      </h1>
      <p class="message">
        Your session was ended and the page hidden to protect patient information. Unsaved text is kept in
        this window: sign in again to return to where you were. Signing out discards it.
      </p>
      @if (failed()) {
        <p class="error" role="alert">
          Sign-in did not complete. Try again; if no sign-in window opens, allow pop-ups for this site.
        </p>
      }
      <div class="actions">
        <button mat-flat-button type="button" (click)="signInAgain()">Sign in again</button>
        <button mat-button type="button" (click)="signOut()">Sign out</button>
      </div>
    </main>
  `,
  styles: `
    :host {
      position: fixed;
      inset: 0;
      z-index: 1000;
      display: grid;
      place-items: center;
      padding: 24px;
      overflow: auto;
      background: var(--mat-sys-surface);
      color: var(--mat-sys-on-surface);
    }
    .panel {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 12px;
      max-width: 36rem;
      padding: 32px 24px;
      text-align: center;
      border-radius: var(--mat-sys-corner-large);
      background: var(--mat-sys-surface-container-low);
    }
    .product {
      display: inline-flex;
      align-items: center;
      gap: 8px;
      margin: 0;
      font: var(--mat-sys-title-medium);
    }
    .product-icon,
    .icon {
      color: var(--mat-sys-primary);
    }
    .icon {
      width: 48px;
      height: 48px;
      font-size: 48px;
    }
    .title {
      margin: 0;
      font: var(--mat-sys-headline-small);
      outline: none;
    }
    .message {
      margin: 0;
      font: var(--mat-sys-body-large);
      color: var(--mat-sys-on-surface-variant);
    }
    .error {
      margin: 0;
      padding: 8px 16px;
      border-radius: var(--mat-sys-corner-small);
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      justify-content: center;
      gap: 8px;
      margin-top: 8px;
    }
  `,
})
export class IdleSignOutPanel {
  private readonly auth = inject(AuthSession);
  private readonly title = viewChild.required<ElementRef<HTMLElement>>('title');
  protected readonly productName = PRODUCT_NAME;
  protected readonly idleTime = formatDuration(inject(APP_CONFIG).idleTimeoutSeconds);
  protected readonly failed = signal(false);
  private pending = false;

  constructor() {
    // The page under the focus is gone: start screen readers and the keyboard here.
    afterNextRender(() => this.title().nativeElement.focus());
  }

  protected async signInAgain(): Promise<void> {
    if (this.pending) {
      return; // the popup is already open
    }
    this.pending = true;
    this.failed.set(false);
    try {
      this.failed.set(!(await this.auth.signInAgain()));
    } finally {
      this.pending = false;
    }
  }

  protected signOut(): void {
    void this.auth.signOut();
  }
}

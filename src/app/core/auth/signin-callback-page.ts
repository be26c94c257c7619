import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, type OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressSpinner } from '@angular/material/progress-spinner';
import { RouterLink } from '@angular/router';

import { normalizeError } from '../errors/app-error';
import { AuthSession } from './auth-session';

/** `/signin/callback`: where the authorization server sends the browser back with the code. */
@Component({
  selector: 'wp-signin-callback-page',
  imports: [MatProgressSpinner, MatButtonModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (handedOver()) {
      <h1 class="wp-page-title">Sign-in finished</h1>
      <p>You are signed in again in the Waypoint window. If this window stays open, you can close it.</p>
    } @else if (error(); as message) {
      <h1 class="wp-page-title">Sign-in did not complete</h1>
      <p role="alert">{{ message }}</p>
      <a mat-flat-button routerLink="/">Try again</a>
    } @else {
      <h1 class="wp-page-title">Signing you in…</h1>
      <mat-progress-spinner mode="indeterminate" diameter="40" aria-label="Signing in" />
    }
  `,
})
export default class SigninCallbackPage implements OnInit {
  private readonly auth = inject(AuthSession);
  private readonly document = inject(DOCUMENT);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly handedOver = signal(false);

  ngOnInit(): void {
    this.auth.completeSignIn(this.document.location.href).then(
      (result) => this.handedOver.set(result === 'handed-over'),
      (error: unknown) => {
        console.error(error);
        this.error.set(normalizeError(error).message.replace(/^Something went wrong: /, ''));
      },
    );
  }
}

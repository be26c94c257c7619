import { inject, Injectable, Injector } from '@angular/core';
import type { MatSnackBarRef, TextOnlySnackBar } from '@angular/material/snack-bar';
import { firstValueFrom } from 'rxjs';

/**
 * Shows error messages in a snackbar. The snackbar (and the CDK overlay under it) is loaded on first
 * use, keeping ~35 kB out of the initial bundle: most sessions never see an unexpected error.
 */
@Injectable({ providedIn: 'root' })
export class ErrorNotifier {
  private readonly injector = inject(Injector);
  private current: { readonly message: string; readonly ref: MatSnackBarRef<TextOnlySnackBar> } | undefined;
  private queue: Promise<void> = Promise.resolve();

  /** Resolves once the message is on screen (or was already showing). */
  show(message: string): Promise<void> {
    this.queue = this.queue
      .then(() => this.open(message))
      .catch((error: unknown) => {
        // Never rethrow into the ErrorHandler that called us: that would loop.
        console.error('Could not show the error message', error);
      });
    return this.queue;
  }

  /**
   * Shows a message with an action and resolves when the user takes it (a click, so a popup opened
   * next is not blocked). Shown again if another message pushes it away.
   */
  async prompt(message: string, action: string): Promise<void> {
    const { MatSnackBar } = await import('@angular/material/snack-bar');
    for (;;) {
      const ref = this.injector.get(MatSnackBar).open(message, action, { politeness: 'assertive' });
      const { dismissedByAction } = await firstValueFrom(ref.afterDismissed());
      if (dismissedByAction) {
        return;
      }
    }
  }

  /** Resolves when every message asked for so far is on screen. */
  whenIdle(): Promise<void> {
    return this.queue;
  }

  private async open(message: string): Promise<void> {
    if (this.current?.message === message) {
      return; // the same message is already on screen
    }
    const { MatSnackBar } = await import('@angular/material/snack-bar');
    const ref = this.injector.get(MatSnackBar).open(message, 'Dismiss', {
      duration: 10000,
      politeness: 'assertive',
      panelClass: 'wp-error-snackbar',
    });
    const current = { message, ref };
    this.current = current;
    ref.afterDismissed().subscribe(() => {
      if (this.current === current) {
        this.current = undefined;
      }
    });
  }
}

import { type ErrorHandler, inject, Injectable, Injector } from '@angular/core';

import { normalizeError } from './app-error';
import { ErrorNotifier } from './error-notifier';

/**
 * The one place unexpected errors end up: logged for developers, told to the user in a snackbar.
 * Expected failures (a 404 in a panel, a 412 on save) are shown inline by the feature instead.
 */
@Injectable()
export class GlobalErrorHandler implements ErrorHandler {
  // Resolved lazily: the ErrorHandler is created before most of the app.
  private readonly injector = inject(Injector);

  handleError(error: unknown): void {
    console.error(error);
    void this.injector.get(ErrorNotifier).show(normalizeError(error).message);
  }
}

import { HttpContextToken, type HttpInterceptorFn } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import { finalize } from 'rxjs';

/** Mark a request as background work (e.g. a silent token refresh) so it does not show the progress bar. */
export const BACKGROUND_REQUEST = new HttpContextToken<boolean>(() => false);

/** Counts HTTP requests in flight; the shell shows a progress bar while `busy()`. */
@Injectable({ providedIn: 'root' })
export class HttpActivity {
  private readonly inFlight = signal(0);
  readonly busy = computed(() => this.inFlight() > 0);

  started(): void {
    this.inFlight.update((n) => n + 1);
  }

  finished(): void {
    this.inFlight.update((n) => Math.max(0, n - 1));
  }
}

/** One job: count the request while it is in flight (success, error or cancellation alike). */
export const httpActivityInterceptor: HttpInterceptorFn = (req, next) => {
  if (req.context.get(BACKGROUND_REQUEST)) {
    return next(req);
  }
  const activity = inject(HttpActivity);
  activity.started();
  return next(req).pipe(finalize(() => activity.finished()));
};

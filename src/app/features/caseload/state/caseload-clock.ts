import { InjectionToken } from '@angular/core';

/** "Now" for the caseload: the load's as-of instant. Tests provide a fixed clock. */
export const CASELOAD_CLOCK = new InjectionToken<() => Date>('CASELOAD_CLOCK', {
  providedIn: 'root',
  factory: () => () => new Date(),
});

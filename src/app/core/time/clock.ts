import { InjectionToken } from '@angular/core';

/** "Now" for every view: the instant a load is evaluated at. Tests provide a fixed clock. */
export const CLOCK = new InjectionToken<() => Date>('CLOCK', {
  providedIn: 'root',
  factory: () => () => new Date(),
});

import { InjectionToken } from '@angular/core';

/** "Now" for the patient header (risk and program week as of then). Tests provide a fixed clock. */
export const PATIENT_CLOCK = new InjectionToken<() => Date>('PATIENT_CLOCK', {
  providedIn: 'root',
  factory: () => () => new Date(),
});

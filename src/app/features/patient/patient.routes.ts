import { type Routes } from '@angular/router';
import { provideEffects } from '@ngrx/effects';
import { provideState } from '@ngrx/store';

import { PatientPage } from './patient-page';
import * as patientEffects from './state/patient.effects';
import { patientFeature } from './state/patient.feature';

export default [
  {
    path: ':id',
    title: 'Patient',
    component: PatientPage,
    providers: [provideState(patientFeature), provideEffects(patientEffects)],
  },
] satisfies Routes;

import { type Routes } from '@angular/router';
import { provideEffects } from '@ngrx/effects';
import { provideState } from '@ngrx/store';

import { PatientPage } from './patient-page';
import * as patientEffects from './state/patient.effects';
import { patientFeature } from './state/patient.feature';

export default [
  {
    path: '',
    providers: [provideState(patientFeature), provideEffects(patientEffects)],
    // A patient's notes (`:id/notes/…`) are the notes feature's routes, registered before these in app.routes.
    children: [{ path: ':id', title: 'Patient', component: PatientPage }],
  },
] satisfies Routes;

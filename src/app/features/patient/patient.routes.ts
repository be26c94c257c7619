import { Routes } from '@angular/router';

import { PatientPage } from './patient-page';

export default [{ path: ':id', title: 'Patient', component: PatientPage }] satisfies Routes;

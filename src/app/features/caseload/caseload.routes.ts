import { type Routes } from '@angular/router';
import { provideEffects } from '@ngrx/effects';
import { provideState } from '@ngrx/store';

import { CaseloadPage } from './caseload-page';
import * as caseloadEffects from './state/caseload.effects';
import { caseloadFeature } from './state/caseload.feature';

export default [
  {
    path: '',
    providers: [provideState(caseloadFeature), provideEffects(caseloadEffects)],
    children: [
      { path: '', title: 'My caseload', component: CaseloadPage },
      { path: 'practitioners/:practitionerId', title: 'Caseload', component: CaseloadPage },
    ],
  },
] satisfies Routes;

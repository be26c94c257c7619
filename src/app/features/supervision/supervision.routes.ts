import { type Routes } from '@angular/router';
import { provideEffects } from '@ngrx/effects';
import { provideState } from '@ngrx/store';

import * as supervisionEffects from './state/supervision.effects';
import { supervisionFeature } from './state/supervision.feature';
import { SupervisionPage } from './supervision-page';

export default [
  {
    path: '',
    providers: [provideState(supervisionFeature), provideEffects(supervisionEffects)],
    children: [{ path: '', title: 'Supervision', component: SupervisionPage }],
  },
] satisfies Routes;

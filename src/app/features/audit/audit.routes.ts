import { type Routes } from '@angular/router';
import { provideEffects } from '@ngrx/effects';
import { provideState } from '@ngrx/store';

import { AuditPage } from './audit-page';
import * as auditEffects from './state/audit.effects';
import { auditFeature } from './state/audit.feature';

export default [
  {
    path: '',
    providers: [provideState(auditFeature), provideEffects(auditEffects)],
    children: [{ path: '', title: 'Audit report', component: AuditPage }],
  },
] satisfies Routes;

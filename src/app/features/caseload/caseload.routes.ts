import { Routes } from '@angular/router';

import { CaseloadPage } from './caseload-page';

export default [{ path: '', title: 'My caseload', component: CaseloadPage }] satisfies Routes;

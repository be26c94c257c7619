import { type Routes } from '@angular/router';

import { CoordinationPage } from './coordination-page';

export default [{ path: '', title: 'Coordination', component: CoordinationPage }] satisfies Routes;

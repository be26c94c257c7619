import { type Routes } from '@angular/router';

import { SupervisionPage } from './supervision-page';

export default [{ path: '', title: 'Supervision', component: SupervisionPage }] satisfies Routes;

import { type Routes } from '@angular/router';
import { provideEffects } from '@ngrx/effects';
import { provideState } from '@ngrx/store';

import { AdherencePage } from './adherence-page';
import { CmLedgerPage } from './cm-ledger-page';
import { CmProgramPage } from './cm-program-page';
import { CoordinationShell } from './coordination-shell';
import * as coordinationEffects from './state/coordination.effects';
import { coordinationFeature } from './state/coordination.feature';
import { TaskFormPage } from './task-form-page';
import { TasksPage } from './tasks-page';

/**
 * The care coordinator's workspace under one heading ("Coordination") with its sections as tabs: the adherence
 * grid and chart, the follow-up tasks, and the contingency-management ledger.
 */
export default [
  {
    path: '',
    component: CoordinationShell,
    providers: [provideState(coordinationFeature), provideEffects(coordinationEffects)],
    children: [
      { path: '', title: 'Coordination', component: AdherencePage },
      { path: 'tasks', title: 'My tasks', component: TasksPage, data: { view: 'mine' } },
      { path: 'tasks/overdue', title: 'Overdue tasks', component: TasksPage, data: { view: 'overdue' } },
      { path: 'tasks/open', title: 'Open tasks', component: TasksPage, data: { view: 'open' } },
      { path: 'tasks/new', title: 'New task', component: TaskFormPage },
      { path: 'tasks/:taskId', title: 'Edit task', component: TaskFormPage },
      { path: 'cm', title: 'Contingency management', component: CmProgramPage },
      { path: 'patients/:patientId/cm', title: 'CM ledger', component: CmLedgerPage },
    ],
  },
] satisfies Routes;

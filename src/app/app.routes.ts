import { Routes } from '@angular/router';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'caseload' },
  { path: 'caseload', loadChildren: () => import('./features/caseload/caseload.routes') },
  { path: 'patients', loadChildren: () => import('./features/patient/patient.routes') },
  { path: 'supervision', loadChildren: () => import('./features/supervision/supervision.routes') },
  { path: 'coordination', loadChildren: () => import('./features/coordination/coordination.routes') },
  { path: 'audit', loadChildren: () => import('./features/audit/audit.routes') },
  { path: '**', title: 'Page not found', loadComponent: () => import('./core/layout/not-found-page') },
];

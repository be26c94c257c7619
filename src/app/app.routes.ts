import { type Routes } from '@angular/router';

import { authGuard } from './core/auth/auth.guard';

export const routes: Routes = [
  // Outside the guard: the OAuth redirect target and the page shown after sign-out.
  {
    path: 'signin/callback',
    title: 'Signing in',
    loadComponent: () => import('./core/auth/signin-callback-page'),
  },
  { path: 'signed-out', title: 'Signed out', loadComponent: () => import('./core/auth/signed-out-page') },
  {
    path: '',
    canActivateChild: [authGuard],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'caseload' },
      { path: 'caseload', loadChildren: () => import('./features/caseload/caseload.routes') },
      // Before `patients`: a note of a patient is the notes feature's (its own URL, so a reload returns to it).
      {
        path: 'patients/:patientId/notes',
        loadChildren: () => import('./features/notes/patient-notes.routes'),
      },
      { path: 'patients', loadChildren: () => import('./features/patient/patient.routes') },
      { path: 'notes', loadChildren: () => import('./features/notes/notes.routes') },
      { path: 'supervision', loadChildren: () => import('./features/supervision/supervision.routes') },
      { path: 'coordination', loadChildren: () => import('./features/coordination/coordination.routes') },
      { path: 'audit', loadChildren: () => import('./features/audit/audit.routes') },
      { path: '**', title: 'Page not found', loadComponent: () => import('./core/layout/not-found-page') },
    ],
  },
];

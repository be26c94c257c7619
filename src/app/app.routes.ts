import { type Routes } from '@angular/router';

import { authGuard } from './core/auth/auth.guard';
import { roleHome, sectionForRole, sectionOfOtherRole } from './core/layout/role-access';

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
      // The role's home (core/layout/nav-links.ts); also where sign-in lands when no other page was asked for.
      { path: '', pathMatch: 'full', canActivate: [roleHome], children: [] },
      // Each section only for the roles that use it; otherwise the "not available" route below matches.
      {
        path: 'caseload',
        canMatch: [sectionForRole],
        loadChildren: () => import('./features/caseload/caseload.routes'),
      },
      // Before `patients`: a note of a patient is the notes feature's (its own URL, so a reload returns to it).
      {
        path: 'patients/:patientId/notes',
        loadChildren: () => import('./features/notes/patient-notes.routes'),
      },
      { path: 'patients', loadChildren: () => import('./features/patient/patient.routes') },
      {
        path: 'notes',
        canMatch: [sectionForRole],
        loadChildren: () => import('./features/notes/notes.routes'),
      },
      {
        path: 'supervision',
        canMatch: [sectionForRole],
        loadChildren: () => import('./features/supervision/supervision.routes'),
      },
      {
        path: 'coordination',
        canMatch: [sectionForRole],
        loadChildren: () => import('./features/coordination/coordination.routes'),
      },
      {
        path: 'audit',
        canMatch: [sectionForRole],
        loadChildren: () => import('./features/audit/audit.routes'),
      },
      {
        path: '**',
        canMatch: [sectionOfOtherRole],
        title: 'Not available for your role',
        loadComponent: () => import('./core/layout/not-available-page'),
      },
      { path: '**', title: 'Page not found', loadComponent: () => import('./core/layout/not-found-page') },
    ],
  },
];

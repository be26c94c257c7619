import { type Routes } from '@angular/router';
import { provideEffects } from '@ngrx/effects';
import { provideState } from '@ngrx/store';

import { NoteViewPage } from './note-view-page';
import { PatientPage } from './patient-page';
import * as patientEffects from './state/patient.effects';
import { patientFeature } from './state/patient.feature';

export default [
  {
    path: '',
    providers: [provideState(patientFeature), provideEffects(patientEffects)],
    children: [
      { path: ':id', title: 'Patient', component: PatientPage },
      // Read-only until the notes editor (features/notes) takes this path over.
      { path: ':id/notes/:noteId', title: 'Session note', component: NoteViewPage },
    ],
  },
] satisfies Routes;

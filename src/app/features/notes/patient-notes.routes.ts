import { type CanDeactivateFn, type Routes } from '@angular/router';

import { NewNotePage } from './new-note-page';
import { NoteEditorPage } from './note-editor-page';

/** Leaving a note saves it first (docs/notes.md, "Drafts never lost"). */
export const saveBeforeLeaving: CanDeactivateFn<NoteEditorPage> = (page) => page.canLeave();

/** `/patients/:patientId/notes/…`: a new note, and a note at its own URL. */
export default [
  { path: 'new', title: 'New note', component: NewNotePage },
  { path: ':noteId', title: 'Session note', component: NoteEditorPage, canDeactivate: [saveBeforeLeaving] },
] satisfies Routes;

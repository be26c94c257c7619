import { type Routes } from '@angular/router';

import { CosignQueuePage } from './cosign-queue-page';
import { MyNotesPage } from './my-notes-page';

/** `/notes`: my unsigned notes; `/notes/cosign`: the supervisor's co-sign queue. */
export default [
  { path: '', title: 'My unsigned notes', component: MyNotesPage },
  { path: 'cosign', title: 'Co-sign queue', component: CosignQueuePage },
] satisfies Routes;

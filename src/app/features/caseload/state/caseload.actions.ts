import type { OperationOutcome } from '@medplum/fhirtypes';
import { createActionGroup, props } from '@ngrx/store';

import type { CaseloadViewChange } from '../data/caseload-view';

/** Events from the caseload page. `practitioner`: whose caseload (`Practitioner/<id>`), null for mine. */
export const CaseloadPageActions = createActionGroup({
  source: 'Caseload Page',
  events: {
    Opened: props<{ practitioner: string | null }>(),
    Retried: props<{ practitioner: string | null }>(),
    /** A quick filter, the search text or the sort changed; the URL query is updated (not the store). */
    'Filter Changed': props<{ change: CaseloadViewChange }>(),
  },
});

/** Events from the FHIR server. */
export const CaseloadApiActions = createActionGroup({
  source: 'Caseload API',
  events: {
    /**
     * `keys`: the resources of the caseload (in the root resources table); `asOf`: the ISO instant the view was
     * loaded at; `practitioner`: whose caseload it is.
     */
    'Load Succeeded': props<{ practitioner: string; keys: string[]; asOf: string }>(),
    'Load Failed': props<{ practitioner: string | null; outcome: OperationOutcome }>(),
  },
});

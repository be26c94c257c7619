import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import { createActionGroup, emptyProps, props } from '@ngrx/store';

import type { CaseloadViewChange } from '../data/caseload-view';

/** Events from the caseload page. */
export const CaseloadPageActions = createActionGroup({
  source: 'Caseload Page',
  events: {
    Opened: emptyProps(),
    Retried: emptyProps(),
    /** A quick filter, the search text or the sort changed; the URL query is updated (not the store). */
    'Filter Changed': props<{ change: CaseloadViewChange }>(),
  },
});

/** Events from the FHIR server. */
export const CaseloadApiActions = createActionGroup({
  source: 'Caseload API',
  events: {
    /** `asOf`: the ISO instant the caseload was loaded for; the rows are computed as of then. */
    'Load Succeeded': props<{ patientIds: string[]; resources: Resource[]; asOf: string }>(),
    'Load Failed': props<{ outcome: OperationOutcome }>(),
  },
});

import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import { createActionGroup, emptyProps, props } from '@ngrx/store';

import type { CmScheduleReading } from '../../../../../clinical/cm/cm-schedule';
import type { AdherenceViewChange } from '../data/adherence-view';
import type { CmPatientFigures } from '../data/cm-model';

/** Events from the coordination pages (the adherence grid, the task lists and form, the CM pages). */
export const CoordinationPageActions = createActionGroup({
  source: 'Coordination Page',
  events: {
    /** A page that shows the program (grid, tasks, task form, CM totals) was opened or retried. */
    'Program Opened': emptyProps(),
    /** A quick filter, the sort or the charted patient changed; the URL query is updated (not the store). */
    'View Changed': props<{ change: AdherenceViewChange }>(),
    /** One patient's CM ledger was opened or retried. */
    'Ledger Opened': props<{ patientId: string }>(),
    /** The CM program totals were opened or retried (they load with the program, for the patients' names). */
    'Cm Totals Opened': emptyProps(),
    /** A write the page made succeeded: the server's version of what it wrote. */
    Saved: props<{ resources: Resource[] }>(),
  },
});

/** Events from the FHIR server. */
export const CoordinationApiActions = createActionGroup({
  source: 'Coordination API',
  events: {
    /**
     * `keys`: the program's resources in the root table; `asOf`: the ISO instant the view was loaded at;
     * `complete`: false while further pages of the program are still on their way (the rows so far).
     */
    'Program Loaded': props<{ keys: string[]; asOf: string; complete: boolean }>(),
    'Program Load Failed': props<{ outcome: OperationOutcome }>(),
    'Ledger Loaded': props<{ patientId: string; keys: string[]; asOf: string }>(),
    'Ledger Load Failed': props<{ patientId: string; outcome: OperationOutcome }>(),
    /** The program's CM figures and the schedule in force (or what is wrong with the clinic's). */
    'Cm Totals Loaded': props<{ figures: CmPatientFigures[]; schedule: CmScheduleReading }>(),
    'Cm Totals Load Failed': props<{ outcome: OperationOutcome }>(),
  },
});

import type { OperationOutcome } from '@medplum/fhirtypes';
import { createActionGroup, props } from '@ngrx/store';

export const PatientPageActions = createActionGroup({
  source: 'Patient Page',
  events: {
    Opened: props<{ patientId: string }>(),
    Retried: props<{ patientId: string }>(),
  },
});

export const PatientApiActions = createActionGroup({
  source: 'Patient API',
  events: {
    /** `keys`: the patient's record in the root resources table; `asOf`: the instant the chart is computed at. */
    'Load Succeeded': props<{ patientId: string; keys: string[]; asOf: string }>(),
    'Load Failed': props<{ patientId: string; outcome: OperationOutcome }>(),
  },
});

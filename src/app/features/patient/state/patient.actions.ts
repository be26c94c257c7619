import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
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
    'Load Succeeded': props<{ patientId: string; resources: Resource[]; asOf: string }>(),
    'Load Failed': props<{ patientId: string; outcome: OperationOutcome }>(),
  },
});

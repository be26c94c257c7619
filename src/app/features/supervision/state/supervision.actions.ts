import type { OperationOutcome } from '@medplum/fhirtypes';
import { createActionGroup, emptyProps, props } from '@ngrx/store';

/** The page's two parts, which load in one batch and fail (and are retried) on their own. */
export type SupervisionPart = 'overview' | 'queue';

/** Events from the Supervision page. */
export const SupervisionPageActions = createActionGroup({
  source: 'Supervision Page',
  events: {
    Opened: emptyProps(),
    Retried: props<{ part: SupervisionPart }>(),
  },
});

/** Events from the FHIR server. */
export const SupervisionApiActions = createActionGroup({
  source: 'Supervision API',
  events: {
    /** `keys`: the overview's resources in the root table; `asOf`: the ISO instant the figures are as of. */
    'Overview Loaded': props<{ keys: string[]; asOf: string }>(),
    'Overview Failed': props<{ outcome: OperationOutcome }>(),
    /** `taskKeys`: the queue's Tasks in the server's order; `includedKeys`: their patients and notes. */
    'Queue Loaded': props<{ taskKeys: string[]; includedKeys: string[] }>(),
    'Queue Failed': props<{ outcome: OperationOutcome }>(),
  },
});

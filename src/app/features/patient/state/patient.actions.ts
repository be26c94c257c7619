import type { OperationOutcome } from '@medplum/fhirtypes';
import { createActionGroup, props } from '@ngrx/store';

import type { ChartRange } from '../../../../../clinical/chart/chart-facts';
import type { PanelId } from '../data/chart-panels';

export const PatientPageActions = createActionGroup({
  source: 'Patient Page',
  events: {
    Opened: props<{ patientId: string }>(),
    /** The page-level Retry (the Patient search failed): the whole record again. */
    Retried: props<{ patientId: string }>(),
    /** A panel's Retry: only the searches that failed for it (`searches`, resource types of the batch). */
    'Panel Retried': props<{ patientId: string; panel: PanelId; searches: string[] }>(),
    'Range Changed': props<{ range: ChartRange }>(),
    /** "Break the glass" with the reason the server records (at least 10 characters). */
    'Break Glass Requested': props<{ patientId: string; reason: string }>(),
    /** Print the chart: the export is audited by the server first. */
    'Print Requested': props<{ patientId: string }>(),
  },
});

/** One search of the record batch as it settled: the keys it returned, or its outcome. */
export type SettledSearchKeys =
  | { readonly search: string; readonly keys: string[] }
  | { readonly search: string; readonly outcome: OperationOutcome };

export const PatientApiActions = createActionGroup({
  source: 'Patient API',
  events: {
    /**
     * `searches`: each search of the batch that ran, with the keys of what it returned (in the root resources
     * table) or the outcome it failed with; `asOf`: the instant the chart is computed at.
     */
    'Searches Settled': props<{ patientId: string; asOf: string; searches: SettledSearchKeys[] }>(),
    /** The batch request itself failed: every search it carried failed with this outcome. */
    'Load Failed': props<{ patientId: string; searches: string[]; outcome: OperationOutcome }>(),
    'Export Recorded': props<{ patientId: string }>(),
    'Export Failed': props<{ patientId: string; outcome: OperationOutcome }>(),
  },
});

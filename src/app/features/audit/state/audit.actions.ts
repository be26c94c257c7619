import type { OperationOutcome } from '@medplum/fhirtypes';
import { createActionGroup, emptyProps, props } from '@ngrx/store';

/** Search parameters of the report's view (data/audit-view.ts `auditSearchParams`). */
export type AuditParams = readonly (readonly [string, string])[];

/** Events from the audit report page. */
export const AuditPageActions = createActionGroup({
  source: 'Audit Page',
  events: {
    /** The page opened, or its view (range, filters, sort) changed in the URL. */
    'Query Changed': props<{ params: AuditParams }>(),
    Retried: props<{ params: AuditParams }>(),
    'More Requested': emptyProps(),
    /** The user confirmed the CSV export in the Part 2 dialog. */
    'Export Confirmed': props<{ params: AuditParams }>(),
  },
});

/** Events from the FHIR server. */
export const AuditApiActions = createActionGroup({
  source: 'Audit API',
  events: {
    /** `names`: the practitioners and patients that name the events and fill the filters (first load only). */
    'Events Loaded': props<{
      eventKeys: string[];
      next: string | null;
      total: number | null;
      names: { practitionerKeys: string[]; patientKeys: string[] } | null;
    }>(),
    'Events Failed': props<{ outcome: OperationOutcome }>(),
    'More Loaded': props<{ eventKeys: string[]; next: string | null }>(),
    'More Failed': props<{ outcome: OperationOutcome }>(),
    /** The server recorded the export (`$report-export`) and the file was handed over. */
    'Export Recorded': props<{ rows: number }>(),
    'Export Failed': props<{ outcome: OperationOutcome }>(),
  },
});

import type { ExtractResource, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { createEntityAdapter, type EntityState } from '@ngrx/entity';
import { createFeature, createReducer, createSelector, on } from '@ngrx/store';

import { type CaseloadRow, toCaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { groupByPatient } from '../../../../../clinical/fhir/patient-record';
import { selectRouteParam } from '../../../core/state/router-state';
import { PATIENT_HEADER_TYPES, type PatientHeaderType } from '../data/patient-request';
import { PatientApiActions, PatientPageActions } from './patient.actions';

export type CallState = 'idle' | 'loading' | 'loaded' | { readonly error: OperationOutcome };

/** One entity table per FHIR resource type, keyed by resource id. */
export type PatientTables = { readonly [K in PatientHeaderType]: EntityState<ExtractResource<K>> };

export interface PatientState {
  readonly resources: PatientTables;
  /** The patient the tables hold; the displayed patient is the URL's (`/patients/:id`). */
  readonly patientId: string | null;
  readonly callState: CallState;
  readonly asOf: string | null;
}

const adapter = createEntityAdapter<Resource>({ selectId: (resource) => resource.id ?? '' });
const { selectAll } = adapter.getSelectors();

function tablesOf(resources: readonly Resource[]): PatientTables {
  return Object.fromEntries(
    PATIENT_HEADER_TYPES.map((type) => [
      type,
      adapter.setAll(
        resources.filter((r) => r.resourceType === type),
        adapter.getInitialState(),
      ),
    ]),
  ) as unknown as PatientTables;
}

export const initialPatientState: PatientState = {
  resources: tablesOf([]),
  patientId: null,
  callState: 'idle',
  asOf: null,
};

export const patientFeature = createFeature({
  name: 'patient',
  reducer: createReducer(
    initialPatientState,
    on(PatientPageActions.opened, PatientPageActions.retried, (state, { patientId }): PatientState =>
      // Another patient's data is dropped at once, never shown under this patient's URL.
      state.patientId === patientId
        ? { ...state, callState: 'loading' }
        : { ...initialPatientState, patientId, callState: 'loading' },
    ),
    on(PatientApiActions.loadSucceeded, (state, { patientId, resources, asOf }): PatientState =>
      state.patientId === patientId
        ? { resources: tablesOf(resources), patientId, callState: 'loaded', asOf }
        : state,
    ),
    on(PatientApiActions.loadFailed, (state, { patientId, outcome }): PatientState =>
      state.patientId === patientId ? { ...state, callState: { error: outcome } } : state,
    ),
  ),
  extraSelectors: ({ selectResources, selectPatientId, selectCallState, selectAsOf }) => {
    const selectUrlPatientId = selectRouteParam('id');
    const selectError = createSelector(selectCallState, (callState) =>
      typeof callState === 'object' ? callState.error : null,
    );
    /** The header facts of the URL's patient, derived by the same clinical reader as the caseload row. */
    const selectHeader = createSelector(
      selectResources,
      selectPatientId,
      selectUrlPatientId,
      selectAsOf,
      (tables, loadedId, urlId, asOf): CaseloadRow | null => {
        if (!asOf || !loadedId || loadedId !== urlId) return null;
        const all = PATIENT_HEADER_TYPES.flatMap((type) => selectAll(tables[type] as EntityState<Resource>));
        const record = groupByPatient(all).get(loadedId);
        return record ? toCaseloadRow(record, asOf) : null;
      },
    );
    return { selectError, selectHeader };
  },
});

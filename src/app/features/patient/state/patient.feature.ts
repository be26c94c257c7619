import { createFeature, createReducer, createSelector, on } from '@ngrx/store';

import { type CaseloadRow, toCaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { isDerived } from '../../../../../clinical/derived/derived-codes';
import { groupByPatient } from '../../../../../clinical/fhir/patient-record';
import { type CallState, callStateError } from '../../../core/state/call-state';
import { selectResourceEntities } from '../../../core/state/resources/resources.feature';
import { selectRouteParam } from '../../../core/state/router-state';
import { PatientApiActions, PatientPageActions } from './patient.actions';

/** The chart view: which patient, the keys of their record in the root resources table, and when. */
export interface PatientState {
  /** The patient the keys belong to; the displayed patient is the URL's (`/patients/:id`). */
  readonly patientId: string | null;
  readonly keys: readonly string[];
  readonly callState: CallState;
  readonly asOf: string | null;
}

export const initialPatientState: PatientState = {
  patientId: null,
  keys: [],
  callState: 'idle',
  asOf: null,
};

export const patientFeature = createFeature({
  name: 'patient',
  reducer: createReducer(
    initialPatientState,
    on(PatientPageActions.opened, PatientPageActions.retried, (state, { patientId }): PatientState =>
      // Another patient's record is dropped at once, never shown under this patient's URL.
      state.patientId === patientId
        ? { ...state, callState: 'loading' }
        : { ...initialPatientState, patientId, callState: 'loading' },
    ),
    on(PatientApiActions.loadSucceeded, (state, { patientId, keys, asOf }): PatientState =>
      state.patientId === patientId ? { patientId, keys, callState: 'loaded', asOf } : state,
    ),
    on(PatientApiActions.loadFailed, (state, { patientId, outcome }): PatientState =>
      state.patientId === patientId ? { ...state, callState: { error: outcome } } : state,
    ),
  ),
  extraSelectors: ({ selectKeys, selectPatientId, selectCallState, selectAsOf }) => {
    const selectUrlPatientId = selectRouteParam('id');
    const selectError = createSelector(selectCallState, callStateError);
    /** The patient's raw record, grouped by the clinical readers (derived resources left out). */
    const selectRecord = createSelector(
      selectResourceEntities,
      selectKeys,
      selectPatientId,
      selectUrlPatientId,
      (entities, keys, loadedId, urlId) => {
        if (!loadedId || loadedId !== urlId) return null;
        const resources = keys.flatMap((key) => entities[key] ?? []).filter((r) => !isDerived(r));
        return groupByPatient(resources).get(loadedId) ?? null;
      },
    );
    /** The header facts, computed live from the raw record by the same rules as the caseload row. */
    const selectHeader = createSelector(selectRecord, selectAsOf, (record, asOf): CaseloadRow | null =>
      record && asOf ? toCaseloadRow(record, asOf) : null,
    );
    return { selectError, selectRecord, selectHeader };
  },
});

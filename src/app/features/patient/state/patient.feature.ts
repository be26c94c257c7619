import type { Resource } from '@medplum/fhirtypes';
import { createFeature, createReducer, createSelector, on } from '@ngrx/store';

import { isDerived } from '../../../../../clinical/derived/derived-codes';
import { groupByPatient, type PatientRecord } from '../../../../../clinical/fhir/patient-record';
import { type CallState, callStateError } from '../../../core/state/call-state';
import { selectResourceEntities } from '../../../core/state/resources/resources.feature';
import { selectQueryParam, selectRouteParam } from '../../../core/state/router-state';
import {
  CHART_SEARCH_NAMES,
  chartRangeOf,
  type PanelId,
  PANELS,
  type PanelState,
  panelState,
  PATIENT_SEARCH,
} from '../data/chart-panels';
import { PatientApiActions, PatientPageActions } from './patient.actions';

/**
 * The chart view: which patient, the keys each search of the record batch returned (in the root resources
 * table), the call state of each search (a panel's state is the worst of its searches'), and when.
 */
export interface PatientState {
  /** The patient the keys belong to; the displayed patient is the URL's (`/patients/:id`). */
  readonly patientId: string | null;
  /** Keys per search (resource type of the batch search), replaced when that search runs again. */
  readonly keys: Readonly<Record<string, readonly string[]>>;
  readonly searches: Readonly<Record<string, CallState>>;
  readonly asOf: string | null;
  /**
   * Break-glass reasons given this session, by patient id: that patient's requests carry the reason. Memory only
   * (cleared with the store at sign-out), never storage.
   */
  readonly breakGlass: Readonly<Record<string, string>>;
  readonly exporting: CallState;
}

export const initialPatientState: PatientState = {
  patientId: null,
  keys: {},
  searches: {},
  asOf: null,
  breakGlass: {},
  exporting: 'idle',
};

/** The searches of the chart's batch, by name (their resource type). */
export const RECORD_SEARCH_NAMES = CHART_SEARCH_NAMES;

function loading(names: readonly string[]): Record<string, CallState> {
  return Object.fromEntries(names.map((n) => [n, 'loading' as const]));
}

function openChart(state: PatientState, patientId: string): PatientState {
  // Another patient's record is dropped at once, never shown under this patient's URL.
  return state.patientId === patientId
    ? { ...state, searches: { ...state.searches, ...loading(RECORD_SEARCH_NAMES) } }
    : {
        ...initialPatientState,
        breakGlass: state.breakGlass,
        patientId,
        searches: loading(RECORD_SEARCH_NAMES),
      };
}

export const patientFeature = createFeature({
  name: 'patient',
  reducer: createReducer(
    initialPatientState,
    on(PatientPageActions.opened, PatientPageActions.retried, (state, { patientId }): PatientState =>
      openChart(state, patientId),
    ),
    on(PatientPageActions.breakGlassRequested, (state, { patientId, reason }): PatientState =>
      openChart({ ...state, breakGlass: { ...state.breakGlass, [patientId]: reason } }, patientId),
    ),
    on(PatientPageActions.panelRetried, (state, { patientId, searches }): PatientState =>
      state.patientId === patientId
        ? { ...state, searches: { ...state.searches, ...loading(searches) } }
        : state,
    ),
    on(PatientApiActions.searchesSettled, (state, { patientId, asOf, searches }): PatientState => {
      if (state.patientId !== patientId) return state;
      const keys = { ...state.keys };
      const calls = { ...state.searches };
      for (const settled of searches) {
        if ('keys' in settled) {
          keys[settled.search] = settled.keys;
          calls[settled.search] = 'loaded';
        } else {
          calls[settled.search] = { error: settled.outcome };
        }
      }
      return { ...state, keys, searches: calls, asOf: state.asOf ?? asOf };
    }),
    on(PatientApiActions.loadFailed, (state, { patientId, searches, outcome }): PatientState =>
      state.patientId === patientId
        ? {
            ...state,
            searches: {
              ...state.searches,
              ...Object.fromEntries(searches.map((s) => [s, { error: outcome }])),
            },
          }
        : state,
    ),
    on(PatientPageActions.printRequested, (state): PatientState => ({ ...state, exporting: 'loading' })),
    on(PatientApiActions.exportRecorded, (state): PatientState => ({ ...state, exporting: 'loaded' })),
    on(PatientApiActions.exportFailed, (state, { outcome }): PatientState => ({
      ...state,
      exporting: { error: outcome },
    })),
  ),
  extraSelectors: ({ selectKeys, selectPatientId, selectSearches, selectBreakGlass }) => {
    const selectUrlPatientId = selectRouteParam('id');
    const selectRange = createSelector(selectQueryParam('range'), chartRangeOf);
    /** Whether the state belongs to the patient in the URL. */
    const selectCurrent = createSelector(
      selectPatientId,
      selectUrlPatientId,
      (loaded, url) => !!loaded && loaded === url,
    );
    /** The page's own state: the Patient search (a patient outside one's scope answers not-found). */
    const selectPageState = createSelector(selectSearches, selectCurrent, (searches, current): CallState =>
      current ? (searches[PATIENT_SEARCH] ?? 'idle') : 'loading',
    );
    const selectError = createSelector(selectPageState, callStateError);
    const selectPanels = createSelector(
      selectSearches,
      (searches) =>
        Object.fromEntries(PANELS.map((p) => [p, panelState(p, searches)])) as Record<PanelId, PanelState>,
    );
    /** Every resource the batch returned for the URL patient (raw and derived). */
    const selectResources = createSelector(
      selectResourceEntities,
      selectKeys,
      selectCurrent,
      (entities, keys, current): Resource[] => {
        if (!current) return [];
        const unique = new Set(Object.values(keys).flat());
        return [...unique].flatMap((key) => entities[key] ?? []);
      },
    );
    /**
     * The patient's raw record, grouped by the clinical readers. Derived resources are left out, except the stored
     * RiskAssessments (the risk-over-time chart reads the weekly ones).
     */
    const selectRecord = createSelector(
      selectResources,
      selectPatientId,
      (resources, id): PatientRecord | null => {
        if (!id) return null;
        return (
          groupByPatient(resources.filter((r) => !isDerived(r) || r.resourceType === 'RiskAssessment')).get(
            id,
          ) ?? null
        );
      },
    );
    /** The break-glass reason in force for the URL patient, if any. */
    const selectBreakGlassReason = createSelector(
      selectBreakGlass,
      selectUrlPatientId,
      (reasons, id): string | null => (id ? (reasons[id] ?? null) : null),
    );
    return {
      selectRange,
      selectPageState,
      selectError,
      selectPanels,
      selectResources,
      selectRecord,
      selectBreakGlassReason,
    };
  },
});

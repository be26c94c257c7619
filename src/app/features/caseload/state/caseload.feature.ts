import type { ExtractResource, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { createEntityAdapter, type EntityState } from '@ngrx/entity';
import { createFeature, createReducer, createSelector, on } from '@ngrx/store';

import { type CaseloadRow, toCaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { activeEpisode, isOnCareTeam } from '../../../../../clinical/fhir/episode';
import { groupByPatient } from '../../../../../clinical/fhir/patient-record';
import { selectQueryParams } from '../../../core/state/router-state';
import { selectUser } from '../../../core/state/session/session.feature';
import { CASELOAD_RESOURCE_TYPES, type CaseloadResourceType } from '../data/caseload-request';
import { applyCaseloadView, parseCaseloadView } from '../data/caseload-view';
import { CaseloadApiActions, CaseloadPageActions } from './caseload.actions';

/** Flights42-style call state: what the last request is doing. */
export type CallState = 'idle' | 'loading' | 'loaded' | { readonly error: OperationOutcome };

/** One entity table per FHIR resource type, keyed by resource id. */
export type ResourceTables = { readonly [K in CaseloadResourceType]: EntityState<ExtractResource<K>> };

export interface CaseloadState {
  readonly resources: ResourceTables;
  /** The caseload: patient ids, in the order the server returned them. */
  readonly patientIds: readonly string[];
  readonly callState: CallState;
  /** ISO instant the loaded data is evaluated at (rows, risk, alerts); null before the first load. */
  readonly asOf: string | null;
}

const adapter = createEntityAdapter<Resource>({ selectId: (resource) => resource.id ?? '' });

function emptyTables(): ResourceTables {
  return Object.fromEntries(
    CASELOAD_RESOURCE_TYPES.map((type) => [type, adapter.getInitialState()]),
  ) as unknown as ResourceTables;
}

function tablesOf(resources: readonly Resource[]): ResourceTables {
  const byType = new Map<string, Resource[]>(CASELOAD_RESOURCE_TYPES.map((type) => [type, []]));
  for (const resource of resources) {
    byType.get(resource.resourceType)?.push(resource);
  }
  return Object.fromEntries(
    CASELOAD_RESOURCE_TYPES.map((type) => [
      type,
      adapter.setAll(byType.get(type) ?? [], adapter.getInitialState()),
    ]),
  ) as unknown as ResourceTables;
}

export const initialCaseloadState: CaseloadState = {
  resources: emptyTables(),
  patientIds: [],
  callState: 'idle',
  asOf: null,
};

const { selectAll } = adapter.getSelectors();

/** Every resource of every table, as one flat list (the clinical readers' input). */
function allResources(tables: ResourceTables): Resource[] {
  return CASELOAD_RESOURCE_TYPES.flatMap((type) => selectAll(tables[type] as EntityState<Resource>));
}

export const caseloadFeature = createFeature({
  name: 'caseload',
  reducer: createReducer(
    initialCaseloadState,
    on(CaseloadPageActions.opened, CaseloadPageActions.retried, (state): CaseloadState => ({
      ...state,
      callState: 'loading',
    })),
    on(CaseloadApiActions.loadSucceeded, (_state, { patientIds, resources, asOf }): CaseloadState => ({
      resources: tablesOf(resources),
      patientIds,
      callState: 'loaded',
      asOf,
    })),
    on(CaseloadApiActions.loadFailed, (state, { outcome }): CaseloadState => ({
      ...state,
      callState: { error: outcome },
    })),
  ),
  extraSelectors: ({ selectResources, selectPatientIds, selectCallState, selectAsOf }) => {
    const selectLoading = createSelector(selectCallState, (callState) => callState === 'loading');
    const selectError = createSelector(selectCallState, (callState) =>
      typeof callState === 'object' ? callState.error : null,
    );
    const selectLoaded = createSelector(selectAsOf, (asOf) => asOf !== null);
    /**
     * One row per caseload patient, built by the clinical readers: the patient's resources grouped
     * (`groupByPatient`) and derived as of the load time (`toCaseloadRow`). A patient the server
     * matched but who, read precisely, is not on an active care team of mine or has no active episode
     * is left out.
     */
    const selectRows = createSelector(
      selectResources,
      selectPatientIds,
      selectAsOf,
      selectUser,
      (tables, patientIds, asOf, user): CaseloadRow[] => {
        if (asOf === null) return [];
        const records = groupByPatient(allResources(tables));
        const me = user?.fhirUser ? { reference: user.fhirUser } : undefined;
        const rows: CaseloadRow[] = [];
        for (const id of patientIds) {
          const record = records.get(id);
          if (!record || !activeEpisode(record, asOf) || (me && !isOnCareTeam(record, me, asOf))) continue;
          rows.push(toCaseloadRow(record, asOf));
        }
        return rows;
      },
    );
    const selectView = createSelector(selectQueryParams, (params) => parseCaseloadView(params));
    const selectVisible = createSelector(selectRows, selectView, (rows, view) =>
      applyCaseloadView(rows, view),
    );
    return { selectLoading, selectError, selectLoaded, selectRows, selectView, selectVisible };
  },
});

export const {
  selectCaseloadState,
  selectResources,
  selectPatientIds,
  selectCallState,
  selectAsOf,
  selectLoading,
  selectError,
  selectLoaded,
  selectRows,
  selectView,
  selectVisible,
} = caseloadFeature;

/** A patient's row by id (the patient page shows the same risk as the caseload). */
export const selectRowById = (patientId: string) =>
  createSelector(selectRows, (rows) => rows.find((row) => row.patientId === patientId));

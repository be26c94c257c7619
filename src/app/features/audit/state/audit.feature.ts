import type { AuditEvent, Patient, Practitioner, Resource } from '@medplum/fhirtypes';
import { createFeature, createReducer, createSelector, on } from '@ngrx/store';

import { patientName } from '../../../../../clinical/fhir/patient-facts';
import { staffName } from '../../../../../clinical/workspaces/team-overview';
import { type CallState, callStateError } from '../../../core/state/call-state';
import { selectResourceEntities } from '../../../core/state/resources/resources.feature';
import { type AuditRow, auditRow } from '../data/audit-rows';
import { AuditApiActions, AuditPageActions } from './audit.actions';

export interface AuditState {
  /** The events shown, in the server's order (keys into the root resources table). */
  readonly eventKeys: readonly string[];
  /** The server's `next` link, for "Load more". */
  readonly next: string | null;
  /** How many events match, when the server counted them. */
  readonly total: number | null;
  readonly callState: CallState;
  readonly moreState: CallState;
  /** The Practitioners and Patients that name the events; null until loaded. */
  readonly names: {
    readonly practitionerKeys: readonly string[];
    readonly patientKeys: readonly string[];
  } | null;
  readonly exportState: CallState | { readonly exported: number };
}

export const initialAuditState: AuditState = {
  eventKeys: [],
  next: null,
  total: null,
  callState: 'idle',
  moreState: 'idle',
  names: null,
  exportState: 'idle',
};

export interface NameOption {
  readonly reference: string;
  readonly name: string;
}

const byName = (a: NameOption, b: NameOption) =>
  a.name.localeCompare(b.name) || a.reference.localeCompare(b.reference);

export const auditFeature = createFeature({
  name: 'audit',
  reducer: createReducer(
    initialAuditState,
    on(AuditPageActions.queryChanged, AuditPageActions.retried, (state): AuditState => ({
      ...state,
      callState: 'loading',
      moreState: 'idle',
    })),
    on(AuditApiActions.eventsLoaded, (state, { eventKeys, next, total, names }): AuditState => ({
      ...state,
      eventKeys,
      next,
      total,
      names: names ?? state.names,
      callState: 'loaded',
    })),
    on(AuditApiActions.eventsFailed, (state, { outcome }): AuditState => ({
      ...state,
      callState: { error: outcome },
    })),
    on(AuditPageActions.moreRequested, (state): AuditState => ({ ...state, moreState: 'loading' })),
    on(AuditApiActions.moreLoaded, (state, { eventKeys, next }): AuditState => ({
      ...state,
      eventKeys: [...state.eventKeys, ...eventKeys.filter((k) => !state.eventKeys.includes(k))],
      next,
      moreState: 'loaded',
    })),
    on(AuditApiActions.moreFailed, (state, { outcome }): AuditState => ({
      ...state,
      moreState: { error: outcome },
    })),
    on(AuditPageActions.exportConfirmed, (state): AuditState => ({ ...state, exportState: 'loading' })),
    on(AuditApiActions.exportRecorded, (state, { rows }): AuditState => ({
      ...state,
      exportState: { exported: rows },
    })),
    on(AuditApiActions.exportFailed, (state, { outcome }): AuditState => ({
      ...state,
      exportState: { error: outcome },
    })),
  ),
  extraSelectors: ({ selectEventKeys, selectNames, selectCallState, selectMoreState, selectExportState }) => {
    const selectUserOptions = createSelector(selectResourceEntities, selectNames, (entities, names) =>
      (names?.practitionerKeys ?? [])
        .map((key) => entities[key])
        .filter((r): r is Practitioner => r?.resourceType === 'Practitioner')
        .map((p): NameOption => {
          const reference = `Practitioner/${p.id ?? ''}`;
          return { reference, name: staffName(p, reference) };
        })
        .sort(byName),
    );
    const selectPatientOptions = createSelector(selectResourceEntities, selectNames, (entities, names) =>
      (names?.patientKeys ?? [])
        .map((key) => entities[key])
        .filter((r): r is Patient => r?.resourceType === 'Patient')
        .map((p): NameOption => ({ reference: `Patient/${p.id ?? ''}`, name: patientName(p) }))
        .sort(byName),
    );
    /** Names by reference, for the rows (users the events name also carry their own display). */
    const selectNameMaps = createSelector(selectUserOptions, selectPatientOptions, (users, patients) => ({
      practitioners: new Map(users.map((u) => [u.reference, u.name])),
      patients: new Map(patients.map((p) => [p.reference, p.name])),
    }));
    const selectRows = createSelector(
      selectResourceEntities,
      selectEventKeys,
      selectNameMaps,
      (entities, keys, names): AuditRow[] =>
        keys
          .map((key) => entities[key])
          .filter((r): r is AuditEvent => r?.resourceType === 'AuditEvent')
          .map((event) => auditRow(event, names)),
    );
    return {
      selectUserOptions,
      selectPatientOptions,
      selectNameMaps,
      selectRows,
      selectLoading: createSelector(selectCallState, (c) => c === 'loading'),
      selectLoaded: createSelector(selectCallState, (c) => c === 'loaded'),
      selectError: createSelector(selectCallState, callStateError),
      selectMoreLoading: createSelector(selectMoreState, (c) => c === 'loading'),
      selectMoreError: createSelector(selectMoreState, callStateError),
      selectExporting: createSelector(selectExportState, (c) => c === 'loading'),
      selectExportError: createSelector(selectExportState, (c) =>
        typeof c === 'object' && 'error' in c ? c.error : null,
      ),
      selectExported: createSelector(selectExportState, (c) =>
        typeof c === 'object' && 'exported' in c ? c.exported : null,
      ),
    };
  },
});

/** The resources a list of search results holds, matches and includes. */
export function resourcesOf(results: readonly { resources: Resource[]; included: Resource[] }[]): Resource[] {
  return results.flatMap((r) => [...r.resources, ...r.included]);
}

import type { CareTeam, Practitioner, Resource, Task } from '@medplum/fhirtypes';
import { createFeature, createReducer, createSelector, on } from '@ngrx/store';

import { derivedRowInputs } from '../../../../../clinical/derived/derive';
import { queueRows } from '../../../../../clinical/notes/cosign-queue';
import { type TeamOverview, teamOverview } from '../../../../../clinical/workspaces/team-overview';
import { type CallState, callStateError } from '../../../core/state/call-state';
import { selectResourceEntities } from '../../../core/state/resources/resources.feature';
import { selectQueryParam } from '../../../core/state/router-state';
import { selectUser } from '../../../core/state/session/session.feature';
import { parseTeamSort, sortTeam } from '../data/team-sort';
import { SupervisionApiActions, SupervisionPageActions } from './supervision.actions';

/** Which resources each part of the page shows (keys into the root resources table), and its call state. */
export interface SupervisionState {
  readonly overviewKeys: readonly string[];
  readonly overviewCall: CallState;
  /** ISO instant the overview is as of; null before the first load. */
  readonly asOf: string | null;
  readonly taskKeys: readonly string[];
  readonly queueIncludedKeys: readonly string[];
  readonly queueCall: CallState;
}

export const initialSupervisionState: SupervisionState = {
  overviewKeys: [],
  overviewCall: 'idle',
  asOf: null,
  taskKeys: [],
  queueIncludedKeys: [],
  queueCall: 'idle',
};

const pick = (entities: Readonly<Record<string, Resource>>, keys: readonly string[]): Resource[] =>
  keys.flatMap((key) => entities[key] ?? []);

export const supervisionFeature = createFeature({
  name: 'supervision',
  reducer: createReducer(
    initialSupervisionState,
    on(SupervisionPageActions.opened, (state): SupervisionState => ({
      ...state,
      overviewCall: 'loading',
      queueCall: 'loading',
    })),
    on(SupervisionPageActions.retried, (state, { part }): SupervisionState =>
      part === 'overview' ? { ...state, overviewCall: 'loading' } : { ...state, queueCall: 'loading' },
    ),
    on(SupervisionApiActions.overviewLoaded, (state, { keys, asOf }): SupervisionState => ({
      ...state,
      overviewKeys: keys,
      asOf,
      overviewCall: 'loaded',
    })),
    on(SupervisionApiActions.overviewFailed, (state, { outcome }): SupervisionState => ({
      ...state,
      overviewCall: { error: outcome },
    })),
    on(SupervisionApiActions.queueLoaded, (state, { taskKeys, includedKeys }): SupervisionState => ({
      ...state,
      taskKeys,
      queueIncludedKeys: includedKeys,
      queueCall: 'loaded',
    })),
    on(SupervisionApiActions.queueFailed, (state, { outcome }): SupervisionState => ({
      ...state,
      queueCall: { error: outcome },
    })),
  ),
  extraSelectors: ({
    selectOverviewKeys,
    selectAsOf,
    selectOverviewCall,
    selectTaskKeys,
    selectQueueIncludedKeys,
    selectQueueCall,
  }) => {
    /**
     * The team overview (clinical/workspaces/team-overview.ts) from the derived resources the server keeps: one row
     * per counselor the signed-in supervisor supervises.
     */
    const selectOverview = createSelector(
      selectResourceEntities,
      selectOverviewKeys,
      selectAsOf,
      selectUser,
      (entities, keys, asOf, user): TeamOverview | null => {
        if (asOf === null || !user?.fhirUser) return null;
        const resources = pick(entities, keys);
        return teamOverview({
          supervisor: user.fhirUser,
          careTeams: resources.filter((r): r is CareTeam => r.resourceType === 'CareTeam'),
          practitioners: resources.filter((r): r is Practitioner => r.resourceType === 'Practitioner'),
          patients: derivedRowInputs(resources),
          asOf,
        });
      },
    );
    const selectTeamSort = createSelector(selectQueryParam('sort'), (value) => parseTeamSort(value));
    const selectCounselors = createSelector(selectOverview, selectTeamSort, (overview, sort) =>
      overview ? sortTeam(overview.counselors, sort) : [],
    );
    /** The co-sign queue, oldest first (clinical/notes/cosign-queue.ts, as on the co-sign queue page). */
    const selectQueue = createSelector(
      selectResourceEntities,
      selectTaskKeys,
      selectQueueIncludedKeys,
      (entities, taskKeys, includedKeys) =>
        queueRows(pick(entities, taskKeys) as Task[], pick(entities, includedKeys)),
    );
    return {
      selectOverview,
      selectTeamSort,
      selectCounselors,
      selectOverviewLoading: createSelector(selectOverviewCall, (c) => c === 'loading'),
      selectOverviewError: createSelector(selectOverviewCall, callStateError),
      selectQueue,
      selectQueueLoading: createSelector(selectQueueCall, (c) => c === 'loading'),
      selectQueueLoaded: createSelector(selectQueueCall, (c) => c === 'loaded'),
      selectQueueError: createSelector(selectQueueCall, callStateError),
    };
  },
});

import { createFeature, createReducer, createSelector, on } from '@ngrx/store';

import { type CaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import {
  caseloadRowFromDerived,
  derivedRowInputs,
  summaryListsPractitioner,
} from '../../../../../clinical/derived/derive';
import { summaryFacts } from '../../../../../clinical/derived/summary-resource';
import { type CallState, callStateError } from '../../../core/state/call-state';
import { selectResourceEntities } from '../../../core/state/resources/resources.feature';
import { selectQueryParams } from '../../../core/state/router-state';
import { applyCaseloadView, parseCaseloadView } from '../data/caseload-view';
import { CaseloadApiActions, CaseloadPageActions } from './caseload.actions';

/** The caseload view: whose caseload, which resources it loaded (keys into the root table), and when. */
export interface CaseloadState {
  /** `Practitioner/<id>` of the loaded caseload; null before the first load. */
  readonly practitioner: string | null;
  readonly keys: readonly string[];
  readonly callState: CallState;
  /** ISO instant the rows are shown as of (ages); null before the first load. */
  readonly asOf: string | null;
}

export const initialCaseloadState: CaseloadState = {
  practitioner: null,
  keys: [],
  callState: 'idle',
  asOf: null,
};

export const caseloadFeature = createFeature({
  name: 'caseload',
  reducer: createReducer(
    initialCaseloadState,
    on(CaseloadPageActions.opened, CaseloadPageActions.retried, (state): CaseloadState => ({
      ...state,
      callState: 'loading',
    })),
    on(CaseloadApiActions.loadSucceeded, (_state, { practitioner, keys, asOf }): CaseloadState => ({
      practitioner,
      keys,
      callState: 'loaded',
      asOf,
    })),
    on(CaseloadApiActions.loadFailed, (state, { outcome }): CaseloadState => ({
      ...state,
      callState: { error: outcome },
    })),
  ),
  extraSelectors: ({ selectKeys, selectPractitioner, selectCallState, selectAsOf }) => {
    const selectLoading = createSelector(selectCallState, (callState) => callState === 'loading');
    const selectError = createSelector(selectCallState, callStateError);
    const selectLoaded = createSelector(selectAsOf, (asOf) => asOf !== null);
    /**
     * One row per patient whose active care team lists the practitioner, built from the derived resources the
     * server keeps (summary, current assessment, active Flags); equal to the row the clinical rules compute
     * from the patient's whole record (server/test/derive/derived-rows.test.ts).
     */
    const selectRows = createSelector(
      selectResourceEntities,
      selectKeys,
      selectPractitioner,
      selectAsOf,
      (entities, keys, practitioner, asOf): CaseloadRow[] => {
        if (asOf === null || practitioner === null) return [];
        const resources = keys.flatMap((key) => entities[key] ?? []);
        const rows: CaseloadRow[] = [];
        for (const input of derivedRowInputs(resources)) {
          if (!summaryListsPractitioner(input.summary, practitioner)) continue;
          if (!summaryFacts(input.summary).episodeActive) continue;
          const row = caseloadRowFromDerived(input, asOf);
          if (row) rows.push(row);
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
  selectPractitioner,
  selectCallState,
  selectAsOf,
  selectLoading,
  selectError,
  selectLoaded,
  selectRows,
  selectView,
  selectVisible,
} = caseloadFeature;

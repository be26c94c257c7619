import type { Patient, Practitioner, PractitionerRole, Resource, Task } from '@medplum/fhirtypes';
import { createFeature, createReducer, createSelector, on } from '@ngrx/store';

import { CM_ESCALATING_POINTS, cmEnrolled, cmLedger } from '../../../../../clinical/cm/cm-ledger';
import type { CmScheduleReading } from '../../../../../clinical/cm/cm-schedule';
import { groupByPatient } from '../../../../../clinical/fhir/patient-record';
import { adherenceRows, programWeeks } from '../../../../../clinical/workspaces/adherence';
import { type CallState, callStateError } from '../../../core/state/call-state';
import { resourceKeyOf, selectResourceEntities } from '../../../core/state/resources/resources.feature';
import { selectQueryParams } from '../../../core/state/router-state';
import { applyAdherenceView, parseAdherenceView } from '../data/adherence-view';
import { cmLines, type CmPatientFigures, cmProgramTotals } from '../data/cm-model';
import {
  compareTaskItems,
  isOpenTask,
  isWorkItem,
  staffMembers,
  type TaskItem,
  taskItem,
} from '../data/task-model';
import { CoordinationApiActions, CoordinationPageActions } from './coordination.actions';

/**
 * The coordination workspace: which resources the program view loaded (keys into the root resources table) and
 * when; one patient's CM ledger (its record's keys); the program's CM figures (plain numbers, not resources).
 */
export interface CoordinationState {
  readonly program: {
    readonly keys: readonly string[];
    readonly callState: CallState;
    /** ISO instant the rows are shown as of; null before the first load. */
    readonly asOf: string | null;
    /** The keys are the whole program; false while the first load's further pages are on their way. */
    readonly complete: boolean;
  };
  readonly ledger: {
    readonly patientId: string | null;
    readonly keys: readonly string[];
    readonly callState: CallState;
    readonly asOf: string | null;
  };
  readonly cm: {
    readonly figures: readonly CmPatientFigures[] | null;
    /** The schedule in force as last read (null before: the default applies). */
    readonly schedule: CmScheduleReading | null;
    readonly callState: CallState;
  };
}

export const initialCoordinationState: CoordinationState = {
  program: { keys: [], callState: 'idle', asOf: null, complete: false },
  ledger: { patientId: null, keys: [], callState: 'idle', asOf: null },
  cm: { figures: null, schedule: null, callState: 'idle' },
};

export const coordinationFeature = createFeature({
  name: 'coordination',
  reducer: createReducer(
    initialCoordinationState,
    on(
      CoordinationPageActions.programOpened,
      CoordinationPageActions.cmTotalsOpened,
      (state): CoordinationState => ({
        ...state,
        program: { ...state.program, callState: 'loading' },
      }),
    ),
    on(CoordinationApiActions.programLoaded, (state, { keys, asOf, complete }): CoordinationState => {
      // A reload keeps showing the whole program it had until the new one is whole too, rather than shrinking
      // to its first page; only a first load shows its rows page by page.
      if (!complete && state.program.complete) return state;
      return { ...state, program: { keys, asOf, complete, callState: complete ? 'loaded' : 'loading' } };
    }),
    on(CoordinationApiActions.programLoadFailed, (state, { outcome }): CoordinationState => ({
      ...state,
      program: { ...state.program, callState: { error: outcome } },
    })),
    on(CoordinationPageActions.ledgerOpened, (state, { patientId }): CoordinationState => ({
      ...state,
      ledger:
        state.ledger.patientId === patientId
          ? { ...state.ledger, callState: 'loading' }
          : { patientId, keys: [], asOf: null, callState: 'loading' },
    })),
    on(CoordinationApiActions.ledgerLoaded, (state, { patientId, keys, asOf }): CoordinationState => ({
      ...state,
      ledger: { patientId, keys, asOf, callState: 'loaded' },
    })),
    on(CoordinationApiActions.ledgerLoadFailed, (state, { outcome }): CoordinationState => ({
      ...state,
      ledger: { ...state.ledger, callState: { error: outcome } },
    })),
    on(CoordinationPageActions.cmTotalsOpened, (state): CoordinationState => ({
      ...state,
      cm: { ...state.cm, callState: 'loading' },
    })),
    on(CoordinationApiActions.cmTotalsLoaded, (state, { figures, schedule }): CoordinationState => ({
      ...state,
      cm: { figures, schedule, callState: 'loaded' },
    })),
    on(CoordinationApiActions.cmTotalsLoadFailed, (state, { outcome }): CoordinationState => ({
      ...state,
      cm: { ...state.cm, callState: { error: outcome } },
    })),
    // A Task written from these pages joins the program's (so the lists show it at once).
    on(CoordinationPageActions.saved, (state, { resources }): CoordinationState => {
      const added = resources.filter((r) => r.resourceType === 'Task').map(resourceKeyOf);
      const keys = [...new Set([...state.program.keys, ...added])];
      return keys.length === state.program.keys.length
        ? state
        : { ...state, program: { ...state.program, keys } };
    }),
  ),
  extraSelectors: ({ selectProgram, selectLedger, selectCm }) => {
    const selectProgramResources = createSelector(
      selectResourceEntities,
      selectProgram,
      (entities, program) => program.keys.flatMap((key) => entities[key] ?? []),
    );
    const selectProgramLoading = createSelector(selectProgram, (p) => p.callState === 'loading');
    const selectProgramError = createSelector(selectProgram, (p) => callStateError(p.callState));
    /** Rows of the program have arrived (perhaps only the first pages of a first load: see complete). */
    const selectProgramRowsArrived = createSelector(selectProgram, (p) => p.asOf !== null);
    /** The whole program has arrived at least once (what the task pages, which need every patient, wait for). */
    const selectProgramLoaded = createSelector(selectProgram, (p) => p.asOf !== null && p.complete);
    const selectProgramComplete = createSelector(selectProgram, (p) => p.complete);
    const selectProgramAsOf = createSelector(selectProgram, (p) => p.asOf);

    /** One adherence row per program patient, from the summaries (clinical/workspaces/adherence.ts). */
    const selectAdherenceRows = createSelector(
      selectProgramResources,
      selectProgramAsOf,
      (resources, asOf) => (asOf === null ? [] : adherenceRows(resources, asOf)),
    );
    const selectAdherenceView = createSelector(selectQueryParams, parseAdherenceView);
    const selectVisibleRows = createSelector(selectAdherenceRows, selectAdherenceView, applyAdherenceView);
    const selectChartedRow = createSelector(selectAdherenceRows, selectAdherenceView, (rows, view) =>
      view.chart ? (rows.find((r) => r.patientId === view.chart) ?? null) : null,
    );
    const selectProgramWeeks = createSelector(selectAdherenceRows, programWeeks);

    const selectPatients = createSelector(selectProgramResources, (resources) => {
      const patients = new Map<string, Patient>();
      for (const r of resources) if (r.resourceType === 'Patient' && r.id) patients.set(r.id, r);
      return patients;
    });
    const selectStaff = createSelector(selectProgramResources, (resources) =>
      staffMembers(
        resources.filter((r): r is PractitionerRole => r.resourceType === 'PractitionerRole'),
        resources.filter((r): r is Practitioner => r.resourceType === 'Practitioner'),
      ),
    );
    const selectStaffByReference = createSelector(
      selectStaff,
      (staff) => new Map(staff.map((s) => [s.reference, s])),
    );
    /** The program's open work items (co-sign and revision Tasks of notes left out), most urgent first. */
    const selectOpenTasks = createSelector(
      selectProgramResources,
      selectPatients,
      selectStaffByReference,
      selectProgramAsOf,
      (resources, patients, staff, asOf): TaskItem[] =>
        asOf === null
          ? []
          : resources
              .filter((r): r is Task => r.resourceType === 'Task' && isOpenTask(r) && isWorkItem(r))
              .map((task) => taskItem(task, patients, staff, asOf))
              .sort(compareTaskItems),
    );

    const selectLedgerRecord = createSelector(selectResourceEntities, selectLedger, (entities, ledger) => {
      if (!ledger.patientId || ledger.asOf === null) return null;
      const resources: Resource[] = ledger.keys.flatMap((key) => entities[key] ?? []);
      return groupByPatient(resources).get(ledger.patientId) ?? null;
    });
    /**
     * The CM schedule in force: the clinic's PlanDefinition as the server reads it (clinical/cm/cm-schedule.ts),
     * else the default (10, +5 per consecutive negative, cap 40, 2 per week). A clinic schedule that states no
     * valid numbers leaves the default for display, and its problem is shown (the server refuses rewards then).
     */
    const selectCmSchedule = createSelector(selectCm, (cm) =>
      cm.schedule && 'schedule' in cm.schedule ? cm.schedule.schedule : CM_ESCALATING_POINTS,
    );
    const selectCmScheduleProblem = createSelector(selectCm, (cm) =>
      cm.schedule && 'problem' in cm.schedule ? cm.schedule.problem : null,
    );
    const selectLedgerView = createSelector(
      selectLedgerRecord,
      selectLedger,
      selectCmSchedule,
      (record, ledger, schedule) => {
        if (!record || ledger.asOf === null) return null;
        const computed = cmLedger(record, ledger.asOf, schedule);
        return {
          record,
          enrolled: cmEnrolled(record),
          ledger: computed,
          lines: cmLines(computed, record, ledger.asOf),
          asOf: ledger.asOf,
        };
      },
    );
    const selectLedgerLoading = createSelector(selectLedger, (l) => l.callState === 'loading');
    const selectLedgerError = createSelector(selectLedger, (l) => callStateError(l.callState));
    const selectCmTotals = createSelector(selectCm, selectPatients, (cm, patients) =>
      cm.figures === null ? null : cmProgramTotals(cm.figures, patients),
    );
    const selectCmLoading = createSelector(selectCm, (c) => c.callState === 'loading');
    const selectCmError = createSelector(selectCm, (c) => callStateError(c.callState));
    return {
      selectProgramResources,
      selectProgramLoading,
      selectProgramError,
      selectProgramRowsArrived,
      selectProgramLoaded,
      selectProgramComplete,
      selectProgramAsOf,
      selectAdherenceRows,
      selectAdherenceView,
      selectVisibleRows,
      selectChartedRow,
      selectProgramWeeks,
      selectPatients,
      selectStaff,
      selectStaffByReference,
      selectOpenTasks,
      selectLedgerView,
      selectLedgerLoading,
      selectLedgerError,
      selectCmSchedule,
      selectCmScheduleProblem,
      selectCmTotals,
      selectCmLoading,
      selectCmError,
    };
  },
});

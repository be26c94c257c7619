import type { OperationOutcome } from '@medplum/fhirtypes';

import type { ChartRange } from '../../../../../clinical/chart/chart-facts';
import { isChartRange } from '../../../../../clinical/chart/chart-range';
import { CM_PLAN_DEFINITION_URL } from '../../../../../clinical/cm/cm-schedule';
import { patientRecordSearches } from '../../../../../clinical/fhir/record-query';
import type { BatchSearch } from '../../../core/fhir/fhir-client';
import { type CallState, callStateError } from '../../../core/state/call-state';

/**
 * The chart's panels and the searches of the record batch (clinical/fhir/record-query.ts) each one reads. A search
 * is named by its resource type (one search per type in the batch). The Patient search (with the episodes, care
 * teams, consents and related persons it brings along) is the page's own: without it there is no chart.
 */
export const PANELS = ['mat', 'uds', 'measures', 'risk', 'plan', 'sessions', 'network'] as const;
export type PanelId = (typeof PANELS)[number];

/** The accessible names of the panels' regions (issue #12: a contract, spelled exactly). */
export const PANEL_NAMES: Readonly<Record<PanelId, string>> = {
  mat: 'Medication (MAT)',
  uds: 'Urine drug screens',
  measures: 'Measures',
  risk: 'Relapse risk',
  plan: 'Treatment plan',
  sessions: 'Sessions and notes',
  network: 'Care team and support network',
};

/** The search the whole page depends on. */
export const PATIENT_SEARCH = 'Patient';

/** The clinic's own crisis contacts (HealthcareServices of the clinic definitions), for the Measures safety alert. */
export const CLINIC_CRISIS_SEARCH = 'HealthcareService';

/** The clinic's contingency-management schedule (a PlanDefinition), for the CM summary's points. */
export const CM_SCHEDULE_SEARCH = 'PlanDefinition';

/**
 * The chart's one batch: the patient's record (clinical/fhir/record-query.ts) plus the clinic's services and CM
 * schedule (definitions every staff member reads), so the crisis contacts and the schedule come in the same
 * round trip.
 */
export function chartSearches(patientId: string): BatchSearch[] {
  return [
    ...(patientRecordSearches(patientId) as BatchSearch[]),
    { resourceType: CLINIC_CRISIS_SEARCH, params: [['active', 'true'], ['_count', '100']] },
    { resourceType: CM_SCHEDULE_SEARCH, params: [['url', CM_PLAN_DEFINITION_URL]] },
  ];
}

/** The names of the chart's searches (their resource types). */
export const CHART_SEARCH_NAMES: readonly string[] = chartSearches('x').map((s) => s.resourceType);

const MAT = ['MedicationRequest', 'MedicationAdministration', 'MedicationDispense', 'MedicationStatement'];
const SCREENS = ['Observation', 'DiagnosticReport'];

/**
 * What each panel reads besides the Patient search. Expected UDS positives depend on the prescribed MAT; the risk
 * model reads sessions, MAT, screens and measures, and its chart the stored weekly RiskAssessments; the plan's
 * progress reads measures and screens; the support network shows CM rewards (Tasks) and the negative streak.
 */
export const PANEL_SEARCHES: Readonly<Record<PanelId, readonly string[]>> = {
  mat: MAT,
  uds: [...SCREENS, ...MAT],
  measures: ['Observation', CLINIC_CRISIS_SEARCH],
  risk: ['Appointment', 'Encounter', ...MAT, ...SCREENS, 'RiskAssessment'],
  plan: ['CarePlan', 'Goal', ...SCREENS],
  sessions: ['Appointment', 'Encounter', 'QuestionnaireResponse'],
  network: ['Task', ...SCREENS, CLINIC_CRISIS_SEARCH, CM_SCHEDULE_SEARCH],
};

/** A panel's state: the worst of its searches' states, and which of them failed (a Retry re-runs only those). */
export interface PanelState {
  readonly callState: CallState;
  readonly failedSearches: readonly string[];
}

export function panelState(panel: PanelId, searches: Readonly<Record<string, CallState>>): PanelState {
  const states = [PATIENT_SEARCH, ...PANEL_SEARCHES[panel]].map((s) => [s, searches[s] ?? 'idle'] as const);
  const failed = states.filter(([, s]) => callStateError(s) !== null);
  const first: OperationOutcome | null = failed.length > 0 ? callStateError(failed[0]![1]) : null;
  const callState: CallState = first
    ? { error: first }
    : states.some(([, s]) => s === 'loading')
      ? 'loading'
      : states.every(([, s]) => s === 'loaded')
        ? 'loaded'
        : 'idle';
  return { callState, failedSearches: failed.map(([name]) => name) };
}

export const CHART_RANGE_LABELS: Readonly<Record<ChartRange, string>> = {
  episode: 'Episode',
  '90d': '90 days',
  all: 'All',
};

/** The range in the URL (`?range=`); anything else is the default, the current episode. */
export function chartRangeOf(value: string | undefined): ChartRange {
  return isChartRange(value) ? value : 'episode';
}

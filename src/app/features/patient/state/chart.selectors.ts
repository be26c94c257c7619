import type { HealthcareService, PlanDefinition } from '@medplum/fhirtypes';
import { createSelector } from '@ngrx/store';

import type {
  ChartWindow,
  MatChart,
  MeasuresChart,
  SessionListFacts,
  SupportNetworkFacts,
  TreatmentPlanFacts,
  UdsChart,
} from '../../../../../clinical/chart/chart-facts';
import { chartWindow } from '../../../../../clinical/chart/chart-range';
import { clinicCrisisContacts } from '../../../../../clinical/chart/crisis-contacts';
import { matChart } from '../../../../../clinical/chart/mat-panel';
import { measuresChart } from '../../../../../clinical/chart/measures-panel';
import { treatmentPlan } from '../../../../../clinical/chart/plan-panel';
import { sessionList } from '../../../../../clinical/chart/sessions-panel';
import { supportNetwork } from '../../../../../clinical/chart/support-panel';
import { udsChart } from '../../../../../clinical/chart/uds-panel';
import { type ChartHeader, chartHeader, type RiskView, riskView } from '../data/chart-view';
import { patientFeature } from './patient.feature';

/**
 * The chart's panels as facts, computed live from the raw record by the rules in clinical/ (the same functions
 * the server derives with). Each selector answers null until its panel's searches have loaded.
 */
const { selectRecord, selectResources, selectAsOf, selectRange, selectPanels } = patientFeature;

const loaded = (state: { callState: unknown }) => state.callState === 'loaded';

export const selectHeader = createSelector(selectRecord, selectAsOf, (record, asOf): ChartHeader | null =>
  record && asOf ? chartHeader(record, asOf) : null,
);

export const selectWindow = createSelector(
  selectRecord,
  selectAsOf,
  selectRange,
  (record, asOf, range): ChartWindow | null => (record && asOf ? chartWindow(record, asOf, range) : null),
);

export const selectRisk = createSelector(
  selectRecord,
  selectAsOf,
  selectWindow,
  selectPanels,
  (record, asOf, window, panels): RiskView | null =>
    record && asOf && window && loaded(panels.risk)
      ? riskView(record, asOf, record.riskAssessments, window)
      : null,
);

export const selectMat = createSelector(
  selectRecord,
  selectAsOf,
  selectPanels,
  (record, asOf, panels): MatChart | null =>
    record && asOf && loaded(panels.mat) ? matChart(record, asOf) : null,
);

export const selectUds = createSelector(
  selectRecord,
  selectAsOf,
  selectRange,
  selectPanels,
  (record, asOf, range, panels): UdsChart | null =>
    record && asOf && loaded(panels.uds) ? udsChart(record, asOf, range) : null,
);

/** The clinic's services the batch brought (crisis contacts, consent recipients). */
const selectClinicServices = createSelector(selectResources, (resources) =>
  resources.filter((r): r is HealthcareService => r.resourceType === 'HealthcareService'),
);
const selectClinicContacts = createSelector(selectClinicServices, (services) =>
  clinicCrisisContacts(services),
);

export const selectMeasures = createSelector(
  selectRecord,
  selectAsOf,
  selectRange,
  selectClinicContacts,
  selectPanels,
  (record, asOf, range, contacts, panels): MeasuresChart | null =>
    record && asOf && loaded(panels.measures) ? measuresChart(record, asOf, range, contacts) : null,
);

export const selectPlan = createSelector(
  selectRecord,
  selectAsOf,
  selectPanels,
  (record, asOf, panels): TreatmentPlanFacts | null =>
    record && asOf && loaded(panels.plan) ? treatmentPlan(record, asOf) : null,
);

/** The clinic's definitions the support network reads: its services and the CM schedule. */
const selectNetworkDefinitions = createSelector(selectResources, (resources) =>
  resources.filter(
    (r): r is HealthcareService | PlanDefinition =>
      r.resourceType === 'HealthcareService' || r.resourceType === 'PlanDefinition',
  ),
);

export const selectNetwork = createSelector(
  selectRecord,
  selectAsOf,
  selectNetworkDefinitions,
  selectPanels,
  (record, asOf, definitions, panels): SupportNetworkFacts | null =>
    record && asOf && loaded(panels.network) ? supportNetwork(record, asOf, definitions) : null,
);

export const selectSessions = createSelector(
  selectRecord,
  selectAsOf,
  selectPanels,
  (record, asOf, panels): SessionListFacts | null =>
    record && asOf && loaded(panels.sessions) ? sessionList(record, asOf) : null,
);

import { createSelector } from '@ngrx/store';

import type { ChartWindow, MatChart, UdsChart } from '../../../../../clinical/chart/chart-facts';
import { chartWindow } from '../../../../../clinical/chart/chart-range';
import { matChart } from '../../../../../clinical/chart/mat-panel';
import { udsChart } from '../../../../../clinical/chart/uds-panel';
import { type ChartHeader, chartHeader, type RiskView, riskView } from '../data/chart-view';
import { patientFeature } from './patient.feature';

/**
 * The chart's panels as facts, computed live from the raw record by the rules in clinical/ (the same functions
 * the server derives with). Each selector answers null until its panel's searches have loaded.
 */
const { selectRecord, selectAsOf, selectRange, selectPanels } = patientFeature;

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

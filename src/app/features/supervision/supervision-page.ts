import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { Router, RouterLink } from '@angular/router';
import { Store } from '@ngrx/store';

import type { TeamRiskWeek } from '../../../../clinical/workspaces/team-overview';
import { outcomeMessageOf } from '../../core/fhir/operation-outcome';
import type { BarPattern, TimeSeries, WaypointChartData } from '../../shared/ui/chart';
import { ChartView } from '../../shared/ui/chart';
import { CosignQueueTable } from '../../shared/ui/cosign-queue-table';
import { Panel } from '../../shared/ui/panel';
import { type TeamSort, teamSortParam } from './data/team-sort';
import { SupervisionPageActions } from './state/supervision.actions';
import { supervisionFeature } from './state/supervision.feature';
import { TeamTable } from './ui/team-table';

/** The bands in the charts' order, with the palette colour and fill each always has (never colour alone). */
const BANDS = [
  { band: 'high', label: 'High risk', color: 1, pattern: 'stripes', point: 'triangle', dashed: false },
  { band: 'moderate', label: 'Moderate risk', color: 4, pattern: 'dots', point: 'rect', dashed: true },
  { band: 'low', label: 'Low risk', color: 2, pattern: 'solid', point: 'circle', dashed: false },
] as const;

/**
 * `/supervision`, the supervisor's home: the team overview (one row per supervised counselor, with the risk bands
 * as a stacked bar chart beside it), the co-sign queue and the team's risk over the last 12 weeks. Everything comes
 * from one FHIR batch over the derived resources the server keeps (clinical/workspaces/team-overview.ts).
 */
@Component({
  selector: 'wp-supervision-page',
  imports: [ChartView, CosignQueueTable, DatePipe, MatIconModule, Panel, RouterLink, TeamTable],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './supervision-page.html',
  styleUrl: './supervision-page.scss',
})
export class SupervisionPage {
  private readonly store = inject(Store);
  private readonly router = inject(Router);

  protected readonly overview = this.store.selectSignal(supervisionFeature.selectOverview);
  protected readonly counselors = this.store.selectSignal(supervisionFeature.selectCounselors);
  protected readonly sort = this.store.selectSignal(supervisionFeature.selectTeamSort);
  protected readonly asOf = this.store.selectSignal(supervisionFeature.selectAsOf);
  protected readonly overviewLoading = this.store.selectSignal(supervisionFeature.selectOverviewLoading);
  private readonly overviewOutcome = this.store.selectSignal(supervisionFeature.selectOverviewError);
  protected readonly overviewError = outcomeMessageOf(this.overviewOutcome);
  protected readonly queue = this.store.selectSignal(supervisionFeature.selectQueue);
  protected readonly queueLoading = this.store.selectSignal(supervisionFeature.selectQueueLoading);
  private readonly queueOutcome = this.store.selectSignal(supervisionFeature.selectQueueError);
  protected readonly queueError = outcomeMessageOf(this.queueOutcome);

  protected readonly summary = computed(() => {
    const overview = this.overview();
    if (!overview) return '';
    const n = overview.counselors.length;
    const p = overview.team.caseload;
    return `${n} counselor${n === 1 ? '' : 's'} · ${p} patient${p === 1 ? '' : 's'}`;
  });

  protected readonly bandPatterns: readonly BarPattern[] = BANDS.map((b) => b.pattern);
  protected readonly bandColors: readonly number[] = BANDS.map((b) => b.color);

  /** Patients by current risk band per counselor, in the table's order. */
  protected readonly riskByCounselor = computed((): WaypointChartData => {
    const rows = this.counselors();
    return {
      labels: rows.map((r) => r.name),
      datasets: BANDS.map((b) => ({ label: b.label, data: rows.map((r) => r.risk[b.band]) })),
    };
  });
  /** The bar chart grows with the team: about 36 px per counselor. */
  protected readonly riskChartHeight = computed(
    () => `${Math.max(160, 64 + 36 * this.counselors().length)}px`,
  );

  protected readonly trend = computed((): readonly TimeSeries[] => {
    const weeks: readonly TeamRiskWeek[] = this.overview()?.trend ?? [];
    return BANDS.map((b) => ({
      label: b.label,
      color: b.color,
      pointStyle: b.point,
      dashed: b.dashed,
      points: weeks.map((w) => ({ x: Date.parse(`${w.weekStart}T00:00:00Z`), y: w[b.band] })),
    }));
  });
  protected readonly trendEmpty = computed(() =>
    (this.overview()?.trend ?? []).every((w) => w.high + w.moderate + w.low === 0),
  );

  constructor() {
    this.store.dispatch(SupervisionPageActions.opened());
  }

  protected retryOverview(): void {
    this.store.dispatch(SupervisionPageActions.retried({ part: 'overview' }));
  }

  protected retryQueue(): void {
    this.store.dispatch(SupervisionPageActions.retried({ part: 'queue' }));
  }

  protected sortBy(sort: TeamSort): void {
    const params = { sort: sort.column === 'name' && sort.direction === 'asc' ? null : teamSortParam(sort) };
    void this.router.navigate([], { queryParams: params, queryParamsHandling: 'merge', replaceUrl: true });
  }
}

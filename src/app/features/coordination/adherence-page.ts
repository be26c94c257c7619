import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { Store } from '@ngrx/store';

import {
  ADHERENCE_FILTER_LABELS,
  ADHERENCE_FILTERS,
  type AdherenceFilter,
  followUpSuggestion,
} from '../../../../clinical/workspaces/adherence';
import { outcomeMessageOf } from '../../core/fhir/operation-outcome';
import { selectUser } from '../../core/state/session/session.feature';
import { DataGrid } from '../../shared/ui/data-grid';
import { ErrorBanner } from '../../shared/ui/error-banner';
import { GridStage, GridStageGrid, GridStageLoading } from '../../shared/ui/grid-stage';
import { Panel } from '../../shared/ui/panel';
import type { AdherenceSort } from './data/adherence-view';
import { CoordinationPageActions } from './state/coordination.actions';
import { coordinationFeature } from './state/coordination.feature';
import { type AdherenceGridRow } from './ui/adherence-cell';
import { AdherenceChart } from './ui/adherence-chart';
import { ADHERENCE_GRID } from './ui/adherence-grid';

/**
 * The adherence grid of the coordinator's program (one batch over the derived summaries, open Tasks and staff),
 * its quick filters in the URL, and the weekly PDC and attendance chart of the program or of the selected
 * patient.
 */
@Component({
  selector: 'wp-adherence-page',
  imports: [
    AdherenceChart,
    DataGrid,
    ErrorBanner,
    GridStage,
    GridStageGrid,
    GridStageLoading,
    MatButtonModule,
    MatIconModule,
    Panel,
    RouterLink,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './adherence-page.html',
  styleUrl: './adherence-page.scss',
})
export class AdherencePage {
  private readonly store = inject(Store);
  protected readonly filters = ADHERENCE_FILTERS;
  protected readonly filterLabels = ADHERENCE_FILTER_LABELS;
  protected readonly grid = ADHERENCE_GRID;

  protected readonly rows = this.store.selectSignal(coordinationFeature.selectAdherenceRows);
  protected readonly visible = this.store.selectSignal(coordinationFeature.selectVisibleRows);
  protected readonly view = this.store.selectSignal(coordinationFeature.selectAdherenceView);
  protected readonly loading = this.store.selectSignal(coordinationFeature.selectProgramLoading);
  /** Rows have arrived: the grid shows them while a large program's further pages load. */
  protected readonly loaded = this.store.selectSignal(coordinationFeature.selectProgramRowsArrived);
  /** The whole program is in: the count is final and the program chart can be drawn. */
  protected readonly complete = this.store.selectSignal(coordinationFeature.selectProgramComplete);
  protected readonly error = this.store.selectSignal(coordinationFeature.selectProgramError);
  private readonly asOf = this.store.selectSignal(coordinationFeature.selectProgramAsOf);
  protected readonly charted = this.store.selectSignal(coordinationFeature.selectChartedRow);
  private readonly programWeeks = this.store.selectSignal(coordinationFeature.selectProgramWeeks);
  private readonly user = this.store.selectSignal(selectUser);

  protected readonly errorMessage = outcomeMessageOf(this.error);
  protected readonly layoutKey = computed(
    () => `waypoint.adherence.layout.v1:${this.user()?.fhirUser ?? 'anonymous'}`,
  );
  protected readonly gridRows = computed((): AdherenceGridRow[] => {
    const asOf = this.asOf();
    return asOf === null
      ? []
      : this.visible().map((row) => ({ ...row, suggestion: followUpSuggestion(row, asOf) }));
  });
  protected readonly countText = computed(() => {
    const shown = this.visible().length;
    const total = this.rows().length;
    const noun = total === 1 ? 'patient' : 'patients';
    const count = shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun}`;
    return this.complete() ? count : `${count} so far, loading the rest of the program…`;
  });
  protected readonly chartWeeks = computed(() => this.charted()?.weeks ?? this.programWeeks());
  protected readonly chartLabel = computed(() => {
    const row = this.charted();
    return row
      ? `Weekly PDC and therapy attendance, ${row.name}`
      : 'Weekly PDC and therapy attendance, whole program';
  });
  protected readonly programNote = computed(() => {
    const weeks = this.programWeeks();
    const last = weeks.at(-1);
    return last
      ? `Program figures are the mean of the patients with a figure that week (last week: PDC over ${last.pdcPatients}, attendance over ${last.attendancePatients} patients).`
      : '';
  });

  constructor() {
    this.store.dispatch(CoordinationPageActions.programOpened());
  }

  protected retry(): void {
    this.store.dispatch(CoordinationPageActions.programOpened());
  }

  protected toggle(filter: AdherenceFilter): void {
    const current = this.view().filters;
    const filters = current.includes(filter) ? current.filter((f) => f !== filter) : [...current, filter];
    this.store.dispatch(CoordinationPageActions.viewChanged({ change: { filters } }));
  }

  protected clearFilters(): void {
    this.store.dispatch(CoordinationPageActions.viewChanged({ change: { filters: [] } }));
  }

  protected sortBy(sort: AdherenceSort | null): void {
    this.store.dispatch(CoordinationPageActions.viewChanged({ change: { sort } }));
  }

  protected chartPatient(row: AdherenceGridRow | null): void {
    this.store.dispatch(CoordinationPageActions.viewChanged({ change: { chart: row?.patientId ?? null } }));
  }
}

import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, viewChild } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatChipsModule } from '@angular/material/chips';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatMenuModule } from '@angular/material/menu';
import { ActivatedRoute, Router } from '@angular/router';
import { Store } from '@ngrx/store';
import { distinctUntilChanged, filter, map } from 'rxjs';

import type { CaseloadRow } from '../../../../clinical/caseload/caseload-row';
import { type Track, TRACKS } from '../../../../clinical/terminology';
import { outcomeMessageOf } from '../../core/fhir/operation-outcome';
import { selectUser } from '../../core/state/session/session.feature';
import { DataGrid } from '../../shared/ui/data-grid';
import { ErrorBanner } from '../../shared/ui/error-banner';
import { GridStage, GridStageGrid, GridStageLoading } from '../../shared/ui/grid-stage';
import { COLUMN_HEADERS } from './data/caseload-cells';
import { caseloadCsv } from './data/caseload-csv';
import {
  CASELOAD_COLUMNS,
  type CaseloadColumn,
  type CaseloadSort,
  QUICK_FILTER_LABELS,
  QUICK_FILTERS,
  type QuickFilter,
} from './data/caseload-view';
import { CaseloadPageActions } from './state/caseload.actions';
import { caseloadFeature } from './state/caseload.feature';
import { caseloadGrid } from './ui/caseload-grid';
import { CaseloadSkeleton } from './ui/caseload-skeleton';
import { ExportDialog, type ExportDialogData } from './ui/export-dialog';

/**
 * A caseload, one row per patient, from one FHIR round trip over the derived resources the server keeps:
 * the signed-in practitioner's (`/caseload`, the counselor's home) or another practitioner's
 * (`/caseload/practitioners/:practitionerId`, a supervisor's drill-down; the server decides who may).
 */
@Component({
  selector: 'wp-caseload-page',
  imports: [
    CaseloadSkeleton,
    DataGrid,
    ErrorBanner,
    GridStage,
    GridStageGrid,
    GridStageLoading,
    MatButtonModule,
    MatButtonToggleModule,
    MatChipsModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatMenuModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './caseload-page.html',
  styleUrl: './caseload-page.scss',
})
export class CaseloadPage {
  private readonly store = inject(Store);
  private readonly router = inject(Router);
  private readonly dialog = inject(MatDialog);
  private readonly document = inject(DOCUMENT);
  private readonly dataGrid = viewChild(DataGrid<CaseloadRow, CaseloadColumn>);
  /** The route's `:practitionerId`, as a reference; null for my own caseload. */
  private readonly practitioner$ = inject(ActivatedRoute).paramMap.pipe(
    map((params) => params.get('practitionerId')),
    map((id) => (id ? `Practitioner/${id}` : null)),
    distinctUntilChanged(),
  );

  protected readonly quickFilters = QUICK_FILTERS;
  protected readonly quickFilterLabels = QUICK_FILTER_LABELS;
  protected readonly tracks = TRACKS;
  protected readonly grid = caseloadGrid(this.dialog);

  protected readonly rows = this.store.selectSignal(caseloadFeature.selectRows);
  protected readonly visible = this.store.selectSignal(caseloadFeature.selectVisible);
  protected readonly view = this.store.selectSignal(caseloadFeature.selectView);
  protected readonly loading = this.store.selectSignal(caseloadFeature.selectLoading);
  protected readonly loaded = this.store.selectSignal(caseloadFeature.selectLoaded);
  protected readonly error = this.store.selectSignal(caseloadFeature.selectError);
  protected readonly errorMessage = outcomeMessageOf(this.error);
  private readonly user = this.store.selectSignal(selectUser);
  /** Where the grid keeps this user's column layout (column ids and widths only, never patient data). */
  protected readonly layoutKey = computed(
    () => `waypoint.caseload.layout.v2:${this.user()?.fhirUser ?? 'anonymous'}`,
  );
  private readonly practitioner = toSignal(this.practitioner$, { requireSync: true });
  protected readonly ownCaseload = computed(() => this.practitioner() === null);
  protected readonly filtered = computed(() => this.view().filters.length > 0 || this.view().track !== null);
  protected readonly countText = computed(() => {
    const shown = this.visible().rows.length;
    const total = this.rows().length;
    const noun = total === 1 ? 'patient' : 'patients';
    return shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun}`;
  });

  constructor() {
    // Asked for when the router creates the page, not at its first change detection (as an effect would):
    // the request is then on the wire while that change detection builds the grid (~150 ms), instead of after.
    this.practitioner$
      .pipe(takeUntilDestroyed())
      .subscribe((practitioner) => this.store.dispatch(CaseloadPageActions.opened({ practitioner })));
  }

  protected retry(): void {
    this.store.dispatch(CaseloadPageActions.retried({ practitioner: this.practitioner() }));
  }

  protected toggleFilter(filter: QuickFilter, selected: boolean): void {
    const current = this.view().filters;
    const filters = selected ? [...new Set([...current, filter])] : current.filter((f) => f !== filter);
    this.store.dispatch(CaseloadPageActions.filterChanged({ change: { filters } }));
  }

  protected selectTrack(track: Track | ''): void {
    this.store.dispatch(CaseloadPageActions.filterChanged({ change: { track: track || null } }));
  }

  protected search(q: string): void {
    this.store.dispatch(CaseloadPageActions.filterChanged({ change: { q } }));
  }

  protected clearFilters(): void {
    this.store.dispatch(CaseloadPageActions.filterChanged({ change: { filters: [], track: null, q: '' } }));
  }

  protected sortBy(sort: CaseloadSort | null): void {
    this.store.dispatch(CaseloadPageActions.filterChanged({ change: { sort } }));
  }

  /** The columns as the grid has them laid out (read when the menu opens). */
  protected columnLayout(): { id: CaseloadColumn; header: string; hidden: boolean; key: boolean }[] {
    return (
      this.dataGrid()?.layout() ??
      CASELOAD_COLUMNS.map((id) => ({ id, header: COLUMN_HEADERS[id], hidden: false, key: id === 'patient' }))
    );
  }

  protected toggleColumn(column: { id: CaseloadColumn; hidden: boolean }): void {
    this.dataGrid()?.setHidden(column.id, !column.hidden);
  }

  protected openPatient(row: CaseloadRow): void {
    // The patient page's "Back to caseload" returns to this exact view (filters, search, sort).
    void this.router.navigate(['/patients', row.patientId], { state: { caseloadUrl: this.router.url } });
  }

  protected exportCsv(): void {
    const rows = this.visible().rows;
    this.dialog
      .open<ExportDialog, ExportDialogData, boolean>(ExportDialog, { data: { rowCount: rows.length } })
      .afterClosed()
      .pipe(filter((confirmed) => confirmed === true))
      .subscribe(() =>
        this.download(
          caseloadCsv(
            rows,
            this.columnLayout()
              .filter((c) => !c.hidden)
              .map((c) => c.id),
          ),
        ),
      );
  }

  private download(csv: string): void {
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const link = this.document.createElement('a');
    link.href = url;
    link.download = `caseload-${new Date().toISOString().slice(0, 10)}.csv`;
    link.click();
    URL.revokeObjectURL(url);
  }
}

import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { Router } from '@angular/router';
import { Store } from '@ngrx/store';
import { filter } from 'rxjs';

import { outcomeMessageOf } from '../../core/fhir/operation-outcome';
import { selectQueryParams } from '../../core/state/router-state';
import { CLOCK } from '../../core/time/clock';
import { Panel } from '../../shared/ui/panel';
import {
  ACTION_LABELS,
  AUDIT_ACTIONS,
  AUDIT_COLUMNS,
  AUDIT_OUTCOMES,
  type AuditColumn,
  auditQueryParams,
  auditSearchParams,
  type AuditView,
  OUTCOME_LABELS,
  parseAuditView,
} from './data/audit-view';
import { AuditPageActions } from './state/audit.actions';
import { auditFeature } from './state/audit.feature';
import { AuditExportDialog, type AuditExportDialogData } from './ui/export-dialog';

const COLUMN_LABELS: Readonly<Record<AuditColumn, string>> = {
  date: 'Time',
  agent: 'User',
  patient: 'Patient',
  action: 'Action',
  event: 'Event',
  outcome: 'Outcome',
};

interface FilterOption {
  readonly value: string;
  readonly label: string;
}

/** One drop-down filter of the report ('' = any). */
interface SelectFilter {
  readonly key: 'user' | 'patient' | 'action' | 'outcome';
  readonly label: string;
  readonly any: string;
  readonly options: readonly FilterOption[];
  readonly value: string;
  readonly unlisted: string | null;
}

/**
 * `/audit`: the audit report (ONC 45 CFR 170.315(d)(3)) — the server's AuditEvents for a range of days (the last 7
 * by default), filtered by user, patient, action and outcome and sorted by any column, all in the server's search
 * (docs/audit.md) and kept in the URL; break-glass access and failed sign-ins marked with an icon and words; "Load
 * more" follows the server's paging; the CSV export goes through the Part 2 notice and is recorded by the server
 * before the file is made. A supervisor sees their team's events (the server decides).
 */
@Component({
  selector: 'wp-audit-page',
  imports: [
    DatePipe,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSortModule,
    Panel,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './audit-page.html',
  styleUrl: './audit-page.scss',
})
export class AuditPage {
  private readonly store = inject(Store);
  private readonly router = inject(Router);
  private readonly dialog = inject(MatDialog);
  private readonly clock = inject(CLOCK);

  protected readonly columns = AUDIT_COLUMNS;
  protected readonly columnLabels = COLUMN_LABELS;
  private readonly actions = AUDIT_ACTIONS.map((value) => ({ value, label: ACTION_LABELS[value] }));
  private readonly outcomes = AUDIT_OUTCOMES.map((value) => ({ value, label: OUTCOME_LABELS[value] }));

  private readonly queryParams = this.store.selectSignal(selectQueryParams);
  protected readonly view = computed(() => parseAuditView(this.queryParams(), this.clock()));
  private readonly searchParams = computed(() => auditSearchParams(this.view()), {
    equal: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  });

  protected readonly rows = this.store.selectSignal(auditFeature.selectRows);
  protected readonly total = this.store.selectSignal(auditFeature.selectTotal);
  protected readonly next = this.store.selectSignal(auditFeature.selectNext);
  protected readonly loading = this.store.selectSignal(auditFeature.selectLoading);
  protected readonly loaded = this.store.selectSignal(auditFeature.selectLoaded);
  protected readonly users = this.store.selectSignal(auditFeature.selectUserOptions);
  protected readonly patients = this.store.selectSignal(auditFeature.selectPatientOptions);
  protected readonly moreLoading = this.store.selectSignal(auditFeature.selectMoreLoading);
  protected readonly exporting = this.store.selectSignal(auditFeature.selectExporting);
  protected readonly exported = this.store.selectSignal(auditFeature.selectExported);
  private readonly errorOutcome = this.store.selectSignal(auditFeature.selectError);
  private readonly moreOutcome = this.store.selectSignal(auditFeature.selectMoreError);
  private readonly exportOutcome = this.store.selectSignal(auditFeature.selectExportError);
  protected readonly error = outcomeMessageOf(this.errorOutcome);
  protected readonly moreError = outcomeMessageOf(this.moreOutcome);
  protected readonly exportError = outcomeMessageOf(this.exportOutcome);
  protected readonly countText = computed(() => {
    const shown = this.rows().length;
    const total = this.total();
    const noun = (n: number) => (n === 1 ? 'event' : 'events');
    if (total === null) return `${shown} ${noun(shown)}${this.next() ? ' so far' : ''}`;
    return shown >= total ? `${total} ${noun(total)}` : `${shown} of ${total} ${noun(total)}`;
  });
  /** A user or patient in the URL that the filter lists do not name (e.g. outside the team): still selectable. */
  /**
   * The drop-down filters, in order: what each lists, its value, and a value from the URL its list lacks (a
   * user or patient with no event in the range), shown as it is rather than dropped.
   */
  protected readonly selectFilters = computed((): SelectFilter[] => {
    const view = this.view();
    const filter = (key: SelectFilter['key'], label: string, options: readonly FilterOption[]) => {
      const value = view[key] ?? '';
      const unlisted = value && !options.some((o) => o.value === value) ? value : null;
      return { key, label, any: `Any ${label.toLowerCase()}`, options, value, unlisted };
    };
    const users = this.users().map((u) => ({ value: u.reference, label: u.name }));
    const patients = this.patients().map((p) => ({ value: p.reference, label: p.name }));
    return [
      filter('user', 'User', users),
      filter('patient', 'Patient', patients),
      filter('action', 'Action', this.actions),
      filter('outcome', 'Outcome', this.outcomes),
    ];
  });
  protected readonly sortActive = computed(() => this.view().sort.column);
  protected readonly sortDirection = computed(() => this.view().sort.direction);

  constructor() {
    // The view lives in the URL: every change (and the first open) searches again.
    effect(() => {
      const params = this.searchParams();
      untracked(() => this.store.dispatch(AuditPageActions.queryChanged({ params })));
    });
  }

  protected retry(): void {
    this.store.dispatch(AuditPageActions.retried({ params: this.searchParams() }));
  }

  protected loadMore(): void {
    this.store.dispatch(AuditPageActions.moreRequested());
  }

  protected setFrom(value: string): void {
    if (value) this.change({ from: value });
  }

  protected setTo(value: string): void {
    if (value) this.change({ to: value });
  }

  protected setFilter(key: SelectFilter['key'], value: string): void {
    this.change({ [key]: value || null } as Partial<AuditView>);
  }

  protected sortBy(sort: Sort): void {
    const column = AUDIT_COLUMNS.find((c) => c === sort.active);
    if (column && (sort.direction === 'asc' || sort.direction === 'desc')) {
      this.change({ sort: { column, direction: sort.direction } });
    }
  }

  protected clearFilters(): void {
    this.change({ user: null, patient: null, action: null, outcome: null });
  }

  protected exportCsv(): void {
    const params = this.searchParams();
    this.dialog
      .open<AuditExportDialog, AuditExportDialogData, boolean>(AuditExportDialog, {
        data: { total: this.total() },
        maxWidth: '640px',
      })
      .afterClosed()
      .pipe(filter((confirmed) => confirmed === true))
      .subscribe(() => this.store.dispatch(AuditPageActions.exportConfirmed({ params })));
  }

  private change(change: Partial<AuditView>): void {
    const merged = { ...this.view(), ...change };
    // A range given backwards: the day just chosen wins, the other end follows it.
    const view: AuditView =
      merged.from <= merged.to
        ? merged
        : change.from
          ? { ...merged, to: merged.from }
          : { ...merged, from: merged.to };
    void this.router.navigate([], { queryParams: auditQueryParams(view, this.clock()) });
  }
}

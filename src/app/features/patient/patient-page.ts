import { DOCUMENT } from '@angular/common';
import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  Injector,
  input,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink, type UrlTree } from '@angular/router';
import { Store } from '@ngrx/store';

import type { ChartRange } from '../../../../clinical/chart/chart-facts';
import { CHART_RANGES } from '../../../../clinical/chart/chart-range';
import { outcomeMessage, outcomeMessageOf } from '../../core/fhir/operation-outcome';
import { callStateError } from '../../core/state/call-state';
import { ErrorBanner } from '../../shared/ui/error-banner';
import { Panel } from '../../shared/ui/panel';
import { Part2Notice } from '../../shared/ui/part2-notice';
import { RiskChip } from '../../shared/ui/risk-chip';
import { CHART_RANGE_LABELS, PANEL_NAMES, type PanelId } from './data/chart-panels';
import { PLACE_ANCHOR, type RiskPointView } from './data/chart-view';
import {
  selectHeader,
  selectMat,
  selectMeasures,
  selectNetwork,
  selectPlan,
  selectRisk,
  selectSessions,
  selectUds,
  selectWindow,
} from './state/chart.selectors';
import { PatientPageActions } from './state/patient.actions';
import { patientFeature } from './state/patient.feature';
import { BreakGlassForm } from './ui/break-glass-form';
import { MatPanel } from './ui/mat-panel';
import { MeasuresPanel } from './ui/measures-panel';
import { NetworkPanel } from './ui/network-panel';
import { PlanPanel } from './ui/plan-panel';
import { RiskPanel } from './ui/risk-panel';
import { SessionsPanel } from './ui/sessions-panel';
import { UdsPanel } from './ui/uds-panel';

/**
 * `/patients/:id`: the patient chart. A header (name, age, pronouns, track, week, risk) and seven panels, each a
 * region that loads with the page and fails on its own (its Retry re-runs only its searches). The date range is
 * in the URL (`?range=`). A patient outside one's care team answers not-found; the chart then offers break-glass.
 * Printing records an export on the server first and prints with the 42 CFR §2.32 notice.
 */
@Component({
  selector: 'wp-patient-page',
  imports: [
    BreakGlassForm,
    ErrorBanner,
    MatButtonModule,
    MatButtonToggleModule,
    MatIconModule,
    MatPanel,
    MatProgressBarModule,
    MeasuresPanel,
    NetworkPanel,
    Panel,
    Part2Notice,
    PlanPanel,
    RiskChip,
    RiskPanel,
    RouterLink,
    SessionsPanel,
    UdsPanel,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './patient-page.html',
  styleUrl: './patient-page.scss',
})
export class PatientPage {
  private readonly store = inject(Store);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  /** Bound from the route by withComponentInputBinding(). */
  readonly id = input.required<string>();

  protected readonly names = PANEL_NAMES;
  protected readonly ranges = CHART_RANGES;
  protected readonly rangeLabels = CHART_RANGE_LABELS;
  protected readonly anchors = PLACE_ANCHOR;
  /** The caseload view the patient was opened from (filters kept), else the caseload. */
  protected readonly backLink: UrlTree = this.caseloadLink();

  protected readonly pageState = this.store.selectSignal(patientFeature.selectPageState);
  protected readonly error = this.store.selectSignal(patientFeature.selectError);
  protected readonly panels = this.store.selectSignal(patientFeature.selectPanels);
  protected readonly range = this.store.selectSignal(patientFeature.selectRange);
  protected readonly breakGlassReason = this.store.selectSignal(patientFeature.selectBreakGlassReason);
  protected readonly exporting = this.store.selectSignal(patientFeature.selectExporting);
  protected readonly header = this.store.selectSignal(selectHeader);
  protected readonly window = this.store.selectSignal(selectWindow);
  protected readonly risk = this.store.selectSignal(selectRisk);
  protected readonly mat = this.store.selectSignal(selectMat);
  protected readonly uds = this.store.selectSignal(selectUds);
  protected readonly measures = this.store.selectSignal(selectMeasures);
  protected readonly plan = this.store.selectSignal(selectPlan);
  protected readonly network = this.store.selectSignal(selectNetwork);
  protected readonly sessions = this.store.selectSignal(selectSessions);

  protected readonly notFound = computed(() => this.error()?.issue?.[0]?.code === 'not-found');
  protected readonly errorMessage = outcomeMessageOf(this.error);
  protected readonly exportError = outcomeMessageOf(() => callStateError(this.exporting()));
  /** The anchor of the evidence of the selected risk point. */
  protected readonly highlight = signal<string | null>(null);

  constructor() {
    effect(() => {
      const patientId = this.id();
      untracked(() => {
        this.highlight.set(null);
        this.store.dispatch(PatientPageActions.opened({ patientId }));
      });
    });
  }

  protected panelLoading(panel: PanelId): boolean {
    return this.panels()[panel].callState === 'loading';
  }

  protected panelError(panel: PanelId): string | null {
    const error = callStateError(this.panels()[panel].callState);
    return error ? outcomeMessage(error) : null;
  }

  protected retryPanel(panel: PanelId): void {
    const searches = [...this.panels()[panel].failedSearches];
    this.store.dispatch(PatientPageActions.panelRetried({ patientId: this.id(), panel, searches }));
  }

  protected retry(): void {
    this.store.dispatch(PatientPageActions.retried({ patientId: this.id() }));
  }

  protected selectRange(range: ChartRange): void {
    this.store.dispatch(PatientPageActions.rangeChanged({ range }));
  }

  protected breakGlass(reason: string): void {
    this.store.dispatch(PatientPageActions.breakGlassRequested({ patientId: this.id(), reason }));
  }

  protected print(): void {
    this.store.dispatch(PatientPageActions.printRequested({ patientId: this.id() }));
  }

  /** A risk point was selected: highlight its evidence where a panel shows it, scroll there and move focus. */
  protected showEvidence(point: RiskPointView): void {
    const target = point.targets.find((id) => this.document.getElementById(id));
    if (!target) return;
    this.highlight.set(target);
    afterNextRender(
      () => {
        const element = this.document.getElementById(target);
        const reduced = this.document.defaultView?.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
        element?.scrollIntoView({ block: 'center', behavior: reduced ? 'auto' : 'smooth' });
        element?.focus({ preventScroll: true });
      },
      { injector: this.injector },
    );
  }

  private caseloadLink(): UrlTree {
    const router = inject(Router);
    const from: unknown = router.currentNavigation()?.extras.state?.['caseloadUrl'];
    const tree = typeof from === 'string' ? router.parseUrl(from) : null;
    const path = tree?.root.children['primary']?.segments.map((s) => s.path).join('/');
    return tree && path === 'caseload' ? tree : router.parseUrl('/caseload');
  }
}

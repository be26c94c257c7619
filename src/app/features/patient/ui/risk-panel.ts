import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import type { PointStyle } from 'chart.js';

import type { ChartWindow } from '../../../../../clinical/chart/chart-facts';
import { RISK_MODEL_V1 } from '../../../../../clinical/risk/risk-model.config';
import { type ChartBand, ChartView, type TimeSeries } from '../../../shared/ui/chart';
import { RiskChip } from '../../../shared/ui/risk-chip';
import { type RiskPointView, type RiskView, windowMillis } from '../data/chart-view';

const BAND_SHAPE: Readonly<Record<string, PointStyle>> = {
  low: 'circle',
  moderate: 'triangle',
  high: 'rectRot',
};

/** The model's bands as chart bands (0–2 low, 3–5 moderate, 6 or more high), from the model's configuration. */
function riskBands(max: number): ChartBand[] {
  const { moderateFrom, highFrom } = RISK_MODEL_V1.bands;
  return [
    { from: 0, to: moderateFrom - 1, label: 'low' },
    { from: moderateFrom, to: highFrom - 1, label: 'moderate' },
    { from: highFrom, to: Math.max(max, highFrom + 2), label: 'high' },
  ];
}

/**
 * "Relapse risk": the live score and band, each point with its reason and where its evidence is (selecting a
 * point, by click or Enter/Space, asks the page to highlight it), and the risk over time (stored weekly
 * assessments, the live score last). Band in words and shapes, never colour alone.
 */
@Component({
  selector: 'wp-risk-panel',
  imports: [ChartView, MatIconModule, RiskChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let r = risk();
    <div class="summary">
      <wp-risk-chip [score]="r.score" [riskBand]="r.band" [trend]="r.trend" />
      <span class="band-words">{{ bandWords() }}</span>
    </div>
    <p class="disclaimer">
      <strong>Decision support, not a diagnosis.</strong>
      Model <span class="model">{{ r.modelId }} {{ r.modelVersion }}</span
      >: only the urine-drug-screen rule is validated in published work; the other weights are heuristics.
    </p>
    @if (r.points.length > 0) {
      <h3 class="sub" id="risk-points-heading">
        Points<span class="hint"> (select one to see its evidence)</span>
      </h3>
      <ul class="points" aria-labelledby="risk-points-heading">
        @for (point of r.points; track $index) {
          <li>
            <button type="button" class="point" (click)="selected.emit(point)">
              <strong class="value">+{{ point.points }}</strong>
              <span class="reason">{{ point.reason }}</span>
              <span class="where"
                ><mat-icon aria-hidden="true">my_location</mat-icon> Show in {{ point.where }}</span
              >
            </button>
          </li>
        }
      </ul>
    } @else {
      <p>No rule adds points as of today.</p>
    }
    <h3 class="sub">Risk over time</h3>
    <wp-chart
      label="Relapse-risk score by week"
      categoryHeader="Week ending"
      [series]="series()"
      [bands]="bands()"
      [yMin]="0"
      [yMax]="yMax()"
      [xMin]="axis().from"
      [xMax]="axis().to"
    >
      <p wpChartAlternative>
        Weekly stored assessments, shaped by band (circle low, triangle moderate, diamond high); the large
        last point is today's live score.
      </p>
    </wp-chart>
  `,
  styles: `
    :host {
      display: block;
      --wp-chart-height: 200px;
    }
    .summary {
      display: flex;
      align-items: center;
      gap: 12px;
    }
    .band-words {
      font: var(--mat-sys-title-medium);
    }
    .disclaimer {
      margin: 8px 0 12px;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .sub {
      margin: 12px 0 8px;
      font: var(--mat-sys-title-small);
    }
    .points {
      margin: 0;
      padding: 0;
      list-style: none;
      display: grid;
      gap: 6px;
    }
    .point {
      width: 100%;
      border: 0;
      text-align: start;
      font: inherit;
      color: inherit;
      display: grid;
      grid-template-columns: 2.5em 1fr;
      gap: 2px 8px;
      padding: 8px 10px;
      border-radius: var(--mat-sys-corner-small);
      background: var(--mat-sys-surface-container);
      cursor: pointer;
    }
    .point:hover {
      background: var(--mat-sys-surface-container-high);
    }
    .point:focus-visible {
      outline: 2px solid var(--mat-sys-primary);
      outline-offset: 2px;
    }
    .value {
      text-align: right;
    }
    .where {
      grid-column: 2;
      display: inline-flex;
      align-items: center;
      gap: 4px;
      font: var(--mat-sys-label-medium);
      color: var(--mat-sys-primary);
    }
    .where mat-icon {
      width: 16px;
      height: 16px;
      font-size: 16px;
    }
    @media print {
      .hint,
      .where {
        display: none;
      }
    }
  `,
})
export class RiskPanel {
  readonly risk = input.required<RiskView>();
  readonly window = input.required<ChartWindow>();
  readonly selected = output<RiskPointView>();

  protected readonly axis = computed(() => windowMillis(this.window()));
  protected readonly bandWords = computed(() => {
    const r = this.risk();
    return `${r.band} risk, ${r.score} point${r.score === 1 ? '' : 's'}`;
  });
  protected readonly yMax = computed(() => Math.max(10, ...this.risk().history.map((h) => h.score + 1)));
  protected readonly bands = computed(() => riskBands(this.yMax()));
  protected readonly series = computed((): TimeSeries[] => {
    const history = this.risk().history;
    return [
      {
        label: 'Risk score',
        points: history.map((h) => ({
          x: h.ms,
          y: h.score,
          text: `${h.score} (${h.band}${h.live ? ', live today' : ''})`,
        })),
        pointStyles: history.map((h) => (h.live ? 'star' : (BAND_SHAPE[h.band] ?? 'circle'))),
        emphasize: [history.length - 1],
      },
    ];
  });
}

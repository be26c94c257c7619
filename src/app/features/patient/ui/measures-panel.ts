import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

import type { ChartWindow, MeasuresChart, MeasureSeries } from '../../../../../clinical/chart/chart-facts';
import { toMillis } from '../../../../../clinical/fhir/fhir-date';
import { type ChartBand, ChartView, type TimeSeries } from '../../../shared/ui/chart';
import { evidenceAnchor, PLACE_ANCHOR, windowMillis } from '../data/chart-view';

function series(m: MeasureSeries, color?: number): TimeSeries {
  return {
    label: m.label,
    points: m.points.map((p) => ({
      x: toMillis(p.date) ?? 0,
      y: p.value,
      ...(p.band ? { text: `${p.value} (${p.band})` } : {}),
    })),
    ...(color !== undefined ? { color } : {}),
  };
}

function bands(m: MeasureSeries): ChartBand[] {
  return m.bands.map((b) => ({ from: b.min, to: b.max, label: b.label }));
}

/**
 * "Measures": PHQ-9 and GAD-7 over the date range with their severity bands behind the line (words on the chart,
 * in its caption and in its table), craving 0–10 and the BAM subscales; baseline and latest as numbers. A PHQ-9
 * item 9 answer above 0 shows the safety alert with the crisis resources.
 */
@Component({
  selector: 'wp-measures-panel',
  imports: [ChartView, DatePipe, MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let m = measures();
    @if (m.safety; as s) {
      <div class="safety" role="alert">
        <mat-icon aria-hidden="true">emergency</mat-icon>
        <div>
          <p class="safety-text"><strong>Safety:</strong> {{ s.text }}</p>
          <ul class="crisis">
            @for (r of s.resources; track r.name) {
              <li>
                <strong
                  ><bdi>{{ r.name }}</bdi></strong
                >
                — <bdi>{{ r.contact }}</bdi>
                <span class="muted"> {{ r.description }}</span>
              </li>
            }
          </ul>
        </div>
      </div>
    }

    <table
      class="numbers"
      [id]="anchors.measures"
      tabindex="-1"
      [class.highlight]="highlight() === anchors.measures"
    >
      <caption>
        Baseline and latest
      </caption>
      <thead>
        <tr>
          <th scope="col">Measure</th>
          <th scope="col">Baseline</th>
          <th scope="col">Latest</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        @for (s of all(); track s.id) {
          <tr>
            <th scope="row">{{ s.label }}</th>
            @for (point of [s.baseline, s.latest]; track $index) {
              <td
                [id]="point ? anchor(point.evidence.reference) : null"
                [class.highlight]="point && highlight() === anchor(point.evidence.reference)"
              >
                @if (point; as p) {
                  {{ p.value }}{{ p.band ? ' (' + p.band + ')' : '' }}
                  <span class="muted">{{ p.day | date: 'd MMM' : 'UTC' }}</span>
                } @else {
                  —
                }
              </td>
            }
            <td>{{ s.change === null ? '—' : (s.change > 0 ? '+' : '') + s.change }}</td>
          </tr>
        }
      </tbody>
    </table>

    <div class="charts">
      @for (c of charts(); track c.label) {
        <wp-chart
          [label]="c.label"
          [series]="[c.series]"
          [bands]="c.bands"
          [yMin]="c.yMin"
          [yMax]="c.yMax"
          [xMin]="axis().from"
          [xMax]="axis().to"
        />
      }
      <wp-chart
        label="Brief Addiction Monitor subscales"
        [series]="bam()"
        [xMin]="axis().from"
        [xMax]="axis().to"
      >
        <p wpChartAlternative>Use and risk: higher is worse; protective: higher is better.</p>
      </wp-chart>
    </div>
  `,
  styleUrl: './chart-panel.scss',
  styles: `
    .safety {
      display: flex;
      gap: 12px;
      padding: 12px 16px;
      margin-bottom: 12px;
      border-radius: var(--mat-sys-corner-medium);
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .safety-text {
      margin: 0 0 6px;
    }
    .crisis {
      margin: 0;
      padding-inline-start: 18px;
    }
    .safety .muted {
      color: inherit;
    }
    .numbers {
      border-collapse: collapse;
      margin-bottom: 12px;
    }
    .numbers caption {
      text-align: start;
      font: var(--mat-sys-title-small);
      padding-bottom: 4px;
    }
    .numbers th,
    .numbers td {
      padding: 4px 12px 4px 0;
      text-align: start;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .numbers th[scope='row'] {
      font-weight: 400;
    }
    .charts {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
      gap: 16px;
      --wp-chart-height: 180px;
    }
  `,
})
export class MeasuresPanel {
  readonly measures = input.required<MeasuresChart>();
  readonly window = input.required<ChartWindow>();
  readonly highlight = input<string | null>(null);

  protected readonly anchors = PLACE_ANCHOR;
  protected readonly anchor = evidenceAnchor;
  protected readonly axis = computed(() => windowMillis(this.window()));
  protected readonly all = computed(() => {
    const m = this.measures();
    return [m.phq9, m.gad7, m.craving, m.bamUse, m.bamRisk, m.bamProtective];
  });
  /** PHQ-9 and GAD-7 with their severity bands, craving 0–10 (no bands): one line each, on the measure's own scale. */
  protected readonly charts = computed(() => {
    const m = this.measures();
    const chart = (label: string, measure: MeasureSeries, color?: number) => ({
      label,
      series: series(measure, color),
      bands: bands(measure),
      yMin: measure.min,
      yMax: measure.max,
    });
    return [
      chart('PHQ-9 total', m.phq9),
      chart('GAD-7 total', m.gad7, 1),
      chart('Craving (0–10)', m.craving, 2),
    ];
  });
  protected readonly bam = computed(() => {
    const m = this.measures();
    return [series(m.bamUse, 0), series(m.bamRisk, 1), { ...series(m.bamProtective, 2), dashed: true }];
  });
}

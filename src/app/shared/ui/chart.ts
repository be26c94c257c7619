import {
  afterRenderEffect,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  ElementRef,
  inject,
  input,
  viewChild,
} from '@angular/core';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartData,
  type ChartOptions,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

// Only what the Waypoint charts draw; chart.js tree-shakes the rest. Idempotent.
Chart.register(
  LineController,
  BarController,
  LineElement,
  PointElement,
  BarElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
  Filler,
);

export type ChartKind = 'line' | 'bar';
export type WaypointChartData = ChartData<ChartKind, (number | null)[], string>;
export type WaypointChartOptions = ChartOptions<ChartKind>;

/**
 * Resolves the Material tokens the chart needs to concrete colours. The tokens are `light-dark()`
 * values, which canvas cannot parse: a probe element's computed `color` resolves them for the
 * current scheme.
 */
function tokenColors(host: HTMLElement) {
  const probe = host.ownerDocument.createElement('span');
  probe.style.display = 'none';
  host.appendChild(probe);
  const resolve = (token: string, fallback: string) => {
    probe.style.color = fallback;
    probe.style.color = `var(${token}, ${fallback})`;
    return getComputedStyle(probe).color;
  };
  try {
    return {
      text: resolve('--mat-sys-on-surface-variant', '#44474e'),
      grid: resolve('--mat-sys-outline-variant', '#c4c6d0'),
      series: [
        resolve('--mat-sys-primary', '#005cbb'),
        resolve('--mat-sys-tertiary', '#006a6a'),
        resolve('--mat-sys-error', '#ba1a1a'),
        resolve('--mat-sys-secondary', '#565e71'),
      ],
    };
  } finally {
    probe.remove();
  }
}

/**
 * chart.js wrapper: a canvas with an accessible name, plus the same numbers as a table for screen
 * readers and keyboard users (a chart is never the only way to read the data). Features may project
 * their own alternative text with `[wpChartAlternative]`. Lazy chunks only.
 */
@Component({
  selector: 'wp-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <figure class="figure">
      <div class="canvas-box">
        <canvas #canvas role="img" [attr.aria-label]="label()"></canvas>
      </div>
      <figcaption class="caption">
        <ng-content select="[wpChartAlternative]" />
        <details class="data">
          <summary>Show the data as a table</summary>
          <table>
            <caption>
              {{
                label()
              }}
            </caption>
            <thead>
              <tr>
                <th scope="col">{{ categoryHeader() }}</th>
                @for (series of table().series; track $index) {
                  <th scope="col">{{ series }}</th>
                }
              </tr>
            </thead>
            <tbody>
              @for (row of table().rows; track $index) {
                <tr>
                  <th scope="row">{{ row.category }}</th>
                  @for (value of row.values; track $index) {
                    <td>{{ value ?? '—' }}</td>
                  }
                </tr>
              }
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  `,
  styles: `
    :host {
      display: block;
    }
    .figure {
      margin: 0;
    }
    .canvas-box {
      position: relative;
      height: var(--wp-chart-height, 240px);
    }
    .caption {
      margin-top: 8px;
      font: var(--mat-sys-body-medium);
      color: var(--mat-sys-on-surface-variant);
    }
    summary {
      cursor: pointer;
      width: fit-content;
    }
    summary:focus-visible {
      outline: 2px solid var(--mat-sys-primary);
      outline-offset: 2px;
    }
    table {
      margin-top: 8px;
      border-collapse: collapse;
      color: var(--mat-sys-on-surface);
    }
    caption {
      text-align: start;
      font: var(--mat-sys-label-large);
      padding-bottom: 4px;
    }
    th,
    td {
      padding: 4px 12px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      text-align: start;
    }
    td {
      text-align: end;
      font-variant-numeric: tabular-nums;
    }
  `,
})
export class ChartView {
  readonly type = input<ChartKind>('line');
  readonly data = input.required<WaypointChartData>();
  readonly options = input<WaypointChartOptions>({});
  /** Accessible name and table caption, e.g. "PHQ-9 total by week". */
  readonly label = input.required<string>();
  /** Header of the category column in the table alternative. */
  readonly categoryHeader = input('Date');

  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private readonly host: ElementRef<HTMLElement> = inject(ElementRef);
  private chart: Chart<ChartKind, (number | null)[], string> | undefined;

  protected readonly table = computed(() => {
    const { labels = [], datasets } = this.data();
    return {
      series: datasets.map((d, i) => d.label ?? `Series ${i + 1}`),
      rows: labels.map((category, i) => ({ category, values: datasets.map((d) => d.data[i] ?? null) })),
    };
  });

  constructor() {
    // (Re)builds after render so the canvas exists and the theme's computed colours are current.
    afterRenderEffect({
      write: () => {
        const type = this.type();
        const data = this.data();
        const options = this.options();
        const colors = tokenColors(this.host.nativeElement);
        this.chart?.destroy();
        this.chart = new Chart(this.canvas().nativeElement, {
          type,
          data: {
            ...data,
            datasets: data.datasets.map((d, i) => {
              const color = colors.series[i % colors.series.length];
              return { borderColor: color, backgroundColor: color, ...d };
            }),
          },
          options: {
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            color: colors.text,
            scales: {
              x: { ticks: { color: colors.text }, grid: { color: colors.grid } },
              y: { ticks: { color: colors.text }, grid: { color: colors.grid } },
            },
            ...options,
          } as WaypointChartOptions,
        });
      },
    });
    // Redraw with the other scheme's colours when the theme class on <html> changes.
    const observer = new MutationObserver(() => this.recolor());
    observer.observe(this.host.nativeElement.ownerDocument.documentElement, {
      attributes: true,
      attributeFilter: ['class'],
    });
    inject(DestroyRef).onDestroy(() => {
      observer.disconnect();
      this.chart?.destroy();
      this.chart = undefined;
    });
  }

  private recolor(): void {
    const chart = this.chart;
    if (!chart) {
      return;
    }
    const colors = tokenColors(this.host.nativeElement);
    chart.options.color = colors.text;
    for (const axis of ['x', 'y'] as const) {
      const scale = chart.options.scales?.[axis];
      if (scale?.ticks && scale.grid) {
        scale.ticks.color = colors.text;
        scale.grid.color = colors.grid;
      }
    }
    chart.data.datasets.forEach((d, i) => {
      const original = this.data().datasets[i];
      const color = colors.series[i % colors.series.length];
      d.borderColor = original?.borderColor ?? color;
      d.backgroundColor = original?.backgroundColor ?? color;
    });
    chart.update('none');
  }
}

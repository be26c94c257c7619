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
  type ChartDataset,
  type ChartOptions,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  type Plugin,
  PointElement,
  type PointStyle,
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
  Decimation,
);

export type ChartKind = 'line' | 'bar';
export type WaypointChartData = ChartData<ChartKind, (number | null)[], string>;
export type WaypointChartOptions = ChartOptions<ChartKind>;

/** One point of a time series: `x` is epoch milliseconds. `text` replaces the number in the table and tooltip. */
export interface TimePoint {
  readonly x: number;
  readonly y: number;
  readonly text?: string;
}

/**
 * A series on the time axis. Series are told apart by colour (Okabe–Ito), point shape and dash together, so that
 * none of them depends on colour. `points` must be sorted by `x`; long series are decimated (LTTB) on screen, the
 * table keeps every point.
 */
export interface TimeSeries {
  readonly label: string;
  readonly points: readonly TimePoint[];
  readonly pointStyle?: PointStyle;
  readonly dashed?: boolean;
  /** Index into the palette (default: the series' position). */
  readonly color?: number;
  /** Per-point shapes (e.g. by risk band), overriding `pointStyle`. */
  readonly pointStyles?: readonly PointStyle[];
  /** Points drawn larger, by index (e.g. the live computation at the end of a stored series). */
  readonly emphasize?: readonly number[];
}

/**
 * A horizontal band behind the lines (e.g. a PHQ-9 severity range), drawn with its words inside it.
 * `from`/`to` are the inclusive whole-number scores of the band (PHQ-9 "mild" is 5–9).
 */
export interface ChartBand {
  readonly from: number;
  readonly to: number;
  /** The band's words, e.g. "mild". */
  readonly label: string;
}

/** Okabe & Ito (2008) colour-blind-safe palette, ordered for contrast on a light and on a dark surface. */
export const OKABE_ITO = {
  light: ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'],
  dark: ['#56B4E9', '#E69F00', '#009E73', '#CC79A7', '#F0E442', '#D55E00', '#FFFFFF'],
} as const;

/**
 * Fill of a category dataset's bars, so that bars are told apart without colour: solid, diagonal stripes, dots or
 * a cross-hatch over the dataset's colour. The legend shows the same fill.
 */
export type BarPattern = 'solid' | 'stripes' | 'dots' | 'crosshatch';

/** A repeating fill of `color` with a pattern drawn over it in the contrasting ink. */
function barFill(doc: Document, color: string, pattern: BarPattern, dark: boolean): string | CanvasPattern {
  if (pattern === 'solid') return color;
  const tile = doc.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const ctx = tile.getContext('2d');
  if (!ctx) return color;
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, 8, 8);
  const ink = dark ? 'rgba(0, 0, 0, 0.55)' : 'rgba(255, 255, 255, 0.75)';
  ctx.strokeStyle = ink;
  ctx.fillStyle = ink;
  ctx.lineWidth = 1.5;
  if (pattern === 'dots') {
    ctx.beginPath();
    ctx.arc(4, 4, 1.6, 0, 2 * Math.PI);
    ctx.fill();
  } else {
    ctx.beginPath();
    // Diagonal from bottom-left to top-right, continued across the tile's corners so the stripes join.
    ctx.moveTo(0, 8);
    ctx.lineTo(8, 0);
    ctx.moveTo(-2, 2);
    ctx.lineTo(2, -2);
    ctx.moveTo(6, 10);
    ctx.lineTo(10, 6);
    if (pattern === 'crosshatch') {
      ctx.moveTo(0, 0);
      ctx.lineTo(8, 8);
    }
    ctx.stroke();
  }
  return ctx.createPattern(tile, 'repeat') ?? color;
}

const SHAPES: readonly PointStyle[] = ['circle', 'triangle', 'rect', 'rectRot', 'crossRot', 'star'];
const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "3 Mar 2026" (UTC), as the table and tooltips write a time-axis value. */
export function formatChartDate(ms: number): string {
  return DATE_FORMAT.format(ms);
}

interface Palette {
  readonly dark: boolean;
  readonly text: string;
  readonly grid: string;
  readonly series: readonly string[];
  readonly band: (i: number) => string;
}

function luminance(rgb: string): number {
  const [r = 255, g = 255, b = 255] = (rgb.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/**
 * Resolves the Material tokens the chart needs to concrete colours. The tokens are `light-dark()` values, which
 * canvas cannot parse: a probe element's computed `color` resolves them for the current scheme.
 */
function paletteFor(host: HTMLElement): Palette {
  const probe = host.ownerDocument.createElement('span');
  probe.style.display = 'none';
  host.appendChild(probe);
  const resolve = (token: string, fallback: string) => {
    probe.style.color = fallback;
    probe.style.color = `var(${token}, ${fallback})`;
    return getComputedStyle(probe).color;
  };
  try {
    const dark = luminance(resolve('--mat-sys-surface', '#ffffff')) < 0.5;
    return {
      dark,
      text: resolve('--mat-sys-on-surface-variant', '#44474e'),
      grid: resolve('--mat-sys-outline-variant', '#c4c6d0'),
      series: dark ? OKABE_ITO.dark : OKABE_ITO.light,
      // One hue, rising opacity: a sequential ramp reads the same for every kind of colour vision.
      band: (i) => (dark ? `rgba(230, 159, 0, ${0.06 + i * 0.07})` : `rgba(213, 94, 0, ${0.04 + i * 0.06})`),
    };
  } finally {
    probe.remove();
  }
}

/** Draws `options.plugins.wpBands` behind the datasets, each with its words at its top left corner. */
const bandsPlugin: Plugin<'line'> = {
  id: 'wpBands',
  beforeDatasetsDraw(chart, _args, options: { bands?: readonly ChartBand[]; colors?: readonly string[] }) {
    const bands = options.bands ?? [];
    const y = chart.scales['y'];
    const area = chart.chartArea;
    if (!y || bands.length === 0) return;
    const ctx = chart.ctx;
    ctx.save();
    bands.forEach((band, i) => {
      const top = Math.max(area.top, y.getPixelForValue(band.to + 0.5));
      const bottom = Math.min(area.bottom, y.getPixelForValue(band.from - 0.5));
      if (bottom <= top) return;
      ctx.fillStyle = options.colors?.[i] ?? 'transparent';
      ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
      if (bottom - top >= 12) {
        ctx.fillStyle = String(chart.options.color ?? '#444');
        ctx.font = '11px Roboto, sans-serif';
        ctx.textAlign = 'left';
        ctx.textBaseline = 'top';
        ctx.fillText(band.label, area.left + 4, top + 2);
      }
    });
    ctx.restore();
  },
};

interface TableView {
  readonly series: readonly string[];
  readonly rows: readonly { readonly category: string; readonly values: readonly (string | null)[] }[];
}

/**
 * chart.js wrapper: a canvas with an accessible name, plus the same numbers as a visually hidden table for
 * screen readers (a chart is never the only way to read the data). Two forms:
 * - category data (`data`: labels and one number per label and dataset);
 * - time series (`series`: points of epoch-ms `x`, a linear time axis with date ticks, LTTB decimation for long
 *   series, optional `bands` behind the lines whose words also go into the table).
 * No animation; colours from the Okabe–Ito palette for the current scheme, redrawn when the theme changes.
 * Features may project their own alternative text with `[wpChartAlternative]`. Lazy chunks only.
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
        @if (bands().length > 0) {
          <p class="bands">
            Shaded bands:
            @for (band of bands(); track band.label; let last = $last) {
              <span>{{ band.label }} {{ band.from }}–{{ band.to }}</span
              >{{ last ? '' : ' · ' }}
            }
          </p>
        }
      </figcaption>
      <table class="wp-visually-hidden">
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
    </figure>
  `,
  styles: `
    :host {
      display: block;
    }
    .figure {
      margin: 0;
      position: relative;
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
    .bands {
      margin: 4px 0 0;
      font: var(--mat-sys-body-small);
    }
    @media print {
      .canvas-box {
        height: 180px;
      }
    }
  `,
})
export class ChartView {
  readonly type = input<ChartKind>('line');
  /** Category data; ignored when `series` is given. */
  readonly data = input<WaypointChartData>({ labels: [], datasets: [] });
  readonly series = input<readonly TimeSeries[] | null>(null);
  readonly bands = input<readonly ChartBand[]>([]);
  /** Fixed y range (e.g. 0–27 for PHQ-9); otherwise chart.js fits the data. */
  readonly yMin = input<number | undefined>(undefined);
  readonly yMax = input<number | undefined>(undefined);
  /** Fixed x range in epoch ms (e.g. the selected date range). */
  readonly xMin = input<number | undefined>(undefined);
  readonly xMax = input<number | undefined>(undefined);
  readonly options = input<WaypointChartOptions>({});
  /** Category bars: stack the datasets (e.g. patients by risk band per counselor). */
  readonly stacked = input(false);
  /** Category bars: categories down the side, bars across. */
  readonly horizontal = input(false);
  /** Category data: a palette index per dataset (default: its position), e.g. the same colour per risk band. */
  readonly colors = input<readonly number[]>([]);
  /** Category bars: a fill per dataset (default solid); see {@link BarPattern}. */
  readonly patterns = input<readonly BarPattern[]>([]);
  /** Accessible name and table caption, e.g. "PHQ-9 total by week". */
  readonly label = input.required<string>();
  /** Header of the category column in the table alternative. */
  readonly categoryHeader = input('Date');

  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private readonly host: ElementRef<HTMLElement> = inject(ElementRef);
  private chart: Chart<ChartKind> | undefined;

  protected readonly table = computed((): TableView => {
    const series = this.series();
    if (series) return timeTable(series, this.bands());
    const { labels = [], datasets } = this.data();
    return {
      series: datasets.map((d, i) => d.label ?? `Series ${i + 1}`),
      rows: labels.map((category, i) => ({
        category,
        values: datasets.map((d) => {
          const v = d.data[i];
          return v === null || v === undefined ? null : String(v);
        }),
      })),
    };
  });

  constructor() {
    // (Re)builds after render so the canvas exists and the theme's computed colours are current.
    afterRenderEffect({
      write: () => {
        const config = this.config(paletteFor(this.host.nativeElement));
        this.chart?.destroy();
        this.chart = new Chart(this.canvas().nativeElement, config as never);
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

  private config(palette: Palette) {
    const series = this.series();
    const axis = (extra: object = {}) => ({
      ticks: { color: palette.text },
      grid: { color: palette.grid },
      ...extra,
    });
    const base = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false as const,
      color: palette.text,
    };
    if (!series) {
      const data = this.data();
      const stacked = this.stacked();
      return {
        type: this.type(),
        data: {
          ...data,
          datasets: data.datasets.map((d, i) => ({ ...this.categoryColors(i, palette), ...d })),
        },
        options: {
          ...base,
          ...(this.horizontal() ? { indexAxis: 'y' as const } : {}),
          scales: { x: axis({ stacked }), y: axis({ stacked }) },
          ...this.options(),
        },
      };
    }
    const bands = this.bands();
    return {
      type: 'line' as const,
      data: { datasets: series.map((s, i) => this.dataset(s, i, palette)) },
      options: {
        ...base,
        parsing: false as const,
        normalized: true,
        interaction: { mode: 'nearest' as const, intersect: false },
        scales: {
          x: axis({
            type: 'linear',
            min: this.xMin(),
            max: this.xMax(),
            ticks: {
              color: palette.text,
              maxTicksLimit: 8,
              callback: (value: number | string) => DAY_FORMAT.format(Number(value)),
            },
          }),
          y: axis({ min: this.yMin(), max: this.yMax(), beginAtZero: true }),
        },
        plugins: {
          decimation: { enabled: true, algorithm: 'lttb' as const, samples: 150, threshold: 300 },
          legend: { labels: { color: palette.text, usePointStyle: true } },
          tooltip: {
            callbacks: {
              title: (items: { parsed: { x: number | null } }[]) =>
                items[0] ? formatChartDate(items[0].parsed.x ?? 0) : '',
              label: (item: { dataset: { label?: string }; raw: unknown }) => {
                const raw = item.raw as TimePoint;
                return `${item.dataset.label ?? ''}: ${raw.text ?? raw.y}`;
              },
            },
          },
          wpBands: { bands, colors: bands.map((_, i) => palette.band(i)) },
        },
        ...this.options(),
      },
      plugins: [bandsPlugin],
    };
  }

  /** Border and fill of category dataset `i`: its palette colour, under its pattern for bars. */
  private categoryColors(
    i: number,
    palette: Palette,
  ): { borderColor: string; backgroundColor: string | CanvasPattern } {
    const color = palette.series[(this.colors()[i] ?? i) % palette.series.length] as string;
    const pattern = this.type() === 'bar' ? this.patterns()[i] : undefined;
    return {
      borderColor: color,
      backgroundColor: pattern
        ? barFill(this.host.nativeElement.ownerDocument, color, pattern, palette.dark)
        : color,
    };
  }

  private dataset(s: TimeSeries, i: number, palette: Palette): ChartDataset<'line', TimePoint[]> {
    const color = palette.series[(s.color ?? i) % palette.series.length] as string;
    const emphasize = new Set(s.emphasize ?? []);
    const shape = s.pointStyle ?? SHAPES[i % SHAPES.length];
    return {
      label: s.label,
      data: s.points.map((p) => ({ ...p })),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2,
      borderDash: s.dashed ? [6, 4] : [],
      pointStyle: s.pointStyles ? [...s.pointStyles] : shape,
      pointRadius: s.points.map((_, j) => (emphasize.has(j) ? 7 : 3.5)),
      pointHoverRadius: 7,
      tension: 0,
      spanGaps: true,
      indexAxis: 'x',
    } as ChartDataset<'line', TimePoint[]>;
  }

  private recolor(): void {
    const chart = this.chart;
    if (!chart) {
      return;
    }
    const palette = paletteFor(this.host.nativeElement);
    if (!this.series() && this.patterns().length > 0) {
      // Patterned fills are drawn once in the scheme's colours: draw the chart again with the other scheme's.
      chart.destroy();
      this.chart = new Chart(this.canvas().nativeElement, this.config(palette) as never);
      return;
    }
    chart.options.color = palette.text;
    for (const axis of ['x', 'y'] as const) {
      const scale = chart.options.scales?.[axis];
      if (scale?.ticks && scale.grid) {
        scale.ticks.color = palette.text;
        scale.grid.color = palette.grid;
      }
    }
    const series = this.series();
    chart.data.datasets.forEach((d, i) => {
      if (series) {
        const color = palette.series[(series[i]?.color ?? i) % palette.series.length];
        d.borderColor = color;
        d.backgroundColor = color;
        return;
      }
      const original = this.data().datasets[i];
      const own = this.categoryColors(i, palette);
      d.borderColor = original?.borderColor ?? own.borderColor;
      d.backgroundColor = original?.backgroundColor ?? own.backgroundColor;
    });
    const plugins = chart.options.plugins as
      { wpBands?: { colors?: string[] }; legend?: { labels?: { color?: string } } } | undefined;
    if (plugins?.legend?.labels) plugins.legend.labels.color = palette.text;
    if (plugins?.wpBands) plugins.wpBands.colors = this.bands().map((_, i) => palette.band(i));
    chart.update('none');
  }
}

/** One row per date (UTC day) that any series has a point on; a band's words follow each value. */
function timeTable(series: readonly TimeSeries[], bands: readonly ChartBand[]): TableView {
  const bandOf = (y: number) => bands.find((b) => y >= b.from && y <= b.to)?.label;
  const rows = new Map<number, (string | null)[]>();
  series.forEach((s, i) => {
    for (const p of s.points) {
      const row = rows.get(p.x) ?? series.map(() => null);
      const band = bands.length > 0 ? bandOf(p.y) : undefined;
      row[i] = p.text ?? (band ? `${p.y} (${band})` : String(p.y));
      rows.set(p.x, row);
    }
  });
  return {
    series: series.map((s) => s.label),
    rows: [...rows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([x, values]) => ({ category: formatChartDate(x), values })),
  };
}

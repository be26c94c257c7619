import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Chart } from 'chart.js';

import { type ChartBand, ChartView, OKABE_ITO, type TimeSeries, type WaypointChartData } from './chart';

@Component({
  imports: [ChartView],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (shown()) {
      <wp-chart label="PHQ-9 total by week" categoryHeader="Week" [data]="data()">
        <p wpChartAlternative>Falling from 18 to 9 over three weeks.</p>
      </wp-chart>
    }
  `,
})
class Host {
  readonly shown = signal(true);
  readonly data = signal<WaypointChartData>({
    labels: ['Week 1', 'Week 2', 'Week 3'],
    datasets: [{ label: 'PHQ-9', data: [18, null, 9] }],
  });
}

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5);

@Component({
  imports: [ChartView],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<wp-chart label="PHQ-9 total" [series]="series()" [bands]="bands" [yMin]="0" [yMax]="27" />`,
})
class TimeHost {
  readonly series = signal<TimeSeries[]>([
    {
      label: 'PHQ-9',
      points: [
        { x: START, y: 18 },
        { x: START + 14 * DAY, y: 9 },
      ],
    },
  ]);
  readonly bands: ChartBand[] = [
    { from: 0, to: 4, label: 'minimal' },
    { from: 5, to: 9, label: 'mild' },
    { from: 15, to: 19, label: 'moderately severe' },
  ];
}

@Component({
  imports: [ChartView],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<wp-chart
    type="bar"
    label="Patients by band"
    [data]="data"
    [stacked]="true"
    [horizontal]="true"
    [colors]="[1, 4, 2]"
    [patterns]="['stripes', 'dots', 'solid']"
  />`,
})
class StackedHost {
  readonly data: WaypointChartData = {
    labels: ['Alex', 'Blair'],
    datasets: [
      { label: 'High', data: [1, 0] },
      { label: 'Moderate', data: [2, 1] },
      { label: 'Low', data: [0, 3] },
    ],
  };
}

describe('ChartView', () => {
  afterEach(() => document.documentElement.classList.remove('wp-dark'));

  it('draws on a labelled canvas and offers the same numbers as a table', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const el: HTMLElement = fixture.nativeElement;
    const canvas = el.querySelector('canvas')!;
    expect(canvas.getAttribute('role')).toBe('img');
    expect(canvas.getAttribute('aria-label')).toBe('PHQ-9 total by week');

    const chart = Chart.getChart(canvas);
    expect(chart).toBeDefined();
    expect(chart!.data.datasets[0].data).toEqual([18, null, 9]);
    expect(OKABE_ITO.light as readonly string[]).toContain(String(chart!.data.datasets[0].borderColor));

    expect(el.querySelector('[wpChartAlternative]')?.textContent).toContain('Falling');
    expect(el.querySelector('caption')?.textContent?.trim()).toBe('PHQ-9 total by week');
    const rows = Array.from(el.querySelectorAll('tbody tr')).map((tr) =>
      Array.from(tr.children).map((c) => c.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['Week 1', '18'],
      ['Week 2', '—'],
      ['Week 3', '9'],
    ]);
    expect(el.querySelector('thead th')?.textContent).toBe('Week');
  });

  it('stacks horizontal bars in the given palette colours, patterned fills for all but solid', async () => {
    const fixture = TestBed.createComponent(StackedHost);
    await fixture.whenStable();
    const chart = Chart.getChart(fixture.nativeElement.querySelector('canvas') as HTMLCanvasElement)!;
    const options = chart.options as { indexAxis?: string; scales: Record<string, { stacked?: boolean }> };
    expect(options.indexAxis).toBe('y');
    expect(options.scales['x']?.stacked).toBeTrue();
    expect(options.scales['y']?.stacked).toBeTrue();
    const [high, moderate, low] = chart.data.datasets;
    expect(high?.borderColor).toBe(OKABE_ITO.light[1]);
    expect(moderate?.borderColor).toBe(OKABE_ITO.light[4]);
    expect(high?.backgroundColor).toEqual(jasmine.any(CanvasPattern));
    expect(moderate?.backgroundColor).toEqual(jasmine.any(CanvasPattern));
    expect(low?.backgroundColor).toBe(OKABE_ITO.light[2]);

    // The patterns are drawn again in the dark scheme's colours.
    document.documentElement.classList.add('wp-dark');
    await new Promise<void>((resolve) => queueMicrotask(resolve)); // MutationObserver callbacks are microtasks
    const redrawn = Chart.getChart(fixture.nativeElement.querySelector('canvas') as HTMLCanvasElement)!;
    expect(redrawn.data.datasets[0]?.borderColor).toBe(OKABE_ITO.dark[1]);
    expect(redrawn.data.datasets[0]?.backgroundColor).toEqual(jasmine.any(CanvasPattern));
  });

  it('rebuilds on new data and is destroyed with the component', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const canvas = fixture.nativeElement.querySelector('canvas') as HTMLCanvasElement;
    fixture.componentInstance.data.set({ labels: ['Week 1'], datasets: [{ label: 'PHQ-9', data: [12] }] });
    await fixture.whenStable();
    expect(Chart.getChart(canvas)!.data.datasets[0].data).toEqual([12]);

    fixture.componentInstance.shown.set(false);
    await fixture.whenStable();
    expect(Chart.getChart(canvas)).toBeUndefined();
  });

  it('recolours when the dark scheme is switched on', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const chart = Chart.getChart(fixture.nativeElement.querySelector('canvas') as HTMLCanvasElement)!;
    const light = String(chart.data.datasets[0].borderColor);
    document.documentElement.classList.add('wp-dark');
    await new Promise<void>((resolve) => queueMicrotask(resolve)); // MutationObserver callbacks are microtasks
    expect(String(chart.data.datasets[0].borderColor)).not.toBe(light);
  });

  it('draws time series on a linear time axis with decimation, no animation, and bands in words in the table', async () => {
    const fixture = TestBed.createComponent(TimeHost);
    await fixture.whenStable();
    const el: HTMLElement = fixture.nativeElement;
    const chart = Chart.getChart(el.querySelector('canvas') as HTMLCanvasElement)!;
    expect(chart.options.animation).toBeFalse();
    expect((chart.options.scales?.['x'] as { type?: string }).type).toBe('linear');
    const plugins = chart.options.plugins as { decimation?: { enabled: boolean; algorithm: string } };
    expect(plugins.decimation).toEqual(jasmine.objectContaining({ enabled: true, algorithm: 'lttb' }));
    const rows = Array.from(el.querySelectorAll('tbody tr')).map((tr) =>
      Array.from(tr.children).map((c) => c.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['5 Jan 2026', '18 (moderately severe)'],
      ['19 Jan 2026', '9 (mild)'],
    ]);
    expect(el.querySelector('.bands')?.textContent).toContain('mild 5–9');
    // A long daily series: decimated on screen, every point in the table.
    fixture.componentInstance.series.set([
      {
        label: 'PHQ-9',
        points: Array.from({ length: 730 }, (_, i) => ({ x: START + i * DAY, y: i % 28 })),
      },
    ]);
    await fixture.whenStable();
    expect(el.querySelectorAll('tbody tr').length).toBe(730);
  });
});

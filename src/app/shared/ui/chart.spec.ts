import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Chart } from 'chart.js';

import { ChartView, type WaypointChartData } from './chart';

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
    expect(String(chart!.data.datasets[0].borderColor)).toMatch(/^rgb/);

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
});

import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import { formatDate } from '../../../../../clinical/fhir/fhir-date';
import { ChartView, type TimeSeries } from '../../../shared/ui/chart';

/** One week of the chart: whole percents, null when there is no figure that week. */
export interface AdherenceChartWeek {
  readonly weekStart: string;
  readonly pdc: number | null;
  readonly attendance: number | null;
}

/**
 * Weekly PDC and therapy attendance side by side on one 0–100 % axis, one point per week (on its Monday). The
 * two series differ by point shape and dash as well as colour; the wrapper adds the table alternative, and a
 * sentence below says the latest week in words.
 */
@Component({
  selector: 'wp-adherence-chart',
  imports: [ChartView],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (weeks().length === 0) {
      <p class="none">No weekly figures yet: a week counts once it closes (Monday to Sunday).</p>
    } @else {
      <wp-chart [label]="label()" categoryHeader="Week of" [series]="series()" [yMin]="0" [yMax]="100">
        <p wpChartAlternative class="latest">{{ latest() }}</p>
      </wp-chart>
    }
  `,
  styles: `
    :host {
      display: block;
      --wp-chart-height: 240px;
    }
    .none,
    .latest {
      margin: 0;
    }
  `,
})
export class AdherenceChart {
  readonly weeks = input.required<readonly AdherenceChartWeek[]>();
  /** Accessible name and table caption, e.g. "Weekly PDC and attendance, whole program". */
  readonly label = input.required<string>();

  protected readonly series = computed((): TimeSeries[] => {
    const points = (pick: (w: AdherenceChartWeek) => number | null) =>
      this.weeks().flatMap((w) => {
        const y = pick(w);
        return y === null ? [] : [{ x: Date.parse(w.weekStart), y, text: `${y} %` }];
      });
    return [
      { label: 'PDC (%)', points: points((w) => w.pdc), pointStyle: 'circle' },
      {
        label: 'Therapy attendance (%)',
        points: points((w) => w.attendance),
        pointStyle: 'triangle',
        dashed: true,
      },
    ];
  });

  protected readonly latest = computed(() => {
    const last = this.weeks().at(-1);
    if (!last) return '';
    const pct = (v: number | null) => (v === null ? 'no figure' : `${v} %`);
    return `Week of ${formatDate(last.weekStart)}: PDC ${pct(last.pdc)}, therapy attendance ${pct(last.attendance)}.`;
  });
}

import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

import { StatusChip, type StatusTone } from './status-chip';

export type RiskBandName = 'low' | 'moderate' | 'high';
export type RiskTrendName = 'up' | 'down' | 'same';

const BAND: Readonly<Record<RiskBandName, { word: string; tone: StatusTone; icon: string }>> = {
  low: { word: 'Low', tone: 'success', icon: 'check_circle' },
  moderate: { word: 'Moderate', tone: 'warning', icon: 'warning' },
  high: { word: 'High', tone: 'danger', icon: 'error' },
};

const TREND: Readonly<Record<RiskTrendName, { icon: string; text: string }>> = {
  up: { icon: 'arrow_upward', text: 'rising' },
  down: { icon: 'arrow_downward', text: 'falling' },
  same: { icon: 'arrow_forward', text: 'unchanged' },
};

/**
 * Relapse-risk score as a chip: the score, the band as a word, a colour and an icon, and a trend arrow
 * whose meaning is also written out for screen readers ("High 7, rising"). Never colour alone.
 */
@Component({
  selector: 'wp-risk-chip',
  imports: [MatIconModule, StatusChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <wp-status-chip [label]="label()" [tone]="band().tone" [icon]="band().icon" />
    @if (trendInfo(); as t) {
      <mat-icon class="trend" aria-hidden="true">{{ t.icon }}</mat-icon>
      <span class="wp-visually-hidden">, {{ t.text }}</span>
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
      gap: 2px;
    }
    .trend {
      width: 18px;
      height: 18px;
      font-size: 18px;
    }
  `,
})
export class RiskChip {
  readonly score = input.required<number>();
  readonly riskBand = input.required<RiskBandName>();
  /** Change since the previous assessment; no arrow when not given. */
  readonly trend = input<RiskTrendName | null>(null);

  protected readonly band = computed(() => BAND[this.riskBand()]);
  protected readonly label = computed(() => `${this.band().word} ${this.score()}`);
  protected readonly trendInfo = computed(() => {
    const trend = this.trend();
    return trend ? TREND[trend] : null;
  });
}

/** "High 7, rising": the chip's meaning as one phrase (for aria-labels, tooltips and CSV). */
export function riskPhrase(score: number, band: RiskBandName, trend: RiskTrendName | null = null): string {
  return `${BAND[band].word} ${score}${trend ? `, ${TREND[trend].text}` : ''}`;
}

import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export interface SparklinePoint {
  readonly value: number;
  /** Shown in the text alternative, e.g. "3 Mar". */
  readonly label?: string;
}

/**
 * A tiny inline SVG line of a few values (no chart library), with its text alternative: the SVG is an
 * image whose accessible name lists the values, oldest first, e.g. "Craving, last 6: 6, 5, 7, 8, 8, 9".
 */
@Component({
  selector: 'wp-sparkline',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <svg
      role="img"
      [attr.aria-label]="description()"
      [attr.viewBox]="'0 0 ' + width() + ' ' + height()"
      [attr.width]="width()"
      [attr.height]="height()"
    >
      <title>{{ description() }}</title>
      @if (path(); as d) {
        <path class="line" [attr.d]="d" />
      }
      @if (last(); as dot) {
        <circle class="dot" [attr.cx]="dot.x" [attr.cy]="dot.y" r="2.5" />
      }
    </svg>
  `,
  styles: `
    :host {
      display: inline-block;
      vertical-align: middle;
      line-height: 0;
    }
    .line {
      fill: none;
      stroke: var(--mat-sys-primary);
      stroke-width: 1.5;
      stroke-linejoin: round;
      stroke-linecap: round;
    }
    .dot {
      fill: var(--mat-sys-primary);
    }
  `,
})
export class Sparkline {
  readonly values = input.required<readonly SparklinePoint[]>();
  /** What is measured, for the text alternative ("Craving"). */
  readonly label = input.required<string>();
  /** Scale; values are clamped to it. */
  readonly min = input(0);
  readonly max = input(10);
  readonly width = input(72);
  readonly height = input(24);

  private readonly points = computed(() => {
    const values = this.values();
    const [min, max, w, h] = [this.min(), this.max(), this.width(), this.height()];
    const pad = 3;
    const span = max - min || 1;
    const step = values.length > 1 ? (w - 2 * pad) / (values.length - 1) : 0;
    return values.map((p, i) => {
      const v = Math.min(max, Math.max(min, p.value));
      return {
        x: Math.round((pad + i * step) * 10) / 10,
        y: Math.round((h - pad - ((v - min) / span) * (h - 2 * pad)) * 10) / 10,
      };
    });
  });

  protected readonly path = computed(() => {
    const points = this.points();
    return points.length > 1 ? points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ') : null;
  });
  protected readonly last = computed(() => this.points().at(-1) ?? null);
  protected readonly description = computed(() => {
    const values = this.values();
    if (values.length === 0) return `${this.label()}: no values`;
    return `${this.label()}, last ${values.length}: ${values
      .map((p) => (p.label ? `${p.value} (${p.label})` : String(p.value)))
      .join(', ')}`;
  });
}

import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

import type { UdsChart, UdsTimelineEntry } from '../../../../../clinical/chart/chart-facts';
import { StatusChip } from '../../../shared/ui/status-chip';
import { evidenceAnchor, PLACE_ANCHOR } from '../data/chart-view';

const DAY = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A cell's mark and words: a symbol and text as well as a colour (never colour alone). */
function cellOf(entry: UdsTimelineEntry): { mark: string; words: string; kind: string } {
  switch (entry.result) {
    case 'positive':
      return entry.expected
        ? { mark: 'E', words: 'positive, expected (prescribed)', kind: 'expected' }
        : { mark: '+', words: 'positive', kind: entry.prominent ? 'positive prominent-cell' : 'positive' };
    case 'negative':
      return { mark: '−', words: 'negative', kind: 'negative' };
    case 'no-result':
      return { mark: '?', words: 'no readable result', kind: 'unknown' };
    default:
      return { mark: '', words: 'not tested', kind: 'not-tested' };
  }
}

/**
 * "Urine drug screens": one row per substance and one column per screen in the date range (positive / negative /
 * not tested), positives explained by the prescribed MAT shown as expected, fentanyl and heroin (6-MAM) positives
 * prominent, and the current negative streak in weeks.
 */
@Component({
  selector: 'wp-uds-panel',
  imports: [DatePipe, MatIconModule, StatusChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let u = uds();
    <div class="summary" [id]="anchors.uds" tabindex="-1" [class.highlight]="highlight() === anchors.uds">
      <wp-status-chip
        [label]="u.negativeStreak.weeks + ' week' + (u.negativeStreak.weeks === 1 ? '' : 's') + ' negative'"
        [tone]="u.negativeStreak.weeks >= 4 ? 'success' : u.negativeStreak.weeks > 0 ? 'info' : 'neutral'"
        icon="verified"
      />
      <span class="muted">{{ u.negativeStreak.definition }}</span>
    </div>
    @if (prominent().length > 0) {
      <p class="prominent-note" role="note">
        <mat-icon aria-hidden="true">warning</mat-icon>
        <strong>{{ prominent().join('; ') }}</strong>
      </p>
    }
    @if (u.prescribed.length > 0) {
      <p class="muted">Prescribed: {{ u.prescribed.join(', ') }} — its positives are expected, not use.</p>
    }

    @if (u.screens.length === 0) {
      <p>No screens in this date range.</p>
    } @else {
      <div class="scroll" tabindex="0" role="group" aria-label="Screens by substance (scrolls sideways)">
        <table class="timeline">
          <caption class="wp-visually-hidden">
            Urine drug screen results by substance and date
          </caption>
          <thead>
            <tr>
              <th scope="col">Substance</th>
              @for (s of u.screens; track s.date) {
                <th
                  scope="col"
                  class="date"
                  [id]="s.report ? anchor(s.report.reference) : null"
                  [class.highlight]="s.report && highlight() === anchor(s.report.reference)"
                >
                  {{ s.day | date: 'd MMM' : 'UTC' }}
                </th>
              }
            </tr>
          </thead>
          <tbody>
            @for (row of u.substances; track row.substance) {
              <tr>
                <th scope="row" class="substance">
                  {{ row.label }}
                  @if (row.unexpectedPositives > 0) {
                    <span class="count">{{ row.unexpectedPositives }}+</span>
                  }
                </th>
                @for (entry of row.entries; track $index) {
                  @let cell = cellOf(entry);
                  <td
                    [class]="'cell ' + cell.kind"
                    [id]="entry.evidence[0] ? anchor(entry.evidence[0].reference) : null"
                    [attr.tabindex]="entry.evidence[0] ? -1 : null"
                    [class.highlight]="isHighlighted(entry.evidence)"
                    [attr.aria-label]="cell.words"
                    [title]="row.label + ' ' + (entry.day | date: 'd MMM y' : 'UTC') + ': ' + cell.words"
                  >
                    <span aria-hidden="true">{{ cell.mark }}</span>
                  </td>
                }
              </tr>
            }
          </tbody>
        </table>
      </div>
      <p class="legend">
        + positive (bold outline: fentanyl or heroin) · E expected from prescribed MAT · − negative · blank
        not tested · ? no readable result
      </p>
    }
    @if (u.future.length > 0) {
      <p class="muted">
        {{ u.future.length }} screen(s) dated after today (future date — check the record), not counted.
      </p>
    }
  `,
  styleUrl: './chart-panel.scss',
  styles: `
    .summary {
      display: flex;
      align-items: center;
      gap: 12px;
      flex-wrap: wrap;
      padding: 4px;
      border-radius: var(--mat-sys-corner-small);
    }
    .prominent-note {
      display: flex;
      align-items: center;
      gap: 6px;
      padding: 8px 12px;
      border-radius: var(--mat-sys-corner-small);
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .scroll {
      overflow-x: auto;
      margin-top: 8px;
    }
    .scroll:focus-visible {
      outline: 2px solid var(--mat-sys-primary);
    }
    .timeline {
      border-collapse: separate;
      border-spacing: 2px;
      font: var(--mat-sys-body-small);
    }
    .date {
      font: var(--mat-sys-label-small);
      writing-mode: vertical-rl;
      transform: rotate(180deg);
      height: 48px;
      color: var(--mat-sys-on-surface-variant);
    }
    .substance {
      text-align: start;
      white-space: nowrap;
      padding-inline-end: 8px;
      font-weight: 400;
    }
    .count {
      margin-inline-start: 4px;
      font-weight: 600;
    }
    .cell {
      width: 18px;
      min-width: 18px;
      height: 20px;
      text-align: center;
      border-radius: 3px;
      font-weight: 600;
    }
    .negative {
      background: var(--wp-success-container);
      color: var(--wp-on-success-container);
    }
    .positive {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .prominent-cell {
      outline: 2px solid var(--mat-sys-error);
      outline-offset: -2px;
    }
    .expected {
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
    }
    .not-tested {
      background: transparent;
      border: 1px dashed var(--mat-sys-outline-variant);
    }
    .unknown {
      background: var(--mat-sys-surface-container-highest);
    }
    .legend {
      margin: 6px 0 0;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class UdsPanel {
  readonly uds = input.required<UdsChart>();
  readonly highlight = input<string | null>(null);

  protected readonly anchors = PLACE_ANCHOR;
  protected readonly anchor = evidenceAnchor;
  protected readonly cellOf = cellOf;

  /** Fentanyl and heroin positives in the range, in words. */
  protected readonly prominent = computed(() =>
    this.uds()
      .substances.flatMap((row) =>
        row.entries
          .filter((e) => e.prominent)
          .map((e) => `${row.label} positive ${DAY.format(Date.parse(e.day))}`),
      )
      .slice(-4),
  );

  protected isHighlighted(evidence: readonly { reference?: string }[]): boolean {
    const h = this.highlight();
    return h !== null && evidence.some((e) => evidenceAnchor(e.reference) === h);
  }
}

import { DatePipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

import type { DoseDayKind, MatChart } from '../../../../../clinical/chart/chart-facts';
import { StatusChip, type StatusTone } from '../../../shared/ui/status-chip';
import { evidenceAnchor, PLACE_ANCHOR } from '../data/chart-view';

const STATUS_TONE: Readonly<Record<string, StatusTone>> = {
  'on-track': 'success',
  'supply-ending': 'warning',
  'missed-dose': 'warning',
  gap: 'danger',
  stopped: 'danger',
  none: 'neutral',
};

/** Each day kind has a letter and a pattern as well as a colour (never colour alone). */
const DAY_MARK: Readonly<Record<DoseDayKind, string>> = {
  observed: 'O',
  'take-home': 'T',
  missed: '✕',
  'not-expected': '·',
  today: '?',
};

/**
 * "Medication (MAT)": the order in force (drug or the uncoded text with its mark, dose, schedule, prescriber,
 * start), the methadone observed-dose strip of the last 28 days, take-home dispenses and supply, PDC over 30 and
 * 90 days, gaps and stops, the next long-acting injection, and methadone take-home eligibility under
 * 42 CFR 8.12(i) shown as information for the practitioner, never as a decision.
 */
@Component({
  selector: 'wp-mat-panel',
  imports: [DatePipe, MatIconModule, PercentPipe, StatusChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let m = mat();
    <div class="status" [id]="anchors.mat" tabindex="-1" [class.highlight]="highlight() === anchors.mat">
      <wp-status-chip [label]="'MAT ' + m.status.label" [tone]="tone(m.status.kind)" />
      <span>{{ m.status.detail }}</span>
    </div>

    @if (m.current; as order) {
      <dl
        class="facts"
        [id]="anchor(order.order.reference)"
        tabindex="-1"
        [class.highlight]="highlight() === anchor(order.order.reference)"
      >
        <div>
          <dt>Medication</dt>
          <dd>
            <bdi>{{ order.product }}</bdi>
            @if (order.uncoded) {
              <wp-status-chip label="uncoded order — check" tone="warning" icon="help" />
            }
          </dd>
        </div>
        <div>
          <dt>Dose</dt>
          <dd>{{ order.dose ?? '—' }}</dd>
        </div>
        <div>
          <dt>Schedule</dt>
          <dd>
            <bdi>{{ order.schedule ?? '—' }}</bdi>
          </dd>
        </div>
        <div>
          <dt>Prescriber</dt>
          <dd>
            <bdi>{{ order.prescriber?.display ?? '—' }}</bdi>
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{{ order.start | date: 'd MMM y' : 'UTC' }}</dd>
        </div>
        <div>
          <dt>Supply remaining</dt>
          <dd>
            {{ m.supplyRemainingDays === null ? '—' : days(m.supplyRemainingDays) }}
            @if (m.suppliedThrough) {
              <span class="muted">(through {{ m.suppliedThrough | date: 'd MMM' : 'UTC' }})</span>
            }
          </dd>
        </div>
      </dl>
    } @else {
      <p>No MAT order in force.</p>
    }

    <div class="pdc">
      @for (p of [m.pdc30, m.pdc90]; track p.windowDays) {
        <div class="pdc-item">
          <span class="label">PDC {{ p.windowDays }} days</span>
          <strong>{{ p.pdc === null ? '—' : (p.pdc | percent: '1.0-0') }}</strong>
          @if (p.adherent !== null) {
            <span class="muted"
              >{{ p.coveredDays }}/{{ p.denominatorDays }} days · {{ p.adherent ? 'at or above' : 'below' }}
              {{ p.threshold | percent: '1.0-0' }}</span
            >
          }
        </div>
      }
    </div>

    @if (m.nextInjection; as inj) {
      <p class="injection" [class.overdue]="inj.overdue">
        <mat-icon aria-hidden="true">vaccines</mat-icon>
        Next injection (<bdi>{{ inj.product }}</bdi
        >) due {{ inj.due | date: 'd MMM y' : 'UTC' }} ({{
          inj.overdue
            ? 'overdue by ' + days(inj.daysUntilDue * -1)
            : inj.daysUntilDue === 0
              ? 'today'
              : 'in ' + days(inj.daysUntilDue)
        }}).
      </p>
    }

    @if (m.strip; as strip) {
      <h3 class="sub">Observed doses, last 28 days</h3>
      <div
        class="strip-box"
        [id]="anchors.matStrip"
        tabindex="-1"
        [class.highlight]="highlight() === anchors.matStrip"
      >
        <ol class="strip" aria-label="Methadone doses by day, oldest first">
          @for (day of strip.days; track day.date) {
            <li
              [class]="'day kind-' + day.kind"
              [id]="day.evidence[0] ? anchor(day.evidence[0].reference) : null"
              [class.highlight]="isHighlighted(day.evidence)"
              [attr.aria-label]="(day.date | date: 'EEE d MMM' : 'UTC') + ': ' + day.label"
              [title]="(day.date | date: 'EEE d MMM' : 'UTC') + ': ' + day.label"
            >
              <span aria-hidden="true">{{ mark[day.kind] }}</span>
            </li>
          }
        </ol>
        <p class="legend">
          O observed · T take-home · ✕ missed · · no dose expected · ? today —
          {{ strip.observed }} observed, {{ strip.takeHome }} take-home, {{ strip.missed }} missed
        </p>
      </div>
    }

    @if (m.gaps.length > 0 || m.stops.length > 0) {
      <h3 class="sub">Gaps and stops</h3>
      <ul class="events">
        @for (gap of m.gaps; track gap.from) {
          <li
            class="gap"
            [class.discontinuation]="gap.discontinuation"
            [id]="gap.evidence[0] ? anchor(gap.evidence[0].reference) + '-gap' : null"
          >
            <mat-icon aria-hidden="true">{{ gap.discontinuation ? 'block' : 'warning' }}</mat-icon>
            Gap {{ gap.from | date: 'd MMM' : 'UTC' }} – {{ gap.to | date: 'd MMM y' : 'UTC' }}:
            {{ gap.days }} days{{ gap.ongoing ? ', ongoing' : '' }}
            @if (gap.discontinuation) {
              <strong>— discontinuation (30 days or more)</strong>
            }
          </li>
        }
        @for (stop of m.stops; track stop.order.reference) {
          <li [id]="anchor(stop.order.reference) + '-stop'">
            <mat-icon aria-hidden="true">{{ stop.doseChange ? 'swap_vert' : 'stop_circle' }}</mat-icon>
            {{ stop.doseChange ? 'Dose change' : 'Stopped' }} {{ stop.date | date: 'd MMM y' : 'UTC' }}:
            <bdi>{{ stop.product }}</bdi>
            @if (stop.reason) {
              — <bdi>{{ stop.reason }}</bdi>
            }
          </li>
        }
      </ul>
    }

    @if (m.dispenses.length > 0) {
      <h3 class="sub">Take-home and pharmacy dispenses (90 days)</h3>
      <ul class="events">
        @for (d of m.dispenses.slice(0, 8); track d.dispense.reference) {
          <li
            [id]="anchor(d.dispense.reference)"
            tabindex="-1"
            [class.highlight]="highlight() === anchor(d.dispense.reference)"
          >
            {{ d.handedOver | date: 'd MMM' : 'UTC' }}:
            {{ d.daysSupply === null ? '? days' : days(d.daysSupply)
            }}{{ d.quantity ? ' · ' + d.quantity : '' }}
            @if (d.coversFrom && d.coversTo) {
              <span class="muted"
                >(covers {{ d.coversFrom | date: 'd MMM' : 'UTC' }} –
                {{ d.coversTo | date: 'd MMM' : 'UTC' }})</span
              >
            }
          </li>
        }
      </ul>
    }

    @if (m.takeHome; as th) {
      <section class="take-home" aria-labelledby="take-home-heading">
        <h3 class="sub" id="take-home-heading">Methadone take-home eligibility (information)</h3>
        <p>
          Day {{ th.dayOfTreatment }} of treatment (since {{ th.treatmentStart | date: 'd MMM y' : 'UTC' }}):
          federal maximum <strong>{{ th.maxDaysSupply }} days' supply</strong> of take-home doses in this
          stage ({{ th.stage.text }}).
          @if (th.nextStage; as next) {
            From {{ next.opens | date: 'd MMM y' : 'UTC' }}: up to {{ next.stage.maxDaysSupply }} days.
          }
        </p>
        <p class="muted">{{ th.closedDayRule }}</p>
        <ul class="criteria">
          @for (c of th.criteria; track c.id) {
            <li>
              <span>{{ c.text }}</span>
              @for (fact of c.facts; track $index) {
                <span class="muted fact">{{ fact }}</span>
              }
            </li>
          }
        </ul>
        <p class="muted">
          <strong>{{ th.decidedBy }}</strong> {{ th.rules.title }} — {{ th.rules.citation }}.
          {{ th.rules.note }}
        </p>
      </section>
    }
  `,
  styleUrl: './chart-panel.scss',
  styles: `
    .status {
      display: flex;
      align-items: center;
      gap: 12px;
      flex-wrap: wrap;
      margin-bottom: 12px;
    }
    .pdc {
      display: flex;
      gap: 32px;
      flex-wrap: wrap;
      margin: 12px 0;
    }
    .pdc-item {
      display: grid;
      gap: 2px;
    }
    .label {
      font: var(--mat-sys-label-medium);
      color: var(--mat-sys-on-surface-variant);
    }
    .injection {
      display: flex;
      align-items: center;
      gap: 6px;
    }
    .injection.overdue {
      font-weight: 500;
    }
    .strip-box {
      padding: 4px;
      border-radius: var(--mat-sys-corner-small);
    }
    .strip {
      display: grid;
      grid-template-columns: repeat(14, minmax(20px, 1fr));
      gap: 3px;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .day {
      display: grid;
      place-items: center;
      height: 28px;
      border-radius: 4px;
      font: var(--mat-sys-label-medium);
      border: 1px solid var(--mat-sys-outline-variant);
    }
    .kind-observed {
      background: var(--wp-success-container);
      color: var(--wp-on-success-container);
    }
    .kind-take-home {
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
      background-image: repeating-linear-gradient(
        45deg,
        transparent 0 4px,
        color-mix(in srgb, currentColor 18%, transparent) 4px 6px
      );
    }
    .kind-missed {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
      border: 2px solid var(--mat-sys-error);
    }
    .kind-not-expected {
      color: var(--mat-sys-on-surface-variant);
    }
    .kind-today {
      border-style: dashed;
    }
    .legend {
      margin: 6px 0 0;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .gap.discontinuation {
      font-weight: 500;
    }
    .take-home {
      margin-top: 12px;
      padding: 12px;
      border-radius: var(--mat-sys-corner-medium);
      border: 1px solid var(--mat-sys-outline-variant);
    }
    .criteria {
      display: grid;
      gap: 6px;
      padding-inline-start: 20px;
    }
    .criteria li {
      display: grid;
    }
    .fact {
      font: var(--mat-sys-body-small);
    }
  `,
})
export class MatPanel {
  readonly mat = input.required<MatChart>();
  /** The anchor a selected risk point highlights, if it is in this panel. */
  readonly highlight = input<string | null>(null);

  protected readonly anchors = PLACE_ANCHOR;
  protected readonly mark = DAY_MARK;
  protected readonly anchor = evidenceAnchor;

  protected days(n: number): string {
    return `${n} day${n === 1 ? '' : 's'}`;
  }

  protected tone(kind: string): StatusTone {
    return STATUS_TONE[kind] ?? 'neutral';
  }

  protected isHighlighted(evidence: readonly { reference?: string }[]): boolean {
    const h = this.highlight();
    return h !== null && evidence.some((e) => evidenceAnchor(e.reference) === h);
  }
}

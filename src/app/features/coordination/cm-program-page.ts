import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { Store } from '@ngrx/store';

import { formatDate } from '../../../../clinical/fhir/fhir-date';
import { outcomeMessageOf } from '../../core/fhir/operation-outcome';
import { EmptyState } from '../../shared/ui/empty-state';
import { ErrorBanner } from '../../shared/ui/error-banner';
import { scheduleText } from './data/cm-model';
import { CoordinationPageActions } from './state/coordination.actions';
import { coordinationFeature } from './state/coordination.feature';
import { CmScheduleNotice } from './ui/cm-schedule-notice';

/**
 * Contingency management across the program: each enrolled patient's rewards and points (recorded, of which
 * handed out), the program's totals, and the way to each patient's ledger.
 */

@Component({
  selector: 'wp-cm-program-page',
  imports: [CmScheduleNotice, EmptyState, ErrorBanner, MatButtonModule, MatIconModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 class="title">Contingency management</h2>
    <wp-cm-schedule-notice [text]="schedule()" [problem]="scheduleProblem()" />

    @if (error(); as message) {
      <wp-error-banner retryable (retry)="open()"
        >The rewards could not be loaded: {{ message }}</wp-error-banner
      >
    }

    @if (totals(); as t) {
      <p class="program-total" role="status">
        Program total: <strong>{{ t.points }} points</strong> in {{ t.rewards }}
        {{ t.rewards === 1 ? 'reward' : 'rewards' }} ({{ t.handedOut }} handed out) for
        {{ t.patients.length }} enrolled {{ t.patients.length === 1 ? 'patient' : 'patients' }}.
      </p>
      @if (t.patients.length === 0) {
        <wp-empty-state
          icon="redeem"
          headline="No patient enrolled in contingency management"
          message="Patients appear here once their care plan includes contingency management or a reward is recorded."
        />
      } @else {
        <table class="totals">
          <caption class="wp-visually-hidden">
            CM points per enrolled patient
          </caption>
          <thead>
            <tr>
              <th scope="col">Patient</th>
              <th scope="col" class="num">Rewards</th>
              <th scope="col" class="num">Points</th>
              <th scope="col" class="num">Handed out</th>
              <th scope="col">Last reward</th>
              <th scope="col"><span class="wp-visually-hidden">Ledger</span></th>
            </tr>
          </thead>
          <tbody>
            @for (p of t.patients; track p.patientId) {
              <tr>
                <th scope="row">
                  <bdi>{{ p.name }}</bdi>
                </th>
                <td class="num">{{ p.rewards }}</td>
                <td class="num">{{ p.points }}</td>
                <td class="num">{{ p.handedOut }}</td>
                <td>{{ p.lastReward ? formatDate(p.lastReward) : 'None yet' }}</td>
                <td>
                  <a [routerLink]="['/coordination/patients', p.patientId, 'cm']"
                    >Ledger<span class="wp-visually-hidden"
                      >: <bdi>{{ p.name }}</bdi></span
                    ></a
                  >
                </td>
              </tr>
            }
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Program</th>
              <td class="num">{{ t.rewards }}</td>
              <td class="num">{{ t.points }}</td>
              <td class="num">{{ t.handedOut }}</td>
              <td colspan="2"></td>
            </tr>
          </tfoot>
        </table>
      }
    } @else if (loading()) {
      <p role="status">Loading rewards…</p>
    }
  `,
  styles: `
    @use '../../shared/styles/page';
    @include page.host;
    @include page.title;
    .program-total {
      margin: 8px 0;
      font: var(--mat-sys-title-small);
    }
    .totals {
      @include page.data-table($align: null);
      max-width: 60rem;
    }
    .totals tfoot th,
    .totals tfoot td {
      font-weight: 500;
    }
    .totals .num {
      text-align: end;
    }
  `,
})
export class CmProgramPage {
  private readonly store = inject(Store);
  protected readonly formatDate = formatDate;
  private readonly cmSchedule = this.store.selectSignal(coordinationFeature.selectCmSchedule);
  protected readonly scheduleProblem = this.store.selectSignal(coordinationFeature.selectCmScheduleProblem);
  protected readonly schedule = computed(() => scheduleText(this.cmSchedule()));
  protected readonly totals = this.store.selectSignal(coordinationFeature.selectCmTotals);
  protected readonly loading = this.store.selectSignal(coordinationFeature.selectCmLoading);
  private readonly cmError = this.store.selectSignal(coordinationFeature.selectCmError);
  private readonly programError = this.store.selectSignal(coordinationFeature.selectProgramError);
  protected readonly error = outcomeMessageOf(() => this.cmError() ?? this.programError());

  constructor() {
    this.open();
  }

  protected open(): void {
    // Loads the program (the patients' names) and its CM figures.
    this.store.dispatch(CoordinationPageActions.cmTotalsOpened());
  }
}

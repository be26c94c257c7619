import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink, type UrlTree } from '@angular/router';
import { Store } from '@ngrx/store';

import { TRACK_DISPLAY } from '../../../../clinical/terminology';
import { outcomeMessage } from '../../core/fhir/operation-outcome';
import { RiskChip } from '../../shared/ui/risk-chip';
import { PatientPageActions } from './state/patient.actions';
import { patientFeature } from './state/patient.feature';

/** `/patients/:id`: the patient header (name, track and week, relapse risk); the full chart comes later. */
@Component({
  selector: 'wp-patient-page',
  imports: [MatButtonModule, MatIconModule, MatProgressBarModule, RiskChip, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a mat-button [routerLink]="backLink" class="back">
      <mat-icon aria-hidden="true">arrow_back</mat-icon>
      Back to caseload
    </a>

    @if (header(); as h) {
      <header class="banner">
        <h1 class="wp-page-title">
          <bdi>{{ h.name }}</bdi>
        </h1>
        <dl class="facts">
          @if (h.age !== null || h.pronouns) {
            <div>
              <dt>Age · pronouns</dt>
              <dd>
                {{ h.age !== null ? h.age + ' y' : '—' }}
                @if (h.pronouns) {
                  · <bdi>{{ h.pronouns }}</bdi>
                }
              </dd>
            </div>
          }
          <div>
            <dt>Track</dt>
            <dd>{{ h.track ? h.track + ' — ' + trackDisplay[h.track] : 'No active track' }}</dd>
          </div>
          <div>
            <dt>Program week</dt>
            <dd>{{ h.week?.label ?? '—' }}</dd>
          </div>
          <div>
            <dt>Relapse risk</dt>
            <dd><wp-risk-chip [score]="h.risk.score" [riskBand]="h.risk.band" [trend]="h.risk.trend" /></dd>
          </div>
        </dl>
        <p class="note">Risk is decision support, not a diagnosis.</p>
      </header>
    } @else if (error(); as outcome) {
      <div class="error" role="alert">
        <p>{{ errorMessage() }}</p>
        <button mat-flat-button type="button" (click)="retry()">Retry</button>
      </div>
    } @else {
      <h1 class="wp-page-title">Patient</h1>
      <mat-progress-bar mode="indeterminate" aria-label="Loading the patient" />
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .back {
      margin: 0 0 8px -12px;
    }
    .banner {
      padding: 16px 20px;
      border-radius: var(--mat-sys-corner-large);
      background: var(--mat-sys-surface-container-low);
    }
    .facts {
      display: flex;
      flex-wrap: wrap;
      gap: 16px 40px;
      margin: 0;
    }
    dt {
      font: var(--mat-sys-label-medium);
      color: var(--mat-sys-on-surface-variant);
    }
    dd {
      margin: 4px 0 0;
      font: var(--mat-sys-title-medium);
    }
    .note {
      margin: 12px 0 0;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .error {
      display: flex;
      align-items: center;
      gap: 16px;
      padding: 12px 16px;
      border-radius: var(--mat-sys-corner-medium);
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
  `,
})
export class PatientPage {
  private readonly store = inject(Store);
  /** Bound from the route by withComponentInputBinding(). */
  readonly id = input.required<string>();

  protected readonly trackDisplay = TRACK_DISPLAY;
  /** The caseload view the patient was opened from (filters kept), else the caseload. */
  protected readonly backLink: UrlTree = this.caseloadLink();
  protected readonly header = this.store.selectSignal(patientFeature.selectHeader);
  protected readonly error = this.store.selectSignal(patientFeature.selectError);
  protected readonly errorMessage = computed(() => {
    const error = this.error();
    return error ? outcomeMessage(error) : '';
  });

  constructor() {
    effect(() => {
      const patientId = this.id();
      untracked(() => this.store.dispatch(PatientPageActions.opened({ patientId })));
    });
  }

  private caseloadLink(): UrlTree {
    const router = inject(Router);
    const from: unknown = router.currentNavigation()?.extras.state?.['caseloadUrl'];
    const tree = typeof from === 'string' ? router.parseUrl(from) : null;
    const path = tree?.root.children['primary']?.segments.map((s) => s.path).join('/');
    return tree && path === 'caseload' ? tree : router.parseUrl('/caseload');
  }

  protected retry(): void {
    this.store.dispatch(PatientPageActions.retried({ patientId: this.id() }));
  }
}

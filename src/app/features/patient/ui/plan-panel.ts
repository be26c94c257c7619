import { DatePipe, NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

import type { PlanGoal, TreatmentPlanFacts } from '../../../../../clinical/chart/chart-facts';
import { TRACK_DISPLAY } from '../../../../../clinical/terminology';
import { evidenceAnchor } from '../data/chart-view';

/** "Treatment plan": the CarePlan's goals with their targets and progress, the track and program week, next review. */
@Component({
  selector: 'wp-plan-panel',
  imports: [DatePipe, MatIconModule, NgTemplateOutlet],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let p = plan();
    <dl class="facts">
      <div>
        <dt>Track</dt>
        <dd>{{ p.track ? p.track + ' — ' + trackDisplay[p.track] : 'No active track' }}</dd>
      </div>
      <div>
        <dt>Program week</dt>
        <dd>{{ p.week !== null ? 'Week ' + p.week + ' of ' + p.plannedWeeks : '—' }}</dd>
      </div>
      <div>
        <dt>Next review</dt>
        <dd>{{ p.nextReview ? (p.nextReview.date | date: 'd MMM y' : 'UTC') : '—' }}</dd>
      </div>
    </dl>
    @for (plan of p.plans; track plan.carePlan.reference) {
      <h3 class="sub">
        <bdi>{{ plan.title ?? 'Care plan' }}</bdi>
        <span class="muted"> · {{ plan.status }}</span>
      </h3>
      <ng-container *ngTemplateOutlet="goals; context: { $implicit: plan.goals }" />
      @if (plan.goals.length === 0) {
        <p class="muted">No goals recorded.</p>
      }
    } @empty {
      <p>No care plan on record.</p>
    }
    @if (p.otherGoals.length > 0) {
      <h3 class="sub">Other goals</h3>
      <ng-container *ngTemplateOutlet="goals; context: { $implicit: p.otherGoals }" />
    }
    <ng-template #goals let-goals>
      <ul class="goals">
        @for (goal of asGoals(goals); track goal.goal.reference) {
          <li [id]="anchor(goal.goal.reference)">
            <div class="goal-head">
              <bdi class="description">{{ goal.description }}</bdi>
              @if (goal.achievement?.display ?? goal.achievement?.code; as achievement) {
                <span class="achievement">{{ achievement }}</span>
              }
            </div>
            @for (target of goal.targets; track $index) {
              @if (target.detail || target.due) {
                <span class="muted"
                  >Target {{ target.detail ?? ''
                  }}{{ target.due ? ' by ' + (target.due | date: 'd MMM y' : 'UTC') : '' }}</span
                >
              }
            }
            @for (progress of goal.progress; track $index) {
              <span class="progress" [class.met]="progress.met === true">
                <mat-icon aria-hidden="true">{{
                  progress.met === true
                    ? 'check_circle'
                    : progress.met === false
                      ? 'radio_button_unchecked'
                      : 'help'
                }}</mat-icon>
                {{ progress.met === true ? 'Met: ' : progress.met === false ? 'Not yet: ' : ''
                }}{{ progress.text }}
              </span>
            }
          </li>
        }
      </ul>
    </ng-template>
  `,
  styleUrl: './chart-panel.scss',
  styles: `
    .goals {
      margin: 0;
      padding: 0;
      list-style: none;
      display: grid;
      gap: 10px;
    }
    .goals li {
      display: grid;
      gap: 2px;
    }
    .goal-head {
      display: flex;
      gap: 8px;
      flex-wrap: wrap;
      align-items: baseline;
    }
    .achievement {
      font: var(--mat-sys-label-medium);
      padding: 0 8px;
      border-radius: var(--mat-sys-corner-full);
      background: var(--mat-sys-surface-container-highest);
    }
    .progress {
      display: inline-flex;
      align-items: center;
      gap: 4px;
    }
    .progress mat-icon {
      width: 18px;
      height: 18px;
      font-size: 18px;
    }
  `,
})
export class PlanPanel {
  readonly plan = input.required<TreatmentPlanFacts>();

  protected readonly trackDisplay = TRACK_DISPLAY;
  protected readonly anchor = evidenceAnchor;

  protected asGoals(goals: unknown): readonly PlanGoal[] {
    return goals as readonly PlanGoal[];
  }
}

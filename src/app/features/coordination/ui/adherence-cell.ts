import { ChangeDetectionStrategy, Component, computed } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';

import { formatDate } from '../../../../../clinical/fhir/fhir-date';
import {
  ADHERENCE_THRESHOLDS,
  type AdherenceRow,
  type FollowUpSuggestion,
} from '../../../../../clinical/workspaces/adherence';
import { GridCell } from '../../../shared/ui/grid-cell';
import {
  attendanceText,
  contactText,
  drugText,
  injectionText,
  missedText,
  relativeDays,
  supplyLeftText,
} from '../data/adherence-cells';
import type { AdherenceColumn } from '../data/adherence-view';

/** A grid row: the adherence facts and the follow-up a "Create task" from it pre-fills. */
export type AdherenceGridRow = AdherenceRow & { readonly suggestion: FollowUpSuggestion };

const T = ADHERENCE_THRESHOLDS;

/**
 * One adherence cell, rendered by column id. Every fact is written in words; colour and weight only repeat the
 * words that say a threshold is crossed. The patient's name links to the chart; "Create task" opens the task
 * form pre-filled from the row.
 */
@Component({
  selector: 'wp-adherence-cell',
  imports: [MatIconModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (row(); as r) {
      @switch (column()) {
        @case ('patient') {
          <!-- A name is free text: <bdi> keeps a bidirectional control in it from reordering the rest. -->
          <a class="primary name" [routerLink]="['/patients', r.patientId]" (click)="$event.stopPropagation()"
            ><bdi>{{ r.name }}</bdi></a
          >
        }
        @case ('drug') {
          <span class="primary" [class.muted]="r.mat.drug === null" [class.warn]="r.mat.uncoded">{{
            drugText(r)
          }}</span>
          @if (r.mat.drug !== null) {
            <span class="secondary" [class.bad]="r.mat.status === 'gap' || r.mat.status === 'missed-dose'">{{
              r.mat.label
            }}</span>
          }
        }
        @case ('pdc') {
          @if (r.pdc30 !== null) {
            <span class="primary" [class.bad]="r.pdc30 < T.pdcAdherent">{{ r.pdc30 }} %</span>
            <span class="secondary">{{ r.pdc30 >= T.pdcAdherent ? 'adherent' : 'below 80 %' }}</span>
          } @else {
            <span class="muted">No MOUD order</span>
          }
        }
        @case ('missed') {
          <span
            [class.primary]="r.missedDosesThisWeek !== null"
            [class.muted]="r.missedDosesThisWeek === null"
            [class.bad]="(r.missedDosesThisWeek ?? 0) >= T.missedDoses"
            >{{ missedText(r) }}</span
          >
        }
        @case ('lastDispense') {
          @if (r.lastDispense) {
            <span class="primary">{{ formatDate(r.lastDispense) }}</span>
          } @else {
            <span class="muted">None</span>
          }
        }
        @case ('supplyEnds') {
          @if (r.supplyEndsOn !== null && r.supplyDaysLeft !== null) {
            <span class="primary">{{ formatDate(r.supplyEndsOn) }}</span>
            <span class="secondary" [class.bad]="r.supplyDaysLeft <= T.supplyDays">{{
              supplyLeftText(r.supplyDaysLeft)
            }}</span>
          } @else {
            <span class="muted">No supply</span>
          }
        }
        @case ('injection') {
          @if (r.nextInjectionDue !== null && r.injectionDueInDays !== null) {
            <span class="primary">{{ formatDate(r.nextInjectionDue) }}</span>
            <span class="secondary" [class.bad]="r.injectionDueInDays < 0">{{
              r.injectionDueInDays < 0 ? 'overdue' : 'due ' + relativeDays(r.injectionDueInDays)
            }}</span>
          } @else {
            <span class="muted">None</span>
          }
        }
        @case ('takeHome') {
          @if (r.takeHome; as t) {
            <span class="primary">Up to {{ t.maxDaysSupply }} days</span>
            <span class="secondary">{{ t.label }}</span>
          } @else {
            <span class="muted">Not applicable</span>
          }
        }
        @case ('attendance') {
          <span
            [class.primary]="r.attendance.percent !== null"
            [class.muted]="r.attendance.percent === null"
            [class.bad]="r.attendance.percent !== null && r.attendance.percent < T.attendancePercent"
            >{{ attendanceText(r) }}</span
          >
        }
        @case ('lastContact') {
          @if (r.lastContact !== null && r.daysSinceContact !== null) {
            <span class="primary">{{ formatDate(r.lastContact) }}</span>
            <span class="secondary" [class.bad]="r.daysSinceContact >= T.contactDays">{{
              relativeDays(-r.daysSinceContact)
            }}</span>
          } @else {
            <span class="bad">No contact on record</span>
          }
        }
        @case ('streak') {
          <span class="primary"
            >{{ r.negativeStreakWeeks }} {{ r.negativeStreakWeeks === 1 ? 'week' : 'weeks' }}</span
          >
        }
        @case ('tasks') {
          <span [class.primary]="r.openTasks > 0" [class.muted]="r.openTasks === 0">{{
            r.openTasks === 0 ? 'None' : r.openTasks
          }}</span>
        }
        @case ('actions') {
          <a
            class="action"
            routerLink="/coordination/tasks/new"
            [queryParams]="taskParams()"
            [attr.aria-label]="'Create task for ' + r.name"
            (click)="$event.stopPropagation()"
            ><mat-icon aria-hidden="true">add_task</mat-icon>Create task</a
          >
        }
      }
    }
  `,
  styles: `
    @use '../../../shared/ui/grid-cell';
    .name {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      font-weight: 500;
    }
    .action {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      font: var(--mat-sys-label-large);
      text-decoration: none;
    }
    .action:hover,
    .action:focus-visible {
      text-decoration: underline;
    }
    .action mat-icon {
      width: 18px;
      height: 18px;
      font-size: 18px;
    }
  `,
})
export class AdherenceCell extends GridCell<AdherenceGridRow, AdherenceColumn> {
  protected readonly T = T;
  protected readonly formatDate = formatDate;
  protected readonly relativeDays = relativeDays;
  protected readonly supplyLeftText = supplyLeftText;
  protected readonly drugText = drugText;
  protected readonly missedText = missedText;
  protected readonly attendanceText = attendanceText;
  protected readonly contactText = contactText;
  protected readonly injectionText = injectionText;
  protected readonly taskParams = computed(() => {
    const row = this.row();
    return row
      ? {
          patient: row.patientId,
          description: row.suggestion.description,
          ...(row.suggestion.reason ? { reason: row.suggestion.reason } : {}),
        }
      : {};
  });
}

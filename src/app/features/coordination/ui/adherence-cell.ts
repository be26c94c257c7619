import { ChangeDetectionStrategy, Component, computed } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';

import type { AdherenceRow, FollowUpSuggestion } from '../../../../../clinical/workspaces/adherence';
import { GridCell } from '../../../shared/ui/grid-cell';
import type { AdherenceColumn } from '../data/adherence-view';

/** A grid row: the adherence facts and the follow-up a "Create task" from it pre-fills. */
export type AdherenceGridRow = AdherenceRow & { readonly suggestion: FollowUpSuggestion };

/**
 * The adherence cells that act: the patient's name links to the chart; "Create task" opens the task form
 * pre-filled from the row. The other cells are text, which the grid renders itself (ADHERENCE_PARTS).
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

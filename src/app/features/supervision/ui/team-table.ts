import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { RouterLink } from '@angular/router';

import type { CounselorOverview, TeamFigures } from '../../../../../clinical/workspaces/team-overview';
import { type TeamColumn, type TeamSort } from '../data/team-sort';

type Group = 'risk' | 'signed' | 'notes';

interface Header {
  readonly id: TeamColumn;
  /** The column's full name (the sort button's description). */
  readonly label: string;
  /** The header's words under its group's heading; the label when it has no group. */
  readonly short?: string;
  readonly group?: Group;
  /** Words after the label for screen readers and the tooltip (what the column counts). */
  readonly detail?: string;
}

const GROUPS: Readonly<Record<Group, string>> = {
  risk: 'Relapse risk',
  signed: 'Notes signed, last 4 weeks',
  notes: 'Notes not signed',
};

const HEADERS: readonly Header[] = [
  { id: 'name', label: 'Counselor' },
  { id: 'caseload', label: 'Patients', detail: 'with an active episode on their care team' },
  { id: 'high', label: 'High risk', short: 'High', group: 'risk' },
  { id: 'moderate', label: 'Moderate risk', short: 'Moderate', group: 'risk' },
  { id: 'low', label: 'Low risk', short: 'Low', group: 'risk' },
  { id: 'signed24h', label: 'Signed ≤ 24 h', short: '≤ 24 h', group: 'signed', detail: 'after the session' },
  { id: 'signed72h', label: 'Signed ≤ 72 h', short: '≤ 72 h', group: 'signed', detail: 'after the session' },
  { id: 'unsigned', label: 'Unsigned notes', short: 'Unsigned', group: 'notes' },
  {
    id: 'overdue',
    label: 'Overdue notes',
    short: 'Overdue',
    group: 'notes',
    detail: 'unsigned more than 72 h after the session',
  },
  { id: 'cosign', label: 'Co-signatures waiting' },
  { id: 'attendance', label: 'Attendance', detail: 'attended of held sessions, last 4 weeks' },
  { id: 'safety', label: 'Safety alerts', detail: 'patients with an active safety alert' },
];

type TopCell =
  | { readonly kind: 'column'; readonly header: Header }
  | { readonly kind: 'group'; readonly group: Group; readonly span: number };

/** The first header row: ungrouped columns span both rows; each group heads its columns. */
const TOP: readonly TopCell[] = HEADERS.flatMap((h, i): TopCell[] => {
  if (!h.group) return [{ kind: 'column', header: h }];
  if (HEADERS[i - 1]?.group === h.group) return [];
  return [{ kind: 'group', group: h.group, span: HEADERS.filter((x) => x.group === h.group).length }];
});

/**
 * The team overview as a table: one row per supervised counselor (the name opens their caseload), a last row
 * for the team. Every column sorts from its header (mouse or keyboard; `aria-sort` tells which); the feature
 * sorts the rows and keeps the sort in the URL. Percentages show their counts; an empty figure is a dash with
 * words for screen readers.
 */
@Component({
  selector: 'wp-team-table',
  imports: [MatIconModule, MatSortModule, NgTemplateOutlet, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <table
      class="team"
      matSort
      [matSortActive]="sort()?.column ?? 'name'"
      [matSortDirection]="sort()?.direction ?? 'asc'"
      matSortDisableClear
      (matSortChange)="changed($event)"
    >
      <caption class="wp-visually-hidden">
        Team overview: one row per counselor you supervise, then the team. Select a column header to sort.
      </caption>
      <thead>
        <!-- Declared inside the table: the sort headers find the table's matSort from where they are declared. -->
        <ng-template #sortable let-h let-rows="rows">
          <th
            scope="col"
            [attr.rowspan]="rows > 1 ? rows : null"
            [mat-sort-header]="h.id"
            [sortActionDescription]="'Sort by ' + h.label"
            [start]="h.id === 'name' ? 'asc' : 'desc'"
            [class.num]="h.id !== 'name'"
            [attr.title]="h.detail ?? null"
          >
            @if (h.group === 'risk') {
              <span [class]="'swatch ' + h.id" aria-hidden="true"></span>
            }
            {{ h.short ?? h.label }}
            @if (h.detail) {
              <span class="wp-visually-hidden">({{ h.detail }})</span>
            }
          </th>
        </ng-template>
        <tr>
          @for (t of top; track $index) {
            @if (t.kind === 'column') {
              <ng-container *ngTemplateOutlet="sortable; context: { $implicit: t.header, rows: 2 }" />
            } @else {
              <th scope="colgroup" class="group" [attr.colspan]="t.span">{{ groups[t.group] }}</th>
            }
          }
        </tr>
        <tr>
          @for (h of grouped; track h.id) {
            <ng-container *ngTemplateOutlet="sortable; context: { $implicit: h, rows: 1 }" />
          }
        </tr>
      </thead>
      <tbody>
        @for (r of rows(); track r.practitioner) {
          <tr>
            <th scope="row">
              <a [routerLink]="['/caseload/practitioners', r.practitionerId]"
                ><bdi>{{ r.name }}</bdi
                ><span class="wp-visually-hidden">: open caseload</span></a
              >
            </th>
            <ng-container *ngTemplateOutlet="figures; context: { $implicit: r }" />
          </tr>
        } @empty {
          <tr>
            <td [attr.colspan]="headers.length">No counselors are in a supervision team you lead.</td>
          </tr>
        }
      </tbody>
      @if (team(); as t) {
        <tfoot>
          <tr>
            <th scope="row">
              Team
              <span class="muted">({{ t.caseload }} patient{{ t.caseload === 1 ? '' : 's' }})</span>
            </th>
            <ng-container *ngTemplateOutlet="figures; context: { $implicit: t }" />
          </tr>
        </tfoot>
      }
    </table>

    <ng-template #figures let-f>
      <td class="num">{{ f.caseload }}</td>
      <td class="num">{{ f.risk.high }}</td>
      <td class="num">{{ f.risk.moderate }}</td>
      <td class="num">{{ f.risk.low }}</td>
      <td class="num">
        @if (f.percent24h === null) {
          <span aria-hidden="true">—</span><span class="wp-visually-hidden">no notes</span>
        } @else {
          {{ f.percent24h }} % <span class="count">{{ f.signedWithin24h }} / {{ f.notes4w }}</span>
        }
      </td>
      <td class="num">
        @if (f.percent72h === null) {
          <span aria-hidden="true">—</span><span class="wp-visually-hidden">no notes</span>
        } @else {
          {{ f.percent72h }} % <span class="count">{{ f.signedWithin72h }} / {{ f.notes4w }}</span>
        }
      </td>
      <td class="num">{{ f.unsignedNotes }}</td>
      <td class="num" [class.attention]="f.overdueNotes > 0">
        @if (f.overdueNotes > 0) {
          <mat-icon aria-hidden="true">schedule</mat-icon>
        }
        {{ f.overdueNotes }}
      </td>
      <td class="num">{{ f.cosignWaiting }}</td>
      <td class="num">
        @if (f.attendancePercent === null) {
          <span aria-hidden="true">—</span><span class="wp-visually-hidden">no sessions held</span>
        } @else {
          {{ f.attendancePercent }} %
          <span class="count">{{ f.sessionsAttended }} / {{ f.sessionsAttended + f.sessionsNoShow }}</span>
        }
      </td>
      <td class="num" [class.attention]="f.safetyAlerts > 0">
        @if (f.safetyAlerts > 0) {
          <mat-icon aria-hidden="true">emergency</mat-icon>
        }
        {{ f.safetyAlerts }}
      </td>
    </ng-template>
  `,
  styleUrl: './team-table.scss',
})
export class TeamTable {
  readonly rows = input.required<readonly CounselorOverview[]>();
  readonly team = input<TeamFigures | null>(null);
  readonly sort = input<TeamSort | null>(null);
  /** A header was activated: the new sort (the feature re-sorts and puts it in the URL). */
  readonly sortChange = output<TeamSort>();

  protected readonly headers = HEADERS;
  protected readonly top = TOP;
  protected readonly groups = GROUPS;
  protected readonly grouped = HEADERS.filter((h) => h.group);

  protected changed(sort: Sort): void {
    const column = HEADERS.find((h) => h.id === sort.active)?.id;
    if (column && (sort.direction === 'asc' || sort.direction === 'desc')) {
      this.sortChange.emit({ column, direction: sort.direction });
    }
  }
}

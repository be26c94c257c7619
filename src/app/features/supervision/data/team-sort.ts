import type { CounselorOverview } from '../../../../../clinical/workspaces/team-overview';

/**
 * The team table's sort, kept in the URL query (`?sort=overdue:desc`) like the caseload's, so a sorted view is a
 * link. Default: by counselor name.
 */

export const TEAM_COLUMNS = [
  'name',
  'caseload',
  'high',
  'moderate',
  'low',
  'signed24h',
  'signed72h',
  'unsigned',
  'overdue',
  'cosign',
  'attendance',
  'safety',
] as const;
export type TeamColumn = (typeof TEAM_COLUMNS)[number];

export interface TeamSort {
  readonly column: TeamColumn;
  readonly direction: 'asc' | 'desc';
}

export function parseTeamSort(value: unknown): TeamSort | null {
  const text = typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined;
  if (typeof text !== 'string') return null;
  const [column = '', direction = 'asc'] = text.split(':');
  return (TEAM_COLUMNS as readonly string[]).includes(column) && (direction === 'asc' || direction === 'desc')
    ? { column: column as TeamColumn, direction }
    : null;
}

export function teamSortParam(sort: TeamSort | null): string | null {
  return sort ? `${sort.column}:${sort.direction}` : null;
}

const VALUE: Readonly<Record<Exclude<TeamColumn, 'name'>, (c: CounselorOverview) => number | null>> = {
  caseload: (c) => c.caseload,
  high: (c) => c.risk.high,
  moderate: (c) => c.risk.moderate,
  low: (c) => c.risk.low,
  signed24h: (c) => c.percent24h,
  signed72h: (c) => c.percent72h,
  unsigned: (c) => c.unsignedNotes,
  overdue: (c) => c.overdueNotes,
  cosign: (c) => c.cosignWaiting,
  attendance: (c) => c.attendancePercent,
  safety: (c) => c.safetyAlerts,
};

/** Rows in the sort's order; an empty figure (no notes, no sessions) sorts last either way; ties by name. */
export function sortTeam(rows: readonly CounselorOverview[], sort: TeamSort | null): CounselorOverview[] {
  const byName = (a: CounselorOverview, b: CounselorOverview) => a.name.localeCompare(b.name);
  if (!sort || sort.column === 'name') {
    const sorted = [...rows].sort(byName);
    return sort?.direction === 'desc' ? sorted.reverse() : sorted;
  }
  const value = VALUE[sort.column];
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    return (x - y) * sign || byName(a, b);
  });
}

import { formatDate } from '../../../../../clinical/fhir/fhir-date';
import {
  ADHERENCE_THRESHOLDS,
  type AdherenceRow,
  matchesAdherenceFilter,
} from '../../../../../clinical/workspaces/adherence';
import type { GridCellPart } from '../../../shared/ui/data-grid';
import type { AdherenceColumn } from './adherence-view';

/**
 * Each adherence cell as plain text: what tooltips say and what find-in-page reads. The grid's rich cells show
 * the same facts, with words for every status (colour only repeats them).
 */

export const ADHERENCE_HEADERS: Readonly<Record<AdherenceColumn, string>> = {
  patient: 'Patient',
  drug: 'MAT drug',
  pdc: 'PDC 30 days',
  missed: 'Missed doses this week',
  lastDispense: 'Last dispense',
  supplyEnds: 'Supply ends on',
  injection: 'Next injection due',
  takeHome: 'Take-home stage',
  attendance: 'Attendance 4 weeks',
  lastContact: 'Last contact',
  streak: 'UDS negative streak',
  tasks: 'Open tasks',
  actions: 'Actions',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const T = ADHERENCE_THRESHOLDS;

/** "in 3 days", "today", "2 days ago". */
export function relativeDays(days: number): string {
  if (days === 0) return 'today';
  return days > 0 ? `in ${plural(days, 'day')}` : `${plural(-days, 'day')} ago`;
}

export function drugText(row: AdherenceRow): string {
  const { drug, product, uncoded, dose } = row.mat;
  if (drug === null) return 'No MOUD';
  const what = uncoded ? (product ?? drug) : drug;
  return [what, dose].filter(Boolean).join(' ') + (uncoded ? ' (uncoded order — check)' : '');
}

export function pdcText(row: AdherenceRow): string {
  if (row.pdc30 === null) return 'No MOUD order';
  return `${row.pdc30} % — ${row.pdc30 >= T.pdcAdherent ? 'adherent' : `below ${T.pdcAdherent} %`}`;
}

export function missedText(row: AdherenceRow): string {
  if (row.missedDosesThisWeek === null) return 'No observed dosing';
  return row.missedDosesThisWeek === 0 ? 'None missed' : `${plural(row.missedDosesThisWeek, 'dose')} missed`;
}

/** "3 days left", "last day today", "none left today", "none left for 2 days" (days left count today). */
export function supplyLeftText(daysLeft: number): string {
  if (daysLeft > 1) return `${daysLeft} days left`;
  if (daysLeft === 1) return 'last day today';
  return daysLeft === 0 ? 'none left today' : `none left for ${plural(1 - daysLeft, 'day')}`;
}

export function supplyText(row: AdherenceRow): string {
  if (row.supplyEndsOn === null || row.supplyDaysLeft === null) return 'No supply';
  return `${formatDate(row.supplyEndsOn)} — ${supplyLeftText(row.supplyDaysLeft)}`;
}

export function injectionText(row: AdherenceRow): string {
  if (row.nextInjectionDue === null || row.injectionDueInDays === null) return 'No long-acting injection';
  return row.injectionDueInDays < 0
    ? `${formatDate(row.nextInjectionDue)} — overdue ${plural(-row.injectionDueInDays, 'day')}`
    : `${formatDate(row.nextInjectionDue)} — due ${relativeDays(row.injectionDueInDays)}`;
}

export function attendanceText(row: AdherenceRow): string {
  const { percent, attended, noShow } = row.attendance;
  if (percent === null) return 'No sessions held';
  return `${percent} % (${attended} of ${attended + noShow})`;
}

export function contactText(row: AdherenceRow): string {
  if (row.lastContact === null || row.daysSinceContact === null) return 'No contact on record';
  return `${formatDate(row.lastContact)} — ${relativeDays(-row.daysSinceContact)}`;
}

export function adherenceCellText(row: AdherenceRow, column: AdherenceColumn): string {
  switch (column) {
    case 'patient':
      return row.name;
    case 'drug':
      return drugText(row);
    case 'pdc':
      return pdcText(row);
    case 'missed':
      return missedText(row);
    case 'lastDispense':
      return row.lastDispense ? formatDate(row.lastDispense) : 'None';
    case 'supplyEnds':
      return supplyText(row);
    case 'injection':
      return injectionText(row);
    case 'takeHome':
      return row.takeHome?.label ?? 'Not applicable';
    case 'attendance':
      return attendanceText(row);
    case 'lastContact':
      return contactText(row);
    case 'streak':
      return plural(row.negativeStreakWeeks, 'week');
    case 'tasks':
      return row.openTasks === 0 ? 'None' : String(row.openTasks);
    case 'actions':
      return 'Create task';
  }
}

/** A fact on one line: primary, or muted when there is nothing to report; `bad` when a threshold is crossed. */
function one(text: string, nothing: boolean, bad = false): GridCellPart[] {
  return [{ text, ...(nothing ? { tone: 'muted' as const } : bad ? { tone: 'bad' as const } : {}) }];
}

/** A date (or the like) with a small second line that says what it means; `bad` when that crosses a threshold. */
function two(primary: string, secondary: string, bad = false): GridCellPart[] {
  return [{ text: primary }, { text: secondary, secondary: true, ...(bad ? { tone: 'bad' as const } : {}) }];
}

/**
 * The adherence cells that are only text, as the lines the grid renders itself (the patient's link and
 * "Create task" are AdherenceCell's). Every fact is in words; the tone only repeats a threshold the words name,
 * and a cell is flagged by the same clinical test as its quick filter (clinical/workspaces/adherence.ts).
 */
export const ADHERENCE_PARTS: Readonly<
  Partial<Record<AdherenceColumn, (row: AdherenceRow) => readonly GridCellPart[]>>
> = {
  drug: (r) => {
    const drug: GridCellPart = {
      text: drugText(r),
      isolate: true,
      ...(r.mat.drug === null ? { tone: 'muted' as const } : r.mat.uncoded ? { tone: 'warn' as const } : {}),
    };
    if (r.mat.drug === null) return [drug];
    const behind = r.mat.status === 'gap' || r.mat.status === 'missed-dose';
    return [drug, { text: r.mat.label, secondary: true, ...(behind ? { tone: 'bad' as const } : {}) }];
  },
  pdc: (r) =>
    r.pdc30 === null
      ? one('No MOUD order', true)
      : [
          { text: `${r.pdc30} %`, ...(r.pdc30 < T.pdcAdherent ? { tone: 'bad' as const } : {}) },
          { text: r.pdc30 >= T.pdcAdherent ? 'adherent' : `below ${T.pdcAdherent} %`, secondary: true },
        ],
  missed: (r) =>
    one(missedText(r), r.missedDosesThisWeek === null, matchesAdherenceFilter(r, 'missed-doses')),
  lastDispense: (r) => (r.lastDispense ? one(formatDate(r.lastDispense), false) : one('None', true)),
  supplyEnds: (r) =>
    r.supplyEndsOn !== null && r.supplyDaysLeft !== null
      ? two(formatDate(r.supplyEndsOn), supplyLeftText(r.supplyDaysLeft), matchesAdherenceFilter(r, 'supply-ending'))
      : one('No supply', true),
  injection: (r) =>
    r.nextInjectionDue !== null && r.injectionDueInDays !== null
      ? two(
          formatDate(r.nextInjectionDue),
          r.injectionDueInDays < 0 ? 'overdue' : `due ${relativeDays(r.injectionDueInDays)}`,
          r.injectionDueInDays < 0,
        )
      : one('None', true),
  takeHome: (r) =>
    r.takeHome ? two(`Up to ${r.takeHome.maxDaysSupply} days`, r.takeHome.label) : one('Not applicable', true),
  attendance: (r) =>
    one(attendanceText(r), r.attendance.percent === null, matchesAdherenceFilter(r, 'low-attendance')),
  lastContact: (r) =>
    r.lastContact !== null && r.daysSinceContact !== null
      ? two(formatDate(r.lastContact), relativeDays(-r.daysSinceContact), matchesAdherenceFilter(r, 'no-contact'))
      : one('No contact on record', false, true),
  streak: (r) => one(plural(r.negativeStreakWeeks, 'week'), false),
  tasks: (r) => one(r.openTasks === 0 ? 'None' : String(r.openTasks), r.openTasks === 0),
};

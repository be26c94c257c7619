import type { Alert } from '../../../../../clinical/alerts/patient-alerts';
import type { CaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { formatDate } from '../../../../../clinical/fhir/fhir-date';
import { riskPhrase } from '../../../shared/ui/risk-chip';
import type { CaseloadColumn } from './caseload-view';

/**
 * Each caseload cell as plain text: what the CSV export writes, what tooltips say and what a screen
 * reader hears. The grid's rich cells show the same facts.
 */

export const COLUMN_HEADERS: Readonly<Record<CaseloadColumn, string>> = {
  patient: 'Patient',
  track: 'Track',
  lastSession: 'Last session',
  nextAppointment: 'Next appointment',
  attendance: 'Attendance 4 wk',
  mat: 'MAT',
  uds: 'Last UDS',
  craving: 'Craving',
  phq9: 'PHQ-9',
  risk: 'Risk',
  notes: 'Notes due',
  alerts: 'Alerts',
};

export function patientDetail(row: CaseloadRow): string {
  return [row.age !== null ? `${row.age} y` : null, row.pronouns].filter(Boolean).join(' · ');
}

export function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${Math.abs(n)}` : '±0';
}

/** Said next to a MAT order whose drug was recognised by its text only (no RxNorm code). */
export const UNCODED_MARK = 'uncoded order — check';

/**
 * Unicode bidirectional controls (embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the
 * marks U+200E/U+200F and the Arabic letter mark U+061C): in a name they would reorder the text after it.
 */
/** Text with its bidirectional controls removed (shared with every CSV export). */
export { withoutBidiControls } from '../../../shared/data/csv';

export function matText(row: CaseloadRow): string {
  const { drug, product, uncoded, dose, label, status } = row.mat;
  if (status === 'none') return label;
  const what = [uncoded ? product : drug, dose].filter(Boolean).join(' ');
  return `${what} — ${label}${uncoded ? ` (${UNCODED_MARK})` : ''}`;
}

/** The last screen's unexpected positives, or "as expected". */
export function udsFlags(row: CaseloadRow): string {
  return row.lastUds && row.lastUds.flags.length > 0 ? row.lastUds.flags.join(', ') : 'as expected';
}

/** "15 Jan 2031: future date — check the record" (with the count when more than one), or null. */
export function futureUdsText(row: CaseloadRow): string | null {
  const future = row.futureUds;
  if (!future) return null;
  return `${formatDate(future.date)}${future.count > 1 ? ` (${future.count} results)` : ''}: ${future.label}`;
}

export function udsText(row: CaseloadRow): string {
  const last = row.lastUds ? `${formatDate(row.lastUds.date)}: ${udsFlags(row)}` : 'No UDS';
  const future = futureUdsText(row);
  return future ? `${last}; UDS dated ${future}` : last;
}

export function cravingText(row: CaseloadRow): string {
  return row.craving.length === 0 ? 'No ratings' : row.craving.map((c) => c.value).join(', ');
}

export function phq9Text(row: CaseloadRow): string {
  if (!row.phq9) return 'No PHQ-9';
  const change = row.phq9.change === null ? '' : ` (${signed(row.phq9.change)})`;
  return `${row.phq9.score}${change} ${row.phq9.severity}`;
}

export function notesText(row: CaseloadRow): string {
  const { unsigned, overdue } = row.notesDue;
  if (unsigned === 0) return 'None';
  return `${unsigned} unsigned${overdue > 0 ? `, ${overdue} overdue` : ''}`;
}

/**
 * Alert chips a caseload row has room for (two lines of a 56 px row): every safety alert, then the others
 * up to two in all; the rest are behind "+N more".
 */
export const ALERT_CHIPS = 2;

/** The row's alerts split into the chips shown and the ones behind "+N more": safety first, never hidden. */
export function alertChips(row: CaseloadRow): { readonly shown: Alert[]; readonly hidden: Alert[] } {
  const safety = row.alerts.filter((a) => a.severity === 'safety');
  const ordered = [...safety, ...row.alerts.filter((a) => a.severity !== 'safety')];
  const room = Math.max(ALERT_CHIPS, safety.length);
  return { shown: ordered.slice(0, room), hidden: ordered.slice(room) };
}

/** "2 more alerts: Part 2 consent missing; Co-signature waiting (1)": the "+N more" button's name. */
export function moreAlertsLabel(hidden: readonly Alert[]): string {
  return `${hidden.length} more alert${hidden.length === 1 ? '' : 's'}: ${hidden.map((a) => a.label).join('; ')}`;
}

export function alertsText(row: CaseloadRow): string {
  return row.alerts.length === 0 ? 'None' : row.alerts.map((a) => a.label).join('; ');
}

export function cellText(row: CaseloadRow, column: CaseloadColumn): string {
  switch (column) {
    case 'patient': {
      const detail = patientDetail(row);
      return detail ? `${row.name} (${detail})` : row.name;
    }
    case 'track':
      return row.track ? `${row.track}${row.week ? ` ${row.week.label}` : ''}` : 'No active track';
    case 'lastSession':
      return row.lastSession
        ? `${formatDate(row.lastSession.date)} ${row.lastSession.attended ? 'attended' : 'no-show'}`
        : 'None';
    case 'nextAppointment':
      return row.nextAppointment ? formatDate(row.nextAppointment.date) : 'None booked';
    case 'attendance':
      return row.attendance.percent === null ? 'No sessions' : `${row.attendance.percent} %`;
    case 'mat':
      return matText(row);
    case 'uds':
      return udsText(row);
    case 'craving':
      return cravingText(row);
    case 'phq9':
      return phq9Text(row);
    case 'risk':
      return riskPhrase(row.risk.score, row.risk.band, row.risk.trend);
    case 'notes':
      return notesText(row);
    case 'alerts':
      return alertsText(row);
  }
}

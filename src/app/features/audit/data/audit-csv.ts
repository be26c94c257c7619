import { csvDocument } from '../../../shared/data/csv';
import type { AuditRow } from './audit-rows';

const HEADER = [
  'Time (UTC)',
  'User',
  'User name',
  'User reference',
  'Patients',
  'Patient references',
  'Action',
  'Event',
  'Outcome',
  'Outcome detail',
  'Break-glass reason',
  'Failed sign-in',
  'AuditEvent id',
];

/** The report as CSV: one line per event, every field quoted as needed and safe from formula injection. */
export function auditCsv(rows: readonly AuditRow[]): string {
  return csvDocument([
    HEADER,
    ...rows.map((r) => [
      r.recorded,
      r.user,
      r.username ?? '',
      r.userReference ?? '',
      r.patients.map((p) => p.name ?? p.reference).join('; '),
      r.patients.map((p) => p.reference).join('; '),
      r.action,
      r.event,
      r.outcome,
      r.outcomeDetail ?? '',
      r.breakGlassReason ?? '',
      r.failedSignIn ? 'yes' : '',
      r.id,
    ]),
  ]);
}

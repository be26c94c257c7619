import type { Reference } from '@medplum/fhirtypes';

import { part2Consent } from '../fhir/consent';
import {
  type AsOf,
  asOfMillis,
  DAY_MS,
  formatDate,
  formatDay,
  isoInstant,
  toMillis,
  utcDay,
} from '../fhir/fhir-date';
import { matStatus } from '../fhir/mat';
import { phq9Item9Latest } from '../fhir/measures';
import { NOTE_RULES, notesDue } from '../fhir/notes';
import type { PatientRecord } from '../fhir/patient-record';
import { referenceTo, uniqueReferences } from '../fhir/reference';
import { consecutiveNoShows } from '../fhir/sessions';
import { classifiedScreens } from '../fhir/uds';
import { RISK_MODEL_V1 } from '../risk/risk-model.config';
import type { Substance } from '../terminology';

/**
 * Per-patient alerts for the caseload. Each has a text label (never colour only),
 * a detail sentence with dates, and evidence references. Ordered by severity; the PHQ-9 item 9 safety
 * alert is always first and is never filtered by callers.
 */

export type AlertSeverity = 'safety' | 'high' | 'warning' | 'info';

export type AlertId =
  | 'phq9-item9'
  | 'uds-fentanyl'
  | 'uds-unexpected-opioid'
  | 'mat-gap'
  | 'mat-missed-dose'
  | 'mat-stopped'
  | 'mat-supply-ending'
  | 'missed-sessions'
  | 'note-unsigned'
  | 'cosign-waiting'
  | 'part2-consent';

export interface Alert {
  readonly id: AlertId;
  readonly severity: AlertSeverity;
  readonly label: string;
  readonly detail: string;
  readonly evidence: readonly Reference[];
}

export const ALERT_RULES = {
  /** Unexpected opioid positives are alerted for this many days. */
  udsWindowDays: 21,
  /** No-shows in a row that raise an alert. */
  missedSessionsInARow: 2,
} as const;

const SEVERITY_ORDER: Record<AlertSeverity, number> = { safety: 0, high: 1, warning: 2, info: 3 };

/**
 * Safety: PHQ-9 item 9 ("thoughts that you would be better off dead or of hurting yourself") answered
 * above 0 at the latest administration that answered it, whatever its age (a separate safety
 * flag, never part of the risk score).
 */
function phq9Item9Alert(record: PatientRecord, asOf: AsOf): Alert[] {
  const item9 = phq9Item9Latest(record, asOf);
  if (!item9 || item9.value <= 0) return [];
  return [
    {
      id: 'phq9-item9',
      severity: 'safety',
      label: 'Safety: PHQ-9 item 9 positive',
      detail: `Self-harm item answered ${item9.value} of 3 on ${formatDate(item9.date)} (latest PHQ-9). Follow the safety protocol.`,
      evidence: [item9.evidence],
    },
  ];
}

/**
 * A UDS in the last 21 days positive for an opioid that was not prescribed.
 * - Fentanyl is a safety alert: illicitly made fentanyl drives most opioid overdose deaths in the US, so a
 *   fentanyl-positive screen calls for overdose-risk counselling and naloxone (CDC, "Fentanyl facts",
 *   cdc.gov/overdose-prevention, 2024; SAMHSA, "Overdose Prevention and Response Toolkit", 2023).
 * - Any other non-prescribed opioid (heroin/6-MAM, opiates, oxycodone, or buprenorphine/methadone not
 *   prescribed) is a high alert.
 */
function udsAlert(record: PatientRecord, asOf: AsOf): Alert[] {
  const from = asOfMillis(asOf) - ALERT_RULES.udsWindowDays * DAY_MS;
  const hits = classifiedScreens(record, asOf).filter((s) => s.ms > from && s.unexpectedOpioids.length > 0);
  const alerts: Alert[] = [];
  const fentanyl = hits.filter((s) => s.unexpectedOpioids.includes('fentanyl'));
  if (fentanyl.length > 0) {
    alerts.push({
      id: 'uds-fentanyl',
      severity: 'safety',
      label: 'Safety: fentanyl-positive screen',
      detail: `Fentanyl positive: ${fentanyl
        .map((s) => formatDay(s.day))
        .join(
          ', ',
        )} (last ${ALERT_RULES.udsWindowDays} days). High overdose risk: review naloxone and the safety plan.`,
      evidence: uniqueReferences(
        fentanyl.flatMap((s) =>
          s.results.filter((r) => r.substance === 'fentanyl').flatMap((r) => r.evidence),
        ),
      ),
    });
  }
  const others = hits
    .map((s) => ({
      screen: s,
      substances: s.unexpectedOpioids.filter((o): o is Substance => o !== 'fentanyl'),
    }))
    .filter((h) => h.substances.length > 0);
  if (others.length > 0) {
    const substances = [...new Set(others.flatMap((h) => h.substances))];
    alerts.push({
      id: 'uds-unexpected-opioid',
      severity: 'high',
      label: `UDS ${substances.map((s) => `${s} +`).join(', ')}`,
      detail: `Unexpected opioid positive: ${others
        .map((h) => `${formatDay(h.screen.day)} ${h.substances.join(', ')}`)
        .join('; ')} (last ${ALERT_RULES.udsWindowDays} days).`,
      evidence: uniqueReferences(
        others.flatMap((h) =>
          h.screen.results.filter((r) => h.substances.includes(r.substance)).flatMap((r) => r.evidence),
        ),
      ),
    });
  }
  return alerts;
}

/** High: MAT gap or stopped in the last 30 days; warning: a missed dose, or the supply ending within 3 days. */
function matAlert(record: PatientRecord, asOf: AsOf): Alert[] {
  const mat = matStatus(record, asOf);
  const alert = (id: AlertId, severity: AlertSeverity, label: string): Alert[] => [
    { id, severity, label: `${label} (${mat.drug ?? 'MAT'})`, detail: mat.detail, evidence: mat.evidence },
  ];
  switch (mat.kind) {
    case 'gap':
      return alert('mat-gap', 'high', 'MAT gap');
    case 'missed-dose':
      return alert('mat-missed-dose', 'warning', 'MAT dose missed');
    case 'supply-ending':
      return alert('mat-supply-ending', 'warning', `MAT ${mat.label}`);
    case 'stopped': {
      const day = toMillis(mat.since);
      const within = RISK_MODEL_V1.rules.matGap.stoppedWithinDays;
      if (day === undefined || utcDay(asOfMillis(asOf)) - utcDay(day) > within) return [];
      return alert('mat-stopped', 'high', 'MAT stopped');
    }
    default:
      return [];
  }
}

/** Warning: the last 2 or more held sessions were no-shows. */
function missedSessionsAlert(record: PatientRecord, asOf: AsOf): Alert[] {
  const run = consecutiveNoShows(record, asOf);
  if (run.length < ALERT_RULES.missedSessionsInARow) return [];
  return [
    {
      id: 'missed-sessions',
      severity: 'warning',
      label: `${run.length} missed sessions in a row`,
      detail: `No-show on ${run.map((s) => formatDay(utcDay(s.startMs))).join(', ')}.`,
      evidence: run.map((s) => s.evidence),
    },
  ];
}

/** Warning: session notes unsigned more than 24 h after the session (overdue after 72 h). */
function noteAlert(record: PatientRecord, asOf: AsOf): Alert[] {
  const due = notesDue(record, asOf);
  if (due.over24h === 0) return [];
  const late = due.notes.filter((n) => n.hoursSinceSession > NOTE_RULES.dueAfterHours);
  return [
    {
      id: 'note-unsigned',
      severity: 'warning',
      label: `${due.over24h} note${due.over24h === 1 ? '' : 's'} unsigned > 24 h${due.overdue > 0 ? ` (${due.overdue} overdue > 72 h)` : ''}`,
      detail: `Unsigned session notes: ${late
        .map((n) => `session ${formatDate(n.sessionDate)}, ${Math.floor(n.hoursSinceSession)} h ago`)
        .join('; ')}.`,
      evidence: late.map((n) => n.note),
    },
  ];
}

/** Info: a co-signature Task still open (requested / received / accepted / in-progress / ready / on-hold). */
function cosignAlert(record: PatientRecord, asOf: AsOf): Alert[] {
  const now = asOfMillis(asOf);
  const finished = ['completed', 'cancelled', 'rejected', 'failed'];
  const open = record.cosignTasks.filter((t) => {
    if (t.status === 'draft' || t.status === 'entered-in-error') return false;
    const authored = toMillis(t.authoredOn);
    if (authored !== undefined && authored > now) return false;
    if (!finished.includes(t.status)) return true;
    // Finished now, but perhaps still open as of an earlier date.
    const finishedAt = toMillis(t.executionPeriod?.end ?? t.lastModified);
    return finishedAt !== undefined && finishedAt > now;
  });
  if (open.length === 0) return [];
  return [
    {
      id: 'cosign-waiting',
      severity: 'info',
      label: `Co-signature waiting (${open.length})`,
      detail: `Signed note${open.length === 1 ? '' : 's'} waiting for the supervisor's co-signature since ${open
        .map((t) => formatDate(t.authoredOn))
        .join(', ')}.`,
      evidence: open.flatMap((t) => (t.focus ? [t.focus, referenceTo(t)] : [referenceTo(t)])),
    },
  ];
}

/** Warning: no active 42 CFR Part 2 consent (missing, revoked or expired). */
function consentAlert(record: PatientRecord, asOf: AsOf): Alert[] {
  const consent = part2Consent(record, asOf);
  if (consent.state === 'active') return [];
  const text = {
    missing: 'No 42 CFR Part 2 consent on record: do not disclose SUD records.',
    revoked: 'The 42 CFR Part 2 consent was revoked: do not disclose SUD records.',
    expired: 'The 42 CFR Part 2 consent has expired: do not disclose SUD records.',
  }[consent.state];
  return [
    {
      id: 'part2-consent',
      severity: 'warning',
      label: `Part 2 consent ${consent.state}`,
      detail: text,
      evidence: consent.consent ? [consent.consent] : [{ reference: `Patient/${record.patient.id ?? ''}` }],
    },
  ];
}

/** The alert rules in the order their alerts are listed within one severity. */
export const ALERT_IDS: readonly AlertId[] = [
  'phq9-item9',
  'uds-fentanyl',
  'uds-unexpected-opioid',
  'mat-gap',
  'mat-missed-dose',
  'mat-stopped',
  'mat-supply-ending',
  'missed-sessions',
  'note-unsigned',
  'cosign-waiting',
  'part2-consent',
];

/** Alerts in display order: safety first, then high, warning, info; within a severity in rule order. */
export function orderAlerts(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      ALERT_IDS.indexOf(a.id) - ALERT_IDS.indexOf(b.id),
  );
}

/** Every alert for one patient as of a date, safety first, then high, warning, info. */
export function patientAlerts(record: PatientRecord, asOf: AsOf): Alert[] {
  const at = isoInstant(asOfMillis(asOf));
  const alerts = [
    ...phq9Item9Alert(record, at),
    ...udsAlert(record, at),
    ...matAlert(record, at),
    ...missedSessionsAlert(record, at),
    ...noteAlert(record, at),
    ...cosignAlert(record, at),
    ...consentAlert(record, at),
  ];
  return orderAlerts(alerts);
}

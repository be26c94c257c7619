import type { Appointment, Encounter, Reference } from '@medplum/fhirtypes';

import { APPOINTMENT_CANCELLATION_REASON_SYSTEM } from '../terminology';
import { codesOf } from './coding';
import { type AsOf, asOfMillis, DAY_MS, toMillis } from './fhir-date';
import type { PatientRecord } from './patient-record';
import { memo } from './record-cache';
import { referenceKey, referenceTo } from './reference';

/**
 * Counseling sessions: Appointments (booked / fulfilled / noshow / cancelled), plus finished
 * Encounters without an Appointment (data from servers that do not schedule), which count as attended.
 */

export type SessionOutcome =
  'attended' | 'no-show' | 'cancelled-by-clinic' | 'cancelled-by-patient' | 'scheduled';

export interface Session {
  readonly start: string;
  readonly startMs: number;
  readonly outcome: SessionOutcome;
  readonly evidence: Reference;
}

const CANCELLATION_SYSTEM = APPOINTMENT_CANCELLATION_REASON_SYSTEM;

/**
 * Who cancelled: appointment-cancellation-reason codes "pat…" are the patient; everything else
 * (prov…, maint, meds-inc, oth…) and no reason at all are taken as the clinic.
 */
function cancelledBy(appt: Appointment): 'cancelled-by-clinic' | 'cancelled-by-patient' {
  const codes = codesOf(appt.cancelationReason, CANCELLATION_SYSTEM);
  return codes.some((c) => c === 'pat' || c.startsWith('pat-'))
    ? 'cancelled-by-patient'
    : 'cancelled-by-clinic';
}

function appointmentOutcome(appt: Appointment): SessionOutcome | undefined {
  switch (appt.status) {
    case 'fulfilled':
    case 'arrived':
    case 'checked-in':
      return 'attended';
    case 'noshow':
      return 'no-show';
    case 'cancelled':
      return cancelledBy(appt);
    case 'booked':
    case 'pending':
      return 'scheduled';
    default:
      return undefined; // proposed, waitlist, entered-in-error
  }
}

function encounterCounts(enc: Encounter): boolean {
  return enc.status === 'finished' || enc.status === 'in-progress' || enc.status === 'arrived';
}

/** Every session of the patient, oldest first (all dates, including future ones). */
export function sessions(record: PatientRecord): readonly Session[] {
  return memo(record, 'sessions', () => computeSessions(record));
}

function computeSessions(record: PatientRecord): Session[] {
  const out: Session[] = [];
  const appointmentKeys = new Set<string>();
  for (const appt of record.appointments) {
    appointmentKeys.add(`Appointment/${appt.id ?? ''}`);
    const outcome = appointmentOutcome(appt);
    const startMs = toMillis(appt.start);
    if (!outcome || startMs === undefined || !appt.start) continue;
    out.push({ start: appt.start, startMs, outcome, evidence: referenceTo(appt) });
  }
  for (const enc of record.encounters) {
    const linked = (enc.appointment ?? []).some((a) => appointmentKeys.has(referenceKey(a.reference) ?? ''));
    const start = enc.period?.start;
    const startMs = toMillis(start);
    if (linked || !encounterCounts(enc) || startMs === undefined || !start) continue;
    out.push({ start, startMs, outcome: 'attended', evidence: referenceTo(enc) });
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** Sessions that had taken place (attended or no-show) on or before as-of, oldest first. */
function heldSessions(record: PatientRecord, asOfMs: number): Session[] {
  return sessions(record).filter(
    (s) => s.startMs <= asOfMs && (s.outcome === 'attended' || s.outcome === 'no-show'),
  );
}

export interface LastSession {
  readonly date: string;
  readonly attended: boolean;
  /** "attended" / "no-show". */
  readonly label: string;
  readonly evidence: Reference;
}

/** The most recent session on or before as-of that was attended or missed (cancellations skipped). */
export function lastSession(record: PatientRecord, asOf: AsOf): LastSession | undefined {
  const last = heldSessions(record, asOfMillis(asOf)).at(-1);
  if (!last) return undefined;
  const attended = last.outcome === 'attended';
  return { date: last.start, attended, label: attended ? 'attended' : 'no-show', evidence: last.evidence };
}

/**
 * The next appointment after as-of. Besides booked/pending ones, a later fulfilled or no-show
 * appointment also counts: seen from an earlier as-of it was still ahead.
 */
export function nextAppointment(
  record: PatientRecord,
  asOf: AsOf,
): { date: string; evidence: Reference } | undefined {
  const now = asOfMillis(asOf);
  const next = sessions(record).find(
    (s) =>
      s.startMs > now &&
      s.evidence.reference?.startsWith('Appointment/') &&
      !s.outcome.startsWith('cancelled'),
  );
  return next ? { date: next.start, evidence: next.evidence } : undefined;
}

export interface Attendance {
  readonly windowDays: number;
  readonly attended: number;
  readonly noShow: number;
  readonly cancelledByClinic: number;
  readonly cancelledByPatient: number;
  /** attended / (attended + no-show), 0–100 rounded; undefined when there was no session to attend. */
  readonly percent: number | undefined;
  /** Plain-words basis, e.g. "3 of 4 sessions attended; cancelled sessions are not counted". */
  readonly basis: string;
}

/**
 * Attendance over the last 4 weeks (28 days up to as-of): attended / (attended + no-show).
 * Cancelled sessions are not counted either way, whoever cancelled; they are reported separately.
 */
export function attendance(record: PatientRecord, asOf: AsOf, windowDays = 28): Attendance {
  const now = asOfMillis(asOf);
  const from = now - windowDays * DAY_MS;
  const inWindow = sessions(record).filter((s) => s.startMs > from && s.startMs <= now);
  const count = (o: SessionOutcome): number => inWindow.filter((s) => s.outcome === o).length;
  const attended = count('attended');
  const noShow = count('no-show');
  const cancelledByClinic = count('cancelled-by-clinic');
  const cancelledByPatient = count('cancelled-by-patient');
  const held = attended + noShow;
  const percent = held === 0 ? undefined : Math.round((attended / held) * 100);
  const cancelled = cancelledByClinic + cancelledByPatient;
  // "4 weeks" for whole weeks; "30 days" otherwise (a goal's window need not be whole weeks).
  const window = windowDays % 7 === 0 ? `${windowDays / 7} weeks` : `${windowDays} days`;
  const basis =
    (held === 0
      ? `No sessions in the last ${window}`
      : `${attended} of ${held} sessions attended in the last ${window}`) +
    (cancelled > 0
      ? `; ${cancelled} cancelled (${cancelledByClinic} by the clinic, ${cancelledByPatient} by the patient), not counted`
      : '; cancelled sessions are not counted');
  return { windowDays, attended, noShow, cancelledByClinic, cancelledByPatient, percent, basis };
}

/** No-shows in a row, counting back from the latest held session on or before as-of. */
export function consecutiveNoShows(record: PatientRecord, asOf: AsOf): Session[] {
  const held = heldSessions(record, asOfMillis(asOf));
  const run: Session[] = [];
  for (let i = held.length - 1; i >= 0 && held[i]?.outcome === 'no-show'; i--)
    run.unshift(held[i] as Session);
  return run;
}

/** No-shows with a start in the last `days` days up to as-of, oldest first. */
export function noShowsWithin(record: PatientRecord, asOf: AsOf, days: number): Session[] {
  const now = asOfMillis(asOf);
  return sessions(record).filter(
    (s) => s.outcome === 'no-show' && s.startMs <= now && s.startMs > now - days * DAY_MS,
  );
}

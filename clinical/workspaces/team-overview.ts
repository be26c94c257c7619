import type { CareTeam, HumanName, Practitioner } from '@medplum/fhirtypes';

import type { DerivedRowInput } from '../derived/derive';
import { summaryListsPractitioner } from '../derived/derive';
import { alertFromFlag } from '../derived/flag-resource';
import { POPULATION_WEEKS, summaryPopulationFacts } from '../derived/population-facts';
import { riskFromAssessment } from '../derived/risk-resource';
import { summaryFacts } from '../derived/summary-resource';
import { VIEW_PAGE_SIZE } from '../derived/views';
import { type AsOf, asOfMillis, isoDay, utcDay } from '../fhir/fhir-date';
import { referenceKey } from '../fhir/reference';
import type { RiskBand } from '../risk/relapse-risk';
import { IDENTIFIER_SYSTEM, LOCAL_SYSTEM } from '../terminology';

/**
 * The supervisor's team overview: one row per supervised counselor, built only from the derived resources the
 * server keeps (the caseload summary, the current RiskAssessment, the active Flags; docs/derived-state.md), never
 * from a patient's history. Each figure is a sum of per-patient facts the clinical rules already computed:
 *
 * - who the counselors are: the supervision CareTeams (no subject, identifier system `IDENTIFIER_SYSTEM.team`)
 *   that list the supervisor with role `supervisor`; every other Practitioner on them is a supervised counselor
 *   (the rule the server's access policy applies, server/src/policy/principal.ts);
 * - a counselor's caseload: the patients with an active episode whose active care team lists them (the summary's
 *   `performer`), the same rule as the caseload grid, so the drill-down shows the same patients;
 * - risk: the band of the current assessment (model bands 0–2 low, 3–5 moderate, ≥ 6 high); a patient without a
 *   readable assessment counts as "not assessed";
 * - note timeliness: notes of sessions in the last 28 days signed within 24 h / 72 h of the session, over all
 *   those notes (clinical/fhir/notes.ts `noteTimeliness`, summed over the caseload before dividing);
 * - unsigned / overdue notes: unsigned notes, and those unsigned more than 72 h after the session (`notesDue`);
 * - co-signatures waiting: open co-sign Tasks on the caseload's notes;
 * - attendance: attended / (attended + no-show) over the last 4 weeks, pooled over the caseload (cancellations are
 *   left out, as in the caseload);
 * - safety: patients with at least one active alert of severity `safety` (PHQ-9 item 9 positive, a
 *   fentanyl-positive screen; clinical/alerts/patient-alerts.ts).
 *
 * The risk trend counts, for each of the last 12 closed weeks (Monday–Sunday, UTC), the team's patients by the band
 * of that week's stored weekly RiskAssessment (the summary's `week-risk-band` series).
 */

export interface RiskCounts {
  readonly high: number;
  readonly moderate: number;
  readonly low: number;
  /** In the caseload without a readable current assessment. */
  readonly notAssessed: number;
}

export interface TeamFigures {
  /** Patients in the caseload (distinct patients for the team total). */
  readonly caseload: number;
  readonly risk: RiskCounts;
  /** Notes of the last 4 weeks' sessions counted for timeliness, and how many were signed within 24 h / 72 h. */
  readonly notes4w: number;
  readonly signedWithin24h: number;
  readonly signedWithin72h: number;
  /** Whole percentages of `notes4w`; null without notes. */
  readonly percent24h: number | null;
  readonly percent72h: number | null;
  readonly unsignedNotes: number;
  /** Unsigned more than 72 h after the session. */
  readonly overdueNotes: number;
  readonly cosignWaiting: number;
  readonly sessionsAttended: number;
  readonly sessionsNoShow: number;
  /** attended / (attended + no-show), whole percent; null without held sessions. */
  readonly attendancePercent: number | null;
  /** Patients with an active safety alert. */
  readonly safetyAlerts: number;
}

export interface CounselorOverview extends TeamFigures {
  /** `Practitioner/<id>`. */
  readonly practitioner: string;
  readonly practitionerId: string;
  readonly name: string;
  /** Ids of the patients counted, sorted. */
  readonly patientIds: readonly string[];
}

export interface TeamRiskWeek {
  /** ISO day the week (Monday–Sunday, UTC) began. */
  readonly weekStart: string;
  readonly high: number;
  readonly moderate: number;
  readonly low: number;
}

export interface TeamOverview {
  /** One row per supervised counselor, by name. */
  readonly counselors: readonly CounselorOverview[];
  /** The same figures over the distinct patients of all the counselors (a patient on two caseloads counts once). */
  readonly team: TeamFigures;
  /** The last 12 closed weeks, oldest first. */
  readonly trend: readonly TeamRiskWeek[];
}

export interface TeamOverviewInput {
  /** `Practitioner/<id>` of the supervisor. */
  readonly supervisor: string;
  /** CareTeams that may include supervision teams (others are ignored). */
  readonly careTeams: readonly CareTeam[];
  /** Practitioners for the counselors' names. */
  readonly practitioners: readonly Practitioner[];
  /** The view's patients with their derived resources (clinical/derived/derive.ts `derivedRowInputs`). */
  readonly patients: readonly DerivedRowInput[];
  readonly asOf: AsOf;
}

const SUPERVISOR_ROLE = 'supervisor';

function isSupervisionTeam(team: CareTeam): boolean {
  return (
    !team.subject &&
    (team.status === undefined || team.status === 'active') &&
    (team.identifier ?? []).some((i) => i.system === IDENTIFIER_SYSTEM.team)
  );
}

/**
 * The search for a supervisor's active supervision CareTeams with their members' Practitioners: what
 * `supervisedCounselors` and `staffName` read (Supervision's overview, the audit report's filters).
 */
export function supervisionTeamsSearch(supervisor: string): {
  readonly resourceType: 'CareTeam';
  readonly params: readonly (readonly [string, string])[];
} {
  return {
    resourceType: 'CareTeam',
    params: [
      ['identifier', `${IDENTIFIER_SYSTEM.team}|`],
      ['participant', supervisor],
      ['status', 'active'],
      ['_include', 'CareTeam:participant'],
      ['_count', String(VIEW_PAGE_SIZE)],
    ],
  };
}

/**
 * The counselors a supervisor supervises (`Practitioner/<id>`, sorted): the other Practitioners on the active
 * supervision CareTeams that list the supervisor with role `supervisor`.
 */
export function supervisedCounselors(careTeams: readonly CareTeam[], supervisor: string): string[] {
  const me = referenceKey(supervisor);
  const out = new Set<string>();
  for (const team of careTeams.filter(isSupervisionTeam)) {
    const participants = team.participant ?? [];
    const leads = participants.some(
      (p) =>
        referenceKey(p.member?.reference) === me &&
        (p.role ?? []).some((r) =>
          (r.coding ?? []).some(
            (c) => c.code === SUPERVISOR_ROLE && (c.system === undefined || c.system === LOCAL_SYSTEM.role),
          ),
        ),
    );
    if (!leads) continue;
    for (const p of participants) {
      const who = referenceKey(p.member?.reference);
      if (who?.startsWith('Practitioner/') && who !== me) out.add(who);
    }
  }
  return [...out].sort();
}

function nameText(name: HumanName): string {
  const text = name.text?.trim();
  if (text) return text;
  return [...(name.given ?? []), name.family ?? '']
    .map((p) => p.trim())
    .filter(Boolean)
    .join(' ');
}

/** A staff member's display name (usual, official, any current name), else their reference. */
export function staffName(practitioner: Practitioner | undefined, reference: string): string {
  const names = (practitioner?.name ?? []).filter((n) => n.use !== 'old');
  for (const n of [
    ...names.filter((x) => x.use === 'usual'),
    ...names.filter((x) => x.use === 'official'),
    ...names,
  ]) {
    const text = nameText(n);
    if (text) return text;
  }
  return reference;
}

const percent = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((100 * part) / whole);

/** The figures of a set of patients (each counted once). */
export function teamFigures(patients: readonly DerivedRowInput[]): TeamFigures {
  const risk = { high: 0, moderate: 0, low: 0, notAssessed: 0 };
  let notes4w = 0;
  let within24 = 0;
  let within72 = 0;
  let unsigned = 0;
  let overdue = 0;
  let cosign = 0;
  let attended = 0;
  let noShow = 0;
  let safety = 0;
  for (const p of patients) {
    const band = p.risk ? riskFromAssessment(p.risk)?.band : undefined;
    if (band) risk[band]++;
    else risk.notAssessed++;
    const facts = summaryFacts(p.summary);
    const population = summaryPopulationFacts(p.summary);
    notes4w += population.notes4w;
    within24 += population.notesSigned24h4w;
    within72 += population.notesSigned72h4w;
    unsigned += facts.notesDue.unsigned;
    overdue += facts.notesDue.overdue;
    cosign += population.cosignWaiting;
    attended += facts.attendance.attended;
    noShow += facts.attendance.noShow;
    const safe = p.flags.some((f) => f.status === 'active' && alertFromFlag(f)?.severity === 'safety');
    if (safe) safety++;
  }
  return {
    caseload: patients.length,
    risk,
    notes4w,
    signedWithin24h: within24,
    signedWithin72h: within72,
    percent24h: percent(within24, notes4w),
    percent72h: percent(within72, notes4w),
    unsignedNotes: unsigned,
    overdueNotes: overdue,
    cosignWaiting: cosign,
    sessionsAttended: attended,
    sessionsNoShow: noShow,
    attendancePercent: percent(attended, attended + noShow),
    safetyAlerts: safety,
  };
}

/** ISO days of the Mondays that began the last `weeks` closed weeks before the as-of day's week, oldest first. */
export function closedWeekStarts(asOf: AsOf, weeks = POPULATION_WEEKS): string[] {
  const today = utcDay(asOfMillis(asOf));
  // Day 0 (1970-01-01) was a Thursday: (day + 3) % 7 is 0 on Mondays.
  const thisMonday = today - ((today + 3) % 7);
  return Array.from({ length: weeks }, (_, i) => isoDay(thisMonday - 7 * (weeks - i)));
}

/** Per closed week, the patients by the band of that week's stored assessment (no assessment: not counted). */
export function teamRiskTrend(patients: readonly DerivedRowInput[], asOf: AsOf): TeamRiskWeek[] {
  const counts = new Map<string, Record<RiskBand, number>>(
    closedWeekStarts(asOf).map((w) => [w, { high: 0, moderate: 0, low: 0 }]),
  );
  for (const p of patients) {
    for (const week of summaryPopulationFacts(p.summary).weeks) {
      const row = counts.get(week.weekStart);
      if (row && week.riskBand) row[week.riskBand]++;
    }
  }
  return [...counts].map(([weekStart, c]) => ({ weekStart, ...c }));
}

/** In a caseload: active episode (the summary's `episode-active`) and on the active care team. */
function inCaseload(patient: DerivedRowInput, practitioner: string): boolean {
  return (
    summaryListsPractitioner(patient.summary, practitioner) && summaryFacts(patient.summary).episodeActive
  );
}

export function teamOverview(input: TeamOverviewInput): TeamOverview {
  const byKey = new Map(input.practitioners.map((p) => [`Practitioner/${p.id ?? ''}`, p]));
  const team = new Map<string, DerivedRowInput>();
  const counselors = supervisedCounselors(input.careTeams, input.supervisor).map((practitioner) => {
    const patients = input.patients.filter((p) => inCaseload(p, practitioner));
    for (const p of patients) team.set(p.patient.id ?? '', p);
    return {
      practitioner,
      practitionerId: practitioner.slice('Practitioner/'.length),
      name: staffName(byKey.get(practitioner), practitioner),
      patientIds: patients.map((p) => p.patient.id ?? '').sort(),
      ...teamFigures(patients),
    };
  });
  counselors.sort((a, b) => a.name.localeCompare(b.name) || a.practitioner.localeCompare(b.practitioner));
  const members = [...team.values()];
  return { counselors, team: teamFigures(members), trend: teamRiskTrend(members, input.asOf) };
}

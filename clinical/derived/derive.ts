import type { Flag, Observation, Patient, Resource, RiskAssessment } from '@medplum/fhirtypes';

import { orderAlerts } from '../alerts/patient-alerts';
import { type CaseloadRow, toCaseloadRow } from '../caseload/caseload-row';
import { activeEpisode, careTeamMembers } from '../fhir/episode';
import { type AsOf, asOfMillis, DAY_MS, dayOf, HOUR_MS, isoInstant, utcDay } from '../fhir/fhir-date';
import { NOTE_RULES, notesDue } from '../fhir/notes';
import { patientAge, patientName, patientPronouns } from '../fhir/patient-facts';
import type { PatientRecord } from '../fhir/patient-record';
import { referenceKey } from '../fhir/reference';
import { assessRelapseRisk, type RiskResult, riskTrend } from '../risk/relapse-risk';
import { RISK_MODEL_V1 } from '../risk/risk-model.config';
import { DERIVED_TAG, derivedId, hasDerivedTag, isDerived } from './derived-codes';
import { activeFlag, alertFromFlag, closedFlag } from './flag-resource';
import { populationFacts } from './population-facts';
import { derivedRiskAssessment, riskFromAssessment, riskIdentifierValue } from './risk-resource';
import { isSummaryObservation, summaryFacts, summaryObservation } from './summary-resource';

/**
 * The clinical rules' output for one patient, as the FHIR resources a server keeps (docs/derived-state.md):
 * the current RiskAssessment, a RiskAssessment for each closed week not stored yet, a Flag per alert (active,
 * or closed when it stopped holding) and the caseload summary; plus the next instant at which time alone can
 * change any of them. Pure: the same record, as-of and stored resources give the same result.
 */

/** Weekly assessments are kept for the episode, at most this many weeks back (two years). */
export const WEEKLY_HISTORY_WEEKS = 104;

export interface DerivedSet {
  readonly summary: Observation;
  readonly risk: RiskAssessment;
  /** Assessments of closed weeks that `stored` lacks (the chart's series; each written once). */
  readonly weekly: readonly RiskAssessment[];
  /** Active Flags, and Flags closed because their alert no longer holds. */
  readonly flags: readonly Flag[];
  /** ISO instant of the next change that time alone can bring (next UTC midnight at the latest). */
  readonly nextReviewAt: string;
}

/** The patient's derived resources among `resources` (what a server holds now). */
export function storedDerived(resources: readonly Resource[]): Resource[] {
  return resources.filter((r) => isDerived(r));
}

export function deriveState(record: PatientRecord, asOf: AsOf, stored: readonly Resource[]): DerivedSet {
  const now = asOfMillis(asOf);
  const at = isoInstant(now);
  const patientId = record.patient.id ?? '';
  const row = toCaseloadRow(record, at);
  const result: RiskResult = {
    modelId: row.risk.modelId,
    modelVersion: row.risk.modelVersion,
    score: row.risk.score,
    band: row.risk.band,
    points: row.risk.points,
    asOf: at,
  };

  const storedFlags = stored.filter((r): r is Flag => r.resourceType === 'Flag' && isDerived(r));
  const activeNow = new Map(
    storedFlags
      .filter((f) => f.status === 'active')
      .map((f) => [alertFromFlag(f)?.id, f] as const)
      .filter(([id]) => id !== undefined),
  );
  const flags: Flag[] = row.alerts.map((alert) =>
    activeFlag(alert, patientId, activeNow.get(alert.id)?.period?.start ?? at),
  );
  const raised = new Set(row.alerts.map((a) => a.id as string));
  for (const [id, flag] of activeNow) {
    if (id !== undefined && !raised.has(id)) flags.push(closedFlag(flag, at));
  }

  const weekly = missingWeeks(record, now, stored);
  return {
    summary: summaryObservation(
      { ...row, episodeActive: activeEpisode(record, at) !== undefined },
      patientId,
      at,
      careTeamMembers(record, at),
      populationFacts(record, at, [...stored, ...weekly]),
    ),
    risk: derivedRiskAssessment(result, patientId, row.risk.trend, 'current'),
    weekly,
    flags,
    nextReviewAt: isoInstant(nextReview(record, now, row)),
  };
}

/** End instants (Sunday 23:59:59.999 UTC) of the closed ISO weeks of the patient's latest episode, oldest first. */
export function closedWeekEnds(record: PatientRecord, now: number): number[] {
  const episode = activeEpisode(record, isoInstant(now)) ?? latestEpisode(record);
  const startDay = dayOf(episode?.period?.start);
  if (startDay === undefined) return [];
  const today = utcDay(now);
  // Day 0 (1970-01-01) was a Thursday: (day + 3) % 7 is 0 on Mondays.
  const lastMonday = today - ((today + 3) % 7);
  const ends: number[] = [];
  for (let monday = lastMonday; monday > startDay && ends.length < WEEKLY_HISTORY_WEEKS; monday -= 7) {
    ends.push(monday * DAY_MS - 1);
  }
  return ends.reverse();
}

function latestEpisode(record: PatientRecord) {
  return [...record.episodes].sort((a, b) => (b.period?.start ?? '').localeCompare(a.period?.start ?? ''))[0];
}

function missingWeeks(record: PatientRecord, now: number, stored: readonly Resource[]): RiskAssessment[] {
  const have = new Set(
    stored
      .filter((r) => r.resourceType === 'RiskAssessment' && hasDerivedTag(r, DERIVED_TAG.weekly))
      .map((r) => r.id),
  );
  const patientId = record.patient.id ?? '';
  const out: RiskAssessment[] = [];
  for (const end of closedWeekEnds(record, now)) {
    const at = isoInstant(end);
    if (have.has(derivedId(riskIdentifierValue(patientId, 'weekly', at.slice(0, 10))))) continue;
    const result = assessRelapseRisk(record, at, RISK_MODEL_V1);
    out.push(
      derivedRiskAssessment(result, patientId, riskTrend(record, at, RISK_MODEL_V1, result).trend, 'weekly'),
    );
  }
  return out;
}

/**
 * When time alone next changes the facts: the next UTC midnight (the rules count days: supplies, gaps, weeks,
 * ages, look-back windows), a note crossing 24 h or 72 h unsigned, a booked appointment starting.
 */
function nextReview(record: PatientRecord, now: number, row: CaseloadRow): number {
  const candidates = [(utcDay(now) + 1) * DAY_MS];
  for (const note of notesDue(record, isoInstant(now)).notes) {
    for (const hours of [NOTE_RULES.dueAfterHours, NOTE_RULES.overdueAfterHours]) {
      if (note.hoursSinceSession <= hours) {
        candidates.push(now + (hours - note.hoursSinceSession) * HOUR_MS + 1);
      }
    }
  }
  const next = row.nextAppointment ? Date.parse(row.nextAppointment.date) : NaN;
  if (Number.isFinite(next) && next > now) candidates.push(next + 1);
  return Math.min(...candidates.filter((t) => t > now));
}

/**
 * Whether a newly derived resource says the same as the stored one: everything but the store's meta and the
 * as-of fields (`RiskAssessment.occurrenceDateTime` and the as-of date in its note, `Observation.effective`).
 * Unchanged facts are not written again.
 */
export function sameDerivedContent(computed: Resource, stored: Resource | undefined): boolean {
  if (!stored || stored.resourceType !== computed.resourceType || stored.id !== computed.id) return false;
  return stableJson(withoutVolatile(computed)) === stableJson(withoutVolatile(stored));
}

function withoutVolatile(resource: Resource): Record<string, unknown> {
  const { meta, ...rest } = resource as Resource & Record<string, unknown>;
  const copy: Record<string, unknown> = { ...rest, meta: { tag: meta?.tag, security: meta?.security } };
  if (resource.resourceType === 'RiskAssessment' && hasDerivedTag(resource, DERIVED_TAG.current)) {
    delete copy['occurrenceDateTime'];
    delete copy['note'];
  }
  if (resource.resourceType === 'Observation') {
    delete copy['effectiveDateTime'];
  }
  return copy;
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** What a population view needs of one patient: the Patient and its derived resources. */
export interface DerivedRowInput {
  readonly patient: Patient;
  readonly summary: Observation;
  readonly risk: RiskAssessment | undefined;
  readonly flags: readonly Flag[];
}

/**
 * A caseload row built from derived resources, equal to `toCaseloadRow` on the raw record (the facts as of the
 * summary; name, age and pronouns from the Patient as of `asOf`). Undefined without a readable assessment.
 */
export function caseloadRowFromDerived(input: DerivedRowInput, asOf: AsOf): CaseloadRow | undefined {
  const risk = input.risk ? riskFromAssessment(input.risk) : undefined;
  if (!risk || !isSummaryObservation(input.summary)) return undefined;
  const { episodeActive: _episodeActive, ...facts } = summaryFacts(input.summary);
  const at = isoInstant(asOfMillis(asOf));
  const alerts = orderAlerts(
    input.flags
      .filter((f) => f.status === 'active')
      .map(alertFromFlag)
      .filter((a) => a !== undefined),
  );
  return {
    patientId: input.patient.id ?? '',
    patient: { reference: `Patient/${input.patient.id ?? ''}` },
    name: patientName(input.patient),
    age: patientAge(input.patient, at) ?? null,
    pronouns: patientPronouns(input.patient) ?? null,
    ...facts,
    risk: {
      score: risk.score,
      band: risk.band,
      trend: risk.trend,
      modelId: risk.modelId,
      modelVersion: risk.modelVersion,
      points: risk.points,
    },
    alerts,
  };
}

/**
 * Groups the resources of a population view (Patients, summaries, current assessments, Flags, in any order and
 * from any number of pages) by patient. A patient without a summary is left out; the caller decides who is in
 * the view (e.g. `summary.performer` includes the practitioner, `episode-active`).
 */
export function derivedRowInputs(resources: readonly Resource[]): DerivedRowInput[] {
  const patients = new Map<string, Patient>();
  const summaries = new Map<string, Observation>();
  const risks = new Map<string, RiskAssessment>();
  const flags = new Map<string, Flag[]>();
  const subjectOf = (r: { subject?: { reference?: string } }): string | undefined => {
    const key = referenceKey(r.subject?.reference);
    return key?.startsWith('Patient/') ? key.slice('Patient/'.length) : undefined;
  };
  for (const r of resources) {
    if (r.resourceType === 'Patient' && r.id) patients.set(r.id, r);
    else if (r.resourceType === 'Observation' && isSummaryObservation(r)) {
      const id = subjectOf(r);
      if (id) summaries.set(id, r);
    } else if (r.resourceType === 'RiskAssessment' && hasDerivedTag(r, DERIVED_TAG.current)) {
      const id = subjectOf(r);
      if (id) risks.set(id, r);
    } else if (r.resourceType === 'Flag' && isDerived(r)) {
      const id = subjectOf(r);
      if (id) flags.set(id, [...(flags.get(id) ?? []), r]);
    }
  }
  const out: DerivedRowInput[] = [];
  for (const [id, summary] of summaries) {
    const patient = patients.get(id);
    if (patient) out.push({ patient, summary, risk: risks.get(id), flags: flags.get(id) ?? [] });
  }
  return out;
}

/** Whether a practitioner is on the summary's active care team (its `performer`). */
export function summaryListsPractitioner(summary: Observation, practitioner: string): boolean {
  const who = referenceKey(practitioner);
  return (summary.performer ?? []).some((p) => referenceKey(p.reference) === who);
}

import type { Reference } from '@medplum/fhirtypes';

import { type Alert, patientAlerts } from '../alerts/patient-alerts';
import { activeEpisode, episodeTrack, programWeek } from '../fhir/episode';
import { type AsOf, asOfMillis, isoInstant } from '../fhir/fhir-date';
import { matStatus, type MatStatusKind } from '../fhir/mat';
import { cravingSeries, phq9Latest, type Phq9Severity } from '../fhir/measures';
import { notesDue } from '../fhir/notes';
import { patientAge, patientName, patientPronouns } from '../fhir/patient-facts';
import type { PatientRecord } from '../fhir/patient-record';
import { attendance, lastSession, nextAppointment } from '../fhir/sessions';
import { futureUds, lastUds } from '../fhir/uds';
import {
  assessRelapseRisk,
  type RiskBand,
  type RiskPoint,
  type RiskTrend,
  riskTrend,
} from '../risk/relapse-risk';
import { RISK_MODEL_V1, type RiskModelConfig } from '../risk/risk-model.config';
import type { Track } from '../terminology';

/** The relapse-risk score as a row and the chart show it: the band, the trend, the points and the model. */
export interface RowRisk {
  readonly score: number;
  readonly band: RiskBand;
  readonly trend: RiskTrend;
  readonly modelId: string;
  readonly modelVersion: string;
  readonly points: readonly RiskPoint[];
}

/**
 * One caseload grid row: plain JSON (no Dates, no class instances, absent values are null), so
 * it can sit in an NgRx selector result with strict serializability checks on.
 */
export interface CaseloadRow {
  readonly patientId: string;
  readonly patient: Reference;
  readonly name: string;
  readonly age: number | null;
  readonly pronouns: string | null;
  readonly track: Track | null;
  readonly week: { readonly week: number; readonly planned: number; readonly label: string } | null;
  readonly lastSession: { readonly date: string; readonly attended: boolean; readonly label: string } | null;
  readonly nextAppointment: { readonly date: string } | null;
  readonly attendance: {
    readonly percent: number | null;
    readonly attended: number;
    readonly noShow: number;
    /** Says that cancelled sessions are not counted. */
    readonly basis: string;
  };
  readonly mat: {
    readonly status: MatStatusKind;
    readonly label: string;
    readonly drug: string | null;
    /** The RxNorm display, or the order's own text when uncoded. */
    readonly product: string | null;
    /** The drug was recognised by the order's text, not by an RxNorm code: the UI asks for a check. */
    readonly uncoded: boolean;
    readonly dose: string | null;
    readonly daysLeft: number | null;
    readonly detail: string;
  };
  readonly lastUds: {
    readonly date: string;
    /** Unexpected positives named, e.g. ["fentanyl +"]; an expected buprenorphine positive is not here. */
    readonly flags: readonly string[];
    readonly label: string;
  } | null;
  /**
   * UDS results dated after as-of: counted by no rule, shown so the record gets checked
   * (label "future date — check the record").
   */
  readonly futureUds: { readonly date: string; readonly count: number; readonly label: string } | null;
  /** Last 6 craving ratings (0–10), oldest first. */
  readonly craving: readonly { readonly date: string; readonly value: number }[];
  readonly phq9: {
    readonly score: number;
    readonly change: number | null;
    readonly severity: Phq9Severity;
    readonly date: string;
  } | null;
  readonly risk: RowRisk;
  readonly notesDue: { readonly unsigned: number; readonly overdue: number; readonly over24h: number };
  /** Safety first; never filtered away. */
  readonly alerts: readonly Alert[];
}

/** Derives the caseload grid row of one patient as of a date. */
export function toCaseloadRow(
  record: PatientRecord,
  asOf: AsOf,
  config: RiskModelConfig = RISK_MODEL_V1,
): CaseloadRow {
  const at = isoInstant(asOfMillis(asOf));
  const week = programWeek(record, at);
  const last = lastSession(record, at);
  const next = nextAppointment(record, at);
  const att = attendance(record, at);
  const mat = matStatus(record, at);
  const uds = lastUds(record, at);
  const future = futureUds(record, at);
  const phq9 = phq9Latest(record, at);
  const risk = assessRelapseRisk(record, at, config);
  const trend = riskTrend(record, at, config, risk);
  const notes = notesDue(record, at);
  return {
    patientId: record.patient.id ?? '',
    patient: { reference: `Patient/${record.patient.id ?? ''}` },
    name: patientName(record.patient),
    age: patientAge(record.patient, at) ?? null,
    pronouns: patientPronouns(record.patient) ?? null,
    track: episodeTrack(activeEpisode(record, at)) ?? null,
    week: week ? { week: week.week, planned: week.planned, label: week.label } : null,
    lastSession: last ? { date: last.date, attended: last.attended, label: last.label } : null,
    nextAppointment: next ? { date: next.date } : null,
    attendance: {
      percent: att.percent ?? null,
      attended: att.attended,
      noShow: att.noShow,
      basis: att.basis,
    },
    mat: {
      status: mat.kind,
      label: mat.label,
      drug: mat.drug ?? null,
      product: mat.product ?? null,
      uncoded: mat.uncoded,
      dose: mat.dose ?? null,
      daysLeft: mat.daysLeft ?? null,
      detail: mat.detail,
    },
    lastUds: uds ? { date: uds.date, flags: [...uds.flags], label: uds.label } : null,
    futureUds: future ? { date: future.date, count: future.count, label: future.label } : null,
    craving: cravingSeries(record, at).map((v) => ({ date: v.date, value: v.value })),
    phq9: phq9
      ? { score: phq9.score, change: phq9.change ?? null, severity: phq9.severity, date: phq9.date }
      : null,
    risk: {
      score: risk.score,
      band: risk.band,
      trend: trend.trend,
      modelId: risk.modelId,
      modelVersion: risk.modelVersion,
      points: risk.points,
    },
    notesDue: { unsigned: notes.unsigned, overdue: notes.overdue, over24h: notes.over24h },
    alerts: patientAlerts(record, at),
  };
}

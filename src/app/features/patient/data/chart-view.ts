import type { Reference, RiskAssessment } from '@medplum/fhirtypes';

import type { ChartWindow } from '../../../../../clinical/chart/chart-facts';
import { DERIVED_TAG, hasDerivedTag } from '../../../../../clinical/derived/derived-codes';
import { riskFromAssessment } from '../../../../../clinical/derived/risk-resource';
import { activeEpisode, episodeTrack, programWeek } from '../../../../../clinical/fhir/episode';
import { asOfMillis, DAY_MS, toMillis } from '../../../../../clinical/fhir/fhir-date';
import { patientAge, patientName, patientPronouns } from '../../../../../clinical/fhir/patient-facts';
import type { PatientRecord } from '../../../../../clinical/fhir/patient-record';
import { referenceKey } from '../../../../../clinical/fhir/reference';
import {
  assessRelapseRisk,
  type RiskBand,
  type RiskResult,
  type RiskTrend,
  riskTrend,
} from '../../../../../clinical/risk/relapse-risk';
import type { RiskRuleId } from '../../../../../clinical/risk/risk-model.config';
import { type Track,TRACK_DISPLAY } from '../../../../../clinical/terminology';

/** The header facts of the chart (the risk chip comes with the risk panel's data). */
export interface ChartHeader {
  readonly name: string;
  readonly age: number | null;
  readonly pronouns: string | null;
  readonly track: Track | null;
  readonly trackDisplay: string | null;
  readonly week: string | null;
}

export function chartHeader(record: PatientRecord, asOf: string): ChartHeader {
  const track = episodeTrack(activeEpisode(record, asOf)) ?? null;
  return {
    name: patientName(record.patient),
    age: patientAge(record.patient, asOf) ?? null,
    pronouns: patientPronouns(record.patient) ?? null,
    track,
    trackDisplay: track ? TRACK_DISPLAY[track] : null,
    week: programWeek(record, asOf)?.label ?? null,
  };
}

/** A chart window (clinical/chart/chart-range.ts, ISO days) as epoch ms for the time axis (`to` = end of day). */
export function windowMillis(window: ChartWindow): { from: number | undefined; to: number } {
  const from = toMillis(window.from);
  const to = toMillis(window.to);
  return { from: from ?? undefined, to: (to ?? 0) + DAY_MS - 1 };
}

/** Where a piece of evidence is shown on the chart: the element id each panel gives a resource it lists. */
export function evidenceAnchor(reference: Reference | string | undefined): string {
  const key = referenceKey(typeof reference === 'string' ? reference : reference?.reference) ?? '';
  return `ev-${key.replace(/[^A-Za-z0-9-]/g, '-')}`;
}

/** Anchors of whole places on the chart (a rule without one resource to point at). */
export const PLACE_ANCHOR = {
  matStrip: 'chart-mat-strip',
  mat: 'chart-mat',
  uds: 'chart-uds',
  measures: 'chart-measures',
  sessions: 'chart-sessions',
  header: 'chart-header',
} as const;

export interface RiskPointView {
  readonly ruleId: RiskRuleId;
  readonly points: number;
  readonly reason: string;
  /** Where selecting the point goes, best first: the evidence's own rows, then the panel. */
  readonly targets: readonly string[];
  /** The panel the evidence is in, in words ("Urine drug screens"). */
  readonly where: string;
}

const RULE_PLACE: Readonly<Record<RiskRuleId, { anchor: string; where: string }>> = {
  'uds-opioid-positive': { anchor: PLACE_ANCHOR.uds, where: 'Urine drug screens' },
  'uds-missing': { anchor: PLACE_ANCHOR.uds, where: 'Urine drug screens' },
  'uds-stimulant-positive': { anchor: PLACE_ANCHOR.uds, where: 'Urine drug screens' },
  'missed-session': { anchor: PLACE_ANCHOR.sessions, where: 'Sessions and notes' },
  'mat-gap': { anchor: PLACE_ANCHOR.matStrip, where: 'Medication (MAT)' },
  craving: { anchor: PLACE_ANCHOR.measures, where: 'Measures' },
  'bam-risk-rising': { anchor: PLACE_ANCHOR.measures, where: 'Measures' },
  'bam-protective-falling': { anchor: PLACE_ANCHOR.measures, where: 'Measures' },
  'age-or-new-episode': { anchor: PLACE_ANCHOR.header, where: 'the header' },
};

export interface RiskHistoryPoint {
  readonly ms: number;
  readonly score: number;
  readonly band: RiskBand;
  /** The live computation (the last point), not a stored weekly assessment. */
  readonly live: boolean;
}

export interface RiskView {
  readonly score: number;
  readonly band: RiskBand;
  readonly trend: RiskTrend;
  readonly modelId: string;
  readonly modelVersion: string;
  readonly points: readonly RiskPointView[];
  readonly history: readonly RiskHistoryPoint[];
}

/**
 * The relapse-risk panel: the live score (clinical/risk, the same function the server derives with), each point
 * with where its evidence is shown, and the risk over time from the stored weekly RiskAssessments with the live
 * score as the last point.
 */
export function riskView(
  record: PatientRecord,
  asOf: string,
  assessments: readonly RiskAssessment[],
  window: ChartWindow,
): RiskView {
  const result: RiskResult = assessRelapseRisk(record, asOf);
  const trend = riskTrend(record, asOf, undefined, result).trend;
  const weekly = assessments
    .filter((a) => hasDerivedTag(a, DERIVED_TAG.weekly))
    .map(riskFromAssessment)
    .filter((r) => r !== undefined)
    .map((r) => ({ ms: toMillis(r.asOf) ?? 0, score: r.score, band: r.band, live: false }))
    .filter((p) => {
      const { from } = windowMillis(window);
      return p.ms < asOfMillis(asOf) && (from === undefined || p.ms >= from);
    })
    .sort((a, b) => a.ms - b.ms);
  return {
    score: result.score,
    band: result.band,
    trend,
    modelId: result.modelId,
    modelVersion: result.modelVersion,
    points: result.points.map((p) => {
      const place = RULE_PLACE[p.ruleId] ?? { anchor: PLACE_ANCHOR.header, where: 'the chart' };
      const own = p.ruleId === 'mat-gap' ? [] : p.evidence.map(evidenceAnchor);
      return {
        ruleId: p.ruleId,
        points: p.points,
        reason: p.reason,
        targets: [...own, place.anchor],
        where: place.where,
      };
    }),
    history: [
      ...weekly,
      { ms: asOfMillis(asOf), score: result.score, band: result.band, live: true },
    ],
  };
}

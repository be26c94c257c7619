import type { Extension, Reference, RiskAssessment } from '@medplum/fhirtypes';

import type { RowRisk } from '../caseload/caseload-row';
import { type RiskBand, type RiskPoint, type RiskResult, type RiskTrend } from '../risk/relapse-risk';
import { toRiskAssessment } from '../risk/risk-assessment';
import type { RiskRuleId } from '../risk/risk-model.config';
import {
  DERIVED_EXTENSION,
  DERIVED_TAG,
  derivedId,
  derivedIdentifier,
  derivedMeta,
  RULES_DEVICE_REFERENCE,
} from './derived-codes';

/**
 * The relapse-risk score as a stored RiskAssessment: method = model id + version,
 * occurrenceDateTime = as-of, prediction.qualitativeRisk = the band, basis = the evidence, note = the points in
 * words, performer = the rules Device. The score, the trend and each point (rule, points, reason, evidence) are
 * also carried as extensions, so a reader gets back exactly what was computed (`riskFromAssessment`).
 * One current assessment per patient (tag `current`), and one per closed week for the charts (tag `weekly`).
 */

export type RiskAssessmentKind = 'current' | 'weekly';

/** What a caseload row and the chart show of an assessment, and when it is as of. */
export interface StoredRisk extends RowRisk {
  /** ISO instant the assessment is as of. */
  readonly asOf: string;
}

/** Identifier value of a patient's current assessment, or of the one for the week ending at `weekEnd` (ISO day). */
export function riskIdentifierValue(patientId: string, kind: RiskAssessmentKind, weekEnd?: string): string {
  return kind === 'current' ? `risk.${patientId}` : `risk.${patientId}.week.${weekEnd ?? ''}`;
}

export function derivedRiskAssessment(
  result: RiskResult,
  patientId: string,
  trend: RiskTrend,
  kind: RiskAssessmentKind,
): RiskAssessment {
  const base = toRiskAssessment(result, { reference: `Patient/${patientId}` });
  const identifier = riskIdentifierValue(patientId, kind, result.asOf.slice(0, 10));
  return {
    ...base,
    id: derivedId(identifier),
    meta: derivedMeta(kind === 'current' ? DERIVED_TAG.current : DERIVED_TAG.weekly),
    identifier: [derivedIdentifier(identifier)],
    performer: RULES_DEVICE_REFERENCE as RiskAssessment['performer'],
    extension: [
      { url: DERIVED_EXTENSION.riskScore, valueInteger: result.score },
      { url: DERIVED_EXTENSION.riskTrend, valueCode: trend },
      ...result.points.map(pointExtension),
    ],
  };
}

function pointExtension(point: RiskPoint): Extension {
  return {
    url: DERIVED_EXTENSION.riskPoint,
    extension: [
      { url: 'rule', valueCode: point.ruleId },
      { url: 'points', valueInteger: point.points },
      { url: 'reason', valueString: point.reason },
      ...point.evidence.map((reference) => ({ url: 'evidence', valueReference: { ...reference } })),
    ],
  };
}

const BANDS: readonly RiskBand[] = ['low', 'moderate', 'high'];
const TRENDS: readonly RiskTrend[] = ['up', 'down', 'same'];

/** Reads back what `derivedRiskAssessment` wrote; undefined when the resource is not one of ours. */
export function riskFromAssessment(assessment: RiskAssessment): StoredRisk | undefined {
  const ext = assessment.extension ?? [];
  const score = ext.find((e) => e.url === DERIVED_EXTENSION.riskScore)?.valueInteger;
  const trend = ext.find((e) => e.url === DERIVED_EXTENSION.riskTrend)?.valueCode as RiskTrend | undefined;
  const band = assessment.prediction?.[0]?.qualitativeRisk?.coding?.[0]?.code as RiskBand | undefined;
  const method = assessment.method?.coding?.[0];
  if (
    score === undefined ||
    !band ||
    !BANDS.includes(band) ||
    !trend ||
    !TRENDS.includes(trend) ||
    !method?.code ||
    !method.version ||
    !assessment.occurrenceDateTime
  ) {
    return undefined;
  }
  const points: RiskPoint[] = ext
    .filter((e) => e.url === DERIVED_EXTENSION.riskPoint)
    .map((e) => {
      const part = (url: string): Extension[] => (e.extension ?? []).filter((x) => x.url === url);
      return {
        ruleId: part('rule')[0]?.valueCode as RiskRuleId,
        points: part('points')[0]?.valueInteger ?? 0,
        reason: part('reason')[0]?.valueString ?? '',
        evidence: part('evidence')
          .map((x) => x.valueReference)
          .filter((r): r is Reference => !!r),
      };
    });
  return {
    score,
    band,
    trend,
    modelId: method.code,
    modelVersion: method.version,
    points,
    asOf: assessment.occurrenceDateTime,
  };
}

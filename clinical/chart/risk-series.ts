import type { RiskAssessment } from '@medplum/fhirtypes';

import { riskFromAssessment } from '../derived/risk-resource';
import { type AsOf, asOfMillis, toMillis, utcDay } from '../fhir/fhir-date';
import type { PatientRecord } from '../fhir/patient-record';
import { referenceTo } from '../fhir/reference';
import { assessRelapseRisk } from '../risk/relapse-risk';
import { RISK_MODEL_V1, type RiskModelConfig } from '../risk/risk-model.config';
import type { RiskSeriesFacts, RiskSeriesPoint } from './chart-facts';

/** What the risk chart says with every view of the score (decision support, not a diagnosis). */
export const RISK_DISCLAIMER = 'Decision support, not a diagnosis.';

/**
 * The relapse-risk chart's points: the stored weekly RiskAssessments (read back with riskFromAssessment,
 * clinical/derived/risk-resource.ts), oldest first, then the live computation from the record as the last
 * point (relapse-risk.ts, the same function the deriver stores). Stored assessments dated after as-of, or on
 * the as-of day itself (the live point replaces them), and ones that are not Waypoint's are left out; two
 * stored for the same instant keep the newer version.
 */
export function riskSeries(
  record: PatientRecord,
  storedWeekly: readonly RiskAssessment[],
  asOf: AsOf,
  config: RiskModelConfig = RISK_MODEL_V1,
): RiskSeriesFacts {
  const now = asOfMillis(asOf);
  const result = assessRelapseRisk(record, asOf, config);
  const live: RiskSeriesPoint = {
    asOf: result.asOf,
    score: result.score,
    band: result.band,
    modelId: result.modelId,
    modelVersion: result.modelVersion,
    points: result.points,
    source: 'live',
    assessment: null,
  };
  const byInstant = new Map<number, { point: RiskSeriesPoint; version: string }>();
  for (const ra of storedWeekly) {
    const stored = riskFromAssessment(ra);
    const ms = toMillis(stored?.asOf);
    if (!stored || ms === undefined || ms > now || utcDay(ms) === utcDay(now)) continue;
    const version = `${ra.meta?.lastUpdated ?? ''}|${ra.meta?.versionId?.padStart(12, '0') ?? ''}`;
    const seen = byInstant.get(ms);
    if (seen && seen.version >= version) continue;
    byInstant.set(ms, {
      version,
      point: {
        asOf: stored.asOf,
        score: stored.score,
        band: stored.band,
        modelId: stored.modelId,
        modelVersion: stored.modelVersion,
        points: stored.points,
        source: 'stored',
        assessment: referenceTo(ra),
      },
    });
  }
  const points = [...byInstant.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v.point);
  return { points: [...points, live], live, disclaimer: RISK_DISCLAIMER };
}

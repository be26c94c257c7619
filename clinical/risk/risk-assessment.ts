import type { Reference, RiskAssessment } from '@medplum/fhirtypes';

import { uniqueReferences } from '../fhir/reference';
import { LOCAL_SYSTEM, SYSTEM } from '../terminology';
import type { RiskResult } from './relapse-risk';

const BAND_DISPLAY = {
  low: 'Low likelihood',
  moderate: 'Moderate likelihood',
  high: 'High likelihood',
} as const;

/** The plain-words explanation stored in RiskAssessment.note and shown in the risk popover. */
export function explainRisk(result: RiskResult): string {
  const head = `Relapse-risk score ${result.score} (${result.band}), model ${result.modelId} v${result.modelVersion}, as of ${result.asOf.slice(0, 10)}. Decision support, not a diagnosis.`;
  if (result.points.length === 0) return `${head} No risk points.`;
  return [head, ...result.points.map((p) => `+${p.points} ${p.reason}`)].join('\n');
}

/**
 * A FHIR RiskAssessment for a computed score: method = model id + version (LOCAL risk-model
 * CodeSystem), prediction.qualitativeRisk = risk-probability low/moderate/high, basis = every evidence
 * reference, note = the explanation.
 */
export function toRiskAssessment(result: RiskResult, patientRef: Reference): RiskAssessment {
  return {
    resourceType: 'RiskAssessment',
    status: 'final',
    subject: patientRef as RiskAssessment['subject'],
    occurrenceDateTime: result.asOf,
    method: {
      coding: [{ system: LOCAL_SYSTEM.riskModel, code: result.modelId, version: result.modelVersion }],
      text: `${result.modelId} v${result.modelVersion}`,
    },
    code: { text: 'Return to opioid use (relapse) risk' },
    basis: uniqueReferences(result.points.flatMap((p) => p.evidence)),
    prediction: [
      {
        outcome: { text: 'Return to opioid use' },
        qualitativeRisk: {
          coding: [{ system: SYSTEM.riskProbability, code: result.band, display: BAND_DISPLAY[result.band] }],
          text: result.band,
        },
        rationale: `Points score ${result.score}`,
      },
    ],
    note: [{ text: explainRisk(result) }],
  };
}

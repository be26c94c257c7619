import type { Observation, Reference } from '@medplum/fhirtypes';

import { GAD7, LOCAL_SYSTEM, MEASURE, PHQ9, PHQ9_ANSWER_SCORES, SYSTEM } from '../terminology';
import { codingsOf, hasCoding } from './coding';
import { type AsOf, asOfMillis, isoInstant } from './fhir-date';
import type { PatientRecord } from './patient-record';
import { memo } from './record-cache';
import { referenceTo } from './reference';
import { isVoidStatus, observationTime } from './resource-time';

/**
 * Survey measures as dated numbers: PHQ-9 (total, item 9), GAD-7, craving 0–10, BAM subscales.
 * Values are read from valueInteger, valueQuantity.value, a numeric valueString, or a LOINC PHQ-9
 * answer code; and from components of a panel Observation (e.g. PHQ-9 panel 44249-1 with item components).
 */

export interface MeasureCode {
  readonly system: string;
  readonly code: string;
}

export const MEASURE_CODES = {
  phq9Total: { system: SYSTEM.loinc, code: PHQ9.total },
  phq9Item9: { system: SYSTEM.loinc, code: PHQ9.item9 },
  gad7Total: { system: SYSTEM.loinc, code: GAD7.total },
  craving: { system: LOCAL_SYSTEM.measure, code: MEASURE.craving },
  bamRisk: { system: LOCAL_SYSTEM.measure, code: MEASURE.bamRisk },
  bamProtective: { system: LOCAL_SYSTEM.measure, code: MEASURE.bamProtective },
  bamUse: { system: LOCAL_SYSTEM.measure, code: MEASURE.bamUse },
} as const satisfies Record<string, MeasureCode>;

export interface MeasureValue {
  readonly date: string;
  readonly ms: number;
  readonly value: number;
  readonly evidence: Reference;
}

type Valued = Pick<Observation, 'valueInteger' | 'valueQuantity' | 'valueString' | 'valueCodeableConcept'>;

function numericValue(v: Valued): number | undefined {
  if (v.valueInteger !== undefined) return v.valueInteger;
  if (v.valueQuantity?.value !== undefined) return v.valueQuantity.value;
  if (v.valueString !== undefined && /^\s*-?\d+(\.\d+)?\s*$/.test(v.valueString))
    return Number(v.valueString);
  for (const c of codingsOf(v.valueCodeableConcept)) {
    const score = c.code === undefined ? undefined : PHQ9_ANSWER_SCORES[c.code];
    if (score !== undefined) return score;
  }
  return undefined;
}

/** Values of one measure on or before as-of, oldest first. */
export function measureValues(record: PatientRecord, code: MeasureCode, asOf: AsOf): MeasureValue[] {
  const now = asOfMillis(asOf);
  return allMeasureValues(record, code).filter((v) => v.ms <= now);
}

function allMeasureValues(record: PatientRecord, code: MeasureCode): readonly MeasureValue[] {
  return memo(record, `measure|${code.system}|${code.code}`, () => {
    const out: MeasureValue[] = [];
    for (const obs of record.measureObservations) {
      if (isVoidStatus(obs.status)) continue;
      const ms = observationTime(obs);
      if (ms === undefined) continue;
      const found: Valued | undefined = hasCoding(obs.code, code.system, code.code)
        ? obs
        : obs.component?.find((c) => hasCoding(c.code, code.system, code.code));
      const value = found ? numericValue(found) : undefined;
      if (value === undefined) continue;
      out.push({ date: isoInstant(ms), ms, value, evidence: referenceTo(obs) });
    }
    return out.sort((a, b) => a.ms - b.ms);
  });
}

/** The last `count` craving ratings (0–10), oldest first: the sparkline. */
export function cravingSeries(record: PatientRecord, asOf: AsOf, count = 6): MeasureValue[] {
  return measureValues(record, MEASURE_CODES.craving, asOf).slice(-count);
}

export type Phq9Severity = 'minimal' | 'mild' | 'moderate' | 'moderately severe' | 'severe';

/** PHQ-9 severity bands (Kroenke 2001): 0–4, 5–9, 10–14, 15–19, 20–27. */
export function phq9Severity(total: number): Phq9Severity {
  if (total >= 20) return 'severe';
  if (total >= 15) return 'moderately severe';
  if (total >= 10) return 'moderate';
  if (total >= 5) return 'mild';
  return 'minimal';
}

export interface Phq9Latest {
  readonly score: number;
  readonly date: string;
  readonly severity: Phq9Severity;
  /** latest − previous; undefined when there is no previous score. */
  readonly change?: number;
  readonly previous?: MeasureValue;
  readonly evidence: Reference;
}

/** Latest PHQ-9 total with the change from the one before it. */
export function phq9Latest(record: PatientRecord, asOf: AsOf): Phq9Latest | undefined {
  const values = measureValues(record, MEASURE_CODES.phq9Total, asOf);
  const latest = values.at(-1);
  if (!latest) return undefined;
  const previous = values.at(-2);
  return {
    score: latest.value,
    date: latest.date,
    severity: phq9Severity(latest.value),
    change: previous ? latest.value - previous.value : undefined,
    previous,
    evidence: latest.evidence,
  };
}

/** PHQ-9 item 9 (thoughts of self-harm) of the latest administration that answered it. */
export function phq9Item9Latest(record: PatientRecord, asOf: AsOf): MeasureValue | undefined {
  return measureValues(record, MEASURE_CODES.phq9Item9, asOf).at(-1);
}

/** The latest value and the one before it. */
export function latestTwo(
  record: PatientRecord,
  code: MeasureCode,
  asOf: AsOf,
): { latest?: MeasureValue; previous?: MeasureValue } {
  const values = measureValues(record, code, asOf);
  return { latest: values.at(-1), previous: values.at(-2) };
}

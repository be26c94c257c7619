import type { Observation, Reference } from '@medplum/fhirtypes';

import {
  INTERPRETATION_NEGATIVE,
  INTERPRETATION_POSITIVE,
  type MatDrug,
  OPIOID_SUBSTANCES,
  SCREEN_RESULT,
  STIMULANT_SUBSTANCES,
  type Substance,
  SYSTEM,
  UDS_CONFIRMATORY_CODES,
  udsTestByCode,
} from '../terminology';
import { codingsOf } from './coding';
import { type AsOf, asOfMillis, isoInstant, utcDay } from './fhir-date';
import { expectedMatDrugs } from './mat';
import type { PatientRecord } from './patient-record';
import { memo } from './record-cache';
import { referenceKey, referenceTo } from './reference';
import { isVoidStatus, observationTime, reportTime } from './resource-time';

export type UdsResult = 'positive' | 'negative' | 'unknown';

const POSITIVE_WORDS = new Set(['positive', 'pos', 'detected', 'det', 'present', 'reactive']);
const NEGATIVE_WORDS = new Set([
  'negative',
  'neg',
  'not detected',
  'nd',
  'absent',
  'non-reactive',
  'nonreactive',
]);

function fromWord(text: string | undefined): UdsResult {
  const t = text?.trim().toLowerCase();
  if (!t) return 'unknown';
  if (POSITIVE_WORDS.has(t)) return 'positive';
  if (NEGATIVE_WORDS.has(t)) return 'negative';
  return 'unknown';
}

function fromInterpretation(obs: Observation): UdsResult {
  for (const c of codingsOf(obs.interpretation)) {
    if (c.system !== undefined && c.system !== SYSTEM.observationInterpretation) continue;
    if (c.code && INTERPRETATION_POSITIVE.includes(c.code)) return 'positive';
    if (c.code && INTERPRETATION_NEGATIVE.includes(c.code)) return 'negative';
  }
  return 'unknown';
}

/**
 * The qualitative result of one UDS Observation. Read, in order: valueCodeableConcept (SNOMED
 * positive/negative as the demo clinic writes, v3 interpretation codes, or text), valueString
 * ("positive"/"negative"/"POS"/"NEG"/"detected" … as in the CDC IG examples), valueBoolean,
 * then interpretation (POS/NEG/DET/ND/A/N), which is also how a quantity result is read.
 * A quantity without interpretation is "unknown" (cut-offs differ by lab). Entered-in-error → unknown.
 */
export function udsResult(obs: Observation): UdsResult {
  if (isVoidStatus(obs.status)) return 'unknown';
  const concept = obs.valueCodeableConcept;
  if (concept) {
    for (const c of concept.coding ?? []) {
      if (c.code === SCREEN_RESULT.positive.code) return 'positive';
      if (c.code === SCREEN_RESULT.negative.code) return 'negative';
      if (c.code && INTERPRETATION_POSITIVE.includes(c.code)) return 'positive';
      if (c.code && INTERPRETATION_NEGATIVE.includes(c.code)) return 'negative';
      const byDisplay = fromWord(c.display);
      if (byDisplay !== 'unknown') return byDisplay;
    }
    const byText = fromWord(concept.text);
    if (byText !== 'unknown') return byText;
  }
  const byString = fromWord(obs.valueString);
  if (byString !== 'unknown') return byString;
  if (obs.valueBoolean !== undefined) return obs.valueBoolean ? 'positive' : 'negative';
  return fromInterpretation(obs);
}

/** The substance a UDS Observation tests for, by LOINC code. */
export function udsSubstance(obs: Observation): Substance | undefined {
  for (const c of codingsOf(obs.code)) {
    if (c.system !== undefined && c.system !== SYSTEM.loinc) continue;
    const t = udsTestByCode(c.code);
    if (t) return t.substance;
  }
  return undefined;
}

function isConfirmatory(obs: Observation): boolean {
  return codingsOf(obs.code).some((c) => c.code !== undefined && UDS_CONFIRMATORY_CODES.includes(c.code));
}

export interface SubstanceResult {
  readonly substance: Substance;
  readonly result: UdsResult;
  readonly evidence: readonly Reference[];
}

/** One urine drug screen: a DiagnosticReport, or the loose Observations of one UTC day. */
export interface UdsScreen {
  readonly date: string;
  readonly ms: number;
  readonly day: number;
  readonly report?: Reference;
  readonly results: readonly SubstanceResult[];
}

/** What the rules need from one UDS Observation, parsed once per record. */
interface UdsFact {
  readonly key: string;
  readonly ms: number | undefined;
  readonly substance: Substance;
  readonly result: UdsResult;
  readonly confirmatory: boolean;
  readonly evidence: Reference;
}

function udsFacts(record: PatientRecord): ReadonlyMap<string, UdsFact> {
  return memo(record, 'uds.facts', () => {
    const facts = new Map<string, UdsFact>();
    for (const o of record.udsObservations) {
      const substance = udsSubstance(o);
      if (!substance) continue;
      const key = `Observation/${o.id ?? ''}`;
      facts.set(key, {
        key,
        ms: observationTime(o),
        substance,
        result: udsResult(o),
        confirmatory: isConfirmatory(o),
        evidence: referenceTo(o),
      });
    }
    return facts;
  });
}

interface ReportGroup {
  readonly report: Reference;
  readonly ms: number | undefined;
  readonly facts: readonly UdsFact[];
}

function reportGroups(record: PatientRecord): readonly ReportGroup[] {
  return memo(record, 'uds.reports', () => {
    const facts = udsFacts(record);
    return record.udsReports
      .filter((r) => !isVoidStatus(r.status))
      .map((report) => {
        const members = (report.result ?? [])
          .map((r) => facts.get(referenceKey(r.reference) ?? ''))
          .filter((f): f is UdsFact => f !== undefined);
        const times = members.map((f) => f.ms).filter((t): t is number => t !== undefined);
        const ms = reportTime(report) ?? (times.length > 0 ? Math.min(...times) : undefined);
        return { report: referenceTo(report), ms, facts: members };
      });
  });
}

function combine(substance: Substance, facts: readonly UdsFact[]): SubstanceResult {
  const confirms = facts.filter((f) => f.confirmatory && f.result !== 'unknown');
  const basis = confirms.length > 0 ? confirms : facts;
  const results = basis.map((f) => f.result);
  const result: UdsResult = results.includes('positive')
    ? 'positive'
    : results.includes('negative')
      ? 'negative'
      : 'unknown';
  return { substance, result, evidence: basis.map((f) => f.evidence) };
}

function toScreen(ms: number, facts: readonly UdsFact[], report?: Reference): UdsScreen {
  const bySubstance = new Map<Substance, UdsFact[]>();
  for (const f of facts) bySubstance.set(f.substance, [...(bySubstance.get(f.substance) ?? []), f]);
  return {
    date: isoInstant(ms),
    ms,
    day: utcDay(ms),
    report,
    results: [...bySubstance].map(([s, group]) => combine(s, group)),
  };
}

/** Screens whose time passes `keep`: the reports, then the loose Observations of one UTC day, oldest first. */
function screensWhere(record: PatientRecord, keep: (ms: number) => boolean): UdsScreen[] {
  const inReport = new Set<string>();
  const screens: UdsScreen[] = [];
  for (const group of reportGroups(record)) {
    group.facts.forEach((f) => inReport.add(f.key));
    if (group.ms === undefined || !keep(group.ms)) continue;
    screens.push(toScreen(group.ms, group.facts, group.report));
  }
  const looseByDay = new Map<number, UdsFact[]>();
  for (const f of udsFacts(record).values()) {
    if (inReport.has(f.key) || f.ms === undefined || !keep(f.ms)) continue;
    const day = utcDay(f.ms);
    looseByDay.set(day, [...(looseByDay.get(day) ?? []), f]);
  }
  for (const facts of looseByDay.values()) {
    screens.push(toScreen(Math.min(...facts.map((f) => f.ms as number)), facts));
  }
  return screens.filter((s) => s.results.length > 0).sort((a, b) => a.ms - b.ms);
}

/** Urine drug screens on or before as-of, oldest first (later results are not yet known). */
export function udsScreens(record: PatientRecord, asOf: AsOf): UdsScreen[] {
  const now = asOfMillis(asOf);
  return screensWhere(record, (ms) => ms <= now);
}

/** What the caseload says next to a screen dated after as-of. */
export const FUTURE_DATE_MARK = 'future date — check the record';

export interface FutureUds {
  /** The earliest screen dated after as-of (ISO instant). */
  readonly date: string;
  /** How many screens are dated after as-of. */
  readonly count: number;
  /** {@link FUTURE_DATE_MARK}. */
  readonly label: string;
}

/**
 * Screens dated after as-of (a mistyped year, a wrong clock): no rule reads them (risk, alerts, last UDS,
 * streaks), but the record holds them, so the caseload says they exist rather than hide them.
 */
export function futureUds(record: PatientRecord, asOf: AsOf): FutureUds | undefined {
  const now = asOfMillis(asOf);
  const future = screensWhere(record, (ms) => ms > now);
  const first = future[0];
  return first ? { date: first.date, count: future.length, label: FUTURE_DATE_MARK } : undefined;
}

/** Which MAT drug makes a positive for a substance expected (buprenorphine on buprenorphine, methadone/EDDP on methadone). */
const EXPECTED_BY_DRUG: Partial<Record<Substance, MatDrug>> = {
  buprenorphine: 'buprenorphine',
  methadone: 'methadone',
};

export interface ClassifiedScreen extends UdsScreen {
  /** Positives explained by prescribed MAT. */
  readonly expectedPositives: readonly Substance[];
  /** Positives not explained by prescribed MAT (fentanyl, heroin, cocaine, or methadone while on buprenorphine …). */
  readonly unexpectedPositives: readonly Substance[];
  /** Unexpected opioid positives: illicit opioids, and buprenorphine/methadone that were not prescribed. */
  readonly unexpectedOpioids: readonly Substance[];
  readonly unexpectedStimulants: readonly Substance[];
  /** Whether the screen gave a positive or negative for at least one illicit opioid. */
  readonly testedOpioids: boolean;
}

/** A screen with its positives split into expected (prescribed MAT at the time) and unexpected. */
export function classifyScreen(record: PatientRecord, screen: UdsScreen): ClassifiedScreen {
  const onMat = expectedMatDrugs(record, screen.ms);
  const positives = screen.results.filter((r) => r.result === 'positive').map((r) => r.substance);
  const isExpected = (s: Substance): boolean => {
    const drug = EXPECTED_BY_DRUG[s];
    return drug !== undefined && onMat.has(drug);
  };
  const unexpected = positives.filter((s) => !isExpected(s));
  return {
    ...screen,
    expectedPositives: positives.filter(isExpected),
    unexpectedPositives: unexpected,
    unexpectedOpioids: unexpected.filter(
      (s) => OPIOID_SUBSTANCES.includes(s) || EXPECTED_BY_DRUG[s] !== undefined,
    ),
    unexpectedStimulants: unexpected.filter((s) => STIMULANT_SUBSTANCES.includes(s)),
    testedOpioids: screen.results.some(
      (r) => OPIOID_SUBSTANCES.includes(r.substance) && r.result !== 'unknown',
    ),
  };
}

/** All screens on or before as-of, classified, oldest first. */
export function classifiedScreens(record: PatientRecord, asOf: AsOf): readonly ClassifiedScreen[] {
  const now = asOfMillis(asOf);
  return memo(record, `uds.classified|${now}`, () =>
    udsScreens(record, new Date(now)).map((s) => classifyScreen(record, s)),
  );
}

export interface LastUds {
  readonly date: string;
  readonly unexpectedPositives: readonly Substance[];
  readonly expectedPositives: readonly Substance[];
  /** "fentanyl +", "cocaine +"; empty when nothing unexpected. */
  readonly flags: readonly string[];
  /** "negative", "fentanyl +, cocaine +", or "buprenorphine + (expected)". */
  readonly label: string;
  readonly evidence: readonly Reference[];
}

/** The latest screen on or before as-of. */
export function lastUds(record: PatientRecord, asOf: AsOf): LastUds | undefined {
  const last = classifiedScreens(record, asOf).at(-1);
  if (!last) return undefined;
  const flags = last.unexpectedPositives.map((s) => `${s} +`);
  const allUnknown = last.results.every((r) => r.result === 'unknown');
  const label =
    flags.length > 0
      ? flags.join(', ')
      : last.expectedPositives.length > 0
        ? `${last.expectedPositives.map((s) => `${s} +`).join(', ')} (expected)`
        : allUnknown
          ? 'no readable result'
          : 'negative';
  return {
    date: last.date,
    unexpectedPositives: last.unexpectedPositives,
    expectedPositives: last.expectedPositives,
    flags,
    label,
    evidence: last.report ? [last.report] : last.results.flatMap((r) => r.evidence),
  };
}

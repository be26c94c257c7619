import type { Reference } from '@medplum/fhirtypes';

import { activeEpisode, programWeek } from '../fhir/episode';
import { type AsOf, asOfMillis, DAY_MS, dayOf, formatDay, isoInstant, utcDay } from '../fhir/fhir-date';
import { matStatus } from '../fhir/mat';
import { latestTwo, MEASURE_CODES, type MeasureCode, measureValues } from '../fhir/measures';
import { patientAge } from '../fhir/patient-facts';
import type { PatientRecord } from '../fhir/patient-record';
import { uniqueReferences } from '../fhir/reference';
import { noShowsWithin } from '../fhir/sessions';
import { classifiedScreens } from '../fhir/uds';
import { RISK_MODEL_V1, type RiskModelConfig, type RiskRuleId } from './risk-model.config';

/**
 * Relapse-risk points score (docs/architecture.md, "Relapse-risk model v1"): decision support, not a diagnosis. One pure function from
 * a patient's FHIR record and an as-of date to a score, a band and the points that make it up, each
 * with a reason in plain words and references to its evidence. Data dated after as-of is ignored.
 */

export type RiskBand = 'low' | 'moderate' | 'high';

export interface RiskPoint {
  readonly ruleId: RiskRuleId;
  readonly points: number;
  readonly reason: string;
  readonly evidence: readonly Reference[];
}

export interface RiskResult {
  readonly modelId: string;
  readonly modelVersion: string;
  readonly score: number;
  readonly band: RiskBand;
  readonly points: readonly RiskPoint[];
  /** ISO instant the score is computed for. */
  readonly asOf: string;
}

export function riskBand(score: number, config: RiskModelConfig = RISK_MODEL_V1): RiskBand {
  if (score >= config.bands.highFrom) return 'high';
  if (score >= config.bands.moderateFrom) return 'moderate';
  return 'low';
}

function range(fromDay: number, toDay: number): string {
  return `${formatDay(fromDay)} – ${formatDay(toDay)}`;
}

/**
 * Rule "uds-opioid-positive" / "uds-missing" — source Luo et al. 2023, the one
 * validated component. Each of the last 3 weeks (7 UTC days ending on the as-of day) scores +2 when a screen
 * in it is positive for a non-prescribed opioid (fentanyl, opiates, heroin/6-MAM, oxycodone, or
 * buprenorphine/methadone not prescribed), or when no screen in it reports an illicit-opioid result
 * (missing counts as positive, as in the published model). Weeks that ended before the episode began are
 * skipped: a patient in week 1 is not charged for the weeks before enrolment.
 * Buprenorphine positive on buprenorphine and methadone/EDDP positive on methadone are expected: no point.
 */
function udsWeeklyRule(record: PatientRecord, now: number, config: RiskModelConfig): RiskPoint[] {
  const { points, weeks } = config.rules.udsOpioidWeekly;
  const screens = classifiedScreens(record, isoInstant(now));
  const episodeStart = dayOf(activeEpisode(record, isoInstant(now))?.period?.start);
  const today = utcDay(now);
  const out: RiskPoint[] = [];
  for (let k = 0; k < weeks; k++) {
    const weekLast = today - k * 7;
    const weekFirst = weekLast - 6;
    if (episodeStart !== undefined && episodeStart > weekLast) continue;
    const inWeek = screens.filter((s) => s.day >= weekFirst && s.day <= weekLast);
    const positive = inWeek.filter((s) => s.unexpectedOpioids.length > 0);
    if (positive.length > 0) {
      const detail = positive
        .map((s) => `${formatDay(s.day)} positive for ${s.unexpectedOpioids.join(', ')}`)
        .join('; ');
      out.push({
        ruleId: 'uds-opioid-positive',
        points,
        reason: `Urine drug screen ${detail} — not prescribed (week ${range(weekFirst, weekLast)}).`,
        evidence: uniqueReferences(
          positive.flatMap((s) =>
            s.results.filter((r) => s.unexpectedOpioids.includes(r.substance)).flatMap((r) => r.evidence),
          ),
        ),
      });
    } else if (!inWeek.some((s) => s.testedOpioids)) {
      out.push({
        ruleId: 'uds-missing',
        points,
        reason: `No urine drug screen for opioids in the week ${range(weekFirst, weekLast)}; a missing screen counts as positive (Luo et al. 2023).`,
        evidence: [],
      });
    }
  }
  return out;
}

/** Rule "uds-stimulant-positive" — labelled heuristic: any cocaine/amphetamine positive in 21 days, +1 once. */
function stimulantRule(record: PatientRecord, now: number, config: RiskModelConfig): RiskPoint[] {
  const { points, windowDays } = config.rules.stimulantPositive;
  const from = now - windowDays * DAY_MS;
  const hits = classifiedScreens(record, isoInstant(now)).filter(
    (s) => s.ms > from && s.unexpectedStimulants.length > 0,
  );
  if (hits.length === 0) return [];
  return [
    {
      ruleId: 'uds-stimulant-positive',
      points,
      reason: `Urine drug screen ${hits
        .map((s) => `${formatDay(s.day)} positive for ${s.unexpectedStimulants.join(', ')}`)
        .join('; ')} (last ${windowDays} days).`,
      evidence: uniqueReferences(
        hits.flatMap((s) =>
          s.results.filter((r) => s.unexpectedStimulants.includes(r.substance)).flatMap((r) => r.evidence),
        ),
      ),
    },
  ];
}

/** Rule "missed-session" — labelled heuristic: each no-show in 21 days +1, at most 2. Cancellations do not count. */
function missedSessionRule(record: PatientRecord, now: number, config: RiskModelConfig): RiskPoint[] {
  const { pointsEach, max, windowDays } = config.rules.missedSession;
  const missed = noShowsWithin(record, isoInstant(now), windowDays);
  const counted = missed.slice(-Math.floor(max / pointsEach));
  return counted.map((s) => ({
    ruleId: 'missed-session' as const,
    points: pointsEach,
    reason: `Missed counseling session on ${formatDay(utcDay(s.startMs))} (no-show)${
      missed.length > counted.length
        ? `; ${missed.length} missed in the last ${windowDays} days, counted up to ${max}`
        : ''
    }.`,
    evidence: [s.evidence],
  }));
}

/**
 * Rule "mat-gap" — labelled heuristic; stopping MAT raises overdose risk (Williams et al. 2020). +3 once for: a gap (order on hold, supply ran out, 3+ methadone days missed, injection
 * past its grace period), a missed observed dose, or MAT stopped within the last 30 days.
 * A patient never on MAT scores nothing here.
 */
function matRule(record: PatientRecord, now: number, config: RiskModelConfig): RiskPoint[] {
  const { points, stoppedWithinDays } = config.rules.matGap;
  const mat = matStatus(record, isoInstant(now));
  const drug = mat.drug ?? 'MAT';
  if (mat.kind === 'gap')
    return [
      { ruleId: 'mat-gap', points, reason: `MAT gap (${drug}): ${mat.detail}`, evidence: mat.evidence },
    ];
  if (mat.kind === 'missed-dose')
    return [
      {
        ruleId: 'mat-gap',
        points,
        reason: `Missed MAT dose (${drug}): ${mat.detail}`,
        evidence: mat.evidence,
      },
    ];
  if (mat.kind === 'stopped') {
    const stoppedDay = dayOf(mat.since);
    if (stoppedDay !== undefined && utcDay(now) - stoppedDay <= stoppedWithinDays)
      return [
        {
          ruleId: 'mat-gap',
          points,
          reason: `MAT stopped in the last ${stoppedWithinDays} days: ${mat.detail}`,
          evidence: mat.evidence,
        },
      ];
  }
  return [];
}

/**
 * Rule "craving" — labelled heuristic; craving predicts next-visit use (Tsui et al. 2014). +1 when the latest rating in 21 days is ≥ 7/10, or ≥ 2 above the baseline (the first rating
 * of the episode).
 */
function cravingRule(record: PatientRecord, now: number, config: RiskModelConfig): RiskPoint[] {
  const { points, threshold, riseOverBaseline, windowDays } = config.rules.craving;
  const values = measureValues(record, MEASURE_CODES.craving, isoInstant(now));
  const latest = values.at(-1);
  if (!latest || latest.ms <= now - windowDays * DAY_MS) return [];
  const episodeStartMs = (dayOf(activeEpisode(record, isoInstant(now))?.period?.start) ?? -Infinity) * DAY_MS;
  const baseline = values.find((v) => v.ms >= episodeStartMs) ?? values[0];
  const when = formatDay(utcDay(latest.ms));
  if (latest.value >= threshold) {
    return [
      {
        ruleId: 'craving',
        points,
        reason: `Craving ${latest.value}/10 on ${when} (${threshold} or more).`,
        evidence: [latest.evidence],
      },
    ];
  }
  if (baseline && baseline !== latest && latest.value - baseline.value >= riseOverBaseline) {
    return [
      {
        ruleId: 'craving',
        points,
        reason: `Craving ${latest.value}/10 on ${when}, up ${latest.value - baseline.value} from the baseline ${baseline.value}/10 on ${formatDay(utcDay(baseline.ms))}.`,
        evidence: [latest.evidence, baseline.evidence],
      },
    ];
  }
  return [];
}

/**
 * Rules "bam-risk-rising" and "bam-protective-falling" — labelled heuristic on the Brief
 * Addiction Monitor subscales (Cacciola et al. 2013). Latest administration (within 35 days)
 * vs the previous one: risk subscale higher +1; protective subscale lower +1.
 */
function bamRules(record: PatientRecord, now: number, config: RiskModelConfig): RiskPoint[] {
  const asOf = isoInstant(now);
  /** One subscale's rule: its latest administration within the window moved the wrong way from the previous. */
  const subscale = (
    code: MeasureCode,
    ruleId: 'bam-risk-rising' | 'bam-protective-falling',
    rule: { readonly points: number; readonly windowDays: number },
    worse: (latest: number, previous: number) => boolean,
    wording: string,
  ): RiskPoint[] => {
    const { latest, previous } = latestTwo(record, code, asOf);
    if (
      !latest ||
      !previous ||
      latest.ms <= now - rule.windowDays * DAY_MS ||
      !worse(latest.value, previous.value)
    ) {
      return [];
    }
    const at = (p: { value: number; ms: number }) => `${p.value} (${formatDay(utcDay(p.ms))})`;
    return [
      {
        ruleId,
        points: rule.points,
        reason: `BAM ${wording} from ${at(previous)} to ${at(latest)}.`,
        evidence: [latest.evidence, previous.evidence],
      },
    ];
  };
  return [
    ...subscale(
      MEASURE_CODES.bamRisk,
      'bam-risk-rising',
      config.rules.bamRiskRising,
      (l, p) => l > p,
      'risk subscale rose',
    ),
    ...subscale(
      MEASURE_CODES.bamProtective,
      'bam-protective-falling',
      config.rules.bamProtectiveFalling,
      (l, p) => l < p,
      'protective subscale fell',
    ),
  ];
}

/** Rule "age-or-new-episode" — labelled heuristic: age under 25, or the first 30 days of the episode; +1 once. */
function youngOrNewRule(record: PatientRecord, now: number, config: RiskModelConfig): RiskPoint[] {
  const { points, ageUnder, firstEpisodeDays } = config.rules.youngOrNew;
  const asOf = isoInstant(now);
  const age = patientAge(record.patient, asOf);
  const week = programWeek(record, asOf);
  const reasons: string[] = [];
  const evidence: Reference[] = [];
  if (age !== undefined && age < ageUnder) {
    reasons.push(`age ${age} (under ${ageUnder})`);
    evidence.push({ reference: `Patient/${record.patient.id ?? ''}` });
  }
  if (week && week.dayOfEpisode < firstEpisodeDays) {
    reasons.push(`day ${week.dayOfEpisode + 1} of the episode (first ${firstEpisodeDays} days)`);
    evidence.push(week.episode);
  }
  if (reasons.length === 0) return [];
  const text = reasons.join('; ');
  return [
    { ruleId: 'age-or-new-episode', points, reason: `${text[0]?.toUpperCase()}${text.slice(1)}.`, evidence },
  ];
}

/** The relapse-risk score of one patient as of a date. */
export function assessRelapseRisk(
  record: PatientRecord,
  asOf: AsOf,
  config: RiskModelConfig = RISK_MODEL_V1,
): RiskResult {
  const now = asOfMillis(asOf);
  const points = [
    ...udsWeeklyRule(record, now, config),
    ...stimulantRule(record, now, config),
    ...missedSessionRule(record, now, config),
    ...matRule(record, now, config),
    ...cravingRule(record, now, config),
    ...bamRules(record, now, config),
    ...youngOrNewRule(record, now, config),
  ];
  const score = points.reduce((sum, p) => sum + p.points, 0);
  return {
    modelId: config.modelId,
    modelVersion: config.version,
    score,
    band: riskBand(score, config),
    points,
    asOf: isoInstant(now),
  };
}

export type RiskTrend = 'up' | 'down' | 'same';

/**
 * Score now vs `config.trendDays` (7) days earlier, each computed with only what was known then.
 * Pass `current` when the score as of `asOf` is already computed, to avoid computing it twice.
 */
export function riskTrend(
  record: PatientRecord,
  asOf: AsOf,
  config: RiskModelConfig = RISK_MODEL_V1,
  current?: RiskResult,
): { trend: RiskTrend; previousScore: number; score: number } {
  const now = asOfMillis(asOf);
  const score = (current ?? assessRelapseRisk(record, isoInstant(now), config)).score;
  const previousScore = assessRelapseRisk(record, isoInstant(now - config.trendDays * DAY_MS), config).score;
  return {
    trend: score > previousScore ? 'up' : score < previousScore ? 'down' : 'same',
    previousScore,
    score,
  };
}

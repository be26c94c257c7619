import type { CarePlan, Extension, Goal, GoalTarget, Quantity } from '@medplum/fhirtypes';

import { codingsOf, hasCoding } from '../fhir/coding';
import { activeEpisode, episodeTrack, programWeek } from '../fhir/episode';
import {
  type AsOf,
  asOfMillis,
  DAY_MS,
  dayOf,
  formatDate,
  formatDay,
  isoDay,
  toEndMillis,
  utcDay,
} from '../fhir/fhir-date';
import { MEASURE_CODES, type MeasureCode, measureValues } from '../fhir/measures';
import type { PatientRecord } from '../fhir/patient-record';
import { referenceKey, referenceTo } from '../fhir/reference';
import { attendance } from '../fhir/sessions';
import { classifiedScreens } from '../fhir/uds';
import { SCREEN_RESULT, SYSTEM, udsTestByCode } from '../terminology';
import type {
  CarePlanFacts,
  GoalProgress,
  GoalTargetFacts,
  NextReview,
  PlanGoal,
  TreatmentPlanFacts,
} from './chart-facts';
import { episodeStartDay } from './chart-range';
import { negativeStreak } from './uds-panel';

/**
 * The "Treatment plan" panel's facts ("Treatment plan: CarePlan + Goal"): the episode's
 * CarePlans with their Goals, targets, achievement as recorded and progress computed from the record where the
 * target is one the rules can read; the track and program week; the next review date.
 *
 * Targets the rules read (Goal.target.measure + detail[x]):
 * - PHQ-9 total (LOINC 44261-6), GAD-7 total (70274-6), craving (LOCAL craving-0-10) with detailQuantity
 *   (comparator < ≤ ≥ >; none = "at most" for these higher-is-worse scores) or detailRange: the latest score;
 * - a UDS analyte (any code of UDS_TESTS) with detailCodeableConcept negative: the latest screen for that
 *   substance negative (and the negative streak); with detailQuantity n (weeks or screens): the negative streak
 *   in weeks ≥ n (uds-panel.ts negativeStreak);
 * - and, from the goal's own words when it has no readable target, "attend … N %" (attendance over the episode,
 *   attended / (attended + no-show), cancellations left out — sessions.ts; the current or latest episode, else
 *   the last 28 days) and "N consecutive negative" (the
 *   negative streak). Progress read from words says so (`readFrom: 'description'`).
 *
 * Next review: an extension whose URL ends in "next-review" or "review-date" (valueDate, valueDateTime,
 * valuePeriod.start); else the earliest review activity on or after as-of (an activity whose description or
 * code says "review", scheduled by scheduledPeriod.start, scheduledTiming.event or scheduledString); else
 * CarePlan.period.end (what the demo clinic writes: the end of the 12–16 week track).
 */

type Comparator = '<' | '<=' | '>=' | '>';

const COMPARE: Record<Comparator, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
  '>': (a, b) => a > b,
};

const SHOWN: Record<Comparator, string> = { '<': '<', '<=': '≤', '>=': '≥', '>': '>' };

function unitText(q: Quantity | undefined): string {
  const unit = q?.unit ?? q?.code ?? '';
  if (!unit || unit.startsWith('{')) return '';
  return ` ${unit}`;
}

function targetDetail(t: GoalTarget): string | null {
  if (t.detailQuantity?.value !== undefined) {
    const c = t.detailQuantity.comparator as Comparator | undefined;
    return `${c ? `${SHOWN[c]} ` : ''}${t.detailQuantity.value}${unitText(t.detailQuantity)}`;
  }
  if (t.detailRange) {
    const lo = t.detailRange.low?.value;
    const hi = t.detailRange.high?.value;
    if (lo !== undefined && hi !== undefined) return `${lo}–${hi}${unitText(t.detailRange.high)}`;
    if (lo !== undefined) return `≥ ${lo}${unitText(t.detailRange.low)}`;
    if (hi !== undefined) return `≤ ${hi}${unitText(t.detailRange.high)}`;
  }
  const concept = t.detailCodeableConcept;
  if (concept)
    return (
      concept.text ?? codingsOf(concept)[0]?.display?.toLowerCase() ?? codingsOf(concept)[0]?.code ?? null
    );
  if (t.detailString !== undefined) return t.detailString;
  if (t.detailInteger !== undefined) return String(t.detailInteger);
  if (t.detailBoolean !== undefined) return t.detailBoolean ? 'yes' : 'no';
  return null;
}

function targetFacts(t: GoalTarget): GoalTargetFacts {
  const c = codingsOf(t.measure)[0];
  return {
    measure: t.measure
      ? { system: c?.system ?? null, code: c?.code ?? null, display: c?.display ?? t.measure.text ?? null }
      : null,
    detail: targetDetail(t),
    due: t.dueDate ?? null,
  };
}

/** A numeric test from a target: detailQuantity (with its comparator, or `fallback`) or detailRange. */
function numericTest(
  t: GoalTarget,
  fallback: Comparator,
): { test: (v: number) => boolean; text: string } | undefined {
  const q = t.detailQuantity;
  if (q?.value !== undefined) {
    const value = q.value;
    const c = (q.comparator as Comparator | undefined) ?? fallback;
    return { test: (v) => COMPARE[c](v, value), text: `${SHOWN[c]} ${value}` };
  }
  const lo = t.detailRange?.low?.value;
  const hi = t.detailRange?.high?.value;
  if (lo === undefined && hi === undefined) return undefined;
  return {
    test: (v) => (lo === undefined || v >= lo) && (hi === undefined || v <= hi),
    text: lo !== undefined && hi !== undefined ? `${lo}–${hi}` : lo !== undefined ? `≥ ${lo}` : `≤ ${hi}`,
  };
}

const SCORE_TARGETS: readonly { kind: 'phq9' | 'gad7' | 'craving'; code: MeasureCode; label: string }[] = [
  { kind: 'phq9', code: MEASURE_CODES.phq9Total, label: 'PHQ-9' },
  { kind: 'gad7', code: MEASURE_CODES.gad7Total, label: 'GAD-7' },
  { kind: 'craving', code: MEASURE_CODES.craving, label: 'Craving' },
];

function isNegativeConcept(t: GoalTarget): boolean {
  const concept = t.detailCodeableConcept;
  if (!concept) return false;
  return (
    hasCoding(concept, undefined, SCREEN_RESULT.negative.code) ||
    hasCoding(concept, undefined, 'NEG') ||
    /\bnegative\b/i.test(
      `${concept.text ?? ''} ${codingsOf(concept)
        .map((c) => c.display ?? '')
        .join(' ')}`,
    )
  );
}

function streakProgress(
  record: PatientRecord,
  asOf: AsOf,
  weeksWanted: { test: (v: number) => boolean; text: string },
  readFrom: GoalProgress['readFrom'],
): GoalProgress {
  const streak = negativeStreak(record, asOf);
  const met = weeksWanted.test(streak.weeks);
  return {
    kind: 'negative-screens',
    readFrom,
    current: streak.weeks,
    target: `${weeksWanted.text} weeks`,
    met,
    text: `Negative streak ${streak.weeks} week${streak.weeks === 1 ? '' : 's'} (target ${weeksWanted.text} weeks).`,
    evidence: streak.evidence,
  };
}

function progressOfTarget(record: PatientRecord, asOf: AsOf, t: GoalTarget): GoalProgress | undefined {
  for (const s of SCORE_TARGETS) {
    if (!hasCoding(t.measure, s.code.system, s.code.code)) continue;
    const wanted = numericTest(t, '<=');
    if (!wanted) return undefined;
    const latest = measureValues(record, s.code, asOf).at(-1);
    return {
      kind: s.kind,
      readFrom: 'target',
      current: latest?.value ?? null,
      target: wanted.text,
      met: latest ? wanted.test(latest.value) : null,
      text: latest
        ? `Latest ${s.label} ${latest.value} on ${formatDate(latest.date)} (target ${wanted.text}).`
        : `No ${s.label} on record yet (target ${wanted.text}).`,
      evidence: latest ? [latest.evidence] : [],
    };
  }
  const uds = codingsOf(t.measure).find(
    (c) => (c.system === undefined || c.system === SYSTEM.loinc) && udsTestByCode(c.code) !== undefined,
  );
  const substance = udsTestByCode(uds?.code)?.substance;
  if (!substance) return undefined;
  if (t.detailQuantity?.value !== undefined || t.detailRange) {
    const wanted = numericTest(t, '>=');
    return wanted ? streakProgress(record, asOf, wanted, 'target') : undefined;
  }
  if (!isNegativeConcept(t)) return undefined;
  const screen = [...classifiedScreens(record, asOf)]
    .reverse()
    .find((s) => s.results.some((r) => r.substance === substance && r.result !== 'unknown'));
  const result = screen?.results.find((r) => r.substance === substance);
  const streak = negativeStreak(record, asOf);
  const negative =
    result?.result === 'negative' ||
    (result?.result === 'positive' && screen?.expectedPositives.includes(substance) === true);
  return {
    kind: 'negative-screens',
    readFrom: 'target',
    current: streak.weeks,
    target: 'negative',
    met: screen ? negative : null,
    text: screen
      ? `Latest ${substance} screen ${negative ? 'negative' : 'positive'} on ${formatDay(screen.day)}; negative streak ${streak.weeks} week${streak.weeks === 1 ? '' : 's'}.`
      : `No ${substance} screen on record yet.`,
    evidence: result ? [...result.evidence] : [],
  };
}

function progressOfDescription(record: PatientRecord, asOf: AsOf, text: string): GoalProgress | undefined {
  const consecutive = /(\d+)\s+consecutive\s+negative/i.exec(text);
  if (consecutive) {
    const n = Number(consecutive[1]);
    return streakProgress(record, asOf, { test: (v) => v >= n, text: `≥ ${n}` }, 'description');
  }
  const percent = /\battend/i.test(text) ? /(\d+(?:\.\d+)?)\s*%/.exec(text) : null;
  if (!percent) return undefined;
  const wanted = Number(percent[1]);
  const now = asOfMillis(asOf);
  const start = episodeStartDay(record, asOf);
  const days = start === undefined ? 28 : utcDay(now) - start + 1;
  const a = attendance(record, asOf, days);
  return {
    kind: 'attendance',
    readFrom: 'description',
    current: a.percent ?? null,
    target: `≥ ${wanted} %`,
    met: a.percent === undefined ? null : a.percent >= wanted,
    text: `${a.basis} (target ≥ ${wanted} %).`,
    evidence: [],
  };
}

function goalFacts(record: PatientRecord, asOf: AsOf, goal: Goal): PlanGoal {
  const description = goal.description.text ?? codingsOf(goal.description)[0]?.display ?? '';
  const targets = goal.target ?? [];
  const fromTargets = targets
    .map((t) => progressOfTarget(record, asOf, t))
    .filter((p): p is GoalProgress => p !== undefined);
  const fromWords = fromTargets.length === 0 ? progressOfDescription(record, asOf, description) : undefined;
  const achievement = codingsOf(goal.achievementStatus)[0];
  return {
    goal: referenceTo(goal),
    description,
    lifecycleStatus: goal.lifecycleStatus,
    achievement: goal.achievementStatus
      ? {
          code: achievement?.code ?? null,
          display: achievement?.display ?? goal.achievementStatus.text ?? achievement?.code ?? null,
        }
      : null,
    start: goal.startDate ?? null,
    targets: targets.map(targetFacts),
    progress: fromWords ? [fromWords] : fromTargets,
  };
}

const REVIEW = /\breview/i;

function extensionDate(ext: Extension): string | undefined {
  return ext.valueDate ?? ext.valueDateTime ?? ext.valuePeriod?.start;
}

function nextReviewOf(plan: CarePlan, today: number): NextReview | null {
  const ref = referenceTo(plan);
  const ext = (plan.extension ?? []).find(
    (e) => /(next-review|review-date)$/i.test(e.url) && extensionDate(e),
  );
  const extDate = ext ? extensionDate(ext) : undefined;
  const extDay = dayOf(extDate);
  if (extDay !== undefined) return { date: isoDay(extDay), source: 'extension', carePlan: ref };
  const activityDays = (plan.activity ?? [])
    .filter((a) => {
      const d = a.detail;
      if (!d || d.status === 'cancelled' || d.status === 'completed' || d.status === 'entered-in-error')
        return false;
      const words = `${d.description ?? ''} ${d.code?.text ?? ''} ${codingsOf(d.code)
        .map((c) => c.display ?? '')
        .join(' ')}`;
      return REVIEW.test(words);
    })
    .flatMap((a) => {
      const d = a.detail;
      const dates = [d?.scheduledPeriod?.start, d?.scheduledString, ...(d?.scheduledTiming?.event ?? [])];
      return dates.map((x) => dayOf(x)).filter((x): x is number => x !== undefined && x >= today);
    })
    .sort((a, b) => a - b);
  const first = activityDays[0];
  if (first !== undefined) return { date: isoDay(first), source: 'activity', carePlan: ref };
  const endMs = toEndMillis(plan.period?.end);
  if (endMs !== undefined) return { date: isoDay(utcDay(endMs - 1)), source: 'period-end', carePlan: ref };
  return null;
}

function planStartDay(plan: CarePlan): number | undefined {
  return dayOf(plan.period?.start ?? plan.created);
}

/**
 * The Treatment plan panel's facts as of a date. CarePlans of the current episode (whose period overlaps the
 * active episode, or the latest one) come first, active before others, newest first; without any overlapping
 * plan, every CarePlan begun by as-of is listed. Goals no listed plan names are `otherGoals`.
 */
export function treatmentPlan(record: PatientRecord, asOf: AsOf): TreatmentPlanFacts {
  const now = asOfMillis(asOf);
  const today = utcDay(now);
  const episode = activeEpisode(record, asOf);
  const week = programWeek(record, asOf);
  const started = record.carePlans.filter((p) => {
    if (p.status === 'entered-in-error') return false;
    const start = planStartDay(p);
    return start === undefined || start <= today;
  });
  const episodeStart = dayOf(episode?.period?.start);
  const episodeEnd = toEndMillis(episode?.period?.end);
  const overlaps = (p: CarePlan): boolean => {
    if (episodeStart === undefined) return false;
    const start = planStartDay(p) ?? -Infinity;
    const end = toEndMillis(p.period?.end);
    return (
      (end === undefined || end > episodeStart * DAY_MS) &&
      (episodeEnd === undefined || start * DAY_MS < episodeEnd)
    );
  };
  const ofEpisode = started.filter(overlaps);
  const chosen = (ofEpisode.length > 0 ? ofEpisode : started).sort((a, b) => {
    const active = Number(b.status === 'active') - Number(a.status === 'active');
    return active !== 0 ? active : (planStartDay(b) ?? 0) - (planStartDay(a) ?? 0);
  });
  const goalsByKey = new Map(record.goals.map((g) => [`Goal/${g.id ?? ''}`, g]));
  const listed = new Set<string>();
  const plans: CarePlanFacts[] = chosen.map((plan) => {
    const goals = (plan.goal ?? [])
      .map((ref) => referenceKey(ref.reference))
      .filter((k): k is string => k !== undefined && goalsByKey.has(k))
      .map((k) => {
        listed.add(k);
        return goalFacts(record, asOf, goalsByKey.get(k) as Goal);
      });
    return {
      carePlan: referenceTo(plan),
      title: plan.title ?? null,
      status: plan.status,
      description: plan.description ?? null,
      periodStart: plan.period?.start ?? null,
      periodEnd: plan.period?.end ?? null,
      author:
        plan.author?.reference || plan.author?.display
          ? {
              ...(plan.author.reference ? { reference: plan.author.reference } : {}),
              ...(plan.author.display ? { display: plan.author.display } : {}),
            }
          : null,
      activities: (plan.activity ?? []).map((a) => ({
        kind: a.detail?.kind ?? null,
        status: a.detail?.status ?? null,
        description: a.detail?.description ?? a.detail?.code?.text ?? null,
      })),
      goals,
      nextReview: nextReviewOf(plan, today),
    };
  });
  const otherGoals = record.goals
    .filter((g) => g.lifecycleStatus !== 'entered-in-error' && !listed.has(`Goal/${g.id ?? ''}`))
    .map((g) => goalFacts(record, asOf, g));
  const upcoming = plans
    .filter((p) => p.status === 'active' || p.status === 'on-hold' || p.status === 'draft')
    .map((p) => p.nextReview)
    .filter((r): r is NextReview => r !== null && (dayOf(r.date) ?? -Infinity) >= today)
    .sort((a, b) => a.date.localeCompare(b.date));
  return {
    asOf: isoDay(today),
    plans,
    otherGoals,
    track: episodeTrack(episode) ?? null,
    week: week?.week ?? null,
    plannedWeeks: week?.planned ?? null,
    weekLabel: week?.label ?? null,
    episode: episode ? referenceTo(episode) : null,
    nextReview: upcoming[0] ?? null,
  };
}

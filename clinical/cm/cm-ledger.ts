import type { CarePlan, Observation, Reference, Task } from '@medplum/fhirtypes';

import { hasCoding } from '../fhir/coding';
import { type AsOf, formatDay } from '../fhir/fhir-date';
import type { PatientRecord } from '../fhir/patient-record';
import { referenceKey } from '../fhir/reference';
import { type ClassifiedScreen, classifiedScreens } from '../fhir/uds';
import { CM_POINTS_OUTPUT, LOCAL_SYSTEM, TASK_CODE } from '../terminology';

/**
 * Contingency management (CM): rewards for verified negative urine drug screens on an escalating schedule that
 * resets after a positive or a missed screen (docs/coordination.md).
 * Sources: Higgins ST et al., Am J Psychiatry 1991 and Arch Gen Psychiatry 1994 (escalating vouchers with reset);
 * Petry NM, Drug Alcohol Depend 2000 "A comprehensive guide to the application of contingency management";
 * Petry NM et al. 2005 (prize-based CM with escalating draws); Bolívar HA et al., JAMA Psychiatry 2021
 * (meta-analysis: CM is effective for stimulant and opioid use). The numbers are a configurable schedule; the
 * default is the clinic's points schedule: 10 points for the first negative, +5 for each consecutive one,
 * at most 40 per screen, at most 2 rewarded screens per ISO week.
 */

export interface CmSchedule {
  readonly id: string;
  readonly name: string;
  /** Points for the first negative screen of a streak. */
  readonly start: number;
  /** Points added for each further consecutive negative screen. */
  readonly step: number;
  /** Most points for one screen. */
  readonly cap: number;
  /** Most rewarded screens in one ISO week (Monday–Sunday, UTC). */
  readonly maxRewardsPerWeek: number;
  /** A week (Monday–Sunday) without any screen breaks the streak (a missed test resets, Higgins 1994). */
  readonly missedWeekResets: boolean;
}

export const CM_ESCALATING_POINTS: CmSchedule = {
  id: 'escalating-points-10-5-40',
  name: 'Escalating points (10, +5 per consecutive negative, cap 40), reset after a positive or missed screen',
  start: 10,
  step: 5,
  cap: 40,
  maxRewardsPerWeek: 2,
  missedWeekResets: true,
};

/** Points the n-th consecutive negative screen earns (n ≥ 1). */
export function cmPoints(streak: number, schedule: CmSchedule = CM_ESCALATING_POINTS): number {
  return Math.min(schedule.cap, schedule.start + schedule.step * (Math.max(1, streak) - 1));
}

export type CmScreenResult = 'negative' | 'positive' | 'not-verified';

export interface CmLedgerEntry {
  readonly date: string;
  /** The screen's analyte Observation a reward points at (the first result of the screen). */
  readonly observation: Reference;
  readonly result: CmScreenResult;
  /** Consecutive negative screens up to and including this one (0 after a positive or unverified one). */
  readonly streak: number;
  /** Points this screen earns on the schedule (0 when it earns none). */
  readonly points: number;
  /** Why it earns nothing, when it does not. */
  readonly reason?: string;
  /** The reward Task that pays it, if one exists. */
  readonly reward?: Reference;
  readonly rewardedPoints?: number;
  /** When the reward was recorded (its `authoredOn`, else `meta.lastUpdated`). */
  readonly rewardedOn?: string;
  /** The streak was reset before this screen (a positive or a week without a screen). */
  readonly resetBefore?: 'positive' | 'missed-week';
}

export interface CmLedger {
  readonly schedule: CmSchedule;
  readonly entries: readonly CmLedgerEntry[];
  readonly currentStreak: number;
  /** Points paid by reward Tasks. */
  readonly earnedPoints: number;
  /** Points earned on the schedule that no reward Task pays yet. */
  readonly duePoints: number;
}

const VERIFIED = new Set(['final', 'amended', 'corrected']);

/** Whether a screen's results are verified (final, amended or corrected). */
function verified(screen: ClassifiedScreen, observations: ReadonlyMap<string, Observation>): boolean {
  const keys = screen.results.flatMap((r) => r.evidence.map((e) => referenceKey(e.reference) ?? ''));
  return keys.length > 0 && keys.every((k) => VERIFIED.has(observations.get(k)?.status ?? ''));
}

/** The result of a screen for CM: positive when any result is an unexpected positive (opioid or stimulant). */
export function cmScreenResult(
  screen: ClassifiedScreen,
  observations: ReadonlyMap<string, Observation>,
): CmScreenResult {
  if (!verified(screen, observations)) return 'not-verified';
  return screen.unexpectedPositives.length > 0 ? 'positive' : 'negative';
}

/** CM reward Tasks of the record, by the Observation key they reward. */
export function cmRewardTasks(record: PatientRecord): Map<string, Task> {
  const out = new Map<string, Task>();
  for (const task of record.tasks) {
    if (!hasCoding(task.code, LOCAL_SYSTEM.task, TASK_CODE.cmReward)) continue;
    if (task.status === 'cancelled' || task.status === 'rejected' || task.status === 'entered-in-error')
      continue;
    const key = referenceKey(task.focus?.reference);
    if (key) out.set(key, task);
  }
  return out;
}

/** A care plan that enrols the patient in CM: an activity that says "contingency management". */
export function isCmCarePlan(plan: CarePlan): boolean {
  return (plan.activity ?? []).some((a) => /contingency management/i.test(a.detail?.description ?? ''));
}

/** Enrolled in CM: a CM reward Task on record, or a CarePlan activity that says "contingency management". */
export function cmEnrolled(record: PatientRecord): boolean {
  return (
    record.tasks.some((t) => hasCoding(t.code, LOCAL_SYSTEM.task, TASK_CODE.cmReward)) ||
    record.carePlans.some(isCmCarePlan)
  );
}

function rewardedOn(task: Task): string | undefined {
  return task.authoredOn ?? task.meta?.lastUpdated;
}

/** The points a reward Task pays (its output of type cm-points). */
export function rewardPoints(task: Task): number {
  return task.output?.find((o) => hasCoding(o.type, LOCAL_SYSTEM.task, CM_POINTS_OUTPUT))?.valueInteger ?? 0;
}

const isoWeek = (day: number) => Math.floor((day + 3) / 7); // weeks starting on Monday (day 0 was a Thursday)

/** Every screen of the record up to as-of, with its CM result, streak, points and reward. */
export function cmLedger(
  record: PatientRecord,
  asOf: AsOf,
  schedule: CmSchedule = CM_ESCALATING_POINTS,
): CmLedger {
  const observations = new Map(record.udsObservations.map((o) => [`Observation/${o.id ?? ''}`, o]));
  const rewards = cmRewardTasks(record);
  const entries: CmLedgerEntry[] = [];
  let streak = 0;
  let lastWeek: number | undefined;
  const rewardedInWeek = new Map<number, number>();
  let pendingReset: CmLedgerEntry['resetBefore'];
  for (const screen of classifiedScreens(record, asOf)) {
    const week = isoWeek(screen.day);
    if (schedule.missedWeekResets && lastWeek !== undefined && week - lastWeek > 1 && streak > 0) {
      streak = 0;
      pendingReset = 'missed-week';
    }
    lastWeek = week;
    const observation = screen.results[0]?.evidence[0] ?? { reference: '' };
    const rewardKeys = screen.results.flatMap((r) => r.evidence.map((e) => referenceKey(e.reference) ?? ''));
    const rewardTask = rewardKeys.map((k) => rewards.get(k)).find((t) => t !== undefined);
    const result = cmScreenResult(screen, observations);
    const base = {
      date: screen.date,
      observation,
      result,
      ...(rewardTask
        ? {
            reward: { reference: `Task/${rewardTask.id ?? ''}` },
            rewardedPoints: rewardPoints(rewardTask),
            ...(rewardedOn(rewardTask) ? { rewardedOn: rewardedOn(rewardTask) } : {}),
          }
        : {}),
      ...(pendingReset ? { resetBefore: pendingReset } : {}),
    };
    pendingReset = undefined;
    if (result === 'positive') {
      streak = 0;
      entries.push({ ...base, streak: 0, points: 0, reason: 'Positive screen: the streak starts again' });
      pendingReset = 'positive';
      continue;
    }
    if (result === 'not-verified') {
      entries.push({ ...base, streak, points: 0, reason: 'Not verified yet (results not final)' });
      continue;
    }
    const used = rewardedInWeek.get(week) ?? 0;
    if (used >= schedule.maxRewardsPerWeek) {
      entries.push({
        ...base,
        streak,
        points: 0,
        reason: `At most ${schedule.maxRewardsPerWeek} rewarded screens per week`,
      });
      continue;
    }
    streak++;
    rewardedInWeek.set(week, used + 1);
    entries.push({ ...base, streak, points: cmPoints(streak, schedule) });
  }
  const earnedPoints = entries.reduce((sum, e) => sum + (e.rewardedPoints ?? 0), 0);
  const duePoints = entries.filter((e) => !e.reward).reduce((sum, e) => sum + e.points, 0);
  return { schedule, entries, currentStreak: streak, earnedPoints, duePoints };
}

export interface RewardCheck {
  readonly allowed: boolean;
  /** Why not, in words for the person who tried. */
  readonly message?: string;
  readonly points?: number;
}

/**
 * Whether a reward may be recorded for this screen Observation: it must be a screen of the record, verified,
 * negative (no unexpected positive on its collection day), earning points on the schedule, and not rewarded
 * already. The server enforces this on every CM reward Task it stores.
 */
export function checkReward(
  record: PatientRecord,
  observation: Reference,
  asOf: AsOf,
  schedule: CmSchedule = CM_ESCALATING_POINTS,
): RewardCheck {
  const key = referenceKey(observation.reference);
  const ledger = cmLedger(record, asOf, schedule);
  const entry = ledger.entries.find((e) =>
    classifiedScreens(record, asOf).some(
      (s) =>
        s.date === e.date && s.results.some((r) => r.evidence.some((x) => referenceKey(x.reference) === key)),
    ),
  );
  if (!entry) return { allowed: false, message: 'This is not a urine drug screen of this patient.' };
  if (entry.reward) {
    const on = entry.rewardedOn ? ` on ${formatDay(dayOfDate(entry.rewardedOn))}` : '';
    return {
      allowed: false,
      message: `This screen (${formatDay(dayOfDate(entry.date))}) was already rewarded${on}: one reward per screen.`,
    };
  }
  if (entry.result === 'positive') {
    return { allowed: false, message: 'A positive screen earns no reward: the streak starts again.' };
  }
  if (entry.result === 'not-verified') {
    return { allowed: false, message: 'The screen is not verified yet: a reward waits for final results.' };
  }
  if (entry.points === 0) return { allowed: false, message: entry.reason ?? 'This screen earns no points.' };
  return { allowed: true, points: entry.points };
}

function dayOfDate(date: string): number {
  return Math.floor(Date.parse(date.slice(0, 10)) / 86_400_000);
}

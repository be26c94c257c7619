import type { CarePlan, Patient, Task } from '@medplum/fhirtypes';

import {
  type CmLedger,
  type CmLedgerEntry,
  type CmSchedule,
  isCmCarePlan,
  rewardPoints,
} from '../../../../../clinical/cm/cm-ledger';
import { CM_PLAN_DEFINITION_URL } from '../../../../../clinical/cm/cm-schedule';
import { formatDate } from '../../../../../clinical/fhir/fhir-date';
import { patientName } from '../../../../../clinical/fhir/patient-facts';
import type { PatientRecord } from '../../../../../clinical/fhir/patient-record';
import { type RecordSearch } from '../../../../../clinical/fhir/record-query';
import { referenceKey } from '../../../../../clinical/fhir/reference';
import { classifiedScreens } from '../../../../../clinical/fhir/uds';
import { CM_POINTS_OUTPUT, LOCAL_SYSTEM, TASK_CODE } from '../../../../../clinical/terminology';
import { isCmRewardTask } from './task-model';

/**
 * The contingency-management ledger as the coordinator sees it: every screen of the patient with what the
 * schedule says of it (clinical/cm/cm-ledger.ts, the rule the server applies to every reward it stores), and the
 * reward Task a "Record reward" creates.
 */

const CM_REWARD = `${LOCAL_SYSTEM.task}|${TASK_CODE.cmReward}`;
const INACTIVE = new Set(['cancelled', 'rejected', 'entered-in-error']);

/** The program's reward Tasks, only what totals need (the access policy scopes them to the program). */
export function programRewardSearch(): RecordSearch {
  return {
    resourceType: 'Task',
    params: [
      ['code', CM_REWARD],
      ['_elements', 'status,code,for,focus,output,authoredOn'],
      ['_count', '1000'],
    ],
  };
}

/** The program's active CarePlans (enrolment in CM is a plan activity that says so). */
export function programCarePlanSearch(): RecordSearch {
  return {
    resourceType: 'CarePlan',
    params: [
      ['status', 'active'],
      ['_elements', 'status,subject,activity'],
      ['_count', '1000'],
    ],
  };
}

/** The clinic's CM schedule (a PlanDefinition at its canonical URL; none: the default schedule). */
export function scheduleSearch(): RecordSearch {
  return { resourceType: 'PlanDefinition', params: [['url', CM_PLAN_DEFINITION_URL]] };
}

export type CmLineKind = 'rewarded' | 'due' | 'positive' | 'not-verified' | 'weekly-limit';

export interface CmLine {
  readonly entry: CmLedgerEntry;
  /** The Observation the reward points at (`Observation/<id>`). */
  readonly observation: string;
  readonly kind: CmLineKind;
  /** The status in words, e.g. "Rewarded — 15 points", "Due — 20 points", "Not eligible: positive". */
  readonly status: string;
  /** Why, or what the Task says (handed out / to hand out). */
  readonly detail: string;
  /** What the screen found, in words ("negative", "fentanyl +"). */
  readonly result: string;
  readonly rewardTask: Task | null;
  /** Points shown in the running total column (rewarded points, else 0). */
  readonly runningTotal: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The ledger's entries as lines, newest first, with the running total of rewarded points. */
export function cmLines(ledger: CmLedger, record: PatientRecord, asOf: string): CmLine[] {
  const screens = classifiedScreens(record, asOf);
  const tasks = new Map(record.tasks.map((t) => [`Task/${t.id ?? ''}`, t]));
  let running = 0;
  const lines = ledger.entries.map((entry): CmLine => {
    const observation = referenceKey(entry.observation.reference) ?? '';
    const screen = screens.find((s) =>
      s.results.some((r) => r.evidence.some((e) => referenceKey(e.reference) === observation)),
    );
    const found = screen?.unexpectedPositives.map((s) => `${s} +`) ?? [];
    const expected = screen?.expectedPositives.map((s) => `${s} + (expected)`) ?? [];
    const result =
      found.length > 0 ? found.join(', ') : expected.length > 0 ? `negative; ${expected.join(', ')}` : 'negative';
    const rewardTask = entry.reward ? (tasks.get(referenceKey(entry.reward.reference) ?? '') ?? null) : null;
    running += entry.rewardedPoints ?? 0;
    const reset =
      entry.resetBefore === 'missed-week'
        ? 'Streak reset before this screen: a week without a screen. '
        : entry.resetBefore === 'positive'
          ? 'Streak reset before this screen: the previous screen was positive. '
          : '';
    const base = { entry, observation, result, rewardTask, runningTotal: running };
    if (entry.reward) {
      const handedOut = rewardTask?.status === 'completed';
      return {
        ...base,
        kind: 'rewarded',
        status: `Rewarded — ${plural(entry.rewardedPoints ?? 0, 'point')}`,
        detail: `${reset}${handedOut ? 'Handed out' : 'To hand out'}${rewardTask?.authoredOn ? ` (recorded ${formatDate(rewardTask.authoredOn)})` : ''}.`,
      };
    }
    if (entry.result === 'positive') {
      return {
        ...base,
        kind: 'positive',
        status: 'Not eligible: positive',
        detail: `${reset}${entry.reason ?? ''}.`,
      };
    }
    if (entry.result === 'not-verified') {
      return {
        ...base,
        kind: 'not-verified',
        status: 'Not eligible: not verified',
        detail: `${reset}${entry.reason ?? ''}.`,
      };
    }
    if (entry.points === 0) {
      return {
        ...base,
        kind: 'weekly-limit',
        status: 'Not eligible: weekly limit',
        detail: `${reset}${entry.reason ?? ''}.`,
      };
    }
    return {
      ...base,
      kind: 'due',
      status: `Due — ${plural(entry.points, 'point')}`,
      detail: `${reset}${plural(entry.streak, 'negative screen')} in a row on the schedule.`,
    };
  });
  return lines.reverse();
}

/**
 * The reward Task "Record reward" creates for a due line: code cm-reward, `focus` = the screen's Observation,
 * `for` = the patient, output cm-points = the schedule's points; recorded by the coordinator, to hand out. The
 * identifier lets the client tell its own new Task from one the server already held (conditional create).
 */
export function rewardTask(
  line: CmLine,
  patient: Patient,
  context: { readonly me: string; readonly now: string; readonly requestId: string },
): Task {
  return {
    resourceType: 'Task',
    identifier: [{ system: 'urn:ietf:rfc:3986', value: `urn:uuid:${context.requestId}` }],
    status: 'requested',
    intent: 'order',
    code: { coding: [{ system: LOCAL_SYSTEM.task, code: TASK_CODE.cmReward, display: 'Contingency-management reward' }] },
    description: `CM reward: negative UDS of ${formatDate(line.entry.date)} (${line.entry.streak} in a row, ${line.entry.points} points)`,
    focus: { reference: line.observation },
    for: { reference: `Patient/${patient.id ?? ''}`, display: patientName(patient) },
    authoredOn: context.now,
    lastModified: context.now,
    requester: { reference: context.me },
    owner: { reference: context.me },
    output: [
      {
        type: { coding: [{ system: LOCAL_SYSTEM.task, code: CM_POINTS_OUTPUT, display: 'CM points' }], text: 'points' },
        valueInteger: line.entry.points,
      },
    ],
  };
}

/** The conditional-create query: one reward per screen Observation (a withdrawn reward does not count). */
export function rewardCondition(line: CmLine): readonly (readonly [string, string])[] {
  return [
    ['code', CM_REWARD],
    ['focus', line.observation],
    ['status:not', 'cancelled'],
    ['status:not', 'entered-in-error'],
  ];
}

/** Whether a Task the server answered with is the one this client just sent (not one it already held). */
export function isOwnRequest(task: Task, requestId: string): boolean {
  return (task.identifier ?? []).some((i) => i.value === `urn:uuid:${requestId}`);
}

/** One enrolled patient's CM figures (plain JSON: kept in the feature state, not the resources). */
export interface CmPatientFigures {
  readonly patientId: string;
  readonly rewards: number;
  readonly points: number;
  /** Points of rewards handed out (Task completed). */
  readonly handedOut: number;
  readonly lastReward: string | null;
}

export interface CmProgramTotals {
  readonly patients: readonly (CmPatientFigures & { readonly name: string })[];
  readonly rewards: number;
  readonly points: number;
  readonly handedOut: number;
}

/**
 * Points per enrolled patient, from the program's reward Tasks (cancelled ones left out) and CM care plans
 * (enrolled without a reward yet: zeros).
 */
export function cmFigures(tasks: readonly Task[], carePlans: readonly CarePlan[]): CmPatientFigures[] {
  const totals = new Map<string, { rewards: number; points: number; handedOut: number; last: string | null }>();
  const patientOf = (key: string | undefined) =>
    key?.startsWith('Patient/') ? key.slice('Patient/'.length) : undefined;
  const of = (id: string) => {
    const t = totals.get(id) ?? { rewards: 0, points: 0, handedOut: 0, last: null };
    totals.set(id, t);
    return t;
  };
  for (const plan of carePlans) {
    const id = patientOf(referenceKey(plan.subject?.reference));
    if (id && isCmCarePlan(plan)) of(id);
  }
  for (const task of tasks) {
    if (!isCmRewardTask(task) || INACTIVE.has(task.status)) continue;
    const id = patientOf(referenceKey(task.for?.reference));
    if (!id) continue;
    const t = of(id);
    const points = rewardPoints(task);
    t.rewards++;
    t.points += points;
    if (task.status === 'completed') t.handedOut += points;
    if (task.authoredOn && (t.last === null || task.authoredOn > t.last)) t.last = task.authoredOn;
  }
  return [...totals.entries()].map(([patientId, t]) => ({
    patientId,
    rewards: t.rewards,
    points: t.points,
    handedOut: t.handedOut,
    lastReward: t.last,
  }));
}

/** The figures with the patients' names, by name, and the program's sums. */
export function cmProgramTotals(
  figures: readonly CmPatientFigures[],
  patients: ReadonlyMap<string, Patient>,
): CmProgramTotals {
  const rows = figures
    .map((f) => {
      const patient = patients.get(f.patientId);
      return { ...f, name: patient ? patientName(patient) : 'Patient not in the program list' };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    patients: rows,
    rewards: rows.reduce((s, r) => s + r.rewards, 0),
    points: rows.reduce((s, r) => s + r.points, 0),
    handedOut: rows.reduce((s, r) => s + r.handedOut, 0),
  };
}

/** The schedule in words, for the ledger and the printed statement. */
export function scheduleText(schedule: CmSchedule): string {
  return `${schedule.start} points for the first verified negative screen, ${schedule.step} more for each consecutive one, at most ${schedule.cap} per screen and ${schedule.maxRewardsPerWeek} rewarded screens per week; a positive screen${schedule.missedWeekResets ? ' or a week without a screen' : ''} starts the streak again.`;
}

import type { Extension, PlanDefinition } from '@medplum/fhirtypes';

import { LOCAL_SYSTEM, TASK_CODE, WAYPOINT_BASE } from '../terminology';
import { CM_ESCALATING_POINTS, type CmSchedule } from './cm-ledger';

/**
 * Where the clinic's contingency-management schedule lives: one FHIR `PlanDefinition` (canonical
 * {@link CM_PLAN_DEFINITION_URL}) among the clinic's definitions, read by the server before it stores a reward
 * and by the SPA for the ledger, so both apply the same numbers. The schedule is the complex extension
 * {@link CM_SCHEDULE_EXTENSION} (no standard FHIR element says "points per consecutive negative screen"):
 *
 * | sub-extension | value | meaning |
 * |---|---|---|
 * | `id` | valueString | the schedule's identity (shown on statements) |
 * | `name` | valueString | the schedule in words |
 * | `start` | valueInteger ≥ 0 | points for the first negative screen of a streak |
 * | `step` | valueInteger ≥ 0 | points added for each further consecutive negative screen |
 * | `cap` | valueInteger ≥ start | most points for one screen |
 * | `maxRewardsPerWeek` | valueInteger ≥ 1 | most rewarded screens per ISO week (Monday–Sunday, UTC) |
 * | `missedWeekResets` | valueBoolean | a week without a screen resets the streak |
 *
 * Absent (another FHIR server, a clinic that has none), the default is {@link CM_ESCALATING_POINTS}: 10 points,
 * +5 per consecutive negative, at most 40, 2 rewarded screens per week, reset after a positive or a missed week —
 * the escalating schedule with reset of Higgins et al. (Arch Gen Psychiatry 1994), in points as in Petry's guide
 * (Drug Alcohol Depend 2000). Changing it changes what future screens earn; rewards already recorded keep the
 * points they were given.
 */

export const CM_PLAN_DEFINITION_URL = `${WAYPOINT_BASE}/PlanDefinition/contingency-management`;
export const CM_SCHEDULE_EXTENSION = `${WAYPOINT_BASE}/StructureDefinition/cm-schedule`;

const INTEGER_FIELDS = ['start', 'step', 'cap', 'maxRewardsPerWeek'] as const;

/** The clinic's PlanDefinition for a schedule (the default one unless given). */
export function cmSchedulePlanDefinition(schedule: CmSchedule = CM_ESCALATING_POINTS): PlanDefinition {
  return {
    resourceType: 'PlanDefinition',
    url: CM_PLAN_DEFINITION_URL,
    version: schedule.id,
    name: 'ContingencyManagement',
    title: 'Contingency management: rewards for verified negative urine drug screens',
    type: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/plan-definition-type', code: 'clinical-protocol' },
      ],
    },
    status: 'active',
    description:
      'Each verified negative urine drug screen earns points on an escalating schedule that resets after a ' +
      'positive screen or a week without one; one reward per screen, recorded as a Task (code cm-reward, focus = ' +
      'the screen Observation). The schedule is the cm-schedule extension.',
    relatedArtifact: [
      {
        type: 'citation',
        citation:
          'Higgins ST, Budney AJ, Bickel WK, et al. Incentives improve outcome in outpatient behavioral treatment of cocaine dependence. Arch Gen Psychiatry. 1994;51(7):568-576.',
      },
      {
        type: 'citation',
        citation:
          'Petry NM. A comprehensive guide to the application of contingency management procedures in clinical settings. Drug Alcohol Depend. 2000;58(1-2):9-25.',
      },
      {
        type: 'citation',
        citation:
          'Bolívar HA, Klemperer EM, Coleman SRM, et al. Contingency management for patients receiving medication for opioid use disorder: a systematic review and meta-analysis. JAMA Psychiatry. 2021;78(10):1092-1102.',
      },
    ],
    extension: [
      {
        url: CM_SCHEDULE_EXTENSION,
        extension: [
          { url: 'id', valueString: schedule.id },
          { url: 'name', valueString: schedule.name },
          ...INTEGER_FIELDS.map((field) => ({ url: field, valueInteger: schedule[field] })),
          { url: 'missedWeekResets', valueBoolean: schedule.missedWeekResets },
        ],
      },
    ],
    action: [
      {
        title: 'Reward a verified negative urine drug screen',
        code: [{ coding: [{ system: LOCAL_SYSTEM.task, code: TASK_CODE.cmReward }] }],
      },
    ],
  };
}

export type CmScheduleReading = { readonly schedule: CmSchedule } | { readonly problem: string };

/** The schedule a PlanDefinition states, or what is wrong with it. */
export function readCmSchedule(plan: PlanDefinition): CmScheduleReading {
  const extension = plan.extension?.find((e) => e.url === CM_SCHEDULE_EXTENSION);
  if (!extension) return { problem: `it has no ${CM_SCHEDULE_EXTENSION} extension` };
  const part = (url: string): Extension | undefined => extension.extension?.find((e) => e.url === url);
  const id = part('id')?.valueString;
  const name = part('name')?.valueString;
  if (!id || !name) return { problem: 'the schedule needs an id and a name (valueString)' };
  const numbers: Partial<Record<(typeof INTEGER_FIELDS)[number], number>> = {};
  for (const field of INTEGER_FIELDS) {
    const value = part(field)?.valueInteger;
    const least = field === 'maxRewardsPerWeek' ? 1 : 0;
    if (value === undefined || !Number.isInteger(value) || value < least) {
      return { problem: `${field} must be a valueInteger of at least ${least}` };
    }
    numbers[field] = value;
  }
  const { start, step, cap, maxRewardsPerWeek } = numbers as Record<(typeof INTEGER_FIELDS)[number], number>;
  if (cap < start) return { problem: `cap (${cap}) must be at least start (${start})` };
  const missedWeekResets = part('missedWeekResets')?.valueBoolean;
  if (typeof missedWeekResets !== 'boolean') return { problem: 'missedWeekResets must be a valueBoolean' };
  return { schedule: { id, name, start, step, cap, maxRewardsPerWeek, missedWeekResets } };
}

/**
 * The schedule in force, from the result of `PlanDefinition?url=` {@link CM_PLAN_DEFINITION_URL}: the active one
 * (the most recently updated if there are several), else the default. A PlanDefinition that states no valid
 * schedule answers its problem: no reward can be checked against it.
 */
export function cmScheduleOf(plans: readonly PlanDefinition[]): CmScheduleReading {
  const active = plans
    .filter((p) => p.url === CM_PLAN_DEFINITION_URL && p.status === 'active')
    .sort((a, b) => (b.meta?.lastUpdated ?? '').localeCompare(a.meta?.lastUpdated ?? ''));
  const plan = active[0];
  return plan ? readCmSchedule(plan) : { schedule: CM_ESCALATING_POINTS };
}

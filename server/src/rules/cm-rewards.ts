/**
 * Contingency-management rewards (clinical/cm/cm-ledger.ts, docs/architecture.md): a reward Task (code
 * cm-reward, focus = the screen's Observation) is stored only for a verified negative screen of the patient
 * that the schedule rewards and no other reward pays already, with the points the schedule gives. The check
 * and the write run in one transaction, so two coordinators rewarding the same screen at once get one reward
 * and one clear refusal; a conditional create (`If-None-Exist: code=…|cm-reward&focus=Observation/<id>`)
 * answers the reward already stored instead.
 *
 * The schedule is the clinic's PlanDefinition (clinical/cm/cm-schedule.ts), read in the same transaction as
 * the check; without one, the default schedule. A PlanDefinition at that canonical URL that states no valid
 * schedule is refused when written (422), so the server and the SPA never read different numbers.
 */
import { Operator, parseSearchRequest } from '@medplum/core';
import type { FhirRepository } from '@medplum/fhir-router';
import type { Observation, PlanDefinition, Resource, Task } from '@medplum/fhirtypes';

import { checkReward, type CmSchedule, rewardPoints } from '../../../clinical/cm/cm-ledger';
import {
  CM_PLAN_DEFINITION_URL,
  cmScheduleOf,
  cmSchedulePlanDefinition,
  readCmSchedule,
} from '../../../clinical/cm/cm-schedule';
import { hasCoding } from '../../../clinical/fhir/coding';
import { bundleResources, groupByPatient, type PatientRecord } from '../../../clinical/fhir/patient-record';
import { patientRecordSearches } from '../../../clinical/fhir/record-query';
import { referenceKey } from '../../../clinical/fhir/reference';
import { LOCAL_SYSTEM, TASK_CODE } from '../../../clinical/terminology';
import { ruleViolation, type WriteContext, type WriteRule } from './business-rules';

const INACTIVE = new Set(['cancelled', 'rejected', 'entered-in-error']);

function isReward(resource: Resource): resource is Task {
  return resource.resourceType === 'Task' && hasCoding(resource.code, LOCAL_SYSTEM.task, TASK_CODE.cmReward);
}

/** One patient's record as the rules read it, through any FhirRepository (the batch the chart reads). */
export async function loadRecord(
  repo: FhirRepository,
  patientId: string,
): Promise<PatientRecord | undefined> {
  const resources: Resource[] = [];
  for (const search of patientRecordSearches(patientId)) {
    const query = search.params
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&');
    resources.push(
      ...bundleResources(await repo.search(parseSearchRequest(`${search.resourceType}?${query}`))),
    );
  }
  return groupByPatient(resources).get(patientId);
}

function schedulePlans(repo: FhirRepository): Promise<PlanDefinition[]> {
  return repo.searchResources<PlanDefinition>({
    resourceType: 'PlanDefinition',
    filters: [{ code: 'url', operator: Operator.EQUALS, value: CM_PLAN_DEFINITION_URL }],
    count: 100,
  });
}

/** The schedule in force in this repository (the default when the clinic has none). */
async function scheduleIn(repo: FhirRepository): Promise<CmSchedule> {
  const reading = cmScheduleOf(await schedulePlans(repo));
  if ('problem' in reading) {
    throw ruleViolation(
      `The clinic's CM schedule (PlanDefinition ${CM_PLAN_DEFINITION_URL}) is not valid: ${reading.problem}.`,
    );
  }
  return reading.schedule;
}

/**
 * Writes the default schedule's PlanDefinition when the store has none at its canonical URL. Never overwrites
 * one: a clinic's own schedule survives restarts (it is changed through the API, e.g. with a system client).
 */
export async function ensureCmSchedule(repo: FhirRepository): Promise<boolean> {
  if ((await schedulePlans(repo)).length > 0) return false;
  await repo.createResource(cmSchedulePlanDefinition());
  return true;
}

function isSchedulePlan(resource: Resource): resource is PlanDefinition {
  return resource.resourceType === 'PlanDefinition' && resource.url === CM_PLAN_DEFINITION_URL;
}

export class CmRewardRule implements WriteRule {
  needsTransaction(resource: Resource): boolean {
    return isReward(resource);
  }

  async beforeWrite(ctx: WriteContext, resource: Resource, existing: Resource | undefined): Promise<void> {
    if (isSchedulePlan(resource) && resource.status === 'active') {
      const reading = readCmSchedule(resource);
      if ('problem' in reading) {
        throw ruleViolation(`This CM schedule is not valid: ${reading.problem}.`, 'PlanDefinition.extension');
      }
      return;
    }
    if (!isReward(resource) || INACTIVE.has(resource.status)) return;
    // An update that keeps the same screen and points (e.g. completing the Task when paid) is not a new reward.
    if (
      existing &&
      isReward(existing) &&
      !INACTIVE.has(existing.status) &&
      referenceKey(existing.focus?.reference) === referenceKey(resource.focus?.reference) &&
      rewardPoints(existing) === rewardPoints(resource)
    ) {
      return;
    }
    const focus = referenceKey(resource.focus?.reference);
    if (!focus?.startsWith('Observation/')) {
      throw ruleViolation(
        'A CM reward points at the urine drug screen it rewards (Task.focus = the Observation).',
        'Task.focus',
      );
    }
    const screen = await ctx.repo
      .readResource<Observation>('Observation', focus.slice('Observation/'.length))
      .catch(() => undefined);
    const patientKey = referenceKey(resource.for?.reference) ?? referenceKey(screen?.subject?.reference);
    if (!screen || !patientKey?.startsWith('Patient/')) {
      throw ruleViolation('The screen this reward points at does not exist for this patient.', 'Task.focus');
    }
    const patientId = patientKey.slice('Patient/'.length);
    const record = await loadRecord(ctx.repo, patientId);
    if (!record) throw ruleViolation('The patient of this reward does not exist.', 'Task.for');
    // The Task being updated does not count as a reward already paid.
    const others: PatientRecord = { ...record, tasks: record.tasks.filter((t) => t.id !== resource.id) };
    const schedule = await scheduleIn(ctx.repo);
    const check = checkReward(others, { reference: focus }, new Date(ctx.now()).toISOString(), schedule);
    if (!check.allowed) {
      throw ruleViolation(check.message ?? 'This screen earns no reward.', 'Task.focus');
    }
    const points = rewardPoints(resource);
    if (points !== check.points) {
      throw ruleViolation(
        `The schedule gives ${check.points} points for this screen (${schedule.name}); the reward says ${points}.`,
        'Task.output',
      );
    }
  }
}

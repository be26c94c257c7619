/**
 * Contingency-management rewards (clinical/cm/cm-ledger.ts, docs/coordination.md): a reward Task (code
 * cm-reward, focus = the screen's Observation) is stored only for a verified negative screen of the patient
 * that the schedule rewards and no other reward pays already, with the points the schedule gives. The check
 * and the write run in one transaction, so two coordinators rewarding the same screen at once get one reward
 * and one clear refusal.
 */
import { parseSearchRequest } from '@medplum/core';
import type { FhirRepository } from '@medplum/fhir-router';
import type { Observation, Resource, Task } from '@medplum/fhirtypes';

import {
  checkReward,
  CM_ESCALATING_POINTS,
  type CmSchedule,
  rewardPoints,
} from '../../../clinical/cm/cm-ledger';
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

export class CmRewardRule implements WriteRule {
  constructor(private readonly schedule: CmSchedule = CM_ESCALATING_POINTS) {}

  needsTransaction(resource: Resource): boolean {
    return isReward(resource);
  }

  async beforeWrite(ctx: WriteContext, resource: Resource, existing: Resource | undefined): Promise<void> {
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
    const check = checkReward(others, { reference: focus }, new Date(ctx.now()).toISOString(), this.schedule);
    if (!check.allowed) {
      throw ruleViolation(check.message ?? 'This screen earns no reward.', 'Task.focus');
    }
    const points = rewardPoints(resource);
    if (points !== check.points) {
      throw ruleViolation(
        `The schedule gives ${check.points} points for this screen (${this.schedule.name}); the reward says ${points}.`,
        'Task.output',
      );
    }
  }
}

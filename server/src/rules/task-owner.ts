/**
 * Who a Task can be assigned to: a work item's `owner` is a Practitioner of the clinic, i.e. one that exists and
 * holds an active PractitionerRole (the roles the access policy reads, server/src/policy/principal.ts), so a
 * task is never assigned to a patient, a made-up reference or someone who has left. A Task that keeps the owner
 * it already had is not checked again: the open work of someone who left can still be reassigned or closed.
 */
import { Operator } from '@medplum/core';
import type { PractitionerRole, Resource, Task } from '@medplum/fhirtypes';

import { referenceKey } from '../../../clinical/fhir/reference';
import { ruleViolation, type WriteContext, type WriteRule } from './business-rules';

export class TaskOwnerRule implements WriteRule {
  async beforeWrite(ctx: WriteContext, resource: Resource, existing: Resource | undefined): Promise<void> {
    if (resource.resourceType !== 'Task') return;
    const owner = (resource as Task).owner;
    if (!owner) return;
    const key = referenceKey(owner.reference);
    if (
      existing?.resourceType === 'Task' &&
      key &&
      referenceKey((existing as Task).owner?.reference) === key
    ) {
      return;
    }
    if (!key?.startsWith('Practitioner/')) {
      throw ruleViolation(
        'A Task is assigned to a Practitioner of the clinic (Task.owner = Practitioner/<id>).',
        'Task.owner',
      );
    }
    const roles = await ctx.repo.searchResources<PractitionerRole>({
      resourceType: 'PractitionerRole',
      filters: [{ code: 'practitioner', operator: Operator.EQUALS, value: key }],
      count: 100,
    });
    if (!roles.some((role) => role.active !== false)) {
      throw ruleViolation(
        `${key} is not a practitioner of the clinic (no active PractitionerRole): a Task cannot be assigned to them.`,
        'Task.owner',
      );
    }
  }
}

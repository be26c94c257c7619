import type { Patient, Practitioner, PractitionerRole, Task } from '@medplum/fhirtypes';

import { hasCoding } from '../../../../../clinical/fhir/coding';
import { type AsOf, asOfMillis, formatDate, toEndMillis, utcDay } from '../../../../../clinical/fhir/fhir-date';
import { patientName } from '../../../../../clinical/fhir/patient-facts';
import { referenceKey } from '../../../../../clinical/fhir/reference';
import {
  COSIGN_TASK_CODE,
  LOCAL_SYSTEM,
  REVISE_TASK_CODE,
  type StaffRole,
  TASK_CODE,
} from '../../../../../clinical/terminology';

/**
 * Follow-up work as FHIR Task (clinical/README.md): `for` = the patient, `owner` = the staff member who does it,
 * `restriction.period.end` = when it is due (what the demo clinic writes), `priority`, `status`, `description`
 * (what to do) and `reasonCode.text` (why). Co-signature and revision Tasks belong to the notes workflow and are
 * not listed here.
 */

/** Statuses of a Task not yet done (FHIR task-status). */
export const OPEN_TASK_STATUSES = [
  'draft',
  'requested',
  'received',
  'accepted',
  'ready',
  'in-progress',
  'on-hold',
] as const;
const OPEN: ReadonlySet<string> = new Set(OPEN_TASK_STATUSES);

/** The statuses a coordinator sets (the rest of task-status is for automated workflows). */
export const TASK_STATUS_CHOICES = [
  'requested',
  'accepted',
  'in-progress',
  'on-hold',
  'completed',
  'cancelled',
] as const;
export type TaskStatusChoice = (typeof TASK_STATUS_CHOICES)[number];

export const TASK_STATUS_LABELS: Readonly<Record<string, string>> = {
  draft: 'Draft',
  requested: 'To do',
  received: 'Received',
  accepted: 'Accepted',
  ready: 'Ready',
  'in-progress': 'In progress',
  'on-hold': 'On hold',
  completed: 'Completed',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
  failed: 'Failed',
  'entered-in-error': 'Entered in error',
};

export const TASK_PRIORITIES = ['routine', 'urgent', 'asap', 'stat'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const TASK_PRIORITY_LABELS: Readonly<Record<TaskPriority, string>> = {
  routine: 'Routine',
  urgent: 'Urgent',
  asap: 'As soon as possible',
  stat: 'Immediately',
};

export function isOpenTask(task: Task): boolean {
  return OPEN.has(task.status);
}

/** A work item of the coordination lists: not a co-signature or a revision request of a note. */
export function isWorkItem(task: Task): boolean {
  return (
    !hasCoding(task.code, LOCAL_SYSTEM.task, COSIGN_TASK_CODE) &&
    !hasCoding(task.code, LOCAL_SYSTEM.task, REVISE_TASK_CODE)
  );
}

export function isCmRewardTask(task: Task): boolean {
  return hasCoding(task.code, LOCAL_SYSTEM.task, TASK_CODE.cmReward);
}

/** The due moment of a Task (`restriction.period.end`; a date alone is due by the end of that day). */
export function taskDue(task: Task): string | null {
  return task.restriction?.period?.end ?? null;
}

export function isOverdue(task: Task, asOf: AsOf): boolean {
  const end = toEndMillis(taskDue(task));
  return isOpenTask(task) && end !== undefined && end <= asOfMillis(asOf);
}

// ---- staff -------------------------------------------------------------------------------------------------

export interface StaffMember {
  /** `Practitioner/<id>`. */
  readonly reference: string;
  readonly name: string;
  /** Role words, e.g. "Care coordinator". */
  readonly roles: string;
}

const ROLE_WORDS: Readonly<Record<StaffRole, string>> = {
  counselor: 'Counselor',
  supervisor: 'Supervisor',
  'care-coordinator': 'Care coordinator',
  prescriber: 'Prescriber',
  'peer-specialist': 'Peer specialist',
};

function practitionerName(practitioner: Practitioner | undefined, fallback: string | undefined): string {
  const name = practitioner?.name?.[0];
  const text = name?.text ?? [...(name?.given ?? []), name?.family].filter(Boolean).join(' ');
  return text || fallback || 'Unnamed staff member';
}

/** Staff members with an active PractitionerRole, by name, each with their role words. */
export function staffMembers(
  roles: readonly PractitionerRole[],
  practitioners: readonly Practitioner[],
): StaffMember[] {
  const byKey = new Map(practitioners.map((p) => [`Practitioner/${p.id ?? ''}`, p]));
  const members = new Map<string, { name: string; roles: Set<string> }>();
  for (const role of roles) {
    if (role.active === false) continue;
    const key = referenceKey(role.practitioner?.reference);
    if (!key?.startsWith('Practitioner/')) continue;
    const member = members.get(key) ?? {
      name: practitionerName(byKey.get(key), role.practitioner?.display),
      roles: new Set<string>(),
    };
    for (const code of role.code ?? []) {
      for (const coding of code.coding ?? []) {
        if (coding.system !== LOCAL_SYSTEM.role || !coding.code) continue;
        const words = ROLE_WORDS[coding.code as StaffRole];
        if (words) member.roles.add(words);
      }
    }
    members.set(key, member);
  }
  return [...members.entries()]
    .map(([reference, m]) => ({ reference, name: m.name, roles: [...m.roles].join(', ') }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

// ---- list items --------------------------------------------------------------------------------------------

export interface TaskItem {
  readonly id: string;
  readonly task: Task;
  readonly patientId: string | null;
  readonly patientName: string;
  readonly description: string;
  readonly reason: string;
  readonly owner: string | null;
  readonly ownerName: string;
  readonly due: string | null;
  readonly dueText: string;
  readonly overdue: boolean;
  readonly priority: TaskPriority;
  readonly status: Task['status'];
  readonly statusText: string;
  readonly cmReward: boolean;
}

export function taskItem(
  task: Task,
  patients: ReadonlyMap<string, Patient>,
  staff: ReadonlyMap<string, StaffMember>,
  asOf: AsOf,
): TaskItem {
  const patientKey = referenceKey(task.for?.reference);
  const patientId = patientKey?.startsWith('Patient/') ? patientKey.slice('Patient/'.length) : null;
  const patient = patientId ? patients.get(patientId) : undefined;
  const owner = referenceKey(task.owner?.reference) ?? null;
  const due = taskDue(task);
  const overdue = isOverdue(task, asOf);
  const dueDay = toEndMillis(due);
  const today = utcDay(asOfMillis(asOf));
  const dueIn = dueDay === undefined ? undefined : utcDay(dueDay - 1) - today;
  return {
    id: task.id ?? '',
    task,
    patientId,
    patientName: patient ? patientName(patient) : (task.for?.display ?? 'Unknown patient'),
    description: task.description ?? task.code?.text ?? task.code?.coding?.[0]?.display ?? 'Task',
    reason: task.reasonCode?.text ?? '',
    owner,
    ownerName: (owner && staff.get(owner)?.name) || task.owner?.display || 'Unassigned',
    due,
    dueText:
      due === null
        ? 'No due date'
        : `${formatDate(due)}${overdue ? ' — overdue' : dueIn === 0 ? ' — today' : ''}`,
    overdue,
    priority: (TASK_PRIORITIES as readonly string[]).includes(task.priority ?? '')
      ? (task.priority as TaskPriority)
      : 'routine',
    status: task.status,
    statusText: TASK_STATUS_LABELS[task.status] ?? task.status,
    cmReward: isCmRewardTask(task),
  };
}

const PRIORITY_ORDER: Readonly<Record<TaskPriority, number>> = { stat: 0, asap: 1, urgent: 2, routine: 3 };

/** Overdue first, then by due date (none last), then priority, then patient name. */
export function compareTaskItems(a: TaskItem, b: TaskItem): number {
  const due = (x: TaskItem) => toEndMillis(x.due) ?? Number.POSITIVE_INFINITY;
  return (
    Number(b.overdue) - Number(a.overdue) ||
    due(a) - due(b) ||
    PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] ||
    a.patientName.localeCompare(b.patientName)
  );
}

// ---- the form ----------------------------------------------------------------------------------------------

export interface TaskFormValue {
  readonly patientId: string;
  readonly description: string;
  readonly reason: string;
  /** `Practitioner/<id>`. */
  readonly owner: string;
  /** `YYYY-MM-DD`, or '' for none. */
  readonly due: string;
  readonly priority: TaskPriority;
  readonly status: TaskStatusChoice;
}

export function formValueOf(task: Task): TaskFormValue {
  const patientKey = referenceKey(task.for?.reference) ?? '';
  const due = taskDue(task);
  return {
    patientId: patientKey.replace(/^Patient\//, ''),
    description: task.description ?? '',
    reason: task.reasonCode?.text ?? '',
    owner: referenceKey(task.owner?.reference) ?? '',
    due: due ? due.slice(0, 10) : '',
    priority: (TASK_PRIORITIES as readonly string[]).includes(task.priority ?? '')
      ? (task.priority as TaskPriority)
      : 'routine',
    status: (TASK_STATUS_CHOICES as readonly string[]).includes(task.status)
      ? (task.status as TaskStatusChoice)
      : 'requested',
  };
}

const FOLLOW_UP = { system: LOCAL_SYSTEM.task, code: TASK_CODE.followUp, display: 'Follow-up' };

/**
 * The Task the form describes: a new follow-up (no `base`), or `base` with the form's fields applied (its other
 * elements, id and `meta.versionId` kept, so the update is sent with `If-Match`). Completing sets the execution
 * end, the moment the last-contact fact reads.
 */
export function taskFromForm(
  value: TaskFormValue,
  base: Task | undefined,
  context: {
    readonly me: string;
    readonly now: string;
    readonly patientName?: string;
    readonly ownerName?: string;
  },
): Task {
  const description = value.description.trim();
  const reason = value.reason.trim();
  const task: Task = {
    ...(base ?? {
      resourceType: 'Task',
      intent: 'order',
      code: { coding: [FOLLOW_UP] },
      authoredOn: context.now,
      requester: { reference: context.me },
    }),
    resourceType: 'Task',
    status: base ? value.status : 'requested',
    priority: value.priority,
    description,
    // Unchanged references keep their element as it was (so a rebase sees them as unchanged).
    for:
      base && referenceKey(base.for?.reference) === `Patient/${value.patientId}`
        ? base.for
        : { reference: `Patient/${value.patientId}`, ...(context.patientName ? { display: context.patientName } : {}) },
    owner:
      base && referenceKey(base.owner?.reference) === value.owner
        ? base.owner
        : { reference: value.owner, ...(context.ownerName ? { display: context.ownerName } : {}) },
    lastModified: context.now,
  };
  if (!reason) delete task.reasonCode;
  else if (base?.reasonCode?.text !== reason) task.reasonCode = { text: reason };
  const keptPeriod = { ...(base?.restriction?.period ?? {}) };
  delete keptPeriod.end;
  const baseDue = base ? taskDue(base) : null;
  if (value.due && baseDue?.slice(0, 10) === value.due) task.restriction = base?.restriction;
  else if (value.due) task.restriction = { ...base?.restriction, period: { ...keptPeriod, end: value.due } };
  else if (task.restriction) {
    const { period: _period, ...rest } = task.restriction;
    if (Object.keys(rest).length > 0) task.restriction = rest;
    else delete task.restriction;
  }
  return withStatus(task, task.status, context.now);
}

/** The Task with a new status; completing records when (`executionPeriod.end`). */
export function withStatus(task: Task, status: Task['status'], now: string): Task {
  const next: Task = { ...task, status, lastModified: now };
  if (status === 'completed' && task.status !== 'completed') {
    next.executionPeriod = { ...task.executionPeriod, end: now };
  }
  if (status === 'in-progress' && !task.executionPeriod?.start) {
    next.executionPeriod = { ...task.executionPeriod, start: now };
  }
  return next;
}

export interface FieldDifference {
  readonly label: string;
  readonly theirs: string;
  readonly mine: string;
}

/** The fields of two versions of a Task that differ, in words (for the conflict dialog). */
export function taskDifferences(
  theirs: Task,
  mine: Task,
  names: { readonly staff: ReadonlyMap<string, StaffMember> },
): FieldDifference[] {
  const owner = (t: Task) => {
    const key = referenceKey(t.owner?.reference);
    return (key && names.staff.get(key)?.name) || t.owner?.display || key || '—';
  };
  const fields: [string, (t: Task) => string][] = [
    ['Description', (t) => t.description ?? ''],
    ['Reason', (t) => t.reasonCode?.text ?? ''],
    ['Owner', owner],
    ['Due', (t) => (taskDue(t) ? formatDate(taskDue(t) ?? undefined) : '')],
    ['Priority', (t) => TASK_PRIORITY_LABELS[(t.priority ?? 'routine') as TaskPriority] ?? t.priority ?? ''],
    ['Status', (t) => TASK_STATUS_LABELS[t.status] ?? t.status],
  ];
  return fields
    .map(([label, read]) => ({ label, theirs: read(theirs), mine: read(mine) }))
    .filter((d) => d.theirs !== d.mine);
}

/** `mine`'s changes to `original` applied to the server's newer version `theirs` (its versionId kept). */
export function rebase(original: Task, mine: Task, theirs: Task): Task {
  const changed = (k: keyof Task) => JSON.stringify(original[k]) !== JSON.stringify(mine[k]);
  const out: Record<string, unknown> = { ...theirs };
  for (const key of new Set([...Object.keys(original), ...Object.keys(mine)]) as Set<keyof Task>) {
    if (key === 'meta' || key === 'id') continue;
    if (changed(key)) {
      if (mine[key] === undefined) delete out[key];
      else out[key] = mine[key];
    }
  }
  return out as unknown as Task;
}


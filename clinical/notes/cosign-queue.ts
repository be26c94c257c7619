import type { Patient, QuestionnaireResponse, Resource, Task } from '@medplum/fhirtypes';

import { hasCoding } from '../fhir/coding';
import { patientName } from '../fhir/patient-facts';
import { referenceKey } from '../fhir/reference';
import { COSIGN_TASK_CODE, LOCAL_SYSTEM, REVISE_TASK_CODE } from '../terminology';
import { NEW_NOTE_TEMPLATES, noteTemplateOf } from './note-templates';

/**
 * The supervisor's co-sign queue (and a counselor's "returned for revision" list) from Tasks: a co-sign Task
 * (`task#cosign`, owner = the supervisor, requester = the counselor) or a revise Task (`task#revise-note`, owner =
 * the counselor) with `focus` = the note, read with the notes and patients they point at. Oldest request first.
 */

export interface QueueRow {
  readonly taskId: string;
  readonly noteId: string;
  readonly patientId: string;
  readonly patient: string;
  /** The note template's title (the Questionnaire's), "Session note" when unknown. */
  readonly template: string;
  /** Who asked for the co-signature (or who must revise): the display, else the reference. */
  readonly counselor: string;
  readonly counselorRef: string;
  /** When it was requested (`authoredOn`, else `lastModified`), ISO. */
  readonly requested: string;
  readonly kind: 'cosign' | 'revise';
}

/**
 * The queue's search: the supervisor's open co-sign Tasks, oldest first, with their patients and notes
 * (`Task:focus`, for the template's title).
 */
export function cosignQueueSearch(supervisor: string): {
  readonly resourceType: 'Task';
  readonly params: readonly (readonly [string, string])[];
} {
  return {
    resourceType: 'Task',
    params: [
      ['owner', supervisor],
      ['code', `${LOCAL_SYSTEM.task}|${COSIGN_TASK_CODE}`],
      ['status', 'requested'],
      ['_sort', 'authored-on'],
      ['_include', 'Task:patient'],
      ['_include', 'Task:focus'],
    ],
  };
}

export function templateTitle(questionnaire: string | undefined): string {
  const template = noteTemplateOf(questionnaire);
  return NEW_NOTE_TEMPLATES.find((t) => t.template === template)?.title ?? 'Session note';
}

/** Open co-sign (or revise) Tasks with the notes and patients they point at (`included`), oldest first. */
export function queueRows(tasks: readonly Task[], included: readonly Resource[]): QueueRow[] {
  const byKey = new Map(included.map((r) => [`${r.resourceType}/${r.id ?? ''}`, r]));
  const rows: QueueRow[] = [];
  for (const task of tasks) {
    const noteKey = referenceKey(task.focus?.reference) ?? '';
    const note = byKey.get(noteKey) as QuestionnaireResponse | undefined;
    const patientKey = referenceKey(task.for?.reference ?? note?.subject?.reference) ?? '';
    const patient = byKey.get(patientKey) as Patient | undefined;
    const revise = hasCoding(task.code, LOCAL_SYSTEM.task, REVISE_TASK_CODE);
    if (!revise && !hasCoding(task.code, LOCAL_SYSTEM.task, COSIGN_TASK_CODE)) continue;
    const by = revise ? task.owner : task.requester;
    rows.push({
      taskId: task.id ?? '',
      noteId: noteKey.split('/')[1] ?? '',
      patientId: patientKey.split('/')[1] ?? '',
      patient: patient ? patientName(patient) : 'Patient',
      template: templateTitle(note?.questionnaire),
      counselor: by?.display ?? by?.reference ?? 'Unknown',
      counselorRef: by?.reference ?? '',
      requested: task.authoredOn ?? task.lastModified ?? '',
      kind: revise ? 'revise' : 'cosign',
    });
  }
  return rows.sort((a, b) => a.requested.localeCompare(b.requested));
}

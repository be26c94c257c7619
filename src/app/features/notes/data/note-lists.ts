import type { Patient, QuestionnaireResponse, Resource, Task } from '@medplum/fhirtypes';

import { hasCoding } from '../../../../../clinical/fhir/coding';
import { NOTE_RULES, notesDue } from '../../../../../clinical/fhir/notes';
import { groupByPatient } from '../../../../../clinical/fhir/patient-record';
import { referenceKey } from '../../../../../clinical/fhir/reference';
import { NEW_NOTE_TEMPLATES, noteTemplateOf } from '../../../../../clinical/notes/note-templates';
import { COSIGN_TASK_CODE, LOCAL_SYSTEM, REVISE_TASK_CODE } from '../../../../../clinical/terminology';
import { patientName } from './note-context';

export type Due = 'overdue' | 'due' | 'recent';

export interface UnsignedNoteRow {
  readonly noteId: string;
  readonly patientId: string;
  readonly patient: string;
  readonly template: string;
  readonly sessionDate?: string;
  readonly hours: number;
  readonly due: Due;
}

export interface QueueRow {
  readonly taskId: string;
  readonly noteId: string;
  readonly patientId: string;
  readonly patient: string;
  readonly template: string;
  readonly counselor: string;
  readonly counselorRef: string;
  readonly requested: string;
  readonly kind: 'cosign' | 'revise';
}

export function templateTitle(questionnaire: string | undefined): string {
  const template = noteTemplateOf(questionnaire);
  return NEW_NOTE_TEMPLATES.find((t) => t.template === template)?.title ?? 'Session note';
}

export function dueOf(hours: number): Due {
  if (hours > NOTE_RULES.overdueAfterHours) return 'overdue';
  if (hours > NOTE_RULES.dueAfterHours) return 'due';
  return 'recent';
}

/**
 * "My unsigned notes": my drafts with their patients and encounters, through the clinical notesDue rule (the clock
 * runs from the session's end; > 24 h due, > 72 h overdue), overdue first (oldest first).
 */
export function unsignedNoteRows(resources: readonly Resource[], asOf: Date): UnsignedNoteRow[] {
  const notes = new Map(
    resources
      .filter((r): r is QuestionnaireResponse => r.resourceType === 'QuestionnaireResponse')
      .map((n) => [`QuestionnaireResponse/${n.id ?? ''}`, n]),
  );
  const rows: UnsignedNoteRow[] = [];
  for (const [patientId, record] of groupByPatient(resources)) {
    for (const due of notesDue(record, asOf.toISOString()).notes) {
      const note = notes.get(referenceKey(due.note.reference) ?? '');
      if (!note?.id) continue;
      rows.push({
        noteId: note.id,
        patientId,
        patient: patientName(record.patient),
        template: templateTitle(note.questionnaire),
        ...(due.sessionDate ? { sessionDate: due.sessionDate } : {}),
        hours: due.hoursSinceSession,
        due: dueOf(due.hoursSinceSession),
      });
    }
  }
  return rows.sort((a, b) => b.hours - a.hours);
}

/** Open co-sign (or revise) Tasks with the notes and patients they point at, oldest first. */
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

import type { QuestionnaireResponse, Resource } from '@medplum/fhirtypes';

import { NOTE_RULES, notesDue } from '../../../../../clinical/fhir/notes';
import { groupByPatient } from '../../../../../clinical/fhir/patient-record';
import { referenceKey } from '../../../../../clinical/fhir/reference';
import { templateTitle } from '../../../../../clinical/notes/cosign-queue';
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

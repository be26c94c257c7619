// Coordinator follow-up Tasks raised by a demo patient's record (a missed session, a positive screen).
import type { Reference, Task } from '@medplum/fhirtypes';

import { LOCAL_SYSTEM, TASK_CODE } from '../../../clinical/terminology';
import { localCoding, type RecordContext } from './record-context';
import { practitionerRef } from './staff';

export function followUpTask(
  record: RecordContext,
  day: number,
  description: string,
  focus: Reference | undefined,
  status: 'requested' | 'completed',
): void {
  const { clock } = record;
  // Raised on `day` (at the latest yesterday); completed the next day when that is in the past.
  const raised = Math.min(day, -1);
  const done = status === 'completed' && raised + 1 <= -1;
  const authored = clock.at(raised, 9);
  const finished = clock.at(raised + 1, 15);
  record.push<Task>({
    resourceType: 'Task',
    id: record.ids.next(),
    meta: record.meta(done ? finished : authored),
    status: done ? 'completed' : 'requested',
    intent: 'order',
    priority: 'routine',
    code: { coding: [localCoding(LOCAL_SYSTEM.task, TASK_CODE.followUp, 'Follow-up')] },
    description,
    ...(focus ? { focus } : {}),
    for: record.patientRef,
    authoredOn: authored,
    lastModified: done ? finished : authored,
    owner: practitionerRef(record.staff.coordinator),
    restriction: { period: { end: clock.at(raised + 2, 17) } },
  });
}

import { programSummarySearches, VIEW_PAGE_SIZE } from '../../../../../clinical/derived/views';
import type { BatchSearch } from '../../../core/fhir/fhir-client';
import { OPEN_TASK_STATUSES } from './task-model';

/**
 * What every coordination page of the program reads, in one `batch` (one round trip, then any `next` pages in
 * parallel, whatever the program size): the derived summaries with their Patients (the access policy scopes them
 * to the coordinator's program; adherence needs no risk or alerts, so their assessments and Flags are not read),
 * the program's open Tasks, and the staff (active PractitionerRoles with their Practitioners) a task can be
 * assigned to.
 */
export function programRequest(): BatchSearch[] {
  const count = ['_count', String(VIEW_PAGE_SIZE)] as const;
  return [
    ...programSummarySearches(),
    { resourceType: 'Task', params: [['status', OPEN_TASK_STATUSES.join(',')], count] },
    {
      resourceType: 'PractitionerRole',
      params: [['active', 'true'], ['_include', 'PractitionerRole:practitioner'], count],
    },
  ];
}

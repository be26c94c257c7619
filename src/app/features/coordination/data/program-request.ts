import { programSummarySearches, VIEW_PAGE_SIZE } from '../../../../../clinical/derived/views';
import type { BatchSearch } from '../../../core/fhir/fhir-client';
import { OPEN_TASK_STATUSES } from './task-model';

/**
 * Summaries per page of the program batch. A program up to this size arrives in one response; a larger one a page
 * at a time, the adherence grid showing the rows so far (at 2,000 patients the whole program is ~30 MB of JSON,
 * ~2 s of server time in one page: bench/README.md).
 */
export const PROGRAM_PAGE_SIZE = 250;

/**
 * What every coordination page of the program reads, in one `batch` (one round trip, then any `next` pages,
 * whatever the program size): the derived summaries with their Patients, PROGRAM_PAGE_SIZE a page (the access
 * policy scopes them to the coordinator's program; adherence needs no risk or alerts, so their assessments and
 * Flags are not read), the program's open Tasks, and the staff (active PractitionerRoles with their
 * Practitioners) a task can be assigned to.
 */
export function programRequest(): BatchSearch[] {
  const count = ['_count', String(VIEW_PAGE_SIZE)] as const;
  return [
    ...programSummarySearches(PROGRAM_PAGE_SIZE),
    { resourceType: 'Task', params: [['status', OPEN_TASK_STATUSES.join(',')], count] },
    {
      resourceType: 'PractitionerRole',
      params: [['active', 'true'], ['_include', 'PractitionerRole:practitioner'], count],
    },
  ];
}

import type { ResourceType } from '@medplum/fhirtypes';

import { programSearches } from '../../../../../clinical/derived/views';
import { cosignQueueSearch } from '../../../../../clinical/notes/cosign-queue';
import { supervisionTeamsSearch } from '../../../../../clinical/workspaces/team-overview';

/** One search of the Supervision page's batch. */
export interface SupervisionSearch {
  readonly resourceType: ResourceType;
  readonly params: readonly (readonly [string, string])[];
}

/**
 * The team overview's searches, all in one batch whatever the team size (clinical/derived/views.ts): the derived
 * resources of every patient the supervisor may see (the server scopes them to the team), and the supervisor's
 * supervision CareTeams with their members' Practitioners (who the counselors are, and their names).
 */
export function overviewSearches(supervisor: string): SupervisionSearch[] {
  return [
    ...programSearches(),
    supervisionTeamsSearch(supervisor),
  ];
}

/** The co-sign queue's search (the notes feature's), riding in the same batch. */
export function queueSearches(supervisor: string): SupervisionSearch[] {
  return [cosignQueueSearch(supervisor)];
}

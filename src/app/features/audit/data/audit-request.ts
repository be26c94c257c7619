import { VIEW_PAGE_SIZE } from '../../../../../clinical/derived/views';
import { supervisionTeamsSearch } from '../../../../../clinical/workspaces/team-overview';
import type { BatchSearch } from '../../../core/fhir/fhir-client';
import { AUDIT_PAGE_SIZE } from './audit-view';

/**
 * The audit report's searches. Opening the report sends one batch: the events of the view, and what names them and
 * fills the filters — the supervisor's supervision CareTeams with their members' Practitioners, and the names of
 * the patients the supervisor may see (the server scopes both). A change of filter or sort then searches the
 * events only; "Load more" follows the `next` link.
 */

export function eventSearch(params: readonly (readonly [string, string])[]): BatchSearch {
  return {
    resourceType: 'AuditEvent',
    params: [...params, ['_count', String(AUDIT_PAGE_SIZE)], ['_total', 'accurate']],
  };
}

export function nameSearches(supervisor: string): BatchSearch[] {
  return [
    supervisionTeamsSearch(supervisor),
    {
      resourceType: 'Patient',
      params: [
        ['_elements', 'name'],
        ['_count', String(VIEW_PAGE_SIZE)],
      ],
    },
  ];
}

/** Every page of the view's events at the server's largest page size, for the CSV export. */
export function exportSearchParams(
  params: readonly (readonly [string, string])[],
): (readonly [string, string])[] {
  return [...params, ['_count', '1000']];
}

/** The search the report shows, as `$report-export` records it (`AuditEvent?…`). */
export function reportQuery(params: readonly (readonly [string, string])[]): string {
  return `AuditEvent?${params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
}

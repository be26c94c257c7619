import { DERIVED_SYSTEM, DERIVED_TAG } from './derived-codes';
import { SUMMARY_CODE } from './summary-resource';

/**
 * The FHIR searches population views run over derived state (docs/derived-state.md): a few indexed searches,
 * whatever the team size, following `next` links rather than slicing by date. Each returns at most one
 * resource per patient (a summary, a current assessment) or a few (active alerts).
 */

/** One search of a view: the resource type and its parameters, in order. */
export interface ViewSearch {
  readonly resourceType: 'Observation' | 'RiskAssessment' | 'Flag';
  readonly params: readonly (readonly [string, string])[];
}

/**
 * Page size the views ask for (the embedded server's maximum, 2,500: a whole program of the 2,000-patient demo
 * clinic in one page); larger results, or a server with a lower cap, come through `next` links.
 */
export const VIEW_PAGE_SIZE = 2500;

const SUMMARY = `${DERIVED_SYSTEM.fact}|${SUMMARY_CODE}`;
const CURRENT = `${DERIVED_SYSTEM.tag}|${DERIVED_TAG.current}`;
const DERIVED = `${DERIVED_SYSTEM.tag}|${DERIVED_TAG.derived}`;

/**
 * A practitioner's caseload: the summaries that list them among the active care team (`performer`), with the
 * Patients; the current assessments and active derived Flags of the patients on any care team of theirs
 * (a superset, joined to the summaries by patient).
 */
export function caseloadSearches(practitioner: string): ViewSearch[] {
  const onTeam = ['patient._has:CareTeam:patient:participant', practitioner] as const;
  const count = ['_count', String(VIEW_PAGE_SIZE)] as const;
  return [
    {
      resourceType: 'Observation',
      params: [['code', SUMMARY], ['performer', practitioner], ['_include', 'Observation:subject'], count],
    },
    { resourceType: 'RiskAssessment', params: [['_tag', CURRENT], onTeam, count] },
    { resourceType: 'Flag', params: [['status', 'active'], ['_tag', DERIVED], onTeam, count] },
  ];
}

/**
 * The summaries of every patient the caller may see, with their Patients (the access policy scopes them: a
 * supervisor's team, a coordinator's program). Enough for a view of facts without risk or alerts (adherence).
 * `pageSize`: a view that shows its rows page by page asks for smaller pages than VIEW_PAGE_SIZE.
 */
export function programSummarySearches(pageSize: number = VIEW_PAGE_SIZE): ViewSearch[] {
  const count = ['_count', String(pageSize)] as const;
  return [
    { resourceType: 'Observation', params: [['code', SUMMARY], ['_include', 'Observation:subject'], count] },
  ];
}

/**
 * Every patient the caller may see, as programSummarySearches, with their current assessments and active
 * derived Flags.
 */
export function programSearches(): ViewSearch[] {
  const count = ['_count', String(VIEW_PAGE_SIZE)] as const;
  return [
    ...programSummarySearches(),
    { resourceType: 'RiskAssessment', params: [['_tag', CURRENT], count] },
    { resourceType: 'Flag', params: [['status', 'active'], ['_tag', DERIVED], count] },
  ];
}

/** `Type?a=b&c=d` with each value URI-encoded (for a batch entry's request.url). */
export function searchUrl(search: ViewSearch): string {
  return `${search.resourceType}?${search.params
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&')}`;
}

/**
 * `GET /fhir/AuditEvent?…` as the audit report asks it (ONC 45 CFR 170.315(d)(3) "Audit report(s)": sort and
 * filter the audit trail by date and time, user, patient, action and outcome): the FHIR search request is
 * translated into an {@link AuditSearch} that the audit table answers in SQL, and the page comes back as a
 * searchset Bundle with the same `self`/`next`/`previous` links as every other search of this server.
 *
 * Parameters (docs/audit.md): `date` (eq, ge, gt, le, lt, sa, eb; repeat for a range), `agent` (a
 * Practitioner), `patient`, `entity`, `action` (C R U D E), `outcome` (0 4 8 12), `type`, `subtype` and `_tag`
 * tokens (`:not` on tokens and references); `_sort` on date, agent, patient, entity, action, type, subtype,
 * outcome (`-` descending; default `-date`); `_count` (default 50, at most 1,000), `_offset`, `_total`,
 * `_summary=count`. Any other AuditEvent parameter, modifier or result parameter is refused with 400 naming it.
 */
import {
  badRequest,
  formatSearchQuery,
  OperationOutcomeError,
  Operator,
  type SearchRequest,
} from '@medplum/core';
import type { AuditEvent, Bundle, BundleLink, CapabilityStatement } from '@medplum/fhirtypes';

import { referenceKey } from '../../../clinical/fhir/reference';
import { parseDateRange } from '../store/date-range';
import {
  AUDIT_SORT_KEYS,
  type AuditCode,
  type AuditCondition,
  type AuditSearch,
  type AuditSearchResult,
  type AuditSortKey,
} from './audit-log';

const DEFAULT_COUNT = 50;
const MAX_COUNT = 1000;

const ACTIONS = new Set(['C', 'R', 'U', 'D', 'E']);
const OUTCOMES = new Set(['0', '4', '8', '12']);

function refuse(text: string): never {
  throw new OperationOutcomeError(badRequest(text));
}

function values(filter: { code: string; value: string }): string[] {
  const list = filter.value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (list.length === 0) refuse(`AuditEvent search parameter ${filter.code} needs a value`);
  return list;
}

/** `system|code`, `|code` (no system) or `code`. */
function tokens(filter: { code: string; value: string }): AuditCode[] {
  return values(filter).map((v) => {
    const bar = v.indexOf('|');
    return bar < 0 ? { code: v } : { system: v.slice(0, bar), code: v.slice(bar + 1) };
  });
}

function references(filter: { code: string; value: string }, defaultType?: string): string[] {
  return values(filter).map((v) => {
    const key = v.includes('/') ? referenceKey(v) : defaultType ? `${defaultType}/${v}` : undefined;
    if (!key) refuse(`AuditEvent search parameter ${filter.code}: '${v}' is not a reference (Type/id)`);
    if (filter.code === 'patient' && !key.startsWith('Patient/')) {
      refuse(`AuditEvent search parameter patient: '${v}' is not a Patient`);
    }
    return key;
  });
}

function negatable(filter: { code: string; operator: Operator }): boolean {
  if (filter.operator === Operator.EQUALS) return false;
  if (filter.operator === Operator.NOT) return true;
  return refuse(
    `AuditEvent search parameter ${filter.code} does not support the ${filter.operator} modifier`,
  );
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** `date` with a FHIR prefix, against `recorded` (an instant). */
function dateConditions(filter: { code: string; operator: Operator; value: string }): AuditCondition[] {
  if (filter.value.includes(','))
    refuse('AuditEvent search parameter date takes one value; repeat it for a range');
  const range = parseDateRange(filter.value);
  if (!range) refuse(`AuditEvent search parameter date: '${filter.value}' is not a date or dateTime`);
  const at = (comparator: '>=' | '>' | '<=' | '<', ms: number): AuditCondition => ({
    kind: 'recorded',
    comparator,
    instant: iso(ms),
  });
  switch (filter.operator) {
    case Operator.EQUALS:
      return [at('>=', range.start), at('<=', range.end)];
    case Operator.GREATER_THAN_OR_EQUALS:
      return [at('>=', range.start)];
    case Operator.GREATER_THAN:
    case Operator.STARTS_AFTER:
      return [at('>', range.end)];
    case Operator.LESS_THAN_OR_EQUALS:
      return [at('<=', range.end)];
    case Operator.LESS_THAN:
    case Operator.ENDS_BEFORE:
      return [at('<', range.start)];
    default:
      return refuse(`AuditEvent search parameter date does not support the ${filter.operator} prefix`);
  }
}

/** The AuditEvent search parameters this server answers (the CapabilityStatement advertises exactly these). */
export const AUDIT_SEARCH_PARAMS = [
  { name: 'date', type: 'date' },
  { name: 'agent', type: 'reference' },
  { name: 'patient', type: 'reference' },
  { name: 'entity', type: 'reference' },
  { name: 'action', type: 'token' },
  { name: 'outcome', type: 'token' },
  { name: 'type', type: 'token' },
  { name: 'subtype', type: 'token' },
  { name: '_tag', type: 'token' },
] as const;

function condition(filter: { code: string; operator: Operator; value: string }): AuditCondition[] {
  switch (filter.code) {
    case 'date':
      return dateConditions(filter);
    case 'agent':
      return [{ kind: 'agent', references: references(filter, 'Practitioner'), not: negatable(filter) }];
    case 'patient':
      return [{ kind: 'entity', references: references(filter, 'Patient'), not: negatable(filter) }];
    case 'entity':
      return [{ kind: 'entity', references: references(filter), not: negatable(filter) }];
    case 'action':
    case 'outcome': {
      const allowed = filter.code === 'action' ? ACTIONS : OUTCOMES;
      const codes = tokens(filter);
      const bad = codes.find((c) => !allowed.has(c.code));
      if (bad) {
        refuse(
          `AuditEvent search parameter ${filter.code}: '${bad.code}' is not one of ${[...allowed].join(' ')}`,
        );
      }
      return [{ kind: filter.code, codes, not: negatable(filter) }];
    }
    case 'type':
    case 'subtype':
      return [{ kind: filter.code, codes: tokens(filter), not: negatable(filter) }];
    case '_tag':
      return [{ kind: 'tag', codes: tokens(filter), not: negatable(filter) }];
    default:
      return refuse(
        `AuditEvent search supports ${AUDIT_SEARCH_PARAMS.map((p) => p.name).join(', ')} (not ${filter.code})`,
      );
  }
}

/** The audit-table search a FHIR AuditEvent search asks for; 400 (OperationOutcomeError) for what it cannot answer. */
export function auditSearchOf(request: SearchRequest): AuditSearch {
  if (request.include?.length || request.revInclude?.length) {
    refuse('AuditEvent search does not support _include or _revinclude');
  }
  if (request.fields?.length) refuse('AuditEvent search does not support _elements');
  // `_summary=count` arrives as `_count=0&_total=accurate` (parseSearchRequest).
  if (request.summary) refuse(`AuditEvent search supports _summary=count only (not ${request.summary})`);
  const sort = (request.sortRules ?? []).map((rule) => {
    if (!(AUDIT_SORT_KEYS as readonly string[]).includes(rule.code)) {
      refuse(`AuditEvent search cannot sort by ${rule.code} (_sort: ${AUDIT_SORT_KEYS.join(', ')})`);
    }
    return { key: rule.code as AuditSortKey, descending: rule.descending === true };
  });
  const count = Math.min(MAX_COUNT, Math.max(0, request.count ?? DEFAULT_COUNT));
  return {
    where: (request.filters ?? []).flatMap(condition),
    sort: sort.length > 0 ? sort : [{ key: 'date', descending: true }],
    count,
    offset: Math.max(0, request.offset ?? 0),
    countTotal: request.total === 'accurate' || request.total === 'estimate',
  };
}

/**
 * The searchset Bundle of one page: `total` when asked for (`_total=accurate|estimate`, `_summary=count`) or
 * known for free, never with `_total=none`; relative paging links, which the HTTP layer makes absolute.
 */
export function auditSearchBundle(
  request: SearchRequest,
  search: AuditSearch,
  result: AuditSearchResult,
): Bundle<AuditEvent> {
  const count = search.count ?? DEFAULT_COUNT;
  const offset = search.offset ?? 0;
  const url = (pageOffset: number): string => {
    const query = formatSearchQuery({ ...request, count, offset: pageOffset });
    return `AuditEvent${query}`;
  };
  const link: BundleLink[] = [{ relation: 'self', url: url(offset) }];
  if (result.hasNext) link.push({ relation: 'next', url: url(offset + count) });
  if (offset > 0 && count > 0) link.push({ relation: 'previous', url: url(Math.max(0, offset - count)) });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total !== undefined && request.total !== 'none' ? { total: result.total } : {}),
    link,
    entry: result.events.map((resource) => ({
      fullUrl: `AuditEvent/${resource.id ?? ''}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

/**
 * The AuditEvent entry of the CapabilityStatement as the access policy serves it: read and search only (the
 * server writes the trail), the parameters above, the sort keys, and `$report-export`.
 */
export function describeAuditEvent(statement: CapabilityStatement): void {
  for (const rest of statement.rest ?? []) {
    const entry = rest.resource?.find((r) => r.type === 'AuditEvent');
    if (!entry) continue;
    entry.documentation =
      'Written by the server only. Searches are scoped by the server: a supervisor sees the events naming ' +
      "themselves, their supervisees or their team's patients; other staff roles none. " +
      `_sort: ${AUDIT_SORT_KEYS.join(', ')} (- for descending; default -date).`;
    entry.interaction = [{ code: 'read' }, { code: 'search-type' }];
    delete entry.versioning;
    delete entry.readHistory;
    delete entry.updateCreate;
    delete entry.conditionalCreate;
    delete entry.conditionalUpdate;
    delete entry.conditionalDelete;
    entry.searchInclude = [];
    entry.searchRevInclude = [];
    entry.searchParam = AUDIT_SEARCH_PARAMS.map((p) => ({
      name: p.name,
      type: p.type,
      ...(p.name.startsWith('_')
        ? {}
        : { definition: `http://hl7.org/fhir/SearchParameter/AuditEvent-${p.name}` }),
    }));
    entry.operation = [
      {
        name: 'report-export',
        definition: 'http://waypoint.health/fhir/OperationDefinition/AuditEvent-report-export',
        documentation:
          'Records the export of an audit report (the query and its rows) before the client saves it.',
      },
    ];
  }
}

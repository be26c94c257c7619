import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';

import { referenceParts } from '../../../../clinical/fhir/reference';
import { isOperationOutcome, synthesizeOutcome } from './operation-outcome';

/** A searchset Bundle, unwrapped: the matches, what `_include`/`_revinclude` brought along, paging. */
export interface SearchResult<T extends Resource = Resource> {
  /** Resources that matched the search (`search.mode` = match), in server order. */
  readonly resources: T[];
  /** Resources added by `_include` / `_revinclude` (`search.mode` = include). */
  readonly included: Resource[];
  /** `Bundle.total` when the server computed it (see `_total`). */
  readonly total?: number;
  /** The `next` link, if there are more pages. */
  readonly next?: string;
  /** Warnings the server attached (`search.mode` = outcome), e.g. an ignored parameter. */
  readonly outcomes: OperationOutcome[];
}

export function bundleLink(bundle: Bundle, relation: string): string | undefined {
  return bundle.link?.find((l) => l.relation === relation)?.url;
}

/**
 * Splits a searchset into matches and included resources. Servers that omit `search.mode` are
 * handled by resource type: entries of the searched type count as matches.
 */
export function unwrapSearchBundle<T extends Resource = Resource>(
  bundle: Bundle,
  searchedType?: string,
): SearchResult<T> {
  const resources: T[] = [];
  const included: Resource[] = [];
  const outcomes: OperationOutcome[] = [];
  for (const entry of bundle.entry ?? []) {
    const resource = entry.resource;
    if (!resource) {
      continue;
    }
    const mode = entry.search?.mode;
    if (mode === 'outcome' || (mode === undefined && isOperationOutcome(resource))) {
      outcomes.push(resource as OperationOutcome);
    } else if (
      mode === 'include' ||
      (mode === undefined && searchedType && resource.resourceType !== searchedType)
    ) {
      included.push(resource);
    } else {
      resources.push(resource as T);
    }
  }
  const next = bundleLink(bundle, 'next');
  return {
    resources,
    included,
    outcomes,
    ...(bundle.total !== undefined ? { total: bundle.total } : {}),
    ...(next ? { next } : {}),
  };
}

/** Merges pages of the same search into one result (later pages appended; included de-duplicated). */
export function mergeSearchResults<T extends Resource>(pages: readonly SearchResult<T>[]): SearchResult<T> {
  const seen = new Set<string>();
  const included: Resource[] = [];
  for (const page of pages) {
    for (const r of page.included) {
      const key = `${r.resourceType}/${r.id ?? ''}`;
      if (!r.id || !seen.has(key)) {
        seen.add(key);
        included.push(r);
      }
    }
  }
  const first = pages[0];
  // The last page's `next`: present only when paging stopped early (e.g. a page limit), so a caller can go on.
  const next = pages.at(-1)?.next;
  return {
    resources: pages.flatMap((p) => p.resources),
    included,
    outcomes: pages.flatMap((p) => p.outcomes),
    ...(first?.total !== undefined ? { total: first.total } : {}),
    ...(next ? { next } : {}),
  };
}

/** Finds an included resource by reference (`Practitioner/123`, absolute or versioned too). */
export function findIncluded<T extends Resource>(
  result: Pick<SearchResult, 'included'>,
  reference: string | undefined,
): T | undefined {
  const parts = referenceParts(reference);
  if (!parts) {
    return undefined;
  }
  return result.included.find((r) => r.resourceType === parts.type && r.id === parts.id) as T | undefined;
}

/** A request entry for a `batch` or `transaction` Bundle. */
export type BundleRequestEntry = BundleEntry & { request: NonNullable<BundleEntry['request']> };

export function batchBundle(entries: readonly BundleRequestEntry[]): Bundle {
  return { resourceType: 'Bundle', type: 'batch', entry: [...entries] };
}

export function transactionBundle(entries: readonly BundleRequestEntry[]): Bundle {
  return { resourceType: 'Bundle', type: 'transaction', entry: [...entries] };
}

/** `GET` entry, e.g. `getEntry('Patient/123')` or `getEntry('Observation?patient=Patient/1&_count=10')`. */
export function getEntry(url: string): BundleRequestEntry {
  return { request: { method: 'GET', url } };
}

export function createEntry(resource: Resource, fullUrl?: string, ifNoneExist?: string): BundleRequestEntry {
  return {
    ...(fullUrl ? { fullUrl } : {}),
    resource,
    request: { method: 'POST', url: resource.resourceType, ...(ifNoneExist ? { ifNoneExist } : {}) },
  };
}

export function updateEntry(resource: Resource): BundleRequestEntry {
  if (!resource.id) {
    throw new Error(`Cannot update a ${resource.resourceType} without an id`);
  }
  const versionId = resource.meta?.versionId;
  return {
    resource,
    request: {
      method: 'PUT',
      url: `${resource.resourceType}/${resource.id}`,
      ...(versionId ? { ifMatch: weakETag(versionId) } : {}),
    },
  };
}

export function deleteEntry(type: string, id: string): BundleRequestEntry {
  return { request: { method: 'DELETE', url: `${type}/${id}` } };
}

/** The HTTP status code of a batch/transaction response entry (`"201 Created"` → 201). */
export function entryStatus(entry: BundleEntry): number {
  const status = Number.parseInt(entry.response?.status ?? '', 10);
  return Number.isNaN(status) ? 0 : status;
}

/**
 * The outcome of one failed batch entry, or undefined when the entry succeeded. Batch entries fail
 * independently: callers show each failure where it happened.
 */
export function entryOutcome(entry: BundleEntry): OperationOutcome | undefined {
  const status = entryStatus(entry);
  if (status >= 200 && status < 300) {
    return undefined;
  }
  const outcome = entry.response?.outcome ?? entry.resource;
  return isOperationOutcome(outcome) ? outcome : synthesizeOutcome(status);
}

/** `W/"3"` for version 3, the ETag form FHIR servers use for `If-Match`. */
export function weakETag(versionId: string): string {
  return `W/"${versionId}"`;
}

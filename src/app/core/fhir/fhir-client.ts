import { HttpClient, HttpHeaders } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  Bundle,
  CapabilityStatement,
  ExtractResource,
  OperationOutcome,
  Parameters,
  Resource,
  ResourceType,
} from '@medplum/fhirtypes';
import {
  catchError,
  defer,
  EMPTY,
  expand,
  forkJoin,
  last,
  map,
  merge,
  type Observable,
  of,
  type OperatorFunction,
  reduce,
  startWith,
  switchMap,
  tap,
  throwError,
} from 'rxjs';

import {
  batchBundle,
  entryOutcome,
  entryStatus,
  getEntry,
  mergeSearchResults,
  type SearchResult,
  unwrapSearchBundle,
  weakETag,
} from './bundle';
import { FhirEndpoint } from './fhir-endpoint';
import { FhirError, synthesizeOutcome, toFhirError } from './operation-outcome';

export const FHIR_JSON = 'application/fhir+json';
const FORM = 'application/x-www-form-urlencoded';
const JSON_PATCH = 'application/json-patch+json';

/** Search parameter values; an array repeats the parameter (AND), commas inside a value mean OR. */
export type SearchParamValue = string | number | boolean;
export type SearchParams =
  | Readonly<Record<string, SearchParamValue | readonly SearchParamValue[] | null | undefined>>
  | readonly (readonly [string, SearchParamValue])[];

export interface SearchOptions {
  /**
   * `POST` (default) sends the parameters as a form body to `[type]/_search`, so patient identifiers
   * never appear in URLs, browser history or server logs. `GET` only for parameters without them.
   */
  readonly method?: 'GET' | 'POST';
}

export interface SearchAllOptions extends SearchOptions {
  /** Stops following `next` links after this many pages (default 100). */
  readonly maxPages?: number;
}

/** One search of a {@link FhirClient.searchBatch}: a resource type and its parameters. */
export interface BatchSearch {
  readonly resourceType: ResourceType;
  readonly params: SearchParams;
}

/** One stage of {@link FhirClient.searchBatchInStages}. */
export interface BatchStage {
  /** Every search's pages so far, merged, in the order of the searches. */
  readonly results: SearchResult[];
  /** Every `next` link has been followed (or the page limit reached): the results are whole. */
  readonly complete: boolean;
}

/** Options of {@link FhirClient.searchBatchSettled}. */
export interface SettledBatchOptions extends SearchAllOptions {
  /**
   * Extra request headers, sent with the batch and with every page followed (e.g. `X-Break-Glass-Reason` on
   * one patient's requests only). Authorization and content headers are the client's own.
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One search of a settled batch: its merged pages, or the outcome it failed with (the batch entry or a page). */
export type SettledSearch =
  | { readonly ok: true; readonly result: SearchResult }
  | { readonly ok: false; readonly status: number; readonly outcome: OperationOutcome };

/** RFC 6902 operation, as accepted by FHIR `PATCH` with `application/json-patch+json`. */
export type JsonPatchOperation =
  | { readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'move' | 'copy'; readonly from: string; readonly path: string };

/** FHIR `id` datatype. Anything else would change the request path, so it is refused up front. */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;

/** `encodeURIComponent`, but keeps `:` `,` `|` `$` readable; servers decode them alike. */
function encodeQueryPart(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%7C/gi, '|');
}

export function toQueryString(params: SearchParams | undefined): string {
  if (!params) {
    return '';
  }
  const pairs: (readonly [string, SearchParamValue])[] = [];
  if (Array.isArray(params)) {
    pairs.push(...(params as readonly (readonly [string, SearchParamValue])[]));
  } else {
    for (const [name, value] of Object.entries(params as Record<string, unknown>)) {
      if (value === undefined || value === null) {
        continue;
      }
      for (const v of Array.isArray(value) ? value : [value]) {
        pairs.push([name, v as SearchParamValue]);
      }
    }
  }
  return pairs.map(([name, value]) => `${encodeQueryPart(name)}=${encodeQueryPart(String(value))}`).join('&');
}

function invalidRequest(text: string): FhirError {
  return new FhirError(400, {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'invalid', details: { text } }],
  });
}

/**
 * The only code in the SPA that talks FHIR. Knows the base URL, builds URLs, unwraps Bundles, follows
 * `next` links and normalizes every failure into a {@link FhirError} (status + OperationOutcome).
 */
@Injectable({ providedIn: 'root' })
export class FhirClient {
  private readonly http = inject(HttpClient);
  private readonly endpoint = inject(FhirEndpoint);
  /** Base URL without a trailing slash, as configured (may be relative to the page, e.g. `/fhir`). */
  readonly baseUrl = this.endpoint.baseUrl;

  /** The base URL made absolute against the page. */
  get absoluteBaseUrl(): string {
    return this.endpoint.absoluteBaseUrl;
  }

  /** True when `url` points at this FHIR server (same origin and under the base path). */
  isFhirUrl(url: string): boolean {
    return this.endpoint.isFhirUrl(url);
  }

  capabilities(): Observable<CapabilityStatement> {
    return this.request<CapabilityStatement>('GET', `${this.baseUrl}/metadata`);
  }

  read<K extends ResourceType>(type: K, id: string): Observable<ExtractResource<K>> {
    return this.guarded(type, id, () => this.request('GET', this.instanceUrl(type, id)));
  }

  vread<K extends ResourceType>(type: K, id: string, versionId: string): Observable<ExtractResource<K>> {
    return this.guarded(type, id, () => {
      if (!FHIR_ID.test(versionId)) {
        throw invalidRequest(`Invalid version id "${versionId}"`);
      }
      return this.request('GET', `${this.instanceUrl(type, id)}/_history/${versionId}`);
    });
  }

  /**
   * Searches one resource type. POST `[type]/_search` by default (see {@link SearchOptions.method}).
   * Returns the first page only; use {@link nextPage} or {@link searchAll} for more.
   */
  search<K extends ResourceType>(
    type: K,
    params?: SearchParams,
    options: SearchOptions = {},
  ): Observable<SearchResult<ExtractResource<K>>> {
    return this.guarded(type, undefined, () => {
      const query = toQueryString(params);
      const bundle$ =
        options.method === 'GET'
          ? this.request<Bundle>('GET', `${this.baseUrl}/${type}${query ? `?${query}` : ''}`)
          : this.request<Bundle>('POST', `${this.baseUrl}/${type}/_search`, query, FORM);
      return bundle$.pipe(map((bundle) => unwrapSearchBundle<ExtractResource<K>>(bundle, type)));
    });
  }

  /** Fetches the page a `next` (or `previous`) link points to; relative links resolve against the base. */
  nextPage<T extends Resource = Resource>(link: string, searchedType?: string): Observable<SearchResult<T>> {
    return defer(() => {
      const url = this.resolveLink(link);
      if (!this.isFhirUrl(url)) {
        // A paging link must stay on our server: the auth interceptor would not (and must not) follow it.
        throw invalidRequest('The FHIR server returned a paging link to another server');
      }
      return this.request<Bundle>('GET', url).pipe(
        map((bundle) => unwrapSearchBundle<T>(bundle, searchedType)),
      );
    }).pipe(fhirErrors());
  }

  /** Runs a search and follows every `next` link, returning all pages merged into one result. */
  searchAll<K extends ResourceType>(
    type: K,
    params?: SearchParams,
    options: SearchAllOptions = {},
  ): Observable<SearchResult<ExtractResource<K>>> {
    const maxPages = options.maxPages ?? 100;
    let pages = 1;
    const visited = new Set<string>();
    return this.search(type, params, options).pipe(
      expand((page) => {
        if (!page.next || pages >= maxPages || visited.has(page.next)) {
          return EMPTY;
        }
        pages++;
        visited.add(page.next);
        return this.nextPage<ExtractResource<K>>(page.next, type);
      }),
      reduce((all: SearchResult<ExtractResource<K>>[], page) => [...all, page], []),
      map((all) => mergeSearchResults(all)),
    );
  }

  /** POSTs one `batch` Bundle of GET searches to the base URL (resource types checked first). */
  private postSearchBatch(
    searches: readonly BatchSearch[],
    headers: Readonly<Record<string, string>> = {},
  ): Observable<Bundle> {
    for (const search of searches) {
      if (!RESOURCE_TYPE.test(search.resourceType)) {
        throw invalidRequest(`Invalid resource type "${search.resourceType}"`);
      }
    }
    const bundle = batchBundle(
      searches.map((s) => {
        const query = toQueryString(s.params);
        return getEntry(`${s.resourceType}${query ? `?${query}` : ''}`);
      }),
    );
    return this.request<Bundle>('POST', this.baseUrl, bundle, FHIR_JSON, { ...headers });
  }

  /**
   * Runs several searches in one `batch` round trip, then follows every result's `next` links (the searches in
   * parallel, each one's pages in order), so no search is cut short whatever the server's page size. Results
   * come back in the order of `searches`. A failed entry fails the whole call with its OperationOutcome.
   */
  searchBatch(searches: readonly BatchSearch[], options: SearchAllOptions = {}): Observable<SearchResult[]> {
    return this.batchPages(searches, options.maxPages ?? 100).pipe(
      last(),
      map(({ pages }) => pages.map((p) => mergeSearchResults(p))),
    );
  }

  /**
   * {@link searchBatch} in stages, for a view that shows what it has while the rest loads: emits the first pages
   * as soon as the batch answers (`complete` when no search has a `next` link), then again after each further
   * page, every search's pages so far merged; the last emission is `complete`. A failed entry or page fails the
   * stream (after the stages already emitted).
   */
  searchBatchInStages(
    searches: readonly BatchSearch[],
    options: SearchAllOptions = {},
  ): Observable<BatchStage> {
    return this.batchPages(searches, options.maxPages ?? 100).pipe(
      map(({ pages, complete }) => ({ results: pages.map((p) => mergeSearchResults(p)), complete })),
    );
  }

  /** The pages of every search of a batch so far (the same arrays, growing), after the batch and each page. */
  private batchPages(
    searches: readonly BatchSearch[],
    maxPages: number,
  ): Observable<{ pages: SearchResult[][]; complete: boolean }> {
    return defer(() => this.postSearchBatch(searches)).pipe(
      fhirErrors(),
      map((response) =>
        searches.map((search, i) => {
          const entry = response.entry?.[i];
          const outcome = entry ? entryOutcome(entry) : synthesizeOutcome(502, 'The batch response is short');
          if (outcome || !entry?.resource) {
            throw new FhirError(entry ? entryStatus(entry) || 502 : 502, outcome ?? synthesizeOutcome(502));
          }
          return unwrapSearchBundle(entry.resource as Bundle, search.resourceType);
        }),
      ),
      switchMap((firsts) => {
        const pages = firsts.map((first) => [first]);
        // A search is done at a page without `next`, or at the page limit.
        const followed = (i: number): boolean => {
          const own = pages[i] ?? [];
          return !own.at(-1)?.next || own.length >= maxPages;
        };
        const open = new Set(firsts.flatMap((_, i) => (followed(i) ? [] : [i])));
        const stage = () => ({ pages, complete: open.size === 0 });
        const more = [...open].map((i) => {
          const follow = (page: SearchResult): Observable<SearchResult> =>
            page.next && (pages[i]?.length ?? 0) < maxPages
              ? this.nextPage(page.next, searches[i]?.resourceType)
              : EMPTY;
          // expand emits each page before it asks for the next one, so the tap has counted it by then.
          return follow(firsts[i]!).pipe(
            expand(follow),
            tap((page) => {
              pages[i]?.push(page);
              if (followed(i)) open.delete(i);
            }),
          );
        });
        return merge(...more).pipe(map(stage), startWith(stage()));
      }),
    );
  }

  /**
   * Like {@link searchBatch}, but each search settles on its own: a failed entry (or a failed next page) becomes
   * `{ ok: false, outcome }` for that search only, and the others still arrive. Only a failure of the batch
   * request itself (network, 401, a 5xx for the whole Bundle) fails the observable. Results come back in the
   * order of `searches`, after every page of every successful search.
   */
  searchBatchSettled(
    searches: readonly BatchSearch[],
    options: SettledBatchOptions = {},
  ): Observable<SettledSearch[]> {
    const maxPages = options.maxPages ?? 100;
    const headers = { ...options.headers };
    return defer(() => this.postSearchBatch(searches, headers)).pipe(
      fhirErrors(),
      switchMap((response) =>
        searches.length === 0
          ? of([])
          : forkJoin(
              searches.map((search, i) => {
                const entry = response.entry?.[i];
                const outcome = entry
                  ? entryOutcome(entry)
                  : synthesizeOutcome(502, 'The batch response is short');
                if (outcome || !entry?.resource) {
                  const status = entry ? entryStatus(entry) || 502 : 502;
                  return of<SettledSearch>({ ok: false, status, outcome: outcome ?? synthesizeOutcome(502) });
                }
                const first = unwrapSearchBundle(entry.resource as Bundle, search.resourceType);
                let pages = 1;
                const more = (page: SearchResult): Observable<SearchResult> =>
                  page.next && pages++ < maxPages
                    ? this.pageWith(page.next, search.resourceType, headers)
                    : EMPTY;
                return more(first).pipe(
                  expand((page) => more(page)),
                  reduce((all: SearchResult[], page) => [...all, page], [first]),
                  map((all): SettledSearch => ({ ok: true, result: mergeSearchResults(all) })),
                  catchError((error: unknown) => {
                    const failure = toFhirError(error);
                    return of<SettledSearch>({ ok: false, status: failure.status, outcome: failure.outcome });
                  }),
                );
              }),
            ),
      ),
    );
  }

  /**
   * Invokes an operation on an instance (`POST [type]/[id]/$[name]` with a Parameters body), e.g. the server's
   * `$record-export` audit. Resolves with the server's answer (a Parameters or OperationOutcome resource).
   */
  instanceOperation<T extends Resource = Resource>(
    type: ResourceType,
    id: string,
    name: string,
    parameters: Parameters = { resourceType: 'Parameters' },
    headers: Readonly<Record<string, string>> = {},
  ): Observable<T> {
    return this.guarded(type, id, () => {
      if (!/^[a-z][a-z0-9-]{0,63}$/.test(name)) {
        throw invalidRequest(`Invalid operation name "${name}"`);
      }
      return this.request<T>('POST', `${this.instanceUrl(type, id)}/$${name}`, parameters, FHIR_JSON, {
        ...headers,
      });
    });
  }

  /**
   * Invokes an operation on a type (`POST [type]/$[name]` with a Parameters body), e.g. the server's
   * `AuditEvent/$report-export`. Resolves with the server's answer.
   */
  typeOperation<T extends Resource = Resource>(
    type: ResourceType,
    name: string,
    parameters: Parameters = { resourceType: 'Parameters' },
  ): Observable<T> {
    return this.guarded(type, undefined, () => {
      if (!/^[a-z][a-z0-9-]{0,63}$/.test(name)) {
        throw invalidRequest(`Invalid operation name "${name}"`);
      }
      return this.request<T>('POST', `${this.baseUrl}/${type}/$${name}`, parameters);
    });
  }

  /** A `next` page with extra headers (see {@link nextPage}). */
  private pageWith(
    link: string,
    searchedType: string,
    headers: Readonly<Record<string, string>>,
  ): Observable<SearchResult> {
    return defer(() => {
      const url = this.resolveLink(link);
      if (!this.isFhirUrl(url)) {
        throw invalidRequest('The FHIR server returned a paging link to another server');
      }
      return this.request<Bundle>('GET', url, undefined, FHIR_JSON, { ...headers }).pipe(
        map((bundle) => unwrapSearchBundle(bundle, searchedType)),
      );
    }).pipe(fhirErrors());
  }

  /** Creates a resource (server assigns the id). */
  create<T extends Resource>(resource: T): Observable<T> {
    return this.guarded(resource.resourceType, undefined, () =>
      this.request<T>('POST', `${this.baseUrl}/${resource.resourceType}`, resource),
    );
  }

  /**
   * Conditional create: creates the resource unless one matches `query` (`If-None-Exist`), in which case
   * the server answers 200 with the existing one. More than one match fails with 412.
   */
  createIfNoneExist<T extends Resource>(resource: T, query: SearchParams): Observable<T> {
    return this.guarded(resource.resourceType, undefined, () => {
      const condition = toQueryString(query);
      if (!condition) {
        throw invalidRequest('A conditional create needs search parameters');
      }
      return this.request<T>('POST', `${this.baseUrl}/${resource.resourceType}`, resource, FHIR_JSON, {
        'If-None-Exist': condition,
      });
    });
  }

  /**
   * Updates a resource. When it carries `meta.versionId` the update is sent with `If-Match`, so a
   * concurrent change by someone else fails with 412 instead of being overwritten.
   */
  update<T extends Resource>(resource: T): Observable<T> {
    return this.guarded(resource.resourceType, resource.id ?? '', () => {
      const versionId = resource.meta?.versionId;
      return this.request<T>(
        'PUT',
        this.instanceUrl(resource.resourceType, resource.id ?? ''),
        resource,
        FHIR_JSON,
        versionId ? { 'If-Match': weakETag(versionId) } : {},
      );
    });
  }

  /** JSON Patch; pass the version you read to make it conditional (`If-Match`). */
  patch<K extends ResourceType>(
    type: K,
    id: string,
    operations: readonly JsonPatchOperation[],
    options: { readonly versionId?: string } = {},
  ): Observable<ExtractResource<K>> {
    return this.guarded(type, id, () =>
      this.request<ExtractResource<K>>(
        'PATCH',
        this.instanceUrl(type, id),
        operations,
        JSON_PATCH,
        options.versionId ? { 'If-Match': weakETag(options.versionId) } : {},
      ),
    );
  }

  delete(type: ResourceType, id: string): Observable<void> {
    return this.guarded(type, id, () =>
      this.request<unknown>('DELETE', this.instanceUrl(type, id)).pipe(map(() => undefined)),
    );
  }

  /** Instance history (with an id) or type history (without), newest first. */
  history<K extends ResourceType>(type: K, id?: string): Observable<Bundle<ExtractResource<K>>> {
    return this.guarded(type, id, () =>
      this.request(
        'GET',
        `${id === undefined ? `${this.baseUrl}/${type}` : this.instanceUrl(type, id)}/_history`,
      ),
    );
  }

  /** Sends a `batch` Bundle: entries succeed or fail one by one (see `entryOutcome`). */
  batch(bundle: Bundle): Observable<Bundle> {
    return this.sendBundle(bundle, 'batch');
  }

  /** Sends a `transaction` Bundle: all entries succeed together or the whole request fails. */
  transaction(bundle: Bundle): Observable<Bundle> {
    return this.sendBundle(bundle, 'transaction');
  }

  private sendBundle(bundle: Bundle, type: 'batch' | 'transaction'): Observable<Bundle> {
    return defer(() => {
      if (bundle.type !== type) {
        throw invalidRequest(`Expected a ${type} Bundle, got "${bundle.type}"`);
      }
      return this.request<Bundle>('POST', this.baseUrl, bundle);
    }).pipe(fhirErrors());
  }

  private instanceUrl(type: string, id: string): string {
    return `${this.baseUrl}/${type}/${id}`;
  }

  private resolveLink(link: string): string {
    return this.endpoint.resolve(link);
  }

  /** Validates the type and id (they become path segments) before running `send`. */
  private guarded<T>(type: string, id: string | undefined, send: () => Observable<T>): Observable<T> {
    return defer(() => {
      if (!RESOURCE_TYPE.test(type)) {
        throw invalidRequest(`Invalid resource type "${type}"`);
      }
      if (id !== undefined && !FHIR_ID.test(id)) {
        throw invalidRequest(`Invalid ${type} id "${id}"`);
      }
      return send();
    }).pipe(fhirErrors());
  }

  private request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    contentType: string = FHIR_JSON,
    extraHeaders: Record<string, string> = {},
  ): Observable<T> {
    let headers = new HttpHeaders({ Accept: FHIR_JSON, ...extraHeaders });
    if (body !== undefined) {
      headers = headers.set('Content-Type', contentType);
      if (method !== 'POST' || contentType !== FORM) {
        headers = headers.set('Prefer', 'return=representation');
      }
    }
    return this.http
      .request<T>(method, url, {
        body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
        headers,
        responseType: 'json',
      })
      .pipe(
        map((response) => {
          if (response === null && method !== 'DELETE') {
            throw new FhirError(502, synthesizeOutcome(502, `Empty response to ${method}`));
          }
          return response;
        }),
      );
  }
}

/** Maps any error on the stream to a FhirError. */
export function fhirErrors<T>(): OperatorFunction<T, T> {
  return catchError((error: unknown) => throwError(() => toFhirError(error)));
}

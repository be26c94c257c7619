// The FHIR REST endpoint under /fhir: hands each interaction to FhirRouter and adds what the router
// leaves to the adapter — HTTP headers (ETag, Location, Last-Modified), absolute Bundle links,
// Prefer handling, unknown-search-parameter policy, 404/405 for unknown types and methods.
// It also names the interaction of every /fhir request (request.fhirInteraction), which the
// cross-cutting plugins (audit, logs) read instead of parsing the URL themselves.
import type { SearchRequest } from '@medplum/core';
import { formatSearchQuery, getStatus, isOk, parseSearchRequest } from '@medplum/core';
import type { FhirRepository, FhirRequest, FhirRouter, HttpMethod } from '@medplum/fhir-router';
import type { Bundle, BundleLink, CapabilityStatement, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { toJsonBuffer } from '../store/stored-json';
import { absolutizeBundle, FHIR_PREFIX, fhirBaseUrl } from './base-url';
import { FHIR_JSON, methodNotAllowed, outcome, serverFailure, unknownResourceType } from './outcomes';
import { PAGE_TOKEN_PARAM, SearchPageTokens } from './page-tokens';
import { parsePrefer } from './prefer';
import type { IgnoredParameter, Query, SearchSupport } from './search-params';
import { partitionSearchQuery } from './search-params';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The repository this request reads and writes through. Set to the app's repository on every
     * request; a later hook (e.g. an access-policy plugin) may replace it with a per-user wrapper.
     */
    fhirRepository: FhirRepository;
    /**
     * The FHIR interaction a /fhir request asks for, from FhirRouter's route for its method and path.
     * Set by registerFhirInteraction's onRequest hook before any plugin's hook runs, so it is there for
     * requests refused before routing (401, 429) too; undefined outside /fhir and for `.well-known/*`.
     */
    fhirInteraction?: FhirInteraction;
  }
}

export interface FhirInteraction {
  /**
   * A restful-interaction code (`read`, `search-type`, `create`, `batch`, `transaction`, …),
   * `capabilities` for `metadata`, or `operation` where no interaction answers the method and path.
   */
  readonly interaction: string;
  /** The first path segment (`Patient` in `Patient/1/_history`); undefined for system-level requests. */
  readonly resourceType?: string;
  /** The resource id, for instance-level interactions. */
  readonly id?: string;
}

export interface FhirRoutesOptions {
  readonly fhirRouter: FhirRouter;
  readonly capabilityStatement: (baseUrl: string) => CapabilityStatement;
  readonly support: SearchSupport;
  readonly trustForwardedHeaders: boolean;
  /**
   * Awaited after every interaction that may have written (create, update, patch, delete, batch/transaction,
   * operations) and before its response is sent: the embedded server derives the touched patients here.
   */
  readonly afterWrite?: () => Promise<void>;
}

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const WRITES = new Set(['create', 'update', 'patch']);
const SINGLE_RESOURCE = new Set(['read', 'vread', 'create', 'update', 'patch']);
const NEEDS_BODY = new Set(['create', 'update', 'patch', 'batch']);
/** Interactions after which derived state may be stale. */
const MAY_WRITE = new Set(['create', 'update', 'patch', 'delete', 'batch', 'operation']);

/**
 * The path of a /fhir request below the base, without query or trailing slashes (`''` for the base
 * itself); undefined outside /fhir.
 */
export function fhirPathOf(url: string): string | undefined {
  const path = url.split('?')[0] as string;
  if (path === FHIR_PREFIX || path === `${FHIR_PREFIX}/`) return '';
  return path.startsWith(`${FHIR_PREFIX}/`)
    ? path.slice(FHIR_PREFIX.length + 1).replace(/\/+$/, '')
    : undefined;
}

/** Paths anyone may read: the CapabilityStatement and the discovery documents. */
export function isPublicFhirPath(path: string): boolean {
  return path === 'metadata' || path.startsWith('.well-known/');
}

/**
 * Sets `request.fhirInteraction` on every /fhir request. Call before the plugins: their onRequest
 * hooks may answer (401, 429) and the audit of such a request still needs to know what was asked.
 */
export function registerFhirInteraction(app: FastifyInstance, fhirRouter: FhirRouter): void {
  app.addHook('onRequest', async (request) => {
    const path = fhirPathOf(request.url);
    if (path === undefined || path.startsWith('.well-known/')) return;
    if (path === 'metadata') {
      request.fhirInteraction = { interaction: 'capabilities' };
      return;
    }
    const route = fhirRouter.find(request.method as HttpMethod, path);
    request.fhirInteraction = {
      interaction: route?.data?.interaction ?? 'operation',
      resourceType: path === '' ? undefined : path.split('/')[0],
      id: route?.params['id'],
    };
  });
}

export function registerFhirRoutes(app: FastifyInstance, options: FhirRoutesOptions): void {
  const { fhirRouter, support, trustForwardedHeaders } = options;
  const pageTokens = new SearchPageTokens();

  app.get(`${FHIR_PREFIX}/metadata`, async (request, reply) =>
    sendResource(reply, 200, options.capabilityStatement(fhirBaseUrl(request, trustForwardedHeaders))),
  );

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const path = ((request.params as { '*'?: string })['*'] ?? '').replace(/^\/+|\/+$/g, '');
    const segments = path === '' ? [] : path.split('/');
    const method = request.method as HttpMethod;
    const first = segments[0];

    if (first === 'metadata') {
      return sendOutcome(reply, 405, methodNotAllowed(method, `${FHIR_PREFIX}/metadata`), { allow: 'GET' });
    }
    if (first !== undefined && /^[$_]/.test(first)) {
      return sendOutcome(reply, 404, outcome('not-supported', `${first} is not supported`));
    }
    if (first !== undefined && !support.isSupportedType(first)) {
      return sendOutcome(reply, 404, unknownResourceType(first));
    }
    const route = fhirRouter.find(method, path);
    if (!route) {
      const allowed = METHODS.filter((m) => fhirRouter.find(m, path));
      return allowed.length > 0
        ? sendOutcome(reply, 405, methodNotAllowed(method, `${FHIR_PREFIX}/${path}`), {
            allow: allowed.join(', '),
          })
        : sendOutcome(
            reply,
            404,
            outcome('not-found', `No FHIR interaction at ${method} ${FHIR_PREFIX}/${path}`),
          );
    }
    const interaction = route.data?.interaction ?? 'operation';
    if (interaction === 'batch' && isPlainObject(request.body)) {
      // FhirRouter routes both Bundle types as `batch`; only the parsed body tells them apart.
      if ((request.body as Bundle).type === 'transaction')
        request.fhirInteraction = { interaction: 'transaction' };
    }

    const prefer = parsePrefer(request.headers['prefer']);
    let query: Query = { ...(request.query as Query) };
    let body: unknown = request.body;
    let ignored: IgnoredParameter[] = [];

    if (interaction === 'search-type' && first && method === 'GET' && query[PAGE_TOKEN_PARAM] !== undefined) {
      const token = query[PAGE_TOKEN_PARAM];
      const stored = typeof token === 'string' ? pageTokens.resolve(token, first) : undefined;
      if (!stored) {
        return sendOutcome(
          reply,
          410,
          outcome('not-found', 'This page of search results has expired; run the search again'),
        );
      }
      query = stored;
    }
    if (interaction === 'search-type' || interaction === 'search-system') {
      if (method === 'POST') {
        query = { ...query, ...(isPlainObject(body) ? (body as Query) : {}) };
      }
      const types = first ? [first] : splitList(query['_type']);
      const partition = partitionSearchQuery(types, query, support);
      if (partition.ignored.length > 0 && prefer.handling === 'strict') {
        return sendOutcome(reply, 400, ignoredParametersOutcome(partition.ignored, 'error'));
      }
      ignored = partition.ignored;
      query = partition.supported;
      body = method === 'POST' ? query : body;
    } else if (
      NEEDS_BODY.has(interaction) &&
      (body === undefined || body === null || typeof body !== 'object')
    ) {
      return sendOutcome(reply, 400, outcome('required', 'Request body must be a FHIR JSON resource'));
    }

    const fhirRequest: FhirRequest = {
      method,
      url: path,
      pathname: '',
      params: {},
      query,
      body,
      headers: request.headers,
      config: { transactions: true },
    };
    const [result, resource] = await fhirRouter.handleRequest(fhirRequest, request.fhirRepository);
    if (MAY_WRITE.has(interaction) && options.afterWrite) {
      await options.afterWrite();
    }
    const status = getStatus(result);
    if (status >= 500) {
      // FhirRouter puts the internal error text in `diagnostics`; keep it out of the response and the log.
      request.log.error({ issue: result.issue?.[0]?.code }, 'FHIR interaction failed');
      return sendOutcome(reply, 500, serverFailure());
    }
    if (!isOk(result) || !resource) {
      return sendOutcome(reply, status, result);
    }

    const base = fhirBaseUrl(request, trustForwardedHeaders);
    if (resource.resourceType === 'Bundle' && !SINGLE_RESOURCE.has(interaction)) {
      const bundle = resource as Bundle;
      if (interaction === 'search-type' && first) {
        addFallbackLinks(bundle, parseSearchRequest(first, query));
        if (method === 'POST') {
          // The client kept its parameters out of the URL: keep them out of the paging links too.
          pageTokens.tokenizeLinks(bundle, first);
        }
      }
      absolutizeBundle(bundle, base);
      // The store may report parameters it ignored itself (search.mode "outcome"): strict turns that into 400.
      const storeOutcome = bundle.entry?.find((e) => e.search?.mode === 'outcome')?.resource as
        OperationOutcome | undefined;
      if (prefer.handling === 'strict' && storeOutcome?.issue?.length) {
        const issue = storeOutcome.issue.map((i) => ({ ...i, severity: 'error' as const }));
        return sendOutcome(reply, 400, { resourceType: 'OperationOutcome', issue });
      }
      if (ignored.length > 0) {
        const report = ignoredParametersOutcome(ignored, 'warning');
        if (storeOutcome) {
          storeOutcome.issue = [...(storeOutcome.issue ?? []), ...report.issue];
        } else {
          bundle.entry = [...(bundle.entry ?? []), { search: { mode: 'outcome' }, resource: report }];
        }
      }
      return sendResource(reply, status, bundle);
    }

    const headers = versionHeaders(resource);
    if (status === 201 && resource.id) {
      const version = resource.meta?.versionId ? `/_history/${resource.meta.versionId}` : '';
      headers['location'] = `${base}/${resource.resourceType}/${resource.id}${version}`;
    }
    if (
      (interaction === 'read' || interaction === 'vread') &&
      headers['etag'] &&
      request.headers['if-none-match']
    ) {
      if (request.headers['if-none-match'] === headers['etag']) {
        return reply.code(304).headers(headers).send();
      }
    }
    if (WRITES.has(interaction) && prefer.return === 'minimal') {
      return reply.code(status).headers(headers).send();
    }
    if (WRITES.has(interaction) && prefer.return === 'OperationOutcome') {
      return sendOutcome(reply, status, result, headers);
    }
    return sendResource(reply, status, resource, headers);
  };

  app.route({ method: [...METHODS], url: FHIR_PREFIX, handler });
  app.route({ method: [...METHODS], url: `${FHIR_PREFIX}/*`, handler });
}

export function sendOutcome(
  reply: FastifyReply,
  status: number,
  body: OperationOutcome,
  headers: Record<string, string> = {},
): FastifyReply {
  return sendResource(reply, status, body, headers);
}

/**
 * Serialized here, once, to UTF-8: handed an object, Fastify stringifies it and the compression hook then
 * measures and re-encodes the string (V8 flattens a large two-byte string first). A Buffer skips both: about
 * a third of the send time of a 5 MB search Bundle.
 */
function sendResource(
  reply: FastifyReply,
  status: number,
  body: Resource,
  headers: Record<string, string> = {},
): FastifyReply {
  return reply.code(status).headers(headers).type(FHIR_JSON).send(toJsonBuffer(body));
}

function versionHeaders(resource: Resource): Record<string, string> {
  const headers: Record<string, string> = {};
  if (resource.meta?.versionId) {
    headers['etag'] = `W/"${resource.meta.versionId}"`;
  }
  if (resource.meta?.lastUpdated) {
    const date = new Date(resource.meta.lastUpdated);
    if (!Number.isNaN(date.getTime())) {
      headers['last-modified'] = date.toUTCString();
    }
  }
  return headers;
}

function ignoredParametersOutcome(
  ignored: IgnoredParameter[],
  severity: 'error' | 'warning',
): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: ignored.map((p) => ({
      severity,
      code: 'not-supported',
      details: {
        text: `Search parameter ${p.name} ${severity === 'error' ? 'rejected' : 'ignored'}: ${p.reason}`,
      },
      expression: [p.name],
    })),
  };
}

/**
 * Stores that return no paging links (MemoryRepository) still get self/next/previous, computed from
 * the total and the request's _count/_offset. Stores that link their own pages are left alone.
 */
function addFallbackLinks(bundle: Bundle, search: SearchRequest): void {
  if (bundle.link?.length || search.count === undefined || bundle.total === undefined) {
    return;
  }
  const offset = search.offset ?? 0;
  const count = search.count;
  const page = (o: number): string => `${search.resourceType}${formatSearchQuery({ ...search, offset: o })}`;
  const links: BundleLink[] = [{ relation: 'self', url: page(offset) }];
  if (count > 0 && offset + count < bundle.total) {
    links.push({ relation: 'next', url: page(offset + count) });
  }
  if (count > 0 && offset > 0) {
    links.push({ relation: 'previous', url: page(Math.max(0, offset - count)) });
  }
  bundle.link = links;
}

function splitList(value: Query[string]): string[] {
  const values = Array.isArray(value) ? value : value ? [value] : [];
  return values.flatMap((v) => v.split(',')).filter(Boolean);
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

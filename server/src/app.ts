// The embedded FHIR R4 server's HTTP application: Fastify 5 + FhirRouter over an injected repository.
// buildApp() does no I/O of its own (no listen, no database): main.ts and the tests decide that.
import compress from '@fastify/compress';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import {
  allOk,
  badRequest,
  contentTooLarge,
  getStatus,
  normalizeOperationOutcome,
  OperationOutcomeError,
  tooManyRequests,
} from '@medplum/core';
import type { FhirRepository, FhirRouteHandler } from '@medplum/fhir-router';
import { FhirRouter } from '@medplum/fhir-router';
import type { CapabilityStatement } from '@medplum/fhirtypes';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyServerOptions } from 'fastify';
import Fastify, { LogController } from 'fastify';

import type { IndexedStoreCapabilities, StoreCapabilities } from './http/capability-statement';
import {
  buildCapabilityStatement,
  defaultStoreCapabilities,
  fromIndexedStore,
  searchSupport,
} from './http/capability-statement';
import { registerFhirInteraction, registerFhirRoutes, sendOutcome } from './http/fhir-routes';
import { malformedJson, outcome, serverFailure } from './http/outcomes';
import { BusinessRulesRepository } from './rules/business-rules';
import { CmRewardRule } from './rules/cm-rewards';
import { NoteSigningRule } from './rules/note-signing';
import { TaskOwnerRule } from './rules/task-owner';
import { hasTypeHistory } from './store/delegating-repository';
import { ValidatingRepository } from './store/validating-repository';

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

export interface RateLimitSettings {
  /** Requests per window per client address (default 600). */
  readonly max?: number;
  /** Requests per window from loopback addresses (default 100,000: the importer and local dev). */
  readonly loopbackMax?: number;
  /** Window length in ms (default 60,000). */
  readonly timeWindow?: number;
}

/** Runs against the root instance before the /fhir routes exist: add hooks, routes, decorators. */
export type AppSetup = (app: FastifyInstance) => void | Promise<void>;

export interface BuildAppOptions {
  /** The store. Wrapped once with the server's write rules (validation, conditional references). */
  readonly repository: FhirRepository;
  /** What the store supports (for /metadata and type checks); defaults to every indexed R4 type and parameter. */
  readonly capabilities?: StoreCapabilities;
  /** Fastify logger options (pino); false/undefined = silent. Serializers that drop URLs and bodies are added. */
  readonly logger?: boolean | Exclude<FastifyServerOptions['logger'], undefined>;
  /** An existing pino logger to use instead of `logger`. */
  readonly loggerInstance?: FastifyBaseLogger;
  readonly bodyLimit?: number;
  readonly rateLimit?: RateLimitSettings | false;
  /** Use X-Forwarded-Proto/Host/Prefix for absolute URLs (default true: the server sits behind dev proxies). */
  readonly trustForwardedHeaders?: boolean;
  /**
   * Extensions (e.g. SMART auth, access policy, audit), applied in order on the root instance before
   * the FHIR routes. A hook may replace `request.fhirRepository` to scope a request's data access.
   */
  readonly plugins?: readonly AppSetup[];
  /** Adds to the generated CapabilityStatement (e.g. rest.security for SMART). */
  readonly extendCapabilityStatement?: (statement: CapabilityStatement) => void;
  readonly softwareVersion?: string;
  /** Awaited after each write before its response is sent (the embedded deriver's `afterWrite`). */
  readonly afterWrite?: () => Promise<void>;
  /** The clock the business rules read (default Date.now; tests move a manual clock). */
  readonly now?: () => number;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    bodyLimit,
    logController: new LogController({ disableRequestLogging: true }),
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: withSafeSerializers(options.logger ?? false) }),
  });

  // Validation of every write, then the clinical business rules no caller may break (signed notes,
  // contingency-management rewards, Task owners); the per-request access policy wraps this repository.
  const validating = new ValidatingRepository(options.repository, (error) => {
    // Error class and code only: messages from the store may quote data.
    const { name, code } = error as { name?: string; code?: string };
    app.log.error({ err: { type: name, code } }, 'store failure');
  });
  const rules = [new NoteSigningRule(), new CmRewardRule(), new TaskOwnerRule()];
  const repository = new BusinessRulesRepository(validating, rules, {
    ...(options.now ? { now: options.now } : {}),
  });
  const store = options.capabilities ?? storeCapabilitiesOf(options.repository);
  const fhirRouter = new FhirRouter();
  if (store.typeHistory) {
    fhirRouter.add('GET', ':resourceType/_history', readTypeHistory, 'history-type');
  }

  // The single place the per-request repository is chosen; later hooks may wrap or replace it.
  app.decorateRequest('fhirRepository', null as unknown as FhirRepository);
  app.addHook('onRequest', async (request) => {
    request.fhirRepository = repository;
  });
  registerFhirInteraction(app, fhirRouter);

  app.addHook('onResponse', async (request, reply) => {
    // No URLs with query strings, no bodies, no ids: route pattern, interaction and type only.
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url,
        interaction: request.fhirInteraction?.interaction,
        resourceType: request.fhirInteraction?.resourceType,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
  });

  registerJsonParsers(app, bodyLimit);
  await app.register(formbody, { bodyLimit });
  await app.register(helmet, {
    // A JSON API: nothing may be loaded or framed. Routes serving HTML (sign-in) override per route.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  // Search Bundles are large and repetitive JSON: gzip cuts them ~15×. Brotli is left out, as its
  // default quality costs more CPU per response than the transfer it saves on a LAN.
  await app.register(compress, {
    global: true,
    threshold: 2048,
    encodings: ['gzip', 'deflate'],
    customTypes: /^application\/(fhir\+)?json/,
  });
  if (options.rateLimit !== false) {
    const limits = options.rateLimit ?? {};
    await app.register(rateLimit, {
      global: true,
      timeWindow: limits.timeWindow ?? 60_000,
      max: (request) => (LOOPBACK.test(request.ip) ? (limits.loopbackMax ?? 100_000) : (limits.max ?? 600)),
      errorResponseBuilder: (_request, context) => ({
        statusCode: context.statusCode,
        code: 'FST_ERR_RATE_LIMIT',
        message: `Rate limit exceeded, retry in ${context.after}`,
      }),
    });
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const [status, body] = errorToOutcome(error);
    if (status >= 500) {
      // The message may quote request data; log the error class and code only.
      request.log.error({ err: { type: error.name, code: error.code } }, 'request failed');
    }
    return sendOutcome(reply, status, body);
  });
  app.setNotFoundHandler((request, reply) =>
    sendOutcome(
      reply,
      404,
      outcome('not-found', `No route for ${request.method} ${request.routeOptions.url ?? 'this path'}`),
    ),
  );

  for (const setup of options.plugins ?? []) {
    await setup(app);
  }

  const software = { name: 'Waypoint FHIR server', version: options.softwareVersion ?? '0.1.0' };
  let statement: CapabilityStatement | undefined;
  registerFhirRoutes(app, {
    fhirRouter,
    trustForwardedHeaders: options.trustForwardedHeaders ?? true,
    support: searchSupport(store),
    ...(options.afterWrite ? { afterWrite: options.afterWrite } : {}),
    capabilityStatement: (baseUrl) => {
      if (!statement) {
        statement = buildCapabilityStatement(store, { software, batch: true, transaction: true });
        options.extendCapabilityStatement?.(statement);
      }
      return {
        ...statement,
        implementation: { description: 'Waypoint embedded FHIR R4 server', url: baseUrl },
      };
    },
  });
  return app;
}

/** The store's own capability report when it has one (SqliteRepository), else every indexed R4 type/param. */
function storeCapabilitiesOf(repository: FhirRepository): StoreCapabilities {
  const reporter = repository as FhirRepository & { getCapabilities?: () => IndexedStoreCapabilities };
  return typeof reporter.getCapabilities === 'function'
    ? fromIndexedStore(reporter.getCapabilities(), hasTypeHistory(repository))
    : defaultStoreCapabilities();
}

/** `GET [type]/_history[?_count&_offset&_since]`, which FhirRouter does not route. */
const readTypeHistory: FhirRouteHandler = async (req, repo) => {
  if (!hasTypeHistory(repo)) {
    return [badRequest('Type history is not supported')];
  }
  const last = (name: string): string | undefined => {
    const value = req.query[name];
    return Array.isArray(value) ? value.at(-1) : value;
  };
  const limit = last('_count');
  const offset = last('_offset');
  const bundle = await repo.readTypeHistory(req.params['resourceType'] as string, {
    limit: limit ? Number.parseInt(limit, 10) : undefined,
    offset: offset ? Number.parseInt(offset, 10) : undefined,
    since: last('_since'),
  });
  return [allOk, bundle];
};

function registerJsonParsers(app: FastifyInstance, bodyLimit: number): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    ['application/json', 'application/fhir+json', 'application/json-patch+json'],
    { parseAs: 'string', bodyLimit },
    (_request, body, done) => {
      const text = (body as string).trim();
      if (text === '') {
        done(null, undefined);
        return;
      }
      try {
        done(null, JSON.parse(text));
      } catch {
        done(new MalformedJsonError(), undefined);
      }
    },
  );
}

class MalformedJsonError extends Error {
  readonly statusCode = 400;
  readonly code = 'WAYPOINT_MALFORMED_JSON';
}

function errorToOutcome(error: FastifyError): [number, ReturnType<typeof serverFailure>] {
  if (error instanceof OperationOutcomeError) {
    return [getStatus(error.outcome), error.outcome];
  }
  switch (error.code) {
    case 'WAYPOINT_MALFORMED_JSON':
      return [400, malformedJson()];
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return [413, contentTooLarge('Request body exceeds the size limit')];
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return [
        415,
        outcome('not-supported', 'Content-Type must be application/fhir+json or application/json'),
      ];
    case 'FST_ERR_RATE_LIMIT':
      return [429, tooManyRequests];
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    return [500, serverFailure()];
  }
  return [status, normalizeOperationOutcome(error)];
}

/** Pino serializers that never emit URLs (query strings carry patient data), headers or bodies. */
function withSafeSerializers(
  logger: boolean | Exclude<FastifyServerOptions['logger'], undefined>,
): FastifyServerOptions['logger'] {
  if (logger === false) {
    return false;
  }
  const base = typeof logger === 'object' ? logger : {};
  return {
    ...base,
    serializers: {
      req: (req: { method?: string; routeOptions?: { url?: string } }) => ({
        method: req.method,
        route: req.routeOptions?.url,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      ...(base as { serializers?: object }).serializers,
    },
  };
}

/**
 * The worker's one FHIR REST client (any R4 server): knows the base URL and the bearer token, sends reads,
 * searches, batches and transactions, follows `next` links, and turns every failure into a FhirHttpError that
 * carries the server's OperationOutcome text. Error messages may quote the server and so stay out of logs:
 * the worker logs `operation` (method and resource type, never an id) and `status` only.
 */
import type {
  Bundle,
  BundleEntry,
  CapabilityStatement,
  OperationOutcome,
  Resource,
} from '@medplum/fhirtypes';

/** Bearer tokens for the client: `invalidate()` after a 401 makes the next `headers()` fetch a new one. */
export interface ClientAuth {
  headers(): Promise<Record<string, string>>;
  invalidate(): void;
}

export class FhirHttpError extends Error {
  override readonly name = 'FhirHttpError';

  constructor(
    /** What was attempted, without ids or parameters: `GET Observation`, `POST transaction`. */
    readonly operation: string,
    /** HTTP status (of the batch entry, for entries); 0 when the server could not be reached. */
    readonly status: number,
    readonly outcome?: OperationOutcome,
  ) {
    super(`${operation} → ${status || 'no response'}${outcome ? `: ${outcomeText(outcome)}` : ''}`);
  }
}

/** The readable text of an OperationOutcome (details, diagnostics or the issue code of each issue). */
export function outcomeText(outcome: OperationOutcome): string {
  return (outcome.issue ?? [])
    .map((issue) => issue.details?.text ?? issue.diagnostics ?? issue.code)
    .join('; ');
}

export interface FhirClientOptions {
  /** The FHIR base, e.g. `https://hapi.example.org/fhir`. */
  readonly baseUrl: string;
  /** None for an open server. */
  readonly auth?: ClientAuth;
  /** Defaults to the global fetch (tests pass a fake server). */
  readonly fetch?: typeof fetch;
}

export interface FhirResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

const FHIR_JSON = 'application/fhir+json';

export class FhirClient {
  readonly baseUrl: string;
  private readonly origin: string;
  private readonly fetchImpl: typeof fetch;
  private capabilityStatement: Promise<CapabilityStatement> | undefined;

  constructor(private readonly options: FhirClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** `[base]/metadata`, fetched once. */
  capabilities(): Promise<CapabilityStatement> {
    this.capabilityStatement ??= this.request<CapabilityStatement>('GET', 'metadata').then(
      (r) => r.body,
      (err: unknown) => {
        this.capabilityStatement = undefined;
        throw err;
      },
    );
    return this.capabilityStatement;
  }

  /**
   * One request. `path` is relative to the base (`Patient?_count=10`) or an absolute URL (a `next` link).
   * A 401 fetches a new token and retries once.
   */
  async request<T = Resource>(
    method: string,
    path: string,
    body?: unknown,
    label?: string,
  ): Promise<FhirResponse<T>> {
    const url = this.url(path);
    const operation = label ?? `${method} ${operationTarget(method, url, this.baseUrl)}`;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers: {
            accept: FHIR_JSON,
            ...(body !== undefined ? { 'content-type': FHIR_JSON } : {}),
            ...(await this.options.auth?.headers()),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      } catch (err) {
        throw Object.assign(new FhirHttpError(operation, 0), { cause: err });
      }
      if (response.status === 401 && attempt === 0 && this.options.auth) {
        await response.body?.cancel();
        this.options.auth.invalidate();
        continue;
      }
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      if (!response.ok) {
        throw new FhirHttpError(operation, response.status, asOutcome(parsed));
      }
      return { status: response.status, headers: response.headers, body: parsed as T };
    }
  }

  async read<T extends Resource>(resourceType: string, id: string): Promise<T> {
    return (await this.request<T>('GET', `${resourceType}/${encodeURIComponent(id)}`)).body;
  }

  /** Every resource of a search, following `next` links to the end. */
  async searchAll(path: string): Promise<Resource[]> {
    const first = (await this.request<Bundle>('GET', path)).body;
    return this.rest(first);
  }

  /** The entries of a searchset page and of every page after it (`next` links). */
  async rest(page: Bundle): Promise<Resource[]> {
    const out = entryResources(page);
    for (let next = nextLink(page); next !== undefined;) {
      const bundle = (await this.request<Bundle>('GET', next)).body;
      out.push(...entryResources(bundle));
      next = nextLink(bundle);
    }
    return out;
  }

  /**
   * A batch or transaction. The response is returned as it came: a batch's entries may have failed one by one
   * (see `entryError`); a transaction either succeeded whole or threw.
   */
  async bundle(type: 'batch' | 'transaction', entries: BundleEntry[]): Promise<Bundle> {
    const request: Bundle = { resourceType: 'Bundle', type, entry: entries };
    return (await this.request<Bundle>('POST', '', request, `POST ${type}`)).body;
  }

  /** The searchset of each entry of a batch of GETs, with every `next` page of each (in parallel). */
  async batchSearch(paths: readonly string[]): Promise<Resource[][]> {
    if (paths.length === 0) return [];
    const response = await this.bundle(
      'batch',
      paths.map((url) => ({ request: { method: 'GET', url } })),
    );
    return Promise.all(
      paths.map(async (path, i) => {
        const entry = response.entry?.[i];
        const error = entryError(entry, `GET ${operationTarget('GET', this.url(path), this.baseUrl)}`);
        if (error) throw error;
        const bundle = entry?.resource as Bundle | undefined;
        return bundle?.resourceType === 'Bundle' ? this.rest(bundle) : [];
      }),
    );
  }

  /**
   * An absolute URL for a path or link (relative links of batch responses are relative to the base). A link
   * naming another origin is followed on the configured one (a server behind a proxy often names itself by an
   * inner address): the token is only ever sent where it was meant to go.
   */
  url(path: string): string {
    if (/^https?:\/\//i.test(path)) {
      const link = new URL(path);
      return link.origin === this.origin ? path : `${this.origin}${link.pathname}${link.search}`;
    }
    const relative = path.replace(/^\/+/, '');
    return relative ? `${this.baseUrl}/${relative}` : this.baseUrl;
  }
}

/** A failed batch entry as an error (undefined when the entry succeeded). */
export function entryError(entry: BundleEntry | undefined, operation: string): FhirHttpError | undefined {
  const status = Number.parseInt(entry?.response?.status ?? '', 10);
  if (Number.isFinite(status) && status >= 200 && status < 300) return undefined;
  const outcome =
    asOutcome(entry?.response?.outcome) ??
    (entry?.resource?.resourceType === 'OperationOutcome' ? entry.resource : undefined);
  return new FhirHttpError(operation, Number.isFinite(status) ? status : 0, outcome);
}

function entryResources(bundle: Bundle | undefined): Resource[] {
  return (bundle?.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is Resource => r !== undefined && r.resourceType !== 'OperationOutcome');
}

function nextLink(bundle: Bundle | undefined): string | undefined {
  return bundle?.link?.find((l) => l.relation === 'next')?.url;
}

function asOutcome(value: unknown): OperationOutcome | undefined {
  return typeof value === 'object' &&
    value !== null &&
    'resourceType' in value &&
    (value as Resource).resourceType === 'OperationOutcome'
    ? (value as OperationOutcome)
    : undefined;
}

/** `Observation`, `Patient/$everything`, `batch`…: what a request is about, without ids or parameters. */
function operationTarget(method: string, url: string, base: string): string {
  if (!url.startsWith(base)) return 'page';
  const path = url.slice(base.length).replace(/^\/+/, '').split('?')[0] ?? '';
  if (path === '') return method === 'POST' ? 'batch' : 'page';
  const [type, second, third] = path.split('/');
  if (second?.startsWith('$')) return `${type}/${second}`;
  if (third?.startsWith('$')) return `${type}/${third}`;
  return type ?? '';
}

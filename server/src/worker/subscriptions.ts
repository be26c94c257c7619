/**
 * R4 rest-hook Subscriptions (hl7.org/fhir/R4/subscription.html): the worker asks the server to notify it of
 * every change to a watched type and listens for the notifications on a small HTTP endpoint of its own.
 * Servers differ in what a notification carries, and every form is understood:
 *   - the resource as the body (payload `application/fhir+json`; Medplum POSTs it to the endpoint),
 *   - the resource PUT to `<endpoint>/<Type>/<id>` (HAPI FHIR with a payload), or only that path (DELETE),
 *   - a Bundle of resources (history or notification bundles),
 *   - nothing at all (payload empty): the type is in the endpoint's path, and that type is polled at once.
 * Each notification must carry the header the worker put in `channel.header` (a random bearer secret).
 * The embedded Waypoint server stores Subscriptions but sends no notifications (it derives in-process);
 * against it, and as a safety net everywhere, the worker polls (changes.ts).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

import type { Bundle, Resource, Subscription } from '@medplum/fhirtypes';

import type { ChangeMapper } from './changes';
import { type FhirClient, FhirHttpError } from './fhir-client';

/** Largest notification body accepted (a resource or a small bundle). */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface NotificationHandlers {
  /** Patients whose record changed. */
  onPatients(patientIds: ReadonlySet<string>): void;
  /** A change that could not be placed (no payload, a deletion): poll now. */
  onUnplaced(resourceType: string | undefined): void;
}

export interface ListenerOptions {
  readonly port: number;
  readonly host?: string;
  /** The `Authorization` header value every notification must carry. */
  readonly authorization: string;
  /** Path prefix of the endpoint (the path of the public URL), e.g. `/hooks/waypoint`. */
  readonly basePath?: string;
}

/** The HTTP listener for notifications. Answers 200 once the notification is mapped to patients. */
export class NotificationListener {
  private server: Server | undefined;

  constructor(
    private readonly client: FhirClient,
    private readonly mapper: ChangeMapper,
    private readonly handlers: NotificationHandlers,
    private readonly options: ListenerOptions,
  ) {}

  /** Starts listening; resolves with the port bound (useful with port 0). */
  async listen(): Promise<number> {
    const server = createServer((request, response) => {
      void this.handle(request).then(
        (status) => response.writeHead(status, { 'content-type': 'text/plain' }).end(),
        () => response.writeHead(500).end(),
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage): Promise<number> {
    if (!['POST', 'PUT', 'DELETE'].includes(request.method ?? '')) return 405;
    if (!sameSecret(request.headers.authorization, this.options.authorization)) {
      request.resume();
      return 401;
    }
    const body = await readBody(request);
    if (body === undefined) return 413;
    const path = new URL(request.url ?? '/', 'http://listener').pathname
      .slice((this.options.basePath ?? '').replace(/\/+$/, '').length)
      .split('/')
      .filter(Boolean);
    const resources = parseResources(body);
    // `<Type>/<Type>/<id>` (HAPI appends the resource to the endpoint) or `<Type>/<id>`: the last two segments.
    const [type, id] = path.length >= 2 ? path.slice(-2) : [path[0], undefined];
    if (resources.length === 0 && type && id && request.method !== 'DELETE') {
      try {
        resources.push(await this.client.read(type, id));
      } catch (err) {
        if (!(err instanceof FhirHttpError)) throw err;
      }
    }
    if (resources.length === 0) {
      this.handlers.onUnplaced(type);
      return 200;
    }
    const patients = await this.mapper.patientsOf(resources);
    if (patients.size > 0) this.handlers.onPatients(patients);
    if (request.method === 'DELETE') this.handlers.onUnplaced(type);
    return 200;
  }
}

export interface SubscriptionSet {
  readonly ids: readonly string[];
  /** Deletes the Subscriptions (on shutdown). */
  remove(): Promise<void>;
}

/** A random secret for `channel.header`, as the `Authorization` header value the listener will require. */
export function notificationSecret(): string {
  return `Bearer ${randomBytes(24).toString('base64url')}`;
}

/**
 * One Subscription per type (criteria `Type?`, rest-hook to `<publicUrl>/<Type>`, full payload). Subscriptions
 * left by an earlier run to the same endpoints are deleted first.
 */
export async function subscribe(
  client: FhirClient,
  publicUrl: string,
  types: readonly string[],
  authorization: string,
): Promise<SubscriptionSet> {
  const base = publicUrl.replace(/\/+$/, '');
  const endpoints = types.map((type) => `${base}/${type}`);
  const stale = await client.batchSearch(
    endpoints.map((url) => `Subscription?url=${encodeURIComponent(url)}&_elements=id`),
  );
  const staleIds = [...new Set(stale.flat().map((s) => s.id as string))];
  await removeAll(client, staleIds);
  const ids: string[] = [];
  try {
    for (const [i, type] of types.entries()) {
      const subscription: Subscription = {
        resourceType: 'Subscription',
        // R4 lets a client ask with `requested`; Medplum only runs `active` Subscriptions and HAPI accepts both.
        status: 'active',
        reason:
          'Waypoint worker: derive clinical state (risk, alerts, caseload summary) when a record changes',
        criteria: `${type}?`,
        channel: {
          type: 'rest-hook',
          endpoint: endpoints[i] as string,
          payload: 'application/fhir+json',
          header: [`Authorization: ${authorization}`],
        },
      };
      const created = await client.request<Subscription>('POST', 'Subscription', subscription);
      if (created.body?.id) ids.push(created.body.id);
    }
  } catch (err) {
    await removeAll(client, ids).catch(() => undefined);
    throw err;
  }
  return { ids, remove: () => removeAll(client, ids) };
}

async function removeAll(client: FhirClient, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    try {
      await client.request('DELETE', `Subscription/${encodeURIComponent(id)}`);
    } catch (err) {
      if (!(err instanceof FhirHttpError) || (err.status !== 404 && err.status !== 410)) throw err;
    }
  }
}

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The resources of a notification body (a resource or a Bundle of them); none when empty or not FHIR. */
function parseResources(body: string): Resource[] {
  let parsed: unknown;
  try {
    parsed = body.trim() ? JSON.parse(body) : undefined;
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null || !('resourceType' in parsed)) return [];
  const resource = parsed as Resource;
  if (resource.resourceType === 'Bundle') {
    return ((resource as Bundle).entry ?? [])
      .map((e) => e.resource)
      .filter(
        (r): r is Resource =>
          r !== undefined &&
          !['SubscriptionStatus', 'Parameters', 'OperationOutcome'].includes(r.resourceType),
      );
  }
  return ['Parameters', 'OperationOutcome'].includes(resource.resourceType) ? [] : [resource];
}

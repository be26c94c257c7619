// Starts the real HTTP app on an ephemeral port for tests, and a tiny fetch-based FHIR client for it.
import type { FhirRepository } from '@medplum/fhir-router';
import type { Resource } from '@medplum/fhirtypes';
import type { FastifyInstance } from 'fastify';

import type { BuildAppOptions } from '../../src/app';
import { buildApp } from '../../src/app';
import { initFhirDefinitions } from '../../src/store/definitions';

export interface TestServer {
  readonly app: FastifyInstance;
  /** e.g. http://127.0.0.1:43121/fhir */
  readonly baseUrl: string;
  readonly client: FhirTestClient;
  close(): Promise<void>;
}

export async function startTestServer(
  repository: FhirRepository,
  options: Omit<BuildAppOptions, 'repository'> = {},
): Promise<TestServer> {
  initFhirDefinitions();
  const app = await buildApp({ repository, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('server did not bind a TCP port');
  }
  const baseUrl = `http://127.0.0.1:${address.port}/fhir`;
  return { app, baseUrl, client: new FhirTestClient(baseUrl), close: () => app.close() };
}

/** The body of a response a test has not typed (assertions read OperationOutcomes, Bundles… as plain JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON in assertions
export type UntypedJson = any;

export interface FhirResponse<T = UntypedJson> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export class FhirTestClient {
  constructor(readonly baseUrl: string) {}

  async request<T = UntypedJson>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<FhirResponse<T>> {
    const url = /^https?:/.test(path) ? path : `${this.baseUrl}/${path.replace(/^\//, '')}`;
    const init: RequestInit = { method, headers: { accept: 'application/fhir+json', ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers = { 'content-type': 'application/fhir+json', ...init.headers };
    }
    const response = await fetch(url, init);
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  get<T = UntypedJson>(path: string, headers?: Record<string, string>): Promise<FhirResponse<T>> {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = UntypedJson>(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<FhirResponse<T>> {
    return this.request<T>('POST', path, body, headers);
  }

  put<T = UntypedJson>(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<FhirResponse<T>> {
    return this.request<T>('PUT', path, body, headers);
  }

  delete<T = UntypedJson>(path: string, headers?: Record<string, string>): Promise<FhirResponse<T>> {
    return this.request<T>('DELETE', path, undefined, headers);
  }

  /** Creates a resource and returns it as stored (fails the test on anything but 201). */
  async create<T extends Resource>(resource: T): Promise<T & { id: string }> {
    const response = await this.post<T & { id: string }>(resource.resourceType, resource);
    if (response.status !== 201) {
      throw new Error(
        `create ${resource.resourceType} → ${response.status}: ${JSON.stringify(response.body)}`,
      );
    }
    return response.body;
  }
}

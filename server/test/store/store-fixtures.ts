// Shared helpers for the store tests: an in-memory SqliteRepository, search shortcuts, and a FhirRouter driver.
import { getStatus, parseSearchRequest } from '@medplum/core';
import type { FhirRequest, HttpMethod } from '@medplum/fhir-router';
import { FhirRouter } from '@medplum/fhir-router';
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';

import { initFhirDefinitions } from '../../src/store/definitions';
import { SqliteRepository, type SqliteRepositoryOptions } from '../../src/store/sqlite-repository';

export function openStore(path = ':memory:', options?: SqliteRepositoryOptions): SqliteRepository {
  initFhirDefinitions();
  return new SqliteRepository(path, options);
}

/** Runs `Type?query` and returns the bundle. */
export function search(repo: SqliteRepository, url: string): Promise<Bundle> {
  return repo.search(parseSearchRequest(url));
}

/** Runs `Type?query` and returns the ids of the matches, in order. */
export async function matchIds(repo: SqliteRepository, url: string): Promise<string[]> {
  const bundle = await search(repo, url);
  return (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id as string);
}

export interface RouterResponse {
  status: number;
  outcome: OperationOutcome;
  resource?: Resource;
}

/** Sends a request through FhirRouter (as the HTTP layer does, with transactions enabled). */
export async function send(
  repo: SqliteRepository,
  method: HttpMethod,
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<RouterResponse> {
  const router = new FhirRouter();
  const req: FhirRequest = {
    method,
    url,
    pathname: '',
    body,
    params: {},
    query: {},
    headers,
    config: { transactions: true },
  };
  const [outcome, resource] = await router.handleRequest(req, repo);
  return { status: getStatus(outcome), outcome, resource };
}

/** Row counts of every table: any half-written transaction would change one. */
export function snapshot(repo: SqliteRepository): Record<string, number> {
  const tables = repo.database
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  return Object.fromEntries(
    tables.map(({ name }) => [
      name,
      (repo.database.prepare(`SELECT COUNT(*) AS n FROM ${name}`).get() as { n: number }).n,
    ]),
  );
}

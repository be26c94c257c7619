// The conformance suite runs every behaviour over HTTP against each store: our SqliteRepository and
// fhir-router's MemoryRepository. Where MemoryRepository is known not to conform, the test still runs
// against it and must FAIL there — a documented difference that shows what our store adds. If such a
// test starts passing on MemoryRepository the difference list is stale and the suite says so.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import type { FhirRepository } from '@medplum/fhir-router';
import { MemoryRepository } from '@medplum/fhir-router';

import type { BuildAppOptions } from '../../src/app';
import { initFhirDefinitions } from '../../src/store/definitions';
import { SqliteRepository } from '../../src/store/sqlite-repository';
import type { TestServer } from './test-server';
import { startTestServer } from './test-server';

// Stores read the indexed definitions when they are constructed.
initFhirDefinitions();

export type StoreName = 'sqlite' | 'memory';

export interface StoreTarget {
  readonly name: StoreName;
  create(): FhirRepository;
  close(repository: FhirRepository): Promise<void>;
}

export const STORES: readonly StoreTarget[] = [
  {
    name: 'sqlite',
    // The HTTP layer validates every write; the store's own validation would do it twice.
    create: () => new SqliteRepository(':memory:', { validate: false }),
    close: (repository) => (repository as SqliteRepository).close(),
  },
  { name: 'memory', create: () => new MemoryRepository(), close: async () => undefined },
];

export interface ConformanceOptions {
  /** Why MemoryRepository fails this behaviour; the test then asserts that it does fail there. */
  readonly memoryDiffers?: string;
  /** Extra buildApp options (e.g. a tiny body limit). */
  readonly app?: Omit<BuildAppOptions, 'repository'>;
  /** Only for one store (behaviours that need a real database, e.g. crash recovery). */
  readonly only?: StoreName;
}

const differences: { behaviour: string; reason: string }[] = [];

/**
 * Declares one behaviour: a test per store, each against a fresh server on an ephemeral port.
 */
export function conformance(
  behaviour: string,
  body: (server: TestServer, store: StoreName) => Promise<void>,
  options: ConformanceOptions = {},
): void {
  for (const store of STORES) {
    if (options.only && options.only !== store.name) {
      continue;
    }
    const differs = store.name === 'memory' ? options.memoryDiffers : undefined;
    const name = differs
      ? `${store.name}: ${behaviour} [known difference: ${differs}]`
      : `${store.name}: ${behaviour}`;
    if (differs) {
      differences.push({ behaviour, reason: differs });
    }
    test(name, async () => {
      const repository = store.create();
      const server = await startTestServer(repository, { rateLimit: false, ...options.app });
      try {
        if (differs) {
          await assert.rejects(
            body(server, store.name),
            `MemoryRepository now passes "${behaviour}": remove it from the known differences`,
          );
        } else {
          await body(server, store.name);
        }
      } finally {
        await server.close();
        await store.close(repository);
      }
    });
  }
}

after(() => {
  if (differences.length > 0) {
    const lines = differences.map((d) => `  - ${d.behaviour}: ${d.reason}`);
    process.stdout.write(`# What SqliteRepository adds over MemoryRepository here:\n${lines.join('\n')}\n`);
  }
});

/** The ids of a searchset's matches, in order. */
export function matchIds(bundle: {
  entry?: { search?: { mode?: string }; resource?: { id?: string } }[];
}): string[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id as string);
}

/** Asserts a search returns exactly the expected ids (any order). */
export async function expectMatches(
  server: TestServer,
  query: string,
  expected: readonly string[],
): Promise<void> {
  const response = await server.client.get(query);
  assert.equal(response.status, 200, `${query} → ${response.status} ${JSON.stringify(response.body)}`);
  assert.deepEqual(matchIds(response.body).sort(), [...expected].sort(), query);
}

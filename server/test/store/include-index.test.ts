// `_include` is answered from the reference index (sqlite-repository.ts includedFromIndex) where it can be, and
// by @medplum/fhir-router's FHIRPath include otherwise; both must give the same entries (the includes in
// any order: FHIR does not define it). Matches a caller only
// passes on (`lazy`) are parsed only when read, and serialize to the same bytes either way.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { parseSearchRequest } from '@medplum/core';
import { getExtraEntries } from '@medplum/fhir-router';
import type { Bundle, BundleEntry, Observation, Resource } from '@medplum/fhirtypes';

import type { ScopedSearchOptions, SqliteRepository } from '../../src/store/sqlite-repository';
import { toJsonBuffer } from '../../src/store/stored-json';
import { openStore, search } from './store-fixtures';

const observation = (id: string, subject: string, performer: string[] = []): Observation => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
  subject: { reference: subject },
  performer: performer.map((reference) => ({ reference })),
});

const modes = (bundle: Bundle): string[] =>
  (bundle.entry ?? []).map((e) => `${e.search?.mode}:${e.resource?.resourceType}/${e.resource?.id}`);
/** Matches in order, then the includes sorted: FHIR leaves the order of included resources open. */
const matchesThenIncludes = (entries: string[]): string[] => [
  ...entries.filter((e) => e.startsWith('match:')),
  ...entries.filter((e) => !e.startsWith('match:')).sort(),
];

describe('_include from the reference index', () => {
  let repo: SqliteRepository;

  before(async () => {
    repo = openStore();
    for (const id of ['p1', 'p2', 'p3']) {
      await repo.updateResource({ resourceType: 'Patient', id, name: [{ family: `Family ${id}` }] });
    }
    await repo.updateResource({ resourceType: 'Practitioner', id: 'pr1', name: [{ family: 'Okafor' }] });
    await repo.updateResource({ resourceType: 'Group', id: 'g1', type: 'person', actual: true });
    await repo.updateResource(observation('o1', 'Patient/p1', ['Practitioner/pr1', 'Patient/p1']));
    await repo.updateResource(observation('o2', 'Patient/p1'));
    await repo.updateResource(observation('o3', 'Patient/p2', ['Practitioner/pr1']));
    await repo.updateResource(observation('o4', 'Group/g1'));
    await repo.updateResource(observation('o5', 'Patient/p3'));
    await repo.updateResource(observation('o6', 'Patient/gone'));
    await repo.deleteResource('Patient', 'p3');
  });

  after(() => repo.close());

  /** The same search's includes as @medplum/fhir-router computes them (FHIRPath on each match). */
  async function viaFhirPath(url: string): Promise<string[]> {
    const request = parseSearchRequest(url);
    const bundle = await search(repo, url.replace(/&_include[^&]*/g, ''));
    const matches = (bundle.entry ?? []).map((e) => e.resource as Resource);
    const entries: BundleEntry[] = [];
    await getExtraEntries(repo, request, matches, entries);
    return [...modes(bundle), ...modes({ resourceType: 'Bundle', type: 'searchset', entry: entries })];
  }

  for (const url of [
    'Observation?_include=Observation:subject',
    'Observation?_include=Observation:subject:Patient',
    'Observation?_include=Observation:subject:Group',
    'Observation?_include=Observation:performer&_include=Observation:subject',
    'Observation?_id=o1,o3&_include=Observation:performer',
    'Observation?subject=Patient/p1&_include=Observation:subject&_count=1',
  ]) {
    test(`${url} gives the entries FHIRPath gives`, async () => {
      assert.deepEqual(
        matchesThenIncludes(modes(await search(repo, url))),
        matchesThenIncludes(await viaFhirPath(url)),
      );
    });
  }

  test('each target once, not repeating a match; deleted and missing targets left out', async () => {
    assert.deepEqual(modes(await search(repo, 'Observation?_include=Observation:subject')), [
      'match:Observation/o1',
      'match:Observation/o2',
      'match:Observation/o3',
      'match:Observation/o4',
      'match:Observation/o5',
      'match:Observation/o6',
      'include:Patient/p1',
      'include:Patient/p2',
      'include:Group/g1',
    ]);
    // o1 names p1 as subject and performer: one entry.
    assert.deepEqual(
      modes(
        await search(repo, 'Observation?_id=o1&_include=Observation:subject&_include=Observation:performer'),
      ),
      ['match:Observation/o1', 'include:Patient/p1', 'include:Practitioner/pr1'],
    );
  });

  test('one idx_ref lookup per include and match, never a walk of all the parameter rows', () => {
    const { source } = (repo as unknown as { shared: { stmts: { includedByIndex: { source: string } } } })
      .shared.stmts.includedByIndex;
    const plan = (
      repo.database.prepare(`EXPLAIN QUERY PLAN ${source}`).all('[[1,null]]', '[1,2,3]') as {
        detail: string;
      }[]
    )
      .map((r) => r.detail)
      .join('\n');
    assert.match(plan, /SEARCH x USING COVERING INDEX idx_ref_rid \(rid=\? AND pid=\?\)/, plan);
    assert.doesNotMatch(plan, /SCAN x\b|PRIMARY KEY \(pid=\?\)/, plan);
  });

  test('lazy matches and includes read, spread and serialize as parsed ones do', async () => {
    const url = 'Observation?_id=o1,o3&_include=Observation:subject';
    const lazy: ScopedSearchOptions = { lazy: true };
    const plain = await search(repo, url);
    const deferred = await repo.search(parseSearchRequest(url), lazy);
    assert.equal(toJsonBuffer(deferred).toString(), toJsonBuffer(plain).toString());
    assert.equal(toJsonBuffer(deferred).toString(), JSON.stringify(plain));
    const first = deferred.entry?.[0]?.resource as Observation;
    assert.equal(first.subject?.reference, 'Patient/p1');
    assert.deepEqual({ ...first }, plain.entry?.[0]?.resource);
    assert.deepEqual(Object.keys(first), Object.keys(plain.entry?.[0]?.resource ?? {}));
    assert.ok('code' in first);
  });

  test('a lazy resource that is changed is written as changed, not as its stored bytes', async () => {
    const bundle = await repo.search(parseSearchRequest('Observation?_id=o2'), {
      lazy: true,
    } as ScopedSearchOptions);
    const resource = bundle.entry?.[0]?.resource as Observation;
    resource.status = 'amended';
    const written = JSON.parse(toJsonBuffer(bundle).toString()) as Bundle;
    assert.equal((written.entry?.[0]?.resource as Observation).status, 'amended');
    assert.equal(((await repo.readResource('Observation', 'o2')) as Observation).status, 'final');
  });
});

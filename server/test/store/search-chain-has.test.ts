// A one-level forward chain whose chained parameter is a one-level `_has`:
// `Observation?patient._has:CareTeam:patient:participant=Practitioner/x` (the caseload's per-type entries).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { parseSearchRequest, type SearchRequest } from '@medplum/core';
import type { CareTeam, Observation, Resource } from '@medplum/fhirtypes';

import type { SqliteRepository } from '../../src/store/sqlite-repository';
import { matchIds, openStore, search } from './store-fixtures';

function careTeam(id: string, patient: string, practitioner: string, status: CareTeam['status']): CareTeam {
  return {
    resourceType: 'CareTeam',
    id,
    status,
    subject: { reference: `Patient/${patient}` },
    participant: [{ member: { reference: `Practitioner/${practitioner}` } }],
  };
}

function obs(id: string, patient: string, date: string): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
    subject: { reference: `Patient/${patient}` },
    effectiveDateTime: date,
  };
}

describe('SqliteRepository search: chain to _has', () => {
  let repo: SqliteRepository;

  before(async () => {
    repo = openStore();
    const resources: Resource[] = [
      { resourceType: 'Patient', id: 'p1' },
      { resourceType: 'Patient', id: 'p2' },
      { resourceType: 'Patient', id: 'p3' },
      { resourceType: 'Group', id: 'g1', type: 'person', actual: true },
      careTeam('ct1', 'p1', 'me', 'active'),
      careTeam('ct2', 'p2', 'me', 'inactive'),
      careTeam('ct3', 'p3', 'other', 'active'),
      { ...careTeam('ct4', 'p3', 'me', 'active'), subject: { reference: 'Group/g1' } },
      obs('o1', 'p1', '2026-08-02'),
      obs('o2', 'p1', '2026-01-01'),
      obs('o3', 'p2', '2026-08-03'),
      obs('o4', 'p3', '2026-08-04'),
      { ...obs('o5', 'p3', '2026-08-05'), subject: { reference: 'Group/g1' } },
    ];
    for (const r of resources) {
      await repo.updateResource(r);
    }
  });

  after(() => repo.close());

  test('filters by the referenced resource being the target of a _has', async () => {
    assert.deepEqual(
      await matchIds(repo, 'Observation?patient._has:CareTeam:patient:participant=Practitioner/me'),
      ['o1', 'o2', 'o3'],
    );
    assert.deepEqual(
      await matchIds(repo, 'Observation?patient:Patient._has:CareTeam:patient:participant=Practitioner/me'),
      ['o1', 'o2', 'o3'],
    );
    assert.deepEqual(
      await matchIds(repo, 'Observation?patient._has:CareTeam:patient:participant=Practitioner/nobody'),
      [],
    );
  });

  test('combines with the other filters (date window, care team status in a second chain)', async () => {
    assert.deepEqual(
      await matchIds(
        repo,
        'Observation?patient._has:CareTeam:patient:participant=Practitioner/me&date=ge2026-08-01',
      ),
      ['o1', 'o3'],
    );
    // Two separate _has filters may match different care teams (FHIR semantics): p2's team is inactive.
    assert.deepEqual(
      await matchIds(
        repo,
        'Observation?patient._has:CareTeam:patient:participant=Practitioner/me&patient._has:CareTeam:patient:status=active',
      ),
      ['o1', 'o2'],
    );
  });

  test('over a reference with several target types, only the _has reference targets are searched', async () => {
    // CareTeam.subject targets Patient and Group: ct4 (subject Group/g1) makes o5 match through subject.
    assert.deepEqual(
      await matchIds(repo, 'Observation?subject._has:CareTeam:subject:participant=Practitioner/me'),
      ['o1', 'o2', 'o3', 'o5'],
    );
    assert.deepEqual(
      await matchIds(repo, 'Observation?subject:Group._has:CareTeam:subject:participant=Practitioner/me'),
      ['o5'],
    );
    // CareTeam.patient targets Patient only: the Group-subject team is not reached.
    assert.deepEqual(
      await matchIds(repo, 'Observation?subject._has:CareTeam:patient:participant=Practitioner/me'),
      ['o1', 'o2', 'o3'],
    );
  });

  test('a nested _has or an unknown source parameter is ignored and reported', async () => {
    for (const url of [
      'Observation?patient._has:CareTeam:patient:_has:Observation:subject:code=1',
      'Observation?patient._has:CareTeam:nope:participant=Practitioner/me',
    ]) {
      const bundle = await search(repo, url);
      assert.equal(bundle.entry?.filter((e) => e.search?.mode === 'match').length, 5, url);
      assert.ok(
        bundle.entry?.some((e) => e.search?.mode === 'outcome'),
        url,
      );
    }
  });

  test('is driven by the indexes, never a scan of a table', () => {
    const q = (repo as unknown as { compile(r: SearchRequest): { from: string; params: unknown[] } }).compile(
      parseSearchRequest(
        'Observation?patient._has:CareTeam:patient:participant=Practitioner/me&date=ge2026-08-01',
      ),
    );
    const rows = repo.database.prepare(`EXPLAIN QUERY PLAN SELECT r.json ${q.from}`).all(...q.params) as {
      detail: string;
    }[];
    const details = rows.map((r) => r.detail).join('\n');
    assert.doesNotMatch(details, /\bSCAN\b(?! CONSTANT)/, details);
  });
});

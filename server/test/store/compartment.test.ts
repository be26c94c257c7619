// The patient-compartment table: written with the index rows, read by the access policy instead of FHIRPath,
// and applied in SQL by `search(request, { compartment })`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { parseSearchRequest } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';

import type { SqliteRepository, StoreChange } from '../../src/store/sqlite-repository';
import { openStore } from './store-fixtures';

const survey = (id: string, patient: string): Resource => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
  subject: { reference: `Patient/${patient}` },
});

describe('SqliteRepository compartment index', () => {
  let repo: SqliteRepository;

  before(async () => {
    repo = openStore();
    for (const r of [
      { resourceType: 'Patient', id: 'p1' },
      { resourceType: 'Patient', id: 'p2' },
      survey('o1', 'p1'),
      survey('o2', 'p2'),
      {
        resourceType: 'Appointment',
        id: 'group',
        status: 'booked',
        start: '2026-11-20T10:00:00Z',
        end: '2026-11-20T11:00:00Z',
        participant: [
          { actor: { reference: 'Patient/p1' }, status: 'accepted' },
          { actor: { reference: 'Patient/p2' }, status: 'accepted' },
        ],
      },
      {
        resourceType: 'QuestionnaireResponse',
        id: 'note1',
        status: 'completed',
        subject: { reference: 'Patient/p1' },
      },
      // A signature names only the note; a co-sign task only its focus: both inherit the note's patient.
      {
        resourceType: 'Provenance',
        id: 'sig1',
        target: [{ reference: 'QuestionnaireResponse/note1/_history/1' }],
        recorded: '2026-11-20T11:00:00Z',
        agent: [{ who: { reference: 'Practitioner/c1' } }],
      },
      {
        resourceType: 'Task',
        id: 'cosign1',
        status: 'requested',
        intent: 'order',
        focus: { reference: 'QuestionnaireResponse/note1' },
      },
      { resourceType: 'Practitioner', id: 'c1' },
    ] as Resource[]) {
      await repo.updateResource(r);
    }
  });

  after(() => repo.close());

  test('membership: own patient, every patient of a group appointment, inherited through target and focus, none for shared', () => {
    assert.deepEqual(repo.compartmentOf('Patient', 'p1'), ['p1']);
    assert.deepEqual(repo.compartmentOf('Observation', 'o2'), ['p2']);
    assert.deepEqual(repo.compartmentOf('Appointment', 'group').sort(), ['p1', 'p2']);
    assert.deepEqual(repo.compartmentOf('Provenance', 'sig1'), ['p1']);
    assert.deepEqual(repo.compartmentOf('Task', 'cosign1'), ['p1']);
    assert.deepEqual(repo.compartmentOf('Practitioner', 'c1'), []);
    assert.deepEqual(repo.compartmentOf('Observation', 'missing'), []);
  });

  test('compartmentsOf answers many resources in one lookup, as compartmentOf does one by one', () => {
    const keys = [
      ['Patient', 'p1'],
      ['Observation', 'o2'],
      ['Appointment', 'group'],
      ['Task', 'cosign1'],
      ['Practitioner', 'c1'],
      ['Observation', 'missing'],
    ].map(([resourceType, id]) => ({ resourceType: resourceType as string, id: id as string }));
    const many = repo.compartmentsOf(keys);
    for (const { resourceType, id } of keys) {
      assert.deepEqual(
        [...(many.get(`${resourceType}/${id}`) ?? [])].sort(),
        repo.compartmentOf(resourceType, id).sort(),
        `${resourceType}/${id}`,
      );
    }
    assert.equal(many.has('Practitioner/c1'), false);
    assert.equal(repo.compartmentsOf([]).size, 0);
  });

  test('an update that moves a resource to another patient moves its membership; a delete removes it', async () => {
    await repo.updateResource(survey('o3', 'p1'));
    await repo.updateResource(survey('o3', 'p2'));
    assert.deepEqual(repo.compartmentOf('Observation', 'o3'), ['p2']);
    await repo.deleteResource('Observation', 'o3');
    assert.deepEqual(repo.compartmentOf('Observation', 'o3'), []);
  });

  test('a scoped search matches only the given patients, with an exact total', async () => {
    const request = { ...parseSearchRequest('Observation?code=44261-6'), total: 'accurate' as const };
    const scoped = await repo.search(request, { compartment: ['p1'] } as never);
    assert.deepEqual(
      scoped.entry?.map((e) => e.resource?.id),
      ['o1'],
    );
    assert.equal(scoped.total, 1);
    const unscoped = await repo.search(request);
    assert.equal(unscoped.total, 2);
    const none = await repo.search(parseSearchRequest('Observation'), { compartment: [] } as never);
    assert.equal(none.entry, undefined);
    // With no other filter the scope itself drives the query.
    const patients = await repo.search(parseSearchRequest('Patient'), { compartment: ['p2'] } as never);
    assert.deepEqual(
      patients.entry?.map((e) => e.resource?.id),
      ['p2'],
    );
  });

  test('a scoped search checks each candidate by its own compartment rows, not once per patient in scope', () => {
    // A program scope lists thousands of patients: probing the (rid, patient) index once per listed patient for
    // every candidate made a 2,000-patient program's search ~20 times slower than the rid lookup.
    const compiled = (
      repo as unknown as {
        compile(r: unknown, compartment: readonly string[]): { from: string; params: unknown[] };
      }
    ).compile(
      parseSearchRequest('Observation?code=44261-6'),
      Array.from({ length: 500 }, (_, i) => `p${i + 1}`),
    );
    const plan = (
      repo.database.prepare(`EXPLAIN QUERY PLAN SELECT r.rid ${compiled.from}`).all(...compiled.params) as {
        detail: string;
      }[]
    ).map((r) => r.detail);
    const lookup = plan.find((d) => /compartment/.test(d) && /\bc\b/.test(d));
    assert.match(lookup ?? '', /USING COVERING INDEX compartment_rid \(rid=\?\)$/, plan.join('\n'));
  });

  test('listeners hear about committed changes only, after commit, with their patients', async () => {
    const heard: StoreChange[][] = [];
    const stop = repo.onCommit((changes) => heard.push([...changes]));
    await repo.updateResource(survey('o4', 'p1'));
    await assert.rejects(
      repo.withTransaction(async (tx) => {
        await tx.updateResource(survey('o5', 'p2'));
        throw new Error('roll back');
      }),
    );
    await repo.withTransaction(async (tx) => {
      await tx.updateResource(survey('o6', 'p2'));
      await assert.rejects(
        tx.withTransaction(async (inner) => {
          await inner.updateResource(survey('o7', 'p1'));
          throw new Error('roll back the savepoint only');
        }),
      );
      assert.equal(heard.length, 1, 'nothing is announced before COMMIT');
    });
    stop();
    await repo.updateResource(survey('o8', 'p1'));
    assert.deepEqual(
      heard.map((batch) => batch.map((c) => [c.resourceType, c.id, c.patients])),
      [[['Observation', 'o4', ['p1']]], [['Observation', 'o6', ['p2']]]],
    );
  });
});

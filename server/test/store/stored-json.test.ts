// Responses write the stored bytes of the resources read from the store (server/src/store/stored-json.ts):
// the result is the same JSON as serializing the objects, and a changed resource is caught in tests.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';

import type { SqliteRepository } from '../../src/store/sqlite-repository';
import { toJsonBuffer } from '../../src/store/stored-json';
import { openStore, search } from './store-fixtures';

const patient = (id: string, family: string): Patient => ({
  resourceType: 'Patient',
  id,
  // Beyond Latin-1 (a two-byte string in V8), right-to-left, and a string shaped like the placeholder.
  name: [{ family, given: ['ليلى', '\\u0000 not a placeholder:0'] }],
  extension: [{ url: 'http://example.org/note', valueString: 'week 3 — relapse “slip”' }],
});

describe('stored JSON reuse', () => {
  let repo: SqliteRepository;

  before(async () => {
    repo = openStore();
    await repo.updateResource(patient('p1', 'Haddad'));
    await repo.updateResource(patient('p2', 'Nguyễn'));
  });

  after(() => repo.close());

  test('a search Bundle and a read serialize to exactly what JSON.stringify writes', async () => {
    const bundle = await search(repo, 'Patient?_sort=_id');
    const batch: Bundle = {
      resourceType: 'Bundle',
      type: 'batch-response',
      entry: [{ resource: bundle, response: { status: '200 OK' } }],
    };
    assert.equal(toJsonBuffer(batch).toString('utf8'), JSON.stringify(batch));
    const read = await repo.readResource<Patient>('Patient', 'p2');
    assert.equal(toJsonBuffer(read).toString('utf8'), JSON.stringify(read));
    assert.deepEqual(JSON.parse(toJsonBuffer(batch).toString('utf8')), JSON.parse(JSON.stringify(batch)));
  });

  test('objects not read from the store (a redacted copy, a new resource) are serialized as they are', async () => {
    const read = await repo.readResource<Patient>('Patient', 'p1');
    const copy: Resource = { ...read, meta: { ...read.meta, security: [{ code: 'REDACTED' }] } };
    assert.equal(toJsonBuffer([copy, read]).toString('utf8'), JSON.stringify([copy, read]));
  });

  test('with WAYPOINT_VERIFY_STORED_JSON=1, a resource changed after it was read is an error, not stale bytes', async () => {
    const before = process.env['WAYPOINT_VERIFY_STORED_JSON'];
    process.env['WAYPOINT_VERIFY_STORED_JSON'] = '1';
    try {
      const read = await repo.readResource<Patient>('Patient', 'p1');
      read.active = false;
      assert.throws(
        () => toJsonBuffer({ resourceType: 'Bundle', entry: [{ resource: read }] }),
        /was changed/,
      );
    } finally {
      if (before === undefined) delete process.env['WAYPOINT_VERIFY_STORED_JSON'];
      else process.env['WAYPOINT_VERIFY_STORED_JSON'] = before;
    }
  });
});

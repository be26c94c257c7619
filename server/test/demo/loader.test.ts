// Loading the clinic into the real store: definitions idempotent by canonical URL, demo clinic only once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Operator } from '@medplum/core';
import type { Provenance, Questionnaire } from '@medplum/fhirtypes';

import { clinicDefinitions, phq9 } from '../../../clinical/templates/index';
import { ensureClinicDefinitions, ensureDemoClinic } from '../../src/demo/index';
import { initFhirDefinitions } from '../../src/store/definitions';
import { SqliteRepository } from '../../src/store/sqlite-repository';

describe('demo clinic loaders', () => {
  let repo: SqliteRepository;
  before(() => {
    initFhirDefinitions();
    repo = new SqliteRepository(':memory:', { validate: true });
  });
  after(async () => repo.close());

  it('loads the definitions once, updates only a changed one, and finds them by canonical URL', async () => {
    const total = clinicDefinitions().length;
    assert.deepEqual(await ensureClinicDefinitions(repo), { created: total, updated: 0, unchanged: 0 });
    assert.deepEqual(await ensureClinicDefinitions(repo), { created: 0, updated: 0, unchanged: total });
    const changed = clinicDefinitions().map((d) =>
      d.resourceType === 'Questionnaire' && d.url === phq9.url ? { ...d, version: '9.9.9' } : d,
    );
    assert.deepEqual(await ensureClinicDefinitions(repo, changed), {
      created: 0,
      updated: 1,
      unchanged: total - 1,
    });
    const stored = await repo.searchResources<Questionnaire>({
      resourceType: 'Questionnaire',
      filters: [{ code: 'url', operator: Operator.EQUALS, value: phq9.url ?? '' }],
    });
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.version, '9.9.9');
  });

  it('seeds the demo clinic into an empty store with progress, and not again on the next start', async () => {
    const phases: string[] = [];
    const first = await ensureDemoClinic(repo, {
      seed: 'loader-test',
      asOf: '2026-11-28',
      patients: 6,
      onProgress: (p) => phases.push(p.phase),
    });
    assert.equal(first.seeded, true);
    assert.equal(first.definitions.updated, 1, 'the PHQ-9 changed by the previous test is restored');
    assert.deepEqual([phases[0], phases.at(-1)], ['definitions', 'done']);
    const patients = await repo.searchResources({ resourceType: 'Patient' });
    assert.equal(patients.length, 6);
    const stored = await repo.search({ resourceType: 'Observation', count: 0, total: 'accurate' });
    assert.ok((stored.total ?? 0) > 100);

    const second = await ensureDemoClinic(repo, { seed: 'loader-test', asOf: '2026-11-28', patients: 6 });
    assert.equal(second.seeded, false);
    assert.equal((await repo.searchResources({ resourceType: 'Patient' })).length, 6);
  });

  it('keeps the exact version a signature points at (QuestionnaireResponse/<id>/_history/1)', async () => {
    const provenance = await repo.searchResources<Provenance>({ resourceType: 'Provenance', count: 5 });
    assert.ok(provenance.length > 0);
    for (const p of provenance) {
      const [type, id, , vid] = (p.target[0]?.reference ?? '').split('/');
      const version = await repo.readVersion(type ?? '', id ?? '', vid ?? '');
      assert.equal(version.meta?.versionId, '1');
    }
  });
});

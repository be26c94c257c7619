// A principal's patient scope is read from the store page by page: a scope cut at the store's page size would
// silently hide patients (a coordinator's program at the 2,000-patient demo clinic lost 740 of 1,789).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { CareTeam, EpisodeOfCare, Resource } from '@medplum/fhirtypes';

import { resolvePatientScope, searchEvery } from '../../src/policy/principal';
import { MAX_PAGE_SIZE, type SqliteRepository } from '../../src/store/sqlite-repository';
import { openStore } from '../store/store-fixtures';

const PROGRAM = 'Organization/program';
const COORDINATOR = 'Practitioner/coordinator';
const COUNSELOR = 'Practitioner/counselor';
/** More patients than one page holds. */
const PATIENTS = MAX_PAGE_SIZE + 7;

describe('patient scope beyond one page', () => {
  let repo: SqliteRepository;

  before(async () => {
    repo = openStore(':memory:', { validate: false });
    const resources: Resource[] = [
      { resourceType: 'Organization', id: 'program', name: 'Program' },
      { resourceType: 'Practitioner', id: 'coordinator' },
      { resourceType: 'Practitioner', id: 'counselor' },
      {
        resourceType: 'PractitionerRole',
        id: 'coordinator-role',
        active: true,
        practitioner: { reference: COORDINATOR },
        organization: { reference: PROGRAM },
      },
    ];
    for (let i = 0; i < PATIENTS; i++) {
      const patient = { reference: `Patient/p${i}` };
      resources.push(
        { resourceType: 'Patient', id: `p${i}` },
        {
          resourceType: 'EpisodeOfCare',
          id: `e${i}`,
          status: 'active',
          patient,
          managingOrganization: { reference: PROGRAM },
        } satisfies EpisodeOfCare,
        {
          resourceType: 'CareTeam',
          id: `t${i}`,
          status: 'active',
          subject: patient,
          participant: [{ member: { reference: COUNSELOR } }],
        } satisfies CareTeam,
      );
    }
    for (const resource of resources) await repo.updateResource(resource);
  });

  after(() => repo.close());

  test('searchEvery returns every match, across pages of any size', async () => {
    const request = { resourceType: 'EpisodeOfCare' as const, filters: [] };
    const ids = (await searchEvery<EpisodeOfCare>(repo, request, 300)).map((e) => e.id);
    assert.equal(ids.length, PATIENTS);
    assert.equal(new Set(ids).size, PATIENTS, 'no page repeats another');
    assert.equal((await repo.searchResources({ ...request, count: 100_000 })).length, MAX_PAGE_SIZE);
    // Asking for more per page than the store returns still reads to the end.
    assert.equal((await searchEvery<EpisodeOfCare>(repo, request, MAX_PAGE_SIZE + 1000)).length, PATIENTS);
  });

  test("a coordinator's program and a counselor's care teams include every patient, not one page of them", async () => {
    const coordinator = await resolvePatientScope(repo, 'coordinator', new Set(['care-coordinator']));
    assert.equal(coordinator.all, false);
    assert.equal(coordinator.all === false && coordinator.patientIds.size, PATIENTS);
    const counselor = await resolvePatientScope(repo, 'counselor', new Set(['counselor']));
    assert.equal(counselor.all === false && counselor.patientIds.size, PATIENTS);
    assert.ok(counselor.all === false && counselor.patientIds.has(`p${PATIENTS - 1}`));
  });
});

// A search that discloses many patients names each of them in its AuditEvent: the accounting of who saw whose
// record has no cut-off (the trail once kept the first 200 of a coordinator's program).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import type { AuditEvent, Bundle } from '@medplum/fhirtypes';

import { type AuthTestServer, fhir, signIn, startAuthServer } from '../auth/auth-harness';

let server: AuthTestServer;
const added: string[] = [];
before(async () => {
  server = await startAuthServer();
  // 230 more patients in the coordinator's program (an active EpisodeOfCare managed by org1).
  await server.repository.withTransaction(async (tx) => {
    for (let i = 0; i < 230; i++) {
      const patient = await tx.createResource({
        resourceType: 'Patient',
        name: [{ family: `Program${i}`, given: ['Test'] }],
      });
      added.push(`Patient/${patient.id}`);
      await tx.createResource({
        resourceType: 'EpisodeOfCare',
        status: 'active',
        patient: { reference: `Patient/${patient.id}` },
        managingOrganization: { reference: `Organization/${server.clinic.org1}` },
      });
    }
  });
});
after(() => server.close());

test('a search over a whole program names every disclosed patient in its AuditEvent', async () => {
  const { accessToken } = await signIn(server, 'coordinator1');
  const before = server.auth.audit.search({ count: 1 }).total;
  const response = await fhir<Bundle>(server, accessToken, 'GET', 'Patient?_count=500');
  assert.equal(response.status, 200);
  const returned = (response.body.entry ?? []).map((e) => `Patient/${e.resource?.id}`);
  // The program: the 230 added and the clinic's two patients of org1 (not org2's patient).
  assert.equal(returned.length, 232);
  for (const reference of added) assert.ok(returned.includes(reference), `${reference} returned`);

  const { events, total } = server.auth.audit.search({ count: 10 });
  assert.equal(total, before + 1, 'one event for the search');
  const event = events[0] as AuditEvent;
  assert.equal(event.subtype?.[0]?.code, 'search-type');
  const named = (event.entity ?? [])
    .filter((e) => e.role?.code === '1')
    .map((e) => e.what?.reference)
    .sort();
  assert.deepEqual(named, [...returned].sort());
  // And the trail's own index finds the event by the last of them.
  const byPatient = server.auth.audit.search({ entity: added.at(-1), count: 5 });
  assert.ok(byPatient.events.some((e) => e.id === event.id));
});

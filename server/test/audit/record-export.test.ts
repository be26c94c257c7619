// POST /fhir/Patient/:id/$record-export over HTTP: the server records the export of a chart as an AuditEvent
// (clients cannot write AuditEvents), for users who may read the patient; others get 404, system clients 403.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { AuditEvent } from '@medplum/fhirtypes';

import { AUDIT_PRIORITY_SYSTEM } from '../../src/audit/audit-events';
import { getSystemToken } from '../../src/auth/system-token';
import { type AuthTestServer, fhir, signIn, startAuthServer } from '../auth/auth-harness';

let server: AuthTestServer;
const keysDir = mkdtempSync(join(tmpdir(), 'waypoint-export-keys-'));
before(async () => {
  server = await startAuthServer({ keysDir });
});
after(async () => {
  await server.close();
  rmSync(keysDir, { recursive: true, force: true });
});

const PRINT = { resourceType: 'Parameters', parameter: [{ name: 'medium', valueCode: 'print' }] };

/** The export events recorded for a patient, newest first (read from the audit table). */
function exportsOf(patientId: string): AuditEvent[] {
  return server.auth.audit
    .search({ entity: `Patient/${patientId}`, count: 1000 })
    .events.filter((e) => e.type.code === '110106');
}

describe('$record-export', () => {
  test('records an Export AuditEvent for a user who may read the patient, and names it', async () => {
    const { accessToken } = await signIn(server, 'counselor1');
    const { patientA, counselor1 } = server.clinic;
    const before = exportsOf(patientA).length;
    const response = await fhir(server, accessToken, 'POST', `Patient/${patientA}/$record-export`, PRINT);
    assert.equal(response.status, 200);
    assert.equal(response.body.resourceType, 'Parameters');
    const events = exportsOf(patientA);
    assert.equal(events.length, before + 1);
    const event = events[0] as AuditEvent;
    assert.equal(response.body.parameter[0].valueReference.reference, `AuditEvent/${event.id}`);
    assert.deepEqual(event.type, {
      system: 'http://dicom.nema.org/resources/ontology/DCM',
      code: '110106',
      display: 'Export',
    });
    assert.equal(event.action, 'R');
    assert.equal(event.outcome, '0');
    assert.equal(event.subtype?.[0]?.code, 'record-export');
    assert.equal(event.purposeOfEvent?.[0]?.coding?.[0]?.code, 'print');
    assert.equal(event.agent[0]?.who?.reference, `Practitioner/${counselor1}`);
    assert.equal(event.agent[0]?.requestor, true);
    assert.equal(event.agent[1]?.type?.coding?.[0]?.code, '110154');
    assert.deepEqual(
      event.entity?.map((e) => [e.what?.reference, e.role?.code]),
      [[`Patient/${patientA}`, '1']],
    );
    assert.equal(event.meta?.tag, undefined, 'not high priority without break-glass');
    // A body is optional: print is the default medium.
    const bare = await fhir(server, accessToken, 'POST', `Patient/${patientA}/$record-export`);
    assert.equal(bare.status, 200);
  });

  test('a patient outside the user’s scope answers 404 and records no export', async () => {
    const { accessToken } = await signIn(server, 'counselor1');
    const { patientB } = server.clinic;
    const before = exportsOf(patientB).length;
    const response = await fhir(server, accessToken, 'POST', `Patient/${patientB}/$record-export`, PRINT);
    assert.equal(response.status, 404);
    assert.equal(response.body.resourceType, 'OperationOutcome');
    const missing = await fhir(server, accessToken, 'POST', 'Patient/no-such-patient/$record-export', PRINT);
    assert.equal(missing.status, 404);
    assert.equal(exportsOf(patientB).length, before);
  });

  test('break-glass widens it like a read: the export carries the reason and is high priority', async () => {
    const { accessToken } = await signIn(server, 'counselor1');
    const { patientB } = server.clinic;
    const reason = 'Crisis call from the emergency department';
    const response = await fhir(server, accessToken, 'POST', `Patient/${patientB}/$record-export`, PRINT, {
      'x-break-glass-reason': reason,
    });
    assert.equal(response.status, 200);
    const event = exportsOf(patientB)[0] as AuditEvent;
    assert.equal(event.meta?.tag?.[0]?.system, AUDIT_PRIORITY_SYSTEM);
    assert.equal(event.meta?.tag?.[0]?.code, 'high');
    assert.ok(event.purposeOfEvent?.some((p) => p.coding?.[0]?.code === 'BTG' && p.text === reason));
  });

  test('refuses a bad medium, an anonymous caller and a system client', async () => {
    const { accessToken } = await signIn(server, 'counselor1');
    const { patientA } = server.clinic;
    const bad = await fhir(server, accessToken, 'POST', `Patient/${patientA}/$record-export`, {
      resourceType: 'Parameters',
      parameter: [{ name: 'medium', valueCode: 'usb-stick' }],
    });
    assert.equal(bad.status, 400);
    const anonymous = await fhir(server, undefined, 'POST', `Patient/${patientA}/$record-export`, PRINT);
    assert.equal(anonymous.status, 401);
    const system = await getSystemToken({
      baseUrl: server.fhirUrl,
      scope: 'system/*.rs',
      keyPath: join(keysDir, 'waypoint-cli.jwk.json'),
    });
    const refused = await fhir(
      server,
      system.accessToken,
      'POST',
      `Patient/${patientA}/$record-export`,
      PRINT,
    );
    assert.equal(refused.status, 403);
  });

  test('clients still cannot write AuditEvents themselves', async () => {
    const { accessToken } = await signIn(server, 'counselor1');
    const created = await fhir(server, accessToken, 'POST', 'AuditEvent', {
      resourceType: 'AuditEvent',
      type: { code: '110106' },
      recorded: new Date().toISOString(),
      agent: [{ requestor: true }],
      source: { observer: { display: 'me' } },
    });
    assert.equal(created.status, 403);
  });
});

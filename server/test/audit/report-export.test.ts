// POST /fhir/AuditEvent/$report-export over HTTP: exporting the audit report is itself audited (DICOM 110106
// Export, the filters in the query entity, the patients and users filtered on named), for supervisors only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { AuditEvent } from '@medplum/fhirtypes';

import { type AuthTestServer, fhir, signIn, startAuthServer } from '../auth/auth-harness';

let server: AuthTestServer;
before(async () => {
  server = await startAuthServer();
});
after(() => server.close());

const exportOf = (query: string, rows?: number) => ({
  resourceType: 'Parameters',
  parameter: [
    { name: 'query', valueString: query },
    ...(rows === undefined ? [] : [{ name: 'rows', valueInteger: rows }]),
    { name: 'format', valueCode: 'csv' },
  ],
});

describe('$report-export', () => {
  test('records an Export AuditEvent with the report’s filters, the patient and the user it is about', async () => {
    const { accessToken } = await signIn(server, 'supervisor1');
    const { patientA, counselor1, supervisor1 } = server.clinic;
    const query = `date=ge2026-11-01&date=lt2026-12-01&patient=Patient/${patientA}&agent=${counselor1}&outcome=4&_sort=-date`;
    const response = await fhir(
      server,
      accessToken,
      'POST',
      'AuditEvent/$report-export',
      exportOf(`AuditEvent?${query}`, 42),
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const reference = response.body.parameter[0].valueReference.reference as string;
    const event = server.auth.audit.read(reference.slice('AuditEvent/'.length)) as AuditEvent;
    assert.equal(event.type.code, '110106');
    assert.equal(event.action, 'R');
    assert.equal(event.subtype?.[0]?.code, 'report-export');
    assert.equal(event.outcomeDesc, 'Audit report exported as CSV: 42 rows');
    assert.equal(event.purposeOfEvent?.[0]?.coding?.[0]?.code, 'csv');
    assert.equal(event.agent[0]?.who?.reference, `Practitioner/${supervisor1}`);
    assert.equal(event.agent[1]?.type?.coding?.[0]?.code, '110154');
    const queryEntity = event.entity?.find((e) => e.role?.code === '24');
    assert.equal(queryEntity?.description, `AuditEvent?${query}`);
    assert.equal(Buffer.from(queryEntity?.query ?? '', 'base64').toString('utf8'), query);
    assert.deepEqual(
      queryEntity?.detail?.map((d) => [d.type, d.valueString]),
      [
        ['date', 'ge2026-11-01'],
        ['date', 'lt2026-12-01'],
        ['patient', `Patient/${patientA}`],
        ['agent', counselor1],
        ['outcome', '4'],
        ['_sort', '-date'],
      ],
    );
    assert.deepEqual(
      event.entity?.filter((e) => e.what).map((e) => [e.what?.reference, e.role?.code]),
      [
        [`Patient/${patientA}`, '1'],
        [`Practitioner/${counselor1}`, '6'],
      ],
    );
    // The export is in the report itself, found by the patient it was about.
    const found = await fhir(
      server,
      accessToken,
      'GET',
      `AuditEvent?patient=${patientA}&type=http://dicom.nema.org/resources/ontology/DCM|110106`,
    );
    assert.ok(found.body.entry.some((e: { resource: AuditEvent }) => e.resource.id === event.id));
  });

  test('a query the search cannot answer, or a bad body, is refused with 400 and records nothing', async () => {
    const { accessToken } = await signIn(server, 'supervisor1');
    const before = server.auth.audit.search({ count: 1 }).total;
    for (const [body, message] of [
      [exportOf('AuditEvent?action=Z'), /action: 'Z'/],
      [exportOf('Patient?name=x'), /query/],
      [exportOf('date=ge2026-01-01', -1), /rows/],
      [{ resourceType: 'Patient' }, /Parameters/],
    ] as const) {
      const response = await fhir(server, accessToken, 'POST', 'AuditEvent/$report-export', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(response.body.issue[0].details.text, message);
    }
    const exports = server.auth.audit
      .search({ count: 100 })
      .events.slice(0, server.auth.audit.search({ count: 1 }).total - before)
      .filter((e) => e.type.code === '110106');
    assert.deepEqual(exports, []);
  });

  test('roles that do not read the audit trail get 403; no token 401', async () => {
    for (const user of ['counselor1', 'coordinator1']) {
      const { accessToken } = await signIn(server, user);
      const response = await fhir(
        server,
        accessToken,
        'POST',
        'AuditEvent/$report-export',
        exportOf('date=ge2026-01-01'),
      );
      assert.equal(response.status, 403, user);
    }
    const anonymous = await fhir(
      server,
      undefined,
      'POST',
      'AuditEvent/$report-export',
      exportOf('date=ge2026-01-01'),
    );
    assert.equal(anonymous.status, 401);
  });
});

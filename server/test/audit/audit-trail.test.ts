// The audit trail over HTTP (an AuditEvent per FHIR interaction and auth event) and its hash chain,
// checked by the real `audit:verify` CLI against a database file that is then tampered with.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { AuditEvent } from '@medplum/fhirtypes';
import Database from 'better-sqlite3';

import { authAuditEvent } from '../../src/audit/audit-events';
import { AuditLog, verifyAuditChain } from '../../src/audit/audit-log';
import {
  authorize,
  type AuthTestServer,
  CookieJar,
  fhir,
  pkcePair,
  signIn,
  startAuthServer,
} from '../auth/auth-harness';

let server: AuthTestServer;
before(async () => {
  server = await startAuthServer();
});
after(() => server.close());

/** The events recorded while `action` ran. */
async function recorded(action: () => Promise<unknown>): Promise<AuditEvent[]> {
  const before = server.auth.audit.search({ count: 1 }).total;
  await action();
  const { events, total } = server.auth.audit.search({ count: 1000 });
  return events.slice(0, total - before).reverse();
}

const subtype = (e: AuditEvent) => e.subtype?.[0]?.code;

describe('what is recorded', () => {
  test('sign-in, failed sign-in and sign-out', async () => {
    const failed = await recorded(() =>
      authorize(server, new CookieJar(), {
        username: 'supervisor1',
        password: 'nope',
        challenge: pkcePair().challenge,
      }),
    );
    const failure = failed.find((e) => e.type.code === '110114');
    assert.equal(failure?.outcome, '4');
    assert.equal(subtype(failure as AuditEvent), '110122');
    assert.match(failure?.agent[0]?.who?.display ?? '', /supervisor1/);
    assert.ok(failure?.agent[0]?.network?.address, 'source address recorded');

    let session: Awaited<ReturnType<typeof signIn>> | undefined;
    const login = await recorded(async () => {
      session = await signIn(server, 'supervisor1');
    });
    const success = login.find((e) => e.type.code === '110114');
    assert.equal(success?.outcome, '0');
    assert.equal(success?.agent[0]?.who?.reference, `Practitioner/${server.clinic.supervisor1}`);

    const logout = await recorded(() =>
      fetch(`${server.auth.issuer}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: session?.refreshToken as string, client_id: 'waypoint' }),
      }),
    );
    assert.equal(logout.length, 1);
    assert.equal(subtype(logout[0] as AuditEvent), '110123');
    assert.equal(logout[0]?.agent[0]?.who?.reference, `Practitioner/${server.clinic.supervisor1}`);
  });

  test('read, search, create, update, delete and refused requests, with who, what and outcome', async () => {
    const { accessToken } = await signIn(server, 'counselor1');
    const c = server.clinic;
    const events = await recorded(async () => {
      await fhir(server, accessToken, 'GET', `Patient/${c.patientA}`);
      await fhir(server, accessToken, 'GET', `Observation?subject=Patient/${c.patientA}&code=44261-6`);
      const created = await fhir(server, accessToken, 'POST', 'Observation', {
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'craving' },
        subject: { reference: `Patient/${c.patientA}` },
      });
      await fhir(server, accessToken, 'PUT', `Observation/${created.body.id}`, {
        ...created.body,
        status: 'amended',
      });
      await fhir(server, accessToken, 'DELETE', `Observation/${created.body.id}`);
      await fhir(server, accessToken, 'GET', `Patient/${c.patientB}`);
      await fhir(server, undefined, 'GET', `Patient/${c.patientA}`);
    });
    assert.deepEqual(events.map(subtype), [
      'read',
      'search-type',
      'create',
      'update',
      'delete',
      'read',
      'read',
    ]);
    assert.deepEqual(
      events.map((e) => e.outcome),
      ['0', '0', '0', '0', '0', '4', '4'],
    );
    const [read, search, create] = events as [AuditEvent, AuditEvent, AuditEvent];
    assert.equal(read.agent[0]?.who?.reference, `Practitioner/${c.counselor1}`);
    assert.equal(read.entity?.[0]?.what?.reference, `Patient/${c.patientA}`);
    // The query is recorded by parameter names only; the patients disclosed are listed as entities.
    const query = search.entity?.find((e) => e.role?.code === '24');
    assert.equal(query?.description, 'Observation?code&subject');
    assert.ok(!JSON.stringify(search).includes(`subject=Patient/${c.patientA}`));
    assert.ok(search.entity?.some((e) => e.what?.reference === `Patient/${c.patientA}`));
    assert.match(create.entity?.[0]?.what?.reference ?? '', /^Observation\//);
    assert.equal(events[6]?.agent[0]?.who?.display, 'unauthenticated');
  });

  test('batch and transaction Bundles, history, vread and a refused create are named by their interaction', async () => {
    const { accessToken } = await signIn(server, 'counselor1');
    const c = server.clinic;
    const bundle = (type: 'batch' | 'transaction') => ({
      resourceType: 'Bundle',
      type,
      entry: [{ request: { method: 'GET', url: `Patient/${c.patientA}` } }],
    });
    const events = await recorded(async () => {
      await fhir(server, accessToken, 'POST', '', bundle('batch'));
      await fhir(server, accessToken, 'POST', '', bundle('transaction'));
      await fhir(server, accessToken, 'GET', `Patient/${c.patientA}/_history`);
      await fhir(server, accessToken, 'GET', `Patient/${c.patientA}/_history/1`);
      await fhir(server, undefined, 'POST', 'Observation', { resourceType: 'Observation' });
    });
    assert.deepEqual(
      events.map((e) => [
        subtype(e),
        e.outcome,
        e.entity?.find((x) => x.role?.code === '4')?.what?.reference,
      ]),
      [
        ['batch', '0', undefined],
        ['transaction', '0', undefined],
        ['history-instance', '0', `Patient/${c.patientA}`],
        ['vread', '0', `Patient/${c.patientA}`],
        ['create', '4', undefined],
      ],
    );
  });

  test('a system token is audited like a user, as the client', async () => {
    const { getSystemToken } = await import('../../src/auth/system-token');
    const dir = mkdtempSync(join(tmpdir(), 'waypoint-audit-keys-'));
    const keyed = await startAuthServer({ keysDir: dir });
    try {
      const before = keyed.auth.audit.search({ count: 1 }).total;
      const token = await getSystemToken({
        baseUrl: keyed.fhirUrl,
        scope: 'system/*.rs',
        keyPath: join(dir, 'waypoint-cli.jwk.json'),
      });
      await fhir(keyed, token.accessToken, 'GET', 'Patient');
      const events = keyed.auth.audit
        .search({ count: 10 })
        .events.slice(0, keyed.auth.audit.search().total - before);
      assert.ok(
        events.some((e) => e.type.code === '110114' && e.agent[0]?.who?.identifier?.value === 'waypoint-cli'),
      );
      assert.ok(
        events.some(
          (e) => subtype(e) === 'search-type' && e.agent[0]?.who?.identifier?.value === 'waypoint-cli',
        ),
      );
    } finally {
      await keyed.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hash chain and audit:verify', () => {
  let dir: string;
  let path: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'waypoint-audit-'));
    path = join(dir, 'waypoint.db');
    const db = new Database(path);
    const log = new AuditLog(db);
    for (let i = 0; i < 5; i++) {
      log.record(
        authAuditEvent({ kind: 'login', actor: { kind: 'user', practitionerId: `p${i}` }, ip: '127.0.0.1' }),
      );
    }
    db.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function verifyCli(): { status: number | null; output: string } {
    const result = spawnSync(
      process.execPath,
      ['scripts/run-ts.mjs', 'server/src/audit/verify-cli.ts', '--db', path],
      {
        encoding: 'utf8',
      },
    );
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  /** Runs a tampering statement as someone with file access would: triggers dropped first. */
  function tamper(sql: string): void {
    const db = new Database(path);
    db.exec('DROP TRIGGER IF EXISTS audit_event_no_update; DROP TRIGGER IF EXISTS audit_event_no_delete;');
    db.exec(sql);
    db.close();
  }

  test('the application cannot update or delete audit rows', () => {
    const db = new Database(path);
    try {
      assert.throws(() => db.exec("UPDATE audit_event SET content = '{}' WHERE seq = 1"), /append-only/);
      assert.throws(() => db.exec('DELETE FROM audit_event WHERE seq = 1'), /append-only/);
    } finally {
      db.close();
    }
  });

  test('an intact chain verifies', () => {
    const result = verifyCli();
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /intact: 5 event/);
  });

  test('an edited row is named', () => {
    tamper(
      `UPDATE audit_event SET content = replace(content, 'Practitioner/p2', 'Practitioner/p9') WHERE seq = 3`,
    );
    const result = verifyCli();
    assert.equal(result.status, 1);
    assert.match(result.output, /BROKEN at row 3 .*edited/);
  });

  test('a deleted row is named (middle and last)', () => {
    tamper(
      `UPDATE audit_event SET content = replace(content, 'Practitioner/p9', 'Practitioner/p2') WHERE seq = 3`,
    );
    assert.equal(verifyCli().status, 0, 'restoring the edit restores the chain');
    tamper('DELETE FROM audit_event WHERE seq = 2');
    const middle = verifyCli();
    assert.equal(middle.status, 1);
    assert.match(middle.output, /BROKEN at row 3 .*row\(s\) 2\.\.2 missing/);
    const db = new Database(path);
    assert.deepEqual(verifyAuditChain(db), {
      ok: false,
      rows: 2,
      seq: 3,
      id: (db.prepare('SELECT id FROM audit_event WHERE seq = 3').get() as { id: string }).id,
      reason: 'row(s) 2..2 missing: chain broken before this row',
    });
    db.close();
  });

  test('a deleted last row is detected', () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'waypoint-audit-tail-'));
    try {
      const db = new Database(join(dir2, 'w.db'));
      const log = new AuditLog(db);
      for (let i = 0; i < 3; i++)
        log.record(authAuditEvent({ kind: 'logout', actor: { kind: 'anonymous' } }));
      db.exec('DROP TRIGGER audit_event_no_delete; DELETE FROM audit_event WHERE seq = 3');
      const verdict = verifyAuditChain(db);
      assert.equal(verdict.ok, false);
      assert.match(verdict.ok ? '' : verdict.reason, /last row\(s\) 3\.\.3 deleted/);
      db.close();
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });
});

// The audit report's search over HTTP (GET /fhir/AuditEvent, ONC §170.315(d)(3)): every filter, date ranges,
// sorting on every column both ways, paging, and the team scope a supervisor's search is limited to — asserted on
// events that real HTTP calls and sign-ins of other users wrote, plus a year of back-dated events for sorting.
//   counselor1 is supervised by supervisor1 and treats patientA; counselor2 treats patientB (another team).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { AuditEvent } from '@medplum/fhirtypes';

import { AUDIT_PRIORITY_SYSTEM, restAuditEvent } from '../../src/audit/audit-events';
import { getSystemToken } from '../../src/auth/system-token';
import {
  authorize,
  type AuthTestServer,
  CookieJar,
  fhir,
  type Json,
  pkcePair,
  type Session,
  signIn,
  startAuthServer,
} from '../auth/auth-harness';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const REASON = 'Patient in crisis at the front desk, own counselor away';

let server: AuthTestServer;
let c: AuthTestServer['clinic'];
const keysDir = mkdtempSync(join(tmpdir(), 'waypoint-audit-report-keys-'));
const sessions: Record<string, Session> = {};
let systemToken: string;
const as = (user: string) => (sessions[user] as Session).accessToken;

/** Every event in the audit table, oldest first. */
function allEvents(): AuditEvent[] {
  return server.auth.audit.search({ count: 100_000 }).events.reverse();
}

/** Waits until the audit table holds an event matching `match` (events are written after the response). */
async function eventually(match: (e: AuditEvent) => boolean): Promise<AuditEvent> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = allEvents().find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('the expected AuditEvent was not recorded');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const who = (e: AuditEvent) => e.agent[0]?.who?.reference;
const names = (e: AuditEvent) => [
  ...e.agent.map((a) => a.who?.reference),
  ...(e.entity ?? []).map((x) => x.what?.reference),
];
const ids = (bundle: Json): string[] => (bundle.entry ?? []).map((x: Json) => x.resource.id);

/** Follows `next` links from a first page; returns every event in order. */
async function allPages(token: string, path: string): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  let next: string | undefined = path;
  while (next) {
    const page: { status: number; body: Json } = await fhir(server, token, 'GET', next);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    out.push(...(page.body.entry ?? []).map((x: Json) => x.resource as AuditEvent));
    const link = page.body.link?.find((l: Json) => l.relation === 'next')?.url as string | undefined;
    next = link ? link.slice(`${server.fhirUrl}/`.length) : undefined;
  }
  return out;
}

before(async () => {
  server = await startAuthServer({ keysDir });
  c = server.clinic;
  for (const user of ['counselor1', 'counselor2', 'supervisor1', 'coordinator1']) {
    sessions[user] = await signIn(server, user);
  }
  systemToken = (
    await getSystemToken({
      baseUrl: server.fhirUrl,
      scope: 'system/*.rs',
      keyPath: join(keysDir, 'waypoint-cli.jwk.json'),
    })
  ).accessToken;
});
after(async () => {
  await server.close();
  rmSync(keysDir, { recursive: true, force: true });
});

describe('a supervisor reads their team’s events only', () => {
  const seen: Record<string, AuditEvent> = {};

  before(async () => {
    const read = (user: string, patient: string, headers: Record<string, string> = {}) =>
      fhir(server, as(user), 'GET', `Patient/${patient}`, undefined, headers);
    const readOf = (user: string, patient: string, breakGlass = false) =>
      eventually(
        (e) =>
          who(e) === `Practitioner/${(c as unknown as Record<string, string>)[user]}` &&
          e.subtype?.[0]?.code === 'read' &&
          e.entity?.[0]?.what?.reference === `Patient/${patient}` &&
          (e.purposeOfEvent?.[0]?.text === REASON) === breakGlass,
      );
    await read('counselor1', c.patientA);
    seen['teamReadsOwn'] = await readOf('counselor1', c.patientA);
    await read('counselor2', c.patientB);
    seen['otherTeamReadsOwn'] = await readOf('counselor2', c.patientB);
    await read('counselor2', c.patientA, { 'x-break-glass-reason': REASON });
    seen['otherBreaksGlassOnTeamPatient'] = await readOf('counselor2', c.patientA, true);
    await read('counselor1', c.patientB, { 'x-break-glass-reason': REASON });
    seen['teamBreaksGlassElsewhere'] = await readOf('counselor1', c.patientB, true);
    await read('coordinator1', c.patientB);
    seen['coordinatorReadsOther'] = await readOf('coordinator1', c.patientB);

    const failSignIn = async (username: string) => {
      await authorize(server, new CookieJar(), {
        username,
        password: 'wrong password',
        challenge: pkcePair().challenge,
      });
      return eventually(
        (e) =>
          e.type.code === '110114' &&
          e.outcome === '4' &&
          (e.agent[0]?.who?.display ?? '').includes(`(${username})`),
      );
    };
    seen['teamFailedSignIn'] = await failSignIn('counselor1');
    seen['otherFailedSignIn'] = await failSignIn('counselor2');
    seen['unknownFailedSignIn'] = await failSignIn('nobody-here');
  });

  test('exactly the events naming the supervisor, counselor1 or patientA, from every user', async () => {
    const last = allEvents().at(-1) as AuditEvent;
    const cutoff = new Date(Date.parse(last.recorded) + 1).toISOString();
    while (Date.now() <= Date.parse(cutoff)) await new Promise((resolve) => setImmediate(resolve));
    const visible = await allPages(
      as('supervisor1'),
      `AuditEvent?date=lt${encodeURIComponent(cutoff)}&_count=100`,
    );
    const team = new Set([
      `Practitioner/${c.supervisor1}`,
      `Practitioner/${c.counselor1}`,
      `Patient/${c.patientA}`,
    ]);
    const expected = allEvents()
      .filter((e) => e.recorded < cutoff && names(e).some((r) => r !== undefined && team.has(r)))
      .map((e) => e.id)
      .reverse();
    assert.deepEqual(
      visible.map((e) => e.id),
      expected,
      'newest first, all and only the team’s',
    );
    const visibleIds = new Set(visible.map((e) => e.id));
    const has = (key: string) => visibleIds.has((seen[key] as AuditEvent).id);
    assert.ok(has('teamReadsOwn'), 'a supervisee’s read');
    assert.ok(has('otherBreaksGlassOnTeamPatient'), 'another team’s break-glass on a team patient');
    assert.ok(has('teamBreaksGlassElsewhere'), 'a supervisee’s break-glass on another patient');
    assert.ok(has('teamFailedSignIn'), 'a failed sign-in as a team member');
    assert.ok(!has('otherTeamReadsOwn'), 'counselor2 reading their own patient is not theirs');
    assert.ok(!has('coordinatorReadsOther'), 'the coordinator reading patientB is not theirs');
    assert.ok(!has('otherFailedSignIn'), 'a failed sign-in as counselor2 is not theirs');
    assert.ok(!has('unknownFailedSignIn'), 'a failed sign-in naming no account is not theirs');
    assert.ok(
      visible.every((e) => names(e).some((r) => r !== undefined && team.has(r))),
      'every event names the team',
    );
  });

  test('reading one event by id follows the same scope', async () => {
    const mine = await fhir(server, as('supervisor1'), 'GET', `AuditEvent/${seen['teamReadsOwn']?.id}`);
    assert.equal(mine.status, 200);
    assert.equal(mine.body.id, seen['teamReadsOwn']?.id);
    const other = await fhir(server, as('supervisor1'), 'GET', `AuditEvent/${seen['otherTeamReadsOwn']?.id}`);
    assert.equal(other.status, 404);
  });

  test('filtering by another team’s patient or user finds only what touches the team', async () => {
    const byPatient = await allPages(
      as('supervisor1'),
      `AuditEvent?patient=Patient/${c.patientB}&_count=100`,
    );
    assert.ok(byPatient.length > 0);
    assert.ok(
      byPatient.every((e) => who(e) === `Practitioner/${c.counselor1}`),
      'only counselor1’s access to B',
    );
    const byUser = await allPages(as('supervisor1'), `AuditEvent?agent=${c.counselor2}&_count=100`);
    assert.ok(byUser.some((e) => e.id === seen['otherBreaksGlassOnTeamPatient']?.id));
    assert.ok(
      byUser.every((e) => names(e).includes(`Patient/${c.patientA}`)),
      'only counselor2’s access to A',
    );
  });

  test('break-glass and failed sign-ins carry the fields a client highlights, and can be searched for', async () => {
    const glass = seen['otherBreaksGlassOnTeamPatient'] as AuditEvent;
    assert.deepEqual(glass.purposeOfEvent?.[0]?.coding?.[0], {
      system: ACT_REASON,
      code: 'BTG',
      display: 'break the glass',
    });
    assert.equal(glass.purposeOfEvent?.[0]?.text, REASON);
    assert.deepEqual(
      glass.meta?.tag?.map((t) => [t.system, t.code]),
      [[AUDIT_PRIORITY_SYSTEM, 'high']],
    );
    const flagged = await allPages(
      as('supervisor1'),
      `AuditEvent?_tag=${encodeURIComponent(`${AUDIT_PRIORITY_SYSTEM}|high`)}&_count=100`,
    );
    assert.ok(flagged.length >= 2);
    assert.ok(flagged.every((e) => e.purposeOfEvent?.some((p) => p.coding?.[0]?.code === 'BTG')));

    const failed = seen['teamFailedSignIn'] as AuditEvent;
    assert.deepEqual(failed.type, { system: DCM, code: '110114', display: 'User Authentication' });
    assert.equal(failed.subtype?.[0]?.code, '110122');
    assert.equal(failed.outcome, '4');
    assert.equal(failed.agent[0]?.who?.reference, undefined, 'the agent stays unauthenticated');
    const account = failed.entity?.find((x) => x.role?.code === '11');
    assert.equal(account?.what?.reference, `Practitioner/${c.counselor1}`);
    const failures = await allPages(
      as('supervisor1'),
      `AuditEvent?type=${encodeURIComponent(`${DCM}|110114`)}&outcome=4&_count=100`,
    );
    assert.deepEqual(
      failures.map((e) => e.id),
      [failed.id],
    );
  });

  test('a system client reads every event, failed sign-ins of unknown users included', async () => {
    const failures = await allPages(systemToken, 'AuditEvent?type=110114&outcome=4&_count=100');
    const found = new Set(failures.map((e) => e.id));
    for (const key of ['teamFailedSignIn', 'otherFailedSignIn', 'unknownFailedSignIn']) {
      assert.ok(found.has(seen[key]?.id), key);
    }
    const unknown = seen['unknownFailedSignIn'] as AuditEvent;
    assert.equal(
      unknown.entity?.find((x) => x.role?.code === '11'),
      undefined,
      'no account named',
    );
  });

  test('counselors and coordinators read no events', async () => {
    for (const user of ['counselor1', 'coordinator1']) {
      const search = await fhir(server, as(user), 'GET', 'AuditEvent?_total=accurate');
      assert.equal(search.status, 200);
      assert.deepEqual(ids(search.body), []);
      assert.equal(search.body.total, 0);
      const read = await fhir(server, as(user), 'GET', `AuditEvent/${seen['teamReadsOwn']?.id}`);
      assert.equal(read.status, 404);
    }
  });
});

describe('filters, sorting and paging', () => {
  // Back-dated events of the team (2020), each column with distinct values so that every sort has one answer.
  const YEAR = 'date=ge2020-01-01&date=lt2021-01-01';
  let events: AuditEvent[];

  before(async () => {
    const rows: [string, string, string, number, string | undefined, string][] = [
      // [day, agent display, interaction, status, patient, who]
      ['2020-03-01T10:00:00Z', 'Casey One', 'read', 200, 'A', 'counselor1'],
      ['2020-03-02T09:30:00Z', 'alex Adams', 'create', 201, 'A', 'counselor1'],
      ['2020-03-02T23:59:59Z', 'Sam Super', 'update', 404, 'B', 'supervisor1'],
      ['2020-03-03T00:00:00Z', 'bea Brown', 'delete', 500, 'A', 'counselor1'],
      ['2020-03-04T12:00:00Z', 'Zed Zulu', 'search-type', 200, undefined, 'supervisor1'],
      ['2020-03-05T08:00:00Z', 'Dee Day', 'vread', 200, 'C', 'counselor1'],
    ];
    const patient = { A: c.patientA, B: c.patientB, C: c.patientC } as Record<string, string>;
    events = [];
    for (const [day, display, interaction, status, p, user] of rows) {
      const event = restAuditEvent({
        actor: {
          kind: 'user',
          practitionerId: (c as unknown as Record<string, string>)[user] as string,
          display,
        },
        interaction,
        resourceType: 'Patient',
        ...(p ? { target: `Patient/${patient[p]}` } : { searchParams: ['name'] }),
        status,
        recorded: new Date(day),
      });
      events.push(
        await server.auth.audit.record(display === 'Dee Day' ? { ...event, outcome: '12' } : event),
      );
    }
  });

  const search = (query: string) => fhir(server, as('supervisor1'), 'GET', `AuditEvent?${query}`);
  const displays = (bundle: Json): string[] =>
    (bundle.entry ?? []).map((x: Json) => x.resource.agent[0].who.display);
  const byDisplay = (...wanted: string[]) => wanted;

  test('a date range (two date parameters), a day, and each prefix', async () => {
    const range = await search('date=ge2020-03-02&date=lt2020-03-04');
    assert.deepEqual(displays(range.body), byDisplay('bea Brown', 'Sam Super', 'alex Adams'));
    const day = await search('date=2020-03-02');
    assert.deepEqual(displays(day.body), byDisplay('Sam Super', 'alex Adams'));
    const after = await search('date=gt2020-03-02&date=lt2021-01-01');
    assert.deepEqual(displays(after.body), byDisplay('Dee Day', 'Zed Zulu', 'bea Brown'));
    const upTo = await search('date=ge2020-01-01&date=le2020-03-02T09:30:00Z');
    assert.deepEqual(displays(upTo.body), byDisplay('alex Adams', 'Casey One'));
    const offset = await search('date=ge2020-03-02T20:00:00-05:00&date=lt2021-01-01');
    assert.deepEqual(
      displays(offset.body),
      byDisplay('Dee Day', 'Zed Zulu'),
      'a time zone offset is honoured',
    );
  });

  test('each filter: agent, patient, entity, action, outcome, type, subtype', async () => {
    const cases: [string, string[]][] = [
      [`agent=Practitioner/${c.supervisor1}`, ['Zed Zulu', 'Sam Super']],
      [`agent=${c.supervisor1}`, ['Zed Zulu', 'Sam Super']],
      [`patient=Patient/${c.patientA}`, ['bea Brown', 'alex Adams', 'Casey One']],
      [`patient=${c.patientB}`, ['Sam Super']],
      [`entity=Patient/${c.patientC}`, ['Dee Day']],
      ['action=C', ['alex Adams']],
      ['action=C,D', ['bea Brown', 'alex Adams']],
      ['action:not=R', ['Zed Zulu', 'bea Brown', 'Sam Super', 'alex Adams']],
      ['outcome=4', ['Sam Super']],
      ['outcome=8,12', ['Dee Day', 'bea Brown']],
      [
        'type=http://terminology.hl7.org/CodeSystem/audit-event-type|rest',
        ['Dee Day', 'Zed Zulu', 'bea Brown', 'Sam Super', 'alex Adams', 'Casey One'],
      ],
      ['type=http://example.org/other|rest', []],
      ['subtype=read,vread', ['Dee Day', 'Casey One']],
      ['subtype=http://hl7.org/fhir/restful-interaction|search-type', ['Zed Zulu']],
    ];
    for (const [query, expected] of cases) {
      const result = await search(`${YEAR}&${query}`);
      assert.equal(result.status, 200, `${query}: ${JSON.stringify(result.body)}`);
      assert.deepEqual(displays(result.body), expected, query);
    }
  });

  test('sorting by every column, ascending and descending (default -date)', async () => {
    const recordedDesc = [...events].reverse();
    const keyOf: Record<string, (e: AuditEvent) => string | number | undefined> = {
      date: (e) => e.recorded,
      agent: (e) => e.agent[0]?.who?.display?.toLowerCase(),
      patient: (e) => e.entity?.find((x) => x.what?.reference?.startsWith('Patient/'))?.what?.reference,
      entity: (e) =>
        (e.entity ?? [])
          .map((x) => x.what?.reference)
          .filter((r): r is string => !!r)
          .sort()[0],
      action: (e) => e.action,
      type: (e) => e.type.code,
      subtype: (e) => e.subtype?.[0]?.code,
      outcome: (e) => Number(e.outcome),
    };
    const expectedOrder = (key: string, descending: boolean): string[] => {
      // Ties newest first; missing values last either way.
      const value = keyOf[key] as (e: AuditEvent) => string | number | undefined;
      return [...recordedDesc]
        .sort((a, b) => {
          const x = value(a);
          const y = value(b);
          if (x === y) return 0;
          if (x === undefined) return 1;
          if (y === undefined) return -1;
          return (x < y ? -1 : 1) * (descending ? -1 : 1);
        })
        .map((e) => e.agent[0]?.who?.display ?? '');
    };
    const defaultOrder = await search(YEAR);
    assert.deepEqual(displays(defaultOrder.body), expectedOrder('date', true));
    for (const key of Object.keys(keyOf)) {
      for (const descending of [false, true]) {
        const result = await search(`${YEAR}&_sort=${descending ? '-' : ''}${key}`);
        assert.equal(result.status, 200, JSON.stringify(result.body));
        assert.deepEqual(
          displays(result.body),
          expectedOrder(key, descending),
          `_sort=${descending ? '-' : ''}${key}`,
        );
      }
    }
    // The orders tested are not all the same one: each column decides.
    const orders = new Set(Object.keys(keyOf).map((k) => expectedOrder(k, false).join()));
    assert.ok(orders.size >= 6, `${orders.size} distinct orders`);
    const twoKeys = await search(`${YEAR}&_sort=action,-date`);
    assert.deepEqual(displays(twoKeys.body), expectedOrder('action', false));
  });

  test('paging: _count, next and previous links, _total', async () => {
    const first = await search(`${YEAR}&_count=4&_total=accurate&_sort=date`);
    assert.equal(first.body.total, 6);
    assert.deepEqual(displays(first.body), ['Casey One', 'alex Adams', 'Sam Super', 'bea Brown']);
    const next = first.body.link.find((l: Json) => l.relation === 'next')?.url as string;
    assert.match(next, /^http:\/\/127\.0\.0\.1:\d+\/fhir\/AuditEvent\?/);
    assert.equal(
      first.body.link.find((l: Json) => l.relation === 'previous'),
      undefined,
    );
    const second = await fhir(server, as('supervisor1'), 'GET', next.slice(`${server.fhirUrl}/`.length));
    assert.deepEqual(displays(second.body), ['Zed Zulu', 'Dee Day']);
    assert.equal(
      second.body.link.find((l: Json) => l.relation === 'next'),
      undefined,
    );
    assert.ok(second.body.link.find((l: Json) => l.relation === 'previous'));
    const all = await allPages(as('supervisor1'), `AuditEvent?${YEAR}&_count=2`);
    assert.deepEqual(
      all.map((e) => e.id),
      [...events].reverse().map((e) => e.id),
    );
    const count = await search(`${YEAR}&_summary=count`);
    assert.equal(count.body.total, 6);
    assert.deepEqual(ids(count.body), []);
    const none = await search(`${YEAR}&_total=none`);
    assert.equal(none.body.total, undefined);
  });

  test('what the search cannot answer is refused with 400 naming it', async () => {
    const cases: [string, RegExp][] = [
      ['site=x', /not site/],
      ['_sort=address', /cannot sort by address/],
      ['action=X', /action: 'X' is not one of C R U D E/],
      ['outcome=3', /outcome: '3' is not one of/],
      ['date=ap2020-03-01', /does not support the ap prefix/],
      ['patient=Observation/1', /is not a Patient/],
      ['entity=abc', /entity: 'abc' is not a reference/],
      ['_include=AuditEvent:agent', /_include/],
    ];
    for (const [query, message] of cases) {
      const result = await search(query);
      assert.equal(result.status, 400, query);
      assert.equal(result.body.resourceType, 'OperationOutcome');
      assert.match(result.body.issue[0].details.text, message, query);
    }
  });
});

describe('the CapabilityStatement says what the audit trail answers', () => {
  test('read and search only, and every advertised parameter is accepted while others are refused', async () => {
    const metadata = await fhir(server, undefined, 'GET', 'metadata');
    assert.equal(metadata.status, 200);
    const entry = metadata.body.rest[0].resource.find((r: Json) => r.type === 'AuditEvent');
    assert.deepEqual(
      entry.interaction.map((i: Json) => i.code),
      ['read', 'search-type'],
    );
    assert.deepEqual(
      entry.operation.map((o: Json) => o.name),
      ['report-export'],
    );
    const sample: Record<string, string> = {
      date: 'ge2026-01-01',
      agent: `Practitioner/${c.counselor1}`,
      patient: `Patient/${c.patientA}`,
      entity: `Patient/${c.patientA}`,
      action: 'R',
      outcome: '0',
      type: `${DCM}|110110`,
      subtype: 'read',
      _tag: 'x|y',
    };
    const advertised = entry.searchParam.map((p: Json) => p.name as string);
    assert.deepEqual([...advertised].sort(), Object.keys(sample).sort());
    for (const name of advertised) {
      const result = await fhir(
        server,
        as('supervisor1'),
        'GET',
        `AuditEvent?${name}=${encodeURIComponent(sample[name] as string)}`,
      );
      assert.equal(result.status, 200, `${name}: ${JSON.stringify(result.body)}`);
    }
    const site = await fhir(server, as('supervisor1'), 'GET', 'AuditEvent?site=x');
    assert.equal(site.status, 400, 'an R4 parameter not advertised is refused');
  });
});

// The access policy over HTTP: role × resource × interaction against a tiny clinic.
//   counselor1 → patientA (care team); counselor2 → patientB; supervisor1 supervises counselor1;
//   coordinator1 → every patient with an active episode at org1 (A and B), not patientC (org2).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { parseSearchRequest } from '@medplum/core';
import type { CareTeam } from '@medplum/fhirtypes';

import { type AuthTestServer, fhir, refs, type Session, signIn, startAuthServer } from '../auth/auth-harness';

let server: AuthTestServer;
const sessions: Record<string, Session> = {};
let c: AuthTestServer['clinic'];

before(async () => {
  server = await startAuthServer();
  c = server.clinic;
  for (const user of ['counselor1', 'counselor2', 'supervisor1', 'coordinator1']) {
    sessions[user] = await signIn(server, user);
  }
});
after(() => server.close());

const as = (user: string) => (sessions[user] as Session).accessToken;

describe('authentication', () => {
  test('no token → 401 with a Bearer challenge and an OperationOutcome', async () => {
    const response = await fhir(server, undefined, 'GET', `Patient/${c.patientA}`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="waypoint"');
    assert.equal(response.body.resourceType, 'OperationOutcome');
  });

  test('a made-up token → 401 invalid_token', async () => {
    const response = await fhir(server, 'not-a-real-token', 'GET', 'Patient');
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal(response.body.resourceType, 'OperationOutcome');
  });

  test('metadata and SMART discovery need no token', async () => {
    assert.equal((await fhir(server, undefined, 'GET', 'metadata')).status, 200);
    assert.equal((await fhir(server, undefined, 'GET', '.well-known/smart-configuration')).status, 200);
  });
});

describe('SMART scopes', () => {
  test('a token for user/Patient.rs reads patients but gets 403 on other types and on writes', async () => {
    const narrow = await signIn(server, 'counselor1', { scope: 'openid fhirUser user/Patient.rs' });
    assert.equal((await fhir(server, narrow.accessToken, 'GET', `Patient/${c.patientA}`)).status, 200);
    const observation = await fhir(
      server,
      narrow.accessToken,
      'GET',
      `Observation?subject=Patient/${c.patientA}`,
    );
    assert.equal(observation.status, 403);
    assert.equal(observation.body.resourceType, 'OperationOutcome');
    const create = await fhir(server, narrow.accessToken, 'POST', 'Patient', { resourceType: 'Patient' });
    assert.equal(create.status, 403);
  });

  test('v1 scopes: user/*.read allows reads and searches but no create', async () => {
    const v1 = await signIn(server, 'counselor1', { scope: 'openid user/*.read' });
    assert.equal((await fhir(server, v1.accessToken, 'GET', `Observation/${c.obsA}`)).status, 200);
    const create = await fhir(server, v1.accessToken, 'POST', 'Observation', {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'craving' },
      subject: { reference: `Patient/${c.patientA}` },
    });
    assert.equal(create.status, 403);
  });
});

describe('counselor', () => {
  test('reads own patient and their compartment; another counselor’s patient answers 404 like a missing one', async () => {
    assert.equal((await fhir(server, as('counselor1'), 'GET', `Patient/${c.patientA}`)).status, 200);
    assert.equal((await fhir(server, as('counselor1'), 'GET', `Observation/${c.obsA}`)).status, 200);
    const other = await fhir(server, as('counselor1'), 'GET', `Patient/${c.patientB}`);
    const missing = await fhir(server, as('counselor1'), 'GET', 'Patient/does-not-exist');
    assert.equal(other.status, 404);
    assert.equal(missing.status, 404);
    for (const path of [
      `Observation/${c.obsB}`,
      `QuestionnaireResponse/${c.noteB}`,
      `Provenance/${c.provenanceB}`,
      `Patient/${c.patientB}/_history`,
      `Patient/${c.patientB}/_history/1`,
    ]) {
      assert.equal((await fhir(server, as('counselor1'), 'GET', path)).status, 404, path);
    }
  });

  test('searches return only their patients, with an exact total', async () => {
    const patients = await fhir(server, as('counselor1'), 'GET', 'Patient?_total=accurate');
    assert.deepEqual(refs(patients.body), [`Patient/${c.patientA}`]);
    assert.equal(patients.body.total, 1);
    const observations = await fhir(
      server,
      as('counselor1'),
      'GET',
      'Observation?code=44261-6&_total=accurate',
    );
    assert.deepEqual(refs(observations.body), [`Observation/${c.obsA}`]);
    assert.equal(observations.body.total, 1);
    const byOther = await fhir(server, as('counselor1'), 'GET', `Observation?subject=Patient/${c.patientB}`);
    assert.deepEqual(refs(byOther.body), []);
    const posted = await fetch(`${server.fhirUrl}/Patient/_search`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${as('counselor1')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ name: 'Bravo' }),
    });
    assert.deepEqual(refs((await posted.json()) as never), []);
  });

  test('_include and _revinclude never return what a read would refuse', async () => {
    // The group appointment includes patientA and patientB: counselor1 sees the appointment and patientA only.
    const included = await fhir(
      server,
      as('counselor1'),
      'GET',
      `Appointment?_id=${c.groupAppointment}&_include=Appointment:patient`,
    );
    assert.equal(included.status, 200);
    assert.deepEqual(
      refs(included.body).sort(),
      [`Appointment/${c.groupAppointment}`, `Patient/${c.patientA}`].sort(),
    );
    // A task owned by counselor1 that focuses on counselor2's note: the note must not come along.
    const focus = await fhir(
      server,
      as('counselor1'),
      'GET',
      `Task?_id=${c.taskOnNoteB}&_include=Task:focus`,
    );
    assert.deepEqual(refs(focus.body), [`Task/${c.taskOnNoteB}`]);
    // Practitioners are shared, but counselor2's patient care team is not.
    const rev = await fhir(
      server,
      as('counselor1'),
      'GET',
      `Practitioner?_id=${c.counselor2}&_revinclude=CareTeam:participant`,
    );
    assert.deepEqual(refs(rev.body), [`Practitioner/${c.counselor2}`]);
    const provenance = await fhir(
      server,
      as('counselor1'),
      'GET',
      `QuestionnaireResponse?_revinclude=Provenance:target`,
    );
    assert.deepEqual(
      refs(provenance.body).sort(),
      [
        `QuestionnaireResponse/${c.noteA}`,
        `QuestionnaireResponse/${c.measureA}`,
        `Provenance/${c.provenanceA}`,
      ].sort(),
    );
  });

  test('writes inside scope succeed; outside scope or of a type the role does not write are refused', async () => {
    const mine = await fhir(server, as('counselor1'), 'POST', 'Observation', {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'craving' },
      subject: { reference: `Patient/${c.patientA}` },
      valueInteger: 3,
    });
    assert.equal(mine.status, 201);
    const theirs = await fhir(server, as('counselor1'), 'POST', 'Observation', {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'craving' },
      subject: { reference: `Patient/${c.patientB}` },
    });
    assert.equal(theirs.status, 403);
    const wrongType = await fhir(server, as('counselor1'), 'POST', 'MedicationRequest', {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: { text: 'buprenorphine' },
      subject: { reference: `Patient/${c.patientA}` },
    });
    assert.equal(wrongType.status, 403);
    const updateTheirs = await fhir(server, as('counselor1'), 'PUT', `Observation/${c.obsB}`, {
      resourceType: 'Observation',
      id: c.obsB,
      status: 'amended',
      code: { text: 'x' },
      subject: { reference: `Patient/${c.patientA}` },
    });
    assert.equal(updateTheirs.status, 404);
    assert.equal((await fhir(server, as('counselor1'), 'DELETE', `Observation/${c.obsB}`)).status, 404);
    // Moving one's own observation to another patient is a write outside scope.
    const move = await fhir(server, as('counselor1'), 'PUT', `Observation/${c.obsA}`, {
      resourceType: 'Observation',
      id: c.obsA,
      status: 'final',
      code: { text: 'x' },
      subject: { reference: `Patient/${c.patientB}` },
    });
    assert.equal(move.status, 403);
  });

  test('Provenance can be created for one’s own note but never updated or deleted', async () => {
    const created = await fhir(server, as('counselor1'), 'POST', 'Provenance', {
      resourceType: 'Provenance',
      target: [{ reference: `QuestionnaireResponse/${c.noteA}/_history/1` }],
      recorded: '2026-11-21T09:00:00Z',
      agent: [{ who: { reference: `Practitioner/${c.counselor1}` } }],
    });
    assert.equal(created.status, 201);
    const onTheirs = await fhir(server, as('counselor1'), 'POST', 'Provenance', {
      resourceType: 'Provenance',
      target: [{ reference: `QuestionnaireResponse/${c.noteB}/_history/1` }],
      recorded: '2026-11-21T09:00:00Z',
      agent: [{ who: { reference: `Practitioner/${c.counselor1}` } }],
    });
    assert.equal(onTheirs.status, 403);
    const update = await fhir(server, as('counselor1'), 'PUT', `Provenance/${c.provenanceA}`, {
      resourceType: 'Provenance',
      id: c.provenanceA,
      target: [{ reference: `QuestionnaireResponse/${c.noteA}/_history/1` }],
      recorded: '2026-01-01T00:00:00Z',
      agent: [{ who: { reference: `Practitioner/${c.counselor1}` } }],
    });
    assert.equal(update.status, 403);
    assert.equal((await fhir(server, as('counselor1'), 'DELETE', `Provenance/${c.provenanceA}`)).status, 403);
    const patch = await fetch(`${server.fhirUrl}/Provenance/${c.provenanceA}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${as('counselor1')}`, 'content-type': 'application/json-patch+json' },
      body: JSON.stringify([{ op: 'replace', path: '/recorded', value: '2020-01-01T00:00:00Z' }]),
    });
    assert.equal(patch.status, 403);
    const audit = await fhir(server, as('supervisor1'), 'DELETE', 'AuditEvent/anything');
    assert.ok([403, 404, 405].includes(audit.status), `AuditEvent delete → ${audit.status}`);
  });

  test('a transaction touching another counselor’s patient fails as a whole; a batch fails that entry only', async () => {
    const before = await fhir(
      server,
      as('counselor1'),
      'GET',
      'Observation?code:text=tx-marker&_total=accurate',
    );
    const entry = (patient: string) => ({
      request: { method: 'POST', url: 'Observation' },
      resource: {
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'tx-marker' },
        subject: { reference: `Patient/${patient}` },
      },
    });
    const transaction = await fhir(server, as('counselor1'), 'POST', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [entry(c.patientA), entry(c.patientB)],
    });
    assert.equal(transaction.status, 403);
    const readInTx = await fhir(server, as('counselor1'), 'POST', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [entry(c.patientA), { request: { method: 'GET', url: `Patient/${c.patientB}` } }],
    });
    assert.equal(readInTx.status, 404);
    const afterTx = await fhir(
      server,
      as('counselor1'),
      'GET',
      'Observation?code:text=tx-marker&_total=accurate',
    );
    assert.equal(afterTx.body.total, before.body.total, 'nothing from the failed transactions was written');

    const batch = await fhir(server, as('counselor1'), 'POST', '', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { request: { method: 'GET', url: `Patient/${c.patientA}` } },
        { request: { method: 'GET', url: `Patient/${c.patientB}` } },
        { request: { method: 'GET', url: 'Observation?code=44261-6' } },
      ],
    });
    assert.equal(batch.status, 200);
    const statuses = batch.body.entry.map((e: { response: { status: string } }) => e.response.status);
    assert.match(statuses[0], /^200/);
    assert.match(statuses[1], /^404/);
    assert.deepEqual(refs(batch.body.entry[2].resource), [`Observation/${c.obsA}`]);
  });
});

describe('supervisor', () => {
  test('sees the patients of the counselors they supervise, not others', async () => {
    const patients = await fhir(server, as('supervisor1'), 'GET', 'Patient');
    assert.deepEqual(refs(patients.body), [`Patient/${c.patientA}`]);
    const note = await fhir(server, as('supervisor1'), 'GET', `QuestionnaireResponse/${c.noteA}`);
    assert.equal(note.status, 200);
    assert.ok(note.body.item, 'supervisors read note bodies');
    assert.equal((await fhir(server, as('supervisor1'), 'GET', `Patient/${c.patientB}`)).status, 404);
  });

  test('can search the audit trail; counselors cannot', async () => {
    const events = await fhir(server, as('supervisor1'), 'GET', `AuditEvent?patient=Patient/${c.patientA}`);
    assert.equal(events.status, 200);
    assert.ok(events.body.entry.length > 0);
    const mine = await fhir(server, as('counselor1'), 'GET', 'AuditEvent');
    assert.equal(mine.body.entry.length, 0);
  });
});

describe('care coordinator', () => {
  test('sees the program’s patients (active episodes at their organization), not another organization’s', async () => {
    const patients = await fhir(server, as('coordinator1'), 'GET', 'Patient');
    assert.deepEqual(refs(patients.body).sort(), [`Patient/${c.patientA}`, `Patient/${c.patientB}`].sort());
    assert.equal((await fhir(server, as('coordinator1'), 'GET', `Patient/${c.patientC}`)).status, 404);
  });

  test('sees that a note exists, its date and status, but not its body; measures stay visible', async () => {
    const note = await fhir(server, as('coordinator1'), 'GET', `QuestionnaireResponse/${c.noteA}`);
    assert.equal(note.status, 200);
    assert.equal(note.body.item, undefined);
    assert.equal(note.body.status, 'completed');
    assert.equal(note.body.authored, '2026-11-20T10:00:00Z');
    assert.ok(note.body.meta.security.some((s: { code: string }) => s.code === 'REDACTED'));
    const searched = await fhir(
      server,
      as('coordinator1'),
      'GET',
      `QuestionnaireResponse?subject=Patient/${c.patientB}`,
    );
    assert.ok(
      searched.body.entry.every((e: { resource: { item?: unknown } }) => e.resource.item === undefined),
    );
    const history = await fhir(
      server,
      as('coordinator1'),
      'GET',
      `QuestionnaireResponse/${c.noteA}/_history/1`,
    );
    assert.equal(history.body.item, undefined);
    const measure = await fhir(server, as('coordinator1'), 'GET', `QuestionnaireResponse/${c.measureA}`);
    assert.ok(measure.body.item, 'PHQ-9 answers are not a note body');
  });

  test('a note from another system (any questionnaire, or none) reaches a coordinator without its answers', async () => {
    // Deny by default: only the allow-listed measures keep their answers for a coordinator.
    const encounter = await server.repository.createResource({
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${c.patientA}` },
    });
    const foreign = await server.repository.createResource({
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      questionnaire: 'http://other-ehr.example.org/Questionnaire/progress-note|3',
      encounter: { reference: `Encounter/${encounter.id}` },
      subject: { reference: `Patient/${c.patientA}` },
      text: {
        status: 'generated',
        div: '<div xmlns="http://www.w3.org/1999/xhtml">Relapsed on Friday</div>',
      },
      item: [{ linkId: 'body', answer: [{ valueString: 'Relapsed on Friday after an argument' }] }],
    });
    const bare = await server.repository.createResource({
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      subject: { reference: `Patient/${c.patientA}` },
      item: [{ linkId: 'q1', answer: [{ valueString: 'Talked about the custody hearing' }] }],
    });
    for (const id of [foreign.id, bare.id]) {
      const read = await fhir(server, as('coordinator1'), 'GET', `QuestionnaireResponse/${id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.item, undefined, `QuestionnaireResponse/${id} answers hidden`);
      assert.equal(read.body.text, undefined, `QuestionnaireResponse/${id} narrative hidden`);
      assert.ok(read.body.meta.security.some((s: { code: string }) => s.code === 'REDACTED'));
    }
    const searched = await fhir(
      server,
      as('coordinator1'),
      'GET',
      `QuestionnaireResponse?subject=Patient/${c.patientA}`,
    );
    const byId = new Map(
      searched.body.entry.map((e: { resource: { id: string; item?: unknown } }) => [
        e.resource.id,
        e.resource,
      ]),
    );
    assert.equal((byId.get(foreign.id) as { item?: unknown }).item, undefined);
    assert.equal((byId.get(bare.id) as { item?: unknown }).item, undefined);
    assert.ok((byId.get(c.measureA) as { item?: unknown }).item, 'the PHQ-9 measure keeps its answers');
    // The counselor who treats the patient reads both in full.
    const counselorRead = await fhir(server, as('counselor1'), 'GET', `QuestionnaireResponse/${foreign.id}`);
    assert.equal(counselorRead.body.item[0].answer[0].valueString, 'Relapsed on Friday after an argument');
  });

  test('writes laboratory observations (UDS) but not survey observations or notes', async () => {
    const lab = await fhir(server, as('coordinator1'), 'POST', 'Observation', {
      resourceType: 'Observation',
      status: 'final',
      category: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
          ],
        },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: '59673-4' }] },
      subject: { reference: `Patient/${c.patientB}` },
    });
    assert.equal(lab.status, 201);
    const survey = await fhir(server, as('coordinator1'), 'POST', 'Observation', {
      resourceType: 'Observation',
      status: 'final',
      category: [
        {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }],
        },
      ],
      code: { text: 'craving' },
      subject: { reference: `Patient/${c.patientB}` },
    });
    assert.equal(survey.status, 403);
    const note = await fhir(server, as('coordinator1'), 'PUT', `QuestionnaireResponse/${c.noteA}`, {
      resourceType: 'QuestionnaireResponse',
      id: c.noteA,
      status: 'amended',
      subject: { reference: `Patient/${c.patientA}` },
    });
    assert.equal(note.status, 403);
  });
});

describe('break-glass', () => {
  test('a reason of 10+ characters lets a counselor read any patient, audited as high priority', async () => {
    const reason = 'Patient in crisis at front desk, own counselor absent';
    const read = await fhir(server, as('counselor1'), 'GET', `Patient/${c.patientB}`, undefined, {
      'x-break-glass-reason': reason,
    });
    assert.equal(read.status, 200);
    const events = server.auth.audit.search({ entity: `Patient/${c.patientB}`, count: 5 }).events;
    const event = events.find((e) => e.purposeOfEvent?.[0]?.text === reason);
    assert.ok(event, 'break-glass AuditEvent recorded');
    assert.equal(event.meta?.tag?.[0]?.code, 'high');
    assert.equal(event.agent[0]?.who?.reference, `Practitioner/${c.counselor1}`);
  });

  test('a short reason is refused and grants nothing; break-glass never widens writes', async () => {
    const short = await fhir(server, as('counselor1'), 'GET', `Patient/${c.patientB}`, undefined, {
      'x-break-glass-reason': 'because',
    });
    assert.equal(short.status, 400);
    const write = await fhir(
      server,
      as('counselor1'),
      'POST',
      'Observation',
      {
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
        subject: { reference: `Patient/${c.patientB}` },
      },
      { 'x-break-glass-reason': 'Patient in crisis, emergency' },
    );
    assert.equal(write.status, 403);
  });
});

describe('scope changes', () => {
  test('taking a counselor off a care team takes effect at their next request, with the same token', async () => {
    const [team] = await server.repository.searchResources<CareTeam>(
      parseSearchRequest<CareTeam>(`CareTeam?subject=Patient/${c.patientA}`),
    );
    assert.ok(team);
    const read = () => fhir(server, as('counselor1'), 'GET', `Patient/${c.patientA}`);
    const search = () => fhir(server, as('counselor1'), 'GET', `Observation?subject=Patient/${c.patientA}`);
    assert.equal((await read()).status, 200);
    try {
      await server.repository.updateResource({ ...team, participant: [] });
      assert.equal((await read()).status, 404);
      assert.deepEqual(refs((await search()).body), []);
    } finally {
      await server.repository.updateResource(team);
    }
    assert.equal((await read()).status, 200);
  });
});

// Signed notes never change silently, over HTTP: a signed note answers 422 to any change but an amendment sent
// with its signature in one transaction; signing writes the note and its Provenance atomically.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { Bundle, QuestionnaireResponse } from '@medplum/fhirtypes';

import { signatureProvenance } from '../../../clinical/notes/note-lifecycle';
import { questionnaireUrl } from '../../../clinical/terminology';
import { type AuthTestServer, fhir, type Session, signIn, startAuthServer } from '../auth/auth-harness';

let server: AuthTestServer;
let counselor: Session;
const token = () => counselor.accessToken;

before(async () => {
  server = await startAuthServer();
  counselor = await signIn(server, 'counselor1');
});
after(() => server.close());

async function draft(extra: Partial<QuestionnaireResponse> = {}): Promise<QuestionnaireResponse> {
  const created = await fhir<QuestionnaireResponse>(server, token(), 'POST', 'QuestionnaireResponse', {
    resourceType: 'QuestionnaireResponse',
    status: 'in-progress',
    questionnaire: questionnaireUrl('cbt-thought-record'),
    subject: { reference: `Patient/${server.clinic.patientA}` },
    author: { reference: `Practitioner/${server.clinic.counselor1}` },
    authored: new Date().toISOString(),
    item: [
      { linkId: 'thought-record', item: [{ linkId: 'tr.situation', answer: [{ valueString: 'Payday' }] }] },
    ],
    ...extra,
  });
  assert.equal(created.status, 201);
  return created.body;
}

/** The sign (or amend) transaction: the note's new version and its Provenance on exactly that version. */
function signing(
  note: QuestionnaireResponse,
  status: 'completed' | 'amended',
  options: { version?: string; reason?: string; recorded?: string } = {},
): Bundle {
  const next = String(Number(note.meta?.versionId) + 1);
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        resource: { ...note, status },
        request: {
          method: 'PUT',
          url: `QuestionnaireResponse/${note.id}`,
          ifMatch: `W/"${note.meta?.versionId}"`,
        },
      },
      {
        resource: signatureProvenance({
          target: `QuestionnaireResponse/${note.id}/_history/${options.version ?? next}`,
          who: { reference: `Practitioner/${server.clinic.counselor1}` },
          recorded: options.recorded ?? new Date().toISOString(),
          kind: status === 'completed' ? 'sign' : 'amend',
          ...(options.reason ? { reason: options.reason } : {}),
        }),
        request: { method: 'POST', url: 'Provenance' },
      },
    ],
  };
}

const read = async (id: string) =>
  (await fhir<QuestionnaireResponse>(server, token(), 'GET', `QuestionnaireResponse/${id}`)).body;

describe('signed notes', () => {
  test('a signed note answers 422 to a plain update, which changes nothing', async () => {
    const signed = await read(server.clinic.noteA);
    assert.equal(signed.status, 'completed');
    const put = await fhir(server, token(), 'PUT', `QuestionnaireResponse/${signed.id}`, {
      ...signed,
      item: [{ linkId: 'situation', answer: [{ valueString: 'Rewritten after the fact' }] }],
    });
    assert.equal(put.status, 422);
    assert.equal(put.body.resourceType, 'OperationOutcome');
    assert.match(put.body.issue[0].details.text, /can only be amended/);
    const after = await read(signed.id as string);
    assert.equal(after.meta?.versionId, signed.meta?.versionId);
    assert.deepEqual(after.item, signed.item);
    assert.equal((await fhir(server, token(), 'DELETE', `QuestionnaireResponse/${signed.id}`)).status, 422);
  });

  test('signing writes the note and its Provenance together; without the Provenance nothing changes', async () => {
    const note = await draft();
    const alone = await fhir(server, token(), 'PUT', `QuestionnaireResponse/${note.id}`, {
      ...note,
      status: 'completed',
    });
    assert.equal(alone.status, 422);
    assert.equal((await read(note.id as string)).status, 'in-progress');

    const wrongVersion = await fhir(
      server,
      token(),
      'POST',
      '',
      signing(note, 'completed', { version: '9' }),
    );
    assert.equal(wrongVersion.status, 422);
    assert.equal((await read(note.id as string)).status, 'in-progress', 'the transaction rolled back');

    const signed = await fhir<Bundle>(server, token(), 'POST', '', signing(note, 'completed'));
    assert.equal(signed.status, 200);
    const stored = await read(note.id as string);
    assert.equal(stored.status, 'completed');
    const provenances = await fhir<Bundle>(
      server,
      token(),
      'GET',
      `Provenance?target=QuestionnaireResponse/${note.id}`,
    );
    assert.equal(provenances.body.entry?.length, 1);

    const edit = await fhir(server, token(), 'PUT', `QuestionnaireResponse/${note.id}`, {
      ...stored,
      item: [],
    });
    assert.equal(edit.status, 422, 'locked once signed');
  });

  test('an amendment needs status amended, a reason and its Provenance, in one transaction', async () => {
    const note = await draft();
    assert.equal((await fhir(server, token(), 'POST', '', signing(note, 'completed'))).status, 200);
    const signed = await read(note.id as string);
    const changed = {
      ...signed,
      item: [
        {
          linkId: 'thought-record',
          item: [{ linkId: 'tr.situation', answer: [{ valueString: 'Payday, alone' }] }],
        },
      ],
    };

    assert.equal(
      (
        await fhir(server, token(), 'PUT', `QuestionnaireResponse/${note.id}`, {
          ...changed,
          status: 'amended',
        })
      ).status,
      422,
    );
    const noReason = await fhir(server, token(), 'POST', '', signing(changed, 'amended'));
    assert.equal(noReason.status, 422);
    assert.match(JSON.stringify(noReason.body), /needs a reason/);
    const asCompleted = await fhir(server, token(), 'POST', '', signing(changed, 'completed'));
    assert.equal(asCompleted.status, 422);

    const amended = await fhir(
      server,
      token(),
      'POST',
      '',
      signing(changed, 'amended', { reason: 'Situation clarified' }),
    );
    assert.equal(amended.status, 200);
    const stored = await read(note.id as string);
    assert.equal(stored.status, 'amended');
    assert.equal(stored.meta?.versionId, String(Number(signed.meta?.versionId) + 1));
    const history = await fhir<Bundle>(server, token(), 'GET', `QuestionnaireResponse/${note.id}/_history`);
    assert.deepEqual(
      history.body.entry?.map((e) => (e.resource as QuestionnaireResponse).status),
      ['amended', 'completed', 'in-progress'],
    );
  });

  test('a note for a session that has not started yet cannot be signed (a draft can be kept)', async () => {
    const later = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const encounter = await fhir(server, token(), 'POST', 'Encounter', {
      resourceType: 'Encounter',
      status: 'planned',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${server.clinic.patientA}` },
      period: { start: later },
    });
    assert.equal(encounter.status, 201);
    const note = await draft({ encounter: { reference: `Encounter/${encounter.body.id}` } });
    const early = await fhir(server, token(), 'POST', '', signing(note, 'completed'));
    assert.equal(early.status, 422);
    assert.match(JSON.stringify(early.body), /has not started yet/);
    assert.equal((await read(note.id as string)).status, 'in-progress');
  });

  test('signing more than 72 hours after the session needs a late-entry reason', async () => {
    const ended = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const encounter = await fhir(server, token(), 'POST', 'Encounter', {
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${server.clinic.patientA}` },
      period: { start: ended, end: ended },
    });
    assert.equal(encounter.status, 201);
    const note = await draft({ encounter: { reference: `Encounter/${encounter.body.id}` } });
    const late = await fhir(server, token(), 'POST', '', signing(note, 'completed'));
    assert.equal(late.status, 422);
    assert.match(JSON.stringify(late.body), /late entry needs a reason/);
    const withReason = await fhir(
      server,
      token(),
      'POST',
      '',
      signing(note, 'completed', { reason: 'Was on leave' }),
    );
    assert.equal(withReason.status, 200);
  });
});

// Required bindings over HTTP: a code outside an element's required value set is a 400 naming the
// element (FHIR R4 terminologies.html#required), for create, update, patch and every Bundle entry.
import assert from 'node:assert/strict';

import type { Bundle, BundleEntry, Condition, Observation, Patient } from '@medplum/fhirtypes';

import { conformance } from '../support/conformance';
import type { FhirResponse, TestServer, UntypedJson } from '../support/test-server';

const OBSERVATION_STATUS = 'http://hl7.org/fhir/ValueSet/observation-status';
const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';

const observation = (status: string): Observation =>
  ({
    resourceType: 'Observation',
    status,
    code: { text: 'craving' },
    subject: { reference: 'Patient/p1' },
  }) as Observation;

const condition = (fields: Partial<Condition>): Condition => ({
  resourceType: 'Condition',
  subject: { reference: 'Patient/p1' },
  code: { text: 'Opioid use disorder' },
  ...fields,
});

interface Issue {
  readonly severity: string;
  readonly code: string;
  readonly expression: string[];
  readonly text: string;
}

/** Asserts a 400 OperationOutcome and returns its issues, flattened for assertions. */
function issuesOf(response: FhirResponse): Issue[] {
  assert.equal(response.status, 400, JSON.stringify(response.body));
  assert.equal(response.body.resourceType, 'OperationOutcome');
  return response.body.issue.map((issue: UntypedJson) => ({
    severity: issue.severity,
    code: issue.code,
    expression: issue.expression,
    text: issue.details?.text,
  }));
}

async function count(server: TestServer, type: string): Promise<number> {
  return (await server.client.get<Bundle>(`${type}?_summary=count`)).body.total as number;
}

conformance(
  'a code outside a resource element’s value set: 400 naming element, value and value set',
  async (server) => {
    const [issue, ...others] = issuesOf(await server.client.post('Observation', observation('not-a-status')));
    assert.deepEqual(others, []);
    assert.equal(issue.severity, 'error');
    assert.equal(issue.code, 'code-invalid');
    assert.deepEqual(issue.expression, ['Observation.status']);
    assert.equal(
      issue.text,
      `Observation.status: 'not-a-status' is not in the required value set ${OBSERVATION_STATUS} ` +
        '(registered, preliminary, final, amended, corrected, cancelled, …)',
    );
    assert.equal(await count(server, 'Observation'), 0);

    const intent = issuesOf(
      await server.client.post('MedicationRequest', {
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'wish',
        medicationCodeableConcept: { text: 'buprenorphine 8 mg' },
        subject: { reference: 'Patient/p1' },
      }),
    );
    assert.deepEqual(
      intent.map((i) => i.expression),
      [['MedicationRequest.intent']],
    );
    assert.match(
      intent[0].text,
      /'wish' is not in the required value set .*\/medicationrequest-intent \(proposal, plan, order/,
    );
  },
);

conformance(
  'codes in data types are checked, each violation with its index, in one outcome',
  async (server) => {
    const issues = issuesOf(
      await server.client.post('Patient', {
        resourceType: 'Patient',
        gender: 'robot',
        name: [
          { use: 'official', family: 'Okafor' },
          { use: 'nick', given: ['Ada'] },
        ],
        identifier: [{ use: 'bogus', system: 'http://example.org/mrn', value: 'M-1' }],
        telecom: [{ system: 'phone', use: 'home', value: '555-0100' }],
      }),
    );
    assert.deepEqual(
      issues.map((i) => i.expression[0]),
      ['Patient.gender', 'Patient.name[1].use', 'Patient.identifier[0].use'],
    );
    assert.ok(issues.every((i) => i.code === 'code-invalid' && i.severity === 'error'));
    assert.match(
      issues[0].text,
      /'robot' is not in .*administrative-gender \(male, female, other, unknown\)$/,
    );
    assert.match(issues[1].text, /^Patient\.name\[1\]\.use: 'nick' is not in .*\/name-use /);
    assert.equal(await count(server, 'Patient'), 0);
  },
);

conformance('backbone elements, choice types and recursive items are walked', async (server) => {
  const component = issuesOf(
    await server.client.post('Observation', {
      ...observation('final'),
      component: [
        { code: { text: 'systolic' }, valueQuantity: { value: 120, comparator: '<' } },
        { code: { text: 'diastolic' }, valueQuantity: { value: 80, comparator: '~' } },
      ],
    }),
  );
  assert.deepEqual(
    component.map((i) => i.expression),
    [['Observation.component[1].value.ofType(Quantity).comparator']],
  );
  const item = issuesOf(
    await server.client.post('Questionnaire', {
      resourceType: 'Questionnaire',
      status: 'active',
      item: [{ linkId: '1', type: 'group', item: [{ linkId: '1.1', type: 'multiple-choice' }] }],
    }),
  );
  assert.deepEqual(
    item.map((i) => i.expression),
    [['Questionnaire.item[0].item[0].type']],
  );
});

conformance(
  'a CodeableConcept needs a coding from the value set: unknown code or text only is a 400',
  async (server) => {
    const unknown = issuesOf(
      await server.client.post(
        'Condition',
        condition({ clinicalStatus: { coding: [{ system: CLINICAL, code: 'dormant' }] } }),
      ),
    );
    assert.deepEqual(unknown[0].expression, ['Condition.clinicalStatus']);
    assert.equal(
      unknown[0].text,
      `Condition.clinicalStatus: no coding ('${CLINICAL}|dormant') is in the required value set ` +
        'http://hl7.org/fhir/ValueSet/condition-clinical (active, recurrence, relapse, inactive, remission, resolved)',
    );
    const textOnly = issuesOf(
      await server.client.post('Condition', condition({ clinicalStatus: { text: 'Active' } })),
    );
    assert.deepEqual(textOnly[0].expression, ['Condition.clinicalStatus']);
    assert.match(textOnly[0].text, /only as text \('Active'\) has no coding from the required value set/);
    assert.equal(await count(server, 'Condition'), 0);

    // One coding from the value set is enough, next to codings from other systems.
    await server.client.create(
      condition({
        clinicalStatus: {
          coding: [
            { system: 'http://snomed.info/sct', code: '55561003' },
            { system: CLINICAL, code: 'active' },
          ],
        },
      }),
    );
  },
);

conformance('a Coding matches on system and code; without a system, on the code', async (server) => {
  // R4 binds no Coding-typed element as required, so Codings are checked as the codings of a
  // CodeableConcept: the right code under another system does not count.
  const wrongSystem = issuesOf(
    await server.client.post(
      'Condition',
      condition({
        verificationStatus: { coding: [{ system: 'http://snomed.info/sct', code: 'confirmed' }] },
      }),
    ),
  );
  assert.deepEqual(wrongSystem[0].expression, ['Condition.verificationStatus']);
  assert.match(wrongSystem[0].text, /'http:\/\/snomed\.info\/sct\|confirmed'/);
  const created = await server.client.create(
    condition({
      verificationStatus: { coding: [{ code: 'confirmed' }] },
      clinicalStatus: { coding: [{ system: CLINICAL, code: 'remission' }] },
    }),
  );
  assert.equal(created.verificationStatus?.coding?.[0].code, 'confirmed');
  await server.client.create(
    condition({ verificationStatus: { coding: [{ system: VERIFICATION, code: 'provisional' }] } }),
  );
});

conformance('valid codes in every bound element still create (201)', async (server) => {
  const patient = await server.client.create<Patient>({
    resourceType: 'Patient',
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Ada Okafor</div>' },
    gender: 'female',
    name: [{ use: 'official', family: 'Okafor', given: ['Ada'] }],
    identifier: [{ use: 'usual', system: 'http://example.org/mrn', value: 'M-2' }],
    telecom: [{ system: 'phone', use: 'mobile', value: '555-0101' }],
    address: [{ use: 'home', type: 'both', city: 'Springfield' }],
    link: [{ type: 'seealso', other: { reference: 'Patient/p1' } }],
  });
  assert.equal(patient.gender, 'female');
  await server.client.create(observation('preliminary'));
});

conformance('an update or a patch that produces a bad code is a 400 and changes nothing', async (server) => {
  const stored = await server.client.create(observation('final'));
  const put = issuesOf(await server.client.put(`Observation/${stored.id}`, { ...stored, status: 'done' }));
  assert.deepEqual(put[0].expression, ['Observation.status']);
  const patch = issuesOf(
    await server.client.request(
      'PATCH',
      `Observation/${stored.id}`,
      [{ op: 'replace', path: '/status', value: 'finished' }],
      { 'content-type': 'application/json-patch+json' },
    ),
  );
  assert.deepEqual(patch[0].expression, ['Observation.status']);
  assert.match(patch[0].text, /'finished' is not in/);
  const current = await server.client.get<Observation>(`Observation/${stored.id}`);
  assert.equal(current.body.status, 'final');
  assert.equal(current.body.meta?.versionId, stored.meta?.versionId);
});

const PATIENT_URN = 'urn:uuid:3f0c8e52-7a1d-4b9e-9c2f-1d2e3f4a5b6c';

/** A valid Patient, then an Observation with a bad status about `subject`. */
const entries = (subject: string): BundleEntry[] => [
  {
    fullUrl: PATIENT_URN,
    resource: { resourceType: 'Patient', name: [{ family: 'Okafor' }] },
    request: { method: 'POST', url: 'Patient' },
  },
  {
    resource: { ...observation('not-a-status'), subject: { reference: subject } },
    request: { method: 'POST', url: 'Observation' },
  },
];

conformance(
  'a transaction with a bad code in one entry is a 400 and writes nothing',
  async (server) => {
    await server.client.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Existing' }] });
    const response = await server.client.post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: entries(PATIENT_URN),
    });
    const issues = issuesOf(response);
    assert.ok(
      issues.some((i) => i.expression?.[0] === 'Observation.status' && /'not-a-status'/.test(i.text)),
      JSON.stringify(issues),
    );
    assert.equal(await count(server, 'Patient'), 1);
    assert.equal(await count(server, 'Observation'), 0);
  },
  { memoryDiffers: 'transactions are not atomic: the Patient entry stays written' },
);

conformance('a batch entry with a bad code gets its own 400; the others proceed', async (server) => {
  const response = await server.client.post<Bundle>('', {
    resourceType: 'Bundle',
    type: 'batch',
    entry: entries('Patient/p1'),
  });
  assert.equal(response.status, 200);
  assert.equal(response.body.type, 'batch-response');
  const [patient, bad] = response.body.entry ?? [];
  assert.match(patient.response?.status ?? '', /^201/);
  assert.match(bad.response?.status ?? '', /^400/);
  const outcome = bad.response?.outcome as UntypedJson;
  assert.deepEqual(outcome.issue[0].expression, ['Observation.status']);
  assert.equal(await count(server, 'Patient'), 1);
  assert.equal(await count(server, 'Observation'), 0);
});

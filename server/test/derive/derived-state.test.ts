// Derived clinical state over HTTP, as a client sees it (docs/derived-state.md): the embedded server derives a
// patient's RiskAssessment, Flags and caseload summary after every committed write (before the write's response)
// and when time alone changes an answer; unchanged facts write nothing; the access policy covers the results.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { Bundle, Flag, Observation, Resource, RiskAssessment } from '@medplum/fhirtypes';

import { DERIVED_SYSTEM, riskFromAssessment, summaryFacts } from '../../../clinical/index';
import { LOCAL_SYSTEM, SCREEN_RESULT, SYSTEM } from '../../../clinical/terminology';
import { ManualClock } from '../../src/derive/clock';
import { type AuthTestServer, fhir, refs, type Session, signIn, startAuthServer } from '../auth/auth-harness';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-18T15:00:00Z');
const day = (offset: number, hour = 10): string =>
  new Date(Date.UTC(2026, 10, 18 + offset, hour)).toISOString();

let server: AuthTestServer;
let clock: ManualClock;
const sessions: Record<string, Session> = {};
const as = (user: string) => (sessions[user] as Session).accessToken;
let steady: string;
let onBup: string;

const fentanyl = (patient: string, offset: number, positive: boolean): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'laboratory' }] }],
  code: { coding: [{ system: SYSTEM.loinc, code: '59673-4' }] },
  subject: { reference: `Patient/${patient}` },
  effectiveDateTime: day(offset),
  valueCodeableConcept: { coding: [positive ? SCREEN_RESULT.positive : SCREEN_RESULT.negative] },
});

/** A patient 46 years old, 60 days into an active CBT episode at org1, on counselor1's care team. */
async function enrol(family: string): Promise<string> {
  const { repository: repo, clinic: c } = server;
  const patient = await repo.createResource({
    resourceType: 'Patient',
    name: [{ family, given: ['Test'] }],
    birthDate: '1980-05-01',
  });
  const team = await repo.createResource({
    resourceType: 'CareTeam',
    status: 'active',
    subject: { reference: `Patient/${patient.id}` },
    participant: [
      {
        member: { reference: `Practitioner/${c.counselor1}` },
        role: [{ coding: [{ system: LOCAL_SYSTEM.role, code: 'counselor' }] }],
      },
    ],
  });
  await repo.createResource({
    resourceType: 'EpisodeOfCare',
    status: 'active',
    type: [{ coding: [{ system: LOCAL_SYSTEM.track, code: 'CBT' }] }],
    patient: { reference: `Patient/${patient.id}` },
    managingOrganization: { reference: `Organization/${c.org1}` },
    careManager: { reference: `Practitioner/${c.counselor1}` },
    team: [{ reference: `CareTeam/${team.id}` }],
    period: { start: day(-60).slice(0, 10) },
  });
  return patient.id as string;
}

async function current(patient: string, user = 'counselor1') {
  const risk = await fhir<Bundle<RiskAssessment>>(
    server,
    as(user),
    'GET',
    `RiskAssessment?subject=Patient/${patient}&_tag=${DERIVED_SYSTEM.tag}|current`,
  );
  const flags = await fhir<Bundle<Flag>>(
    server,
    as(user),
    'GET',
    `Flag?subject=Patient/${patient}&status=active`,
  );
  const summary = await fhir<Bundle<Observation>>(
    server,
    as(user),
    'GET',
    `Observation?subject=Patient/${patient}&code=${DERIVED_SYSTEM.fact}|caseload-summary`,
  );
  const ra = risk.body.entry?.[0]?.resource;
  return {
    status: risk.status,
    ra,
    risk: ra ? riskFromAssessment(ra) : undefined,
    flags: (flags.body.entry ?? []).map((e) => e.resource as Flag),
    summary: summary.body.entry?.[0]?.resource,
  };
}

before(async () => {
  clock = new ManualClock(NOW);
  server = await startAuthServer({ derive: { clock } });
  steady = await enrol('Steady');
  for (const offset of [-2, -9, -16]) await server.repository.createResource(fentanyl(steady, offset, false));
  onBup = await enrol('Bup');
  const order = await server.repository.createResource({
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { coding: [{ system: SYSTEM.rxnorm, code: '1010604' }] },
    subject: { reference: `Patient/${onBup}` },
    authoredOn: day(-20),
    dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 16, unit: 'mg' } }] }],
  });
  await server.repository.createResource({
    resourceType: 'MedicationDispense',
    status: 'completed',
    medicationCodeableConcept: { coding: [{ system: SYSTEM.rxnorm, code: '1010604' }] },
    subject: { reference: `Patient/${onBup}` },
    authorizingPrescription: [{ reference: `MedicationRequest/${order.id}` }],
    whenHandedOver: day(-1),
    daysSupply: { value: 7, unit: 'd' },
    quantity: { value: 14 },
  });
  await server.derivation?.deriver.idle();
  for (const user of ['counselor1', 'counselor2', 'coordinator1'])
    sessions[user] = await signIn(server, user);
});
after(() => server.close());

describe('derived state', () => {
  test('a fentanyl-positive screen for a low-risk patient raises the risk and a Flag before the POST returns', async () => {
    const beforeWrite = await current(steady);
    assert.equal(beforeWrite.risk?.band, 'low');
    assert.ok(!beforeWrite.flags.some((f) => f.code.coding?.[0]?.code === 'uds-fentanyl'));

    const posted = await fhir(server, as('coordinator1'), 'POST', 'Observation', fentanyl(steady, -1, true));
    assert.equal(posted.status, 201);

    // No waiting: the response came after the derivation.
    const afterWrite = await current(steady);
    assert.equal(afterWrite.risk?.score, (beforeWrite.risk?.score ?? 0) + 2);
    const point = afterWrite.risk?.points.find((p) => p.ruleId === 'uds-opioid-positive');
    assert.deepEqual(point?.evidence, [{ reference: `Observation/${posted.body.id}` }]);
    const flag = afterWrite.flags.find((f) => f.code.coding?.[0]?.code === 'uds-fentanyl');
    assert.ok(flag, 'fentanyl safety Flag active');
    assert.equal(flag.status, 'active');
    assert.deepEqual(
      flag.extension
        ?.filter((e) => e.url === 'http://hl7.org/fhir/StructureDefinition/flag-detail')
        .map((e) => e.valueReference),
      [{ reference: `Observation/${posted.body.id}` }],
    );
    // Every derived write carries a Provenance naming the rules, targeting the exact versions written.
    const provenance = await fhir<Bundle>(
      server,
      as('counselor1'),
      'GET',
      `Provenance?target=${afterWrite.ra?.resourceType}/${afterWrite.ra?.id}`,
    );
    const signed = (provenance.body.entry ?? []).map((e) => e.resource as Resource & { policy?: string[] });
    assert.ok(signed.some((p) => p.policy?.some((x) => x.startsWith('http://waypoint.health/fhir/rules/'))));
  });

  test('moving the clock past a take-home supply: "supply ends" and then a gap with a Flag, without any write', async () => {
    const statuses: string[] = [];
    for (let d = 0; d <= 8; d++) {
      clock.advanceTo(NOW + d * DAY);
      await server.derivation?.deriver.idle();
      const { summary } = await current(onBup);
      statuses.push(summaryFacts(summary as Observation).mat.status);
    }
    assert.deepEqual(statuses.slice(0, 2), ['on-track', 'on-track']);
    assert.ok(statuses.includes('supply-ending'), statuses.join(', '));
    assert.equal(statuses.at(-1), 'gap');
    assert.ok(statuses.indexOf('supply-ending') < statuses.indexOf('gap'));
    const { flags, risk } = await current(onBup);
    assert.ok(flags.some((f) => f.code.coding?.[0]?.code === 'mat-gap'));
    assert.ok(risk?.points.some((p) => p.ruleId === 'mat-gap'));
  });

  test('a write that changes no fact writes no new version of anything derived', async () => {
    const versions = async () => {
      const { ra, flags, summary } = await current(steady);
      return [ra, summary, ...flags].map((r) => `${r?.resourceType}/${r?.id}@${r?.meta?.versionId}`).sort();
    };
    const beforeWrite = await versions();
    const provenanceCount = async () =>
      (await fhir<Bundle>(server, as('counselor1'), 'GET', `Provenance?_summary=count`)).body.total;
    const provenances = await provenanceCount();
    const screen = await fhir(
      server,
      as('coordinator1'),
      'POST',
      'Observation',
      fentanyl(steady, -30, false),
    );
    assert.equal(screen.status, 201); // an old negative screen: outside every rule's window
    assert.deepEqual(await versions(), beforeWrite);
    assert.equal(await provenanceCount(), provenances);
  });

  test("a counselor sees neither another caseload's RiskAssessments nor its Flags", async () => {
    const mine = await current(steady, 'counselor1');
    assert.ok(mine.ra);
    const read = await fhir(server, as('counselor2'), 'GET', `RiskAssessment/${mine.ra.id}`);
    assert.equal(read.status, 404);
    const flags = await fhir<Bundle>(server, as('counselor2'), 'GET', 'Flag?status=active');
    const subjects = (flags.body.entry ?? []).map((e) => (e.resource as Flag).subject.reference);
    assert.ok(
      subjects.every((s) => s === `Patient/${server.clinic.patientB}`),
      subjects.join(', '),
    );
    const assessments = await fhir<Bundle>(server, as('counselor2'), 'GET', 'RiskAssessment');
    assert.ok(!refs(assessments.body).includes(`RiskAssessment/${mine.ra.id}`));
  });

  test('no user writes, forges or removes a derived resource; a manual Flag is still allowed', async () => {
    const { ra, flags } = await current(steady);
    assert.ok(ra && flags[0]);
    const forged = await fhir(server, as('counselor1'), 'PUT', `RiskAssessment/${ra.id}`, {
      ...ra,
      prediction: [{ qualitativeRisk: { coding: [{ system: SYSTEM.riskProbability, code: 'low' }] } }],
    });
    assert.equal(forged.status, 403);
    assert.equal((await fhir(server, as('counselor1'), 'DELETE', `Flag/${flags[0].id}`)).status, 403);
    const { id: _id, meta, ...copy } = flags[0];
    const lookalike = await fhir(server, as('counselor1'), 'POST', 'Flag', {
      ...copy,
      meta: { tag: meta?.tag },
    });
    assert.equal(lookalike.status, 403);
    const manual = await fhir(server, as('counselor1'), 'POST', 'Flag', {
      resourceType: 'Flag',
      status: 'active',
      code: { text: 'Prefers morning sessions' },
      subject: { reference: `Patient/${steady}` },
    });
    assert.equal(manual.status, 201);
  });
});

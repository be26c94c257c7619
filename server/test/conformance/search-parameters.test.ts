// Search by each parameter type, prefix and modifier, as a FHIR client sends them over HTTP.
import type { Observation, Patient } from '@medplum/fhirtypes';

import { conformance, expectMatches } from '../support/conformance';
import type { TestServer } from '../support/test-server';

const MRN = 'http://example.org/mrn';
const TAGS = 'http://example.org/tags';
const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const UCUM = 'http://unitsofmeasure.org';

async function seedPatients(server: TestServer): Promise<{ smith: string; smythe: string; muller: string }> {
  const smith = await server.client.create<Patient>({
    resourceType: 'Patient',
    meta: {
      tag: [{ system: TAGS, code: 'vip' }],
      security: [{ system: CONFIDENTIALITY, code: 'R' }],
      profile: ['http://example.org/StructureDefinition/waypoint-patient'],
    },
    identifier: [{ system: MRN, value: 'A1' }],
    name: [{ family: 'Smith', given: ['John'] }],
    gender: 'male',
    birthDate: '1990-06-15',
    active: true,
  });
  const smythe = await server.client.create<Patient>({
    resourceType: 'Patient',
    identifier: [{ system: MRN, value: 'B2' }],
    name: [{ family: 'Smythe', given: ['Ann'] }],
    gender: 'female',
    birthDate: '1990-12-31',
    active: false,
  });
  const muller = await server.client.create<Patient>({
    resourceType: 'Patient',
    identifier: [{ value: 'C3' }],
    name: [{ family: 'Müller', given: ['Zoë'] }],
    gender: 'female',
    birthDate: '1991-01-01',
  });
  return { smith: smith.id, smythe: smythe.id, muller: muller.id };
}

conformance(
  'string: prefix match, case-insensitive, :exact and :contains',
  async (server) => {
    const p = await seedPatients(server);
    await expectMatches(server, 'Patient?family=smi', [p.smith]);
    await expectMatches(server, 'Patient?family=SM', [p.smith, p.smythe]);
    await expectMatches(server, 'Patient?name=john', [p.smith]);
    await expectMatches(server, 'Patient?family:exact=Smith', [p.smith]);
    await expectMatches(server, 'Patient?family:exact=smith', []);
    await expectMatches(server, 'Patient?family:contains=yth', [p.smythe]);
  },
  { memoryDiffers: ':exact is case-insensitive' },
);

conformance(
  'string: accent-insensitive',
  async (server) => {
    const p = await seedPatients(server);
    await expectMatches(server, 'Patient?family=muller', [p.muller]);
    await expectMatches(server, 'Patient?given=zoe', [p.muller]);
  },
  { memoryDiffers: 'string search does not normalize accents' },
);

conformance('token: system|code, code, |code, system|, :not, :missing', async (server) => {
  const p = await seedPatients(server);
  await expectMatches(server, `Patient?identifier=${MRN}|A1`, [p.smith]);
  await expectMatches(server, 'Patient?identifier=A1', [p.smith]);
  await expectMatches(server, `Patient?identifier=${MRN}|`, [p.smith, p.smythe]);
  await expectMatches(server, 'Patient?identifier=|C3', [p.muller]);
  await expectMatches(server, 'Patient?gender=female', [p.smythe, p.muller]);
  await expectMatches(server, 'Patient?gender:not=female', [p.smith]);
  await expectMatches(server, 'Patient?active=true', [p.smith]);
  await expectMatches(server, 'Patient?active:missing=true', [p.muller]);
  await expectMatches(server, 'Patient?active:missing=false', [p.smith, p.smythe]);
});

conformance(
  'token :text matches the display text',
  async (server) => {
    const p = await seedPatients(server);
    const heartRate = await server.client.create<Observation>({
      resourceType: 'Observation',
      status: 'final',
      code: {
        coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }],
        text: 'Heart rate',
      },
      subject: { reference: `Patient/${p.smith}` },
    });
    await expectMatches(server, 'Observation?code:text=heart', [heartRate.id]);
    await expectMatches(server, 'Observation?code:text=pulse', []);
  },
  { memoryDiffers: ':text modifier is not evaluated' },
);

conformance('date: partial dates, every prefix, inclusive boundaries', async (server) => {
  const p = await seedPatients(server);
  await expectMatches(server, 'Patient?birthdate=1990', [p.smith, p.smythe]);
  await expectMatches(server, 'Patient?birthdate=1990-06', [p.smith]);
  await expectMatches(server, 'Patient?birthdate=eq1990-06-15', [p.smith]);
  await expectMatches(server, 'Patient?birthdate=ne1990', [p.muller]);
  await expectMatches(server, 'Patient?birthdate=ge1990-12-31', [p.smythe, p.muller]);
  await expectMatches(server, 'Patient?birthdate=gt1990-12-31', [p.muller]);
  await expectMatches(server, 'Patient?birthdate=le1990-06-15', [p.smith]);
  await expectMatches(server, 'Patient?birthdate=lt1990-06-15', []);
  await expectMatches(server, 'Patient?birthdate=lt1991', [p.smith, p.smythe]);
  await expectMatches(server, 'Patient?birthdate=gt1990', [p.muller]);
  await expectMatches(server, 'Patient?birthdate=sa1990-06-15', [p.smythe, p.muller]);
  await expectMatches(server, 'Patient?birthdate=eb1990-12-31', [p.smith]);
});

conformance('date: a Period matches by overlap, boundaries to the second', async (server) => {
  const p = await seedPatients(server);
  const encounter = await server.client.create({
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: `Patient/${p.smith}` },
    period: { start: '2024-01-10T09:00:00Z', end: '2024-01-10T10:00:00Z' },
  });
  await expectMatches(server, 'Encounter?date=2024-01-10', [encounter.id]);
  await expectMatches(server, 'Encounter?date=ge2024-01-10T09:30:00Z', [encounter.id]);
  await expectMatches(server, 'Encounter?date=le2024-01-10T09:00:01Z', [encounter.id]);
  await expectMatches(server, 'Encounter?date=gt2024-01-10T10:00:00Z', []);
  await expectMatches(server, 'Encounter?date=lt2024-01-10T09:00:00Z', []);
  await expectMatches(server, 'Encounter?date=2024-01-11', []);
});

conformance(
  'number: prefixes on a decimal',
  async (server) => {
    const p = await seedPatients(server);
    const risk = (probability: number): Promise<{ id: string }> =>
      server.client.create({
        resourceType: 'RiskAssessment',
        status: 'final',
        subject: { reference: `Patient/${p.smith}` },
        prediction: [{ probabilityDecimal: probability }],
      });
    const low = await risk(0.3);
    const high = await risk(0.8);
    await expectMatches(server, 'RiskAssessment?probability=gt0.5', [high.id]);
    await expectMatches(server, 'RiskAssessment?probability=0.8', [high.id]);
    await expectMatches(server, 'RiskAssessment?probability=le0.3', [low.id]);
    await expectMatches(server, 'RiskAssessment?probability=ne0.3', [high.id]);
  },
  { memoryDiffers: 'number search never matches' },
);

conformance(
  'quantity: value with prefixes, system and unit',
  async (server) => {
    const p = await seedPatients(server);
    const dose = (value: number): Promise<{ id: string }> =>
      server.client.create<Observation>({
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'dose' },
        subject: { reference: `Patient/${p.smith}` },
        valueQuantity: { value, unit: 'mg', system: UCUM, code: 'mg' },
      });
    const small = await dose(5.4);
    const large = await dose(12);
    await expectMatches(server, 'Observation?value-quantity=5.4', [small.id]);
    await expectMatches(server, `Observation?value-quantity=gt10|${UCUM}|mg`, [large.id]);
    await expectMatches(server, 'Observation?value-quantity=le12||mg', [small.id, large.id]);
    await expectMatches(server, `Observation?value-quantity=gt1|${UCUM}|kg`, []);
  },
  { memoryDiffers: 'quantity search never matches' },
);

conformance(
  'uri: exact match and :below',
  async (server) => {
    const vs = (url: string): Promise<{ id: string }> =>
      server.client.create({ resourceType: 'ValueSet', status: 'active', url });
    const a = await vs('http://example.org/fhir/ValueSet/a');
    await vs('http://example.org/fhir/ValueSet/ab');
    const nested = await vs('http://example.org/fhir/ValueSet/b/c');
    await expectMatches(server, 'ValueSet?url=http://example.org/fhir/ValueSet/a', [a.id]);
    await expectMatches(server, 'ValueSet?url:below=http://example.org/fhir/ValueSet/b', [nested.id]);
  },
  { memoryDiffers: 'uri equality is evaluated as a prefix match' },
);

conformance(
  'reference: Type/id, :Type, bare id, :missing',
  async (server) => {
    const p = await seedPatients(server);
    const withSubject = await server.client.create<Observation>({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      subject: { reference: `Patient/${p.smith}` },
    });
    const without = await server.client.create<Observation>({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'y' },
    });
    await expectMatches(server, `Observation?subject=Patient/${p.smith}`, [withSubject.id]);
    await expectMatches(server, `Observation?subject:Patient=${p.smith}`, [withSubject.id]);
    await expectMatches(server, `Observation?patient=${p.smith}`, [withSubject.id]);
    await expectMatches(server, `Observation?subject=Patient/${p.smythe}`, []);
    await expectMatches(server, 'Observation?subject:missing=true', [without.id]);
  },
  { memoryDiffers: 'the :[type] modifier on references never matches' },
);

conformance('_id, _lastUpdated, _tag, _security, _profile', async (server) => {
  const before = new Date(Date.now() - 60_000).toISOString();
  const p = await seedPatients(server);
  await expectMatches(server, `Patient?_id=${p.smith},${p.muller}`, [p.smith, p.muller]);
  await expectMatches(server, `Patient?_lastUpdated=gt${before}`, [p.smith, p.smythe, p.muller]);
  await expectMatches(server, 'Patient?_lastUpdated=lt2000-01-01', []);
  await expectMatches(server, `Patient?_tag=${TAGS}|vip`, [p.smith]);
  await expectMatches(server, `Patient?_security=${CONFIDENTIALITY}|R`, [p.smith]);
  await expectMatches(server, 'Patient?_profile=http://example.org/StructureDefinition/waypoint-patient', [
    p.smith,
  ]);
});

conformance('OR with commas, AND with repeated parameters', async (server) => {
  const p = await seedPatients(server);
  await expectMatches(server, 'Patient?family=smith,smythe', [p.smith, p.smythe]);
  await expectMatches(server, 'Patient?family=sm&gender=female', [p.smythe]);
  await expectMatches(server, 'Patient?birthdate=ge1990&birthdate=lt1990-12-01', [p.smith]);
  await expectMatches(server, `Patient?identifier=${MRN}|A1,${MRN}|B2&gender=male`, [p.smith]);
});

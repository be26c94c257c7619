// A simple synthetic clinic for the server benchmark: Organization, counselors, prescribers, and per patient an
// EpisodeOfCare, a CareTeam, MedicationRequests, Encounters and Observations (UDS, PHQ-9, GAD-7, craving), about
// 500 resources per patient. Deterministic (seeded), generated lazily in batches so 1M resources never sit in memory.
import type {
  CareTeam,
  Encounter,
  EpisodeOfCare,
  MedicationRequest,
  Observation,
  Organization,
  Patient,
  Practitioner,
  Resource,
} from '@medplum/fhirtypes';

export const RESOURCES_PER_PATIENT = 500;
export const PATIENTS_PER_COUNSELOR = 15;

const LOINC = 'http://loinc.org';
export const OBSERVATION_CODES = [
  { system: LOINC, code: '59673-4', display: 'Fentanyl screen', unit: undefined },
  { system: LOINC, code: '19295-5', display: 'Opiates screen', unit: undefined },
  { system: LOINC, code: '19321-9', display: '6-MAM screen', unit: undefined },
  { system: LOINC, code: '93494-3', display: 'Buprenorphine screen', unit: undefined },
  { system: LOINC, code: '44261-6', display: 'PHQ-9 total score', unit: '{score}' },
  { system: LOINC, code: '70274-6', display: 'GAD-7 total score', unit: '{score}' },
  {
    system: 'http://waypoint.health/fhir/CodeSystem/measures',
    code: 'craving',
    display: 'Craving 0-10',
    unit: '{score}',
  },
] as const;

export interface ClinicShape {
  readonly patients: number;
  readonly counselors: number;
}

export function clinicShape(totalResources: number): ClinicShape {
  const patients = Math.max(1, Math.round(totalResources / RESOURCES_PER_PATIENT));
  return { patients, counselors: Math.max(1, Math.ceil(patients / PATIENTS_PER_COUNSELOR)) };
}

export const patientId = (i: number): string => `pt-${i}`;
export const counselorId = (i: number): string => `counselor-${i}`;

/** Yields the clinic in batches of about `batchSize` resources. */
export function* generateClinic(shape: ClinicShape, batchSize = 5000): Generator<Resource[]> {
  const rand = mulberry32(42);
  let batch: Resource[] = [];
  const org: Organization = { resourceType: 'Organization', id: 'org-1', name: 'Harbor Recovery Clinic' };
  batch.push(org);
  for (let c = 0; c < shape.counselors; c++) {
    batch.push(practitioner(counselorId(c), 'Counselor', c));
  }
  batch.push(practitioner('prescriber-1', 'Prescriber', 1), practitioner('coordinator-1', 'Coordinator', 1));

  const start = Date.UTC(2024, 0, 1);
  const day = 86_400_000;
  for (let p = 0; p < shape.patients; p++) {
    const pid = patientId(p);
    const subject = { reference: `Patient/${pid}` };
    const counselor = { reference: `Practitioner/${counselorId(p % shape.counselors)}` };
    const episodeStart = start + Math.floor(rand() * 300) * day;
    const patient: Patient = {
      resourceType: 'Patient',
      id: pid,
      identifier: [{ system: 'urn:waypoint:mrn', value: `MRN${100000 + p}` }],
      name: [{ family: FAMILIES[p % FAMILIES.length], given: [GIVEN[(p * 7) % GIVEN.length] as string] }],
      gender: p % 2 ? 'male' : 'female',
      birthDate: `${1960 + (p % 40)}-0${1 + (p % 9)}-1${p % 10}`,
      managingOrganization: { reference: 'Organization/org-1' },
      meta: {
        security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: '42CFRPart2' }],
      },
    };
    const careTeam: CareTeam = {
      resourceType: 'CareTeam',
      id: `ct-${p}`,
      status: 'active',
      subject,
      participant: [
        { member: counselor, role: [{ text: 'counselor' }] },
        { member: { reference: 'Practitioner/prescriber-1' }, role: [{ text: 'prescriber' }] },
        { member: { reference: 'Practitioner/coordinator-1' }, role: [{ text: 'care-coordinator' }] },
      ],
    };
    const episode: EpisodeOfCare = {
      resourceType: 'EpisodeOfCare',
      id: `eoc-${p}`,
      status: 'active',
      patient: subject,
      type: [{ text: ['CBT', 'DBT', 'REBT'][p % 3] as string }],
      period: { start: iso(episodeStart).slice(0, 10) },
      careManager: counselor,
      team: [{ reference: `CareTeam/ct-${p}` }],
      managingOrganization: { reference: 'Organization/org-1' },
    };
    batch.push(patient, careTeam, episode);
    for (let m = 0; m < 4; m++) {
      const mr: MedicationRequest = {
        resourceType: 'MedicationRequest',
        id: `mr-${p}-${m}`,
        status: m === 3 ? 'active' : 'completed',
        intent: 'order',
        subject,
        medicationCodeableConcept: {
          coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1010604' }],
          text: 'Buprenorphine/naloxone 8/2 mg SL film',
        },
        authoredOn: iso(episodeStart + m * 28 * day),
        requester: { reference: 'Practitioner/prescriber-1' },
      };
      batch.push(mr);
    }
    const encounters = 60;
    for (let e = 0; e < encounters; e++) {
      const when = episodeStart + e * 7 * day;
      const enc: Encounter = {
        resourceType: 'Encounter',
        id: `enc-${p}-${e}`,
        status: rand() < 0.85 ? 'finished' : 'cancelled',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject,
        episodeOfCare: [{ reference: `EpisodeOfCare/eoc-${p}` }],
        participant: [{ individual: counselor }],
        period: { start: iso(when), end: iso(when + 3_600_000) },
      };
      batch.push(enc);
    }
    const observations = RESOURCES_PER_PATIENT - 3 - 4 - encounters;
    for (let o = 0; o < observations; o++) {
      const code = OBSERVATION_CODES[o % OBSERVATION_CODES.length] as (typeof OBSERVATION_CODES)[number];
      const when = episodeStart + Math.floor(o / OBSERVATION_CODES.length) * 3 * day + (o % 7) * 60_000;
      const obs: Observation = {
        resourceType: 'Observation',
        id: `obs-${p}-${o}`,
        status: 'final',
        category: [
          {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/observation-category',
                code: code.unit ? 'survey' : 'laboratory',
              },
            ],
          },
        ],
        code: { coding: [{ system: code.system, code: code.code, display: code.display }] },
        subject,
        encounter: { reference: `Encounter/enc-${p}-${Math.floor(o / 7) % encounters}` },
        effectiveDateTime: iso(when),
        ...(code.unit
          ? {
              valueQuantity: {
                value: Math.floor(rand() * 27),
                unit: code.unit,
                system: 'http://unitsofmeasure.org',
                code: code.unit,
              },
            }
          : {
              valueCodeableConcept: {
                coding: [{ system: 'http://snomed.info/sct', code: rand() < 0.2 ? '10828004' : '260385009' }],
              },
            }),
      };
      batch.push(obs);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) {
    yield batch;
  }
}

function practitioner(id: string, role: string, n: number): Practitioner {
  return {
    resourceType: 'Practitioner',
    id,
    name: [{ family: `${role}${n}`, given: [GIVEN[n % GIVEN.length] as string] }],
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: String(1000000000 + n) }],
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const FAMILIES = [
  'Garcia',
  'Nguyen',
  'Smith',
  'Müller',
  'Okafor',
  'Kowalski',
  'Haddad',
  'Johnson',
  'Silva',
  'Tanaka',
];
const GIVEN = ['Ana', 'Ben', 'Chloé', 'Dev', 'Eli', 'Fatima', 'Gus', 'Hana', 'Ivan', 'Jo', 'Kai'];

/** Small seeded PRNG so every run generates the same clinic. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

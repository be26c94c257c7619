import type {
  Bundle,
  CareTeam,
  DiagnosticReport,
  EpisodeOfCare,
  Observation,
  Patient,
  Resource,
} from '@medplum/fhirtypes';

/** A synthetic adult patient; override any field (pass `id: undefined` for a not-yet-created one). */
export function aPatient(overrides: Partial<Patient> = {}): Patient {
  return {
    resourceType: 'Patient',
    id: 'patient-1',
    active: true,
    name: [{ use: 'official', family: 'Rivera', given: ['Sam'] }],
    gender: 'unknown',
    birthDate: '1990-04-12',
    ...overrides,
  };
}

/** A searchset Bundle whose entries are all matches. */
export function aSearchBundle(
  resources: readonly Resource[],
  options: { readonly total?: number; readonly next?: string } = {},
): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(options.total !== undefined ? { total: options.total } : {}),
    ...(options.next ? { link: [{ relation: 'next', url: options.next }] } : {}),
    entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
  };
}

// ---------------------------------------------------------------------------------------------------
// Caseload fixtures: the resources a counselor's caseload is built from, dated relative to FIXED_NOW.

/** Monday 16 March 2026, noon UTC: the "now" of caseload and patient specs. */
export const FIXED_NOW = '2026-03-16T12:00:00.000Z';
export const COUNSELOR = 'Practitioner/counselor-1';

const DAY = 86_400_000;
/** ISO instant `days` from FIXED_NOW (negative: in the past), at `hour` UTC. */
export function daysFromNow(days: number, hour = 10): string {
  const midnight = Date.parse(FIXED_NOW) - 12 * 3_600_000;
  return new Date(midnight + days * DAY + hour * 3_600_000).toISOString();
}

const patientRef = (id: string) => ({ reference: `Patient/${id}` });
const LOINC = 'http://loinc.org';
const WAYPOINT = 'http://waypoint.health/fhir/CodeSystem';

export function anEpisodeOfCare(
  patientId: string,
  overrides: Partial<EpisodeOfCare> & { track?: 'CBT' | 'DBT' | 'REBT'; startDays?: number } = {},
): EpisodeOfCare {
  const { track = 'CBT', startDays = -40, ...rest } = overrides;
  return {
    resourceType: 'EpisodeOfCare',
    id: `eoc-${patientId}`,
    status: 'active',
    patient: patientRef(patientId),
    type: [{ coding: [{ system: `${WAYPOINT}/therapy-track`, code: track }] }],
    period: { start: daysFromNow(startDays).slice(0, 10) },
    careManager: { reference: COUNSELOR },
    team: [{ reference: `CareTeam/ct-${patientId}` }],
    ...rest,
  };
}

export function aCareTeam(patientId: string, overrides: Partial<CareTeam> = {}): CareTeam {
  return {
    resourceType: 'CareTeam',
    id: `ct-${patientId}`,
    status: 'active',
    subject: patientRef(patientId),
    participant: [{ member: { reference: COUNSELOR } }],
    ...overrides,
  };
}

/** A survey measure Observation (PHQ-9 total 44261-6, item 9 44260-8, or a local measure code). */
export function aMeasureObservation(
  patientId: string,
  code: { system: string; code: string },
  value: number,
  days: number,
): Observation {
  return {
    resourceType: 'Observation',
    id: `obs-${patientId}-${code.code}-${-days}`,
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] },
    ],
    code: { coding: [code] },
    subject: patientRef(patientId),
    effectiveDateTime: daysFromNow(days),
    valueInteger: value,
  };
}

export const PHQ9_ITEM9 = { system: LOINC, code: '44260-8' };

/** A fentanyl screen (LOINC 59673-4), positive or negative, with its DiagnosticReport. */
export function aFentanylScreen(patientId: string, days: number, positive: boolean): Resource[] {
  const id = `uds-${patientId}-${-days}`;
  const observation: Observation = {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
        ],
      },
    ],
    code: { coding: [{ system: LOINC, code: '59673-4' }] },
    subject: patientRef(patientId),
    effectiveDateTime: daysFromNow(days, 9),
    valueCodeableConcept: {
      coding: [
        positive
          ? { system: 'http://snomed.info/sct', code: '10828004', display: 'Positive' }
          : { system: 'http://snomed.info/sct', code: '260385009', display: 'Negative' },
      ],
    },
  };
  const report: DiagnosticReport = {
    resourceType: 'DiagnosticReport',
    id: `dr-${id}`,
    status: 'final',
    code: { coding: [{ system: LOINC, code: '46983-3' }] },
    subject: patientRef(patientId),
    effectiveDateTime: daysFromNow(days, 9),
    result: [{ reference: `Observation/${id}` }],
  };
  return [observation, report];
}

/**
 * One caseload patient: Patient, active EpisodeOfCare and CareTeam with {@link COUNSELOR}, plus optional
 * findings. `fentanylWeeks` adds a fentanyl-positive screen in each of the last N weeks (2 points each).
 */
export function aCaseloadPatient(
  id: string,
  options: {
    readonly family?: string;
    readonly given?: string;
    readonly track?: 'CBT' | 'DBT' | 'REBT';
    readonly fentanylWeeks?: number;
    readonly phq9Item9?: number;
  } = {},
): Resource[] {
  const resources: Resource[] = [
    aPatient({ id, name: [{ family: options.family ?? 'Rivera', given: [options.given ?? 'Sam'] }] }),
    anEpisodeOfCare(id, { track: options.track ?? 'CBT' }),
    aCareTeam(id),
  ];
  for (let week = 0; week < 3; week++) {
    resources.push(...aFentanylScreen(id, -1 - 7 * week, week < (options.fentanylWeeks ?? 0)));
  }
  if (options.phq9Item9 !== undefined) {
    resources.push(aMeasureObservation(id, PHQ9_ITEM9, options.phq9Item9, -2));
  }
  return resources;
}

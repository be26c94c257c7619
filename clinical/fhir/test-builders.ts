/**
 * Tiny FHIR fixture builders for the clinical tests (exported for tests only; not part of the public
 * API). Each builds one resource in the shape of the data contract (clinical/README.md); dates are
 * given as whole days relative to {@link AS_OF} (negative = before), at 10:00 UTC unless stated.
 */
import type {
  Appointment,
  CarePlan,
  CareTeam,
  CodeableConcept,
  Consent,
  DiagnosticReport,
  Encounter,
  EpisodeOfCare,
  Goal,
  MedicationAdministration,
  MedicationDispense,
  MedicationRequest,
  Observation,
  Patient,
  Provenance,
  QuestionnaireResponse,
  RelatedPerson,
  Resource,
  RiskAssessment,
  Task,
} from '@medplum/fhirtypes';

import {
  CM_POINTS_OUTPUT,
  COSIGN_TASK_CODE,
  EXTENSION,
  LOCAL_SYSTEM,
  PART2_CONSENT,
  questionnaireUrl,
  SCREEN_RESULT,
  SYSTEM,
  TASK_CODE,
  type Track,
  UDS_PANEL,
} from '../terminology';
import { DAY_MS, toMillis } from './fhir-date';
import type { MeasureCode } from './measures';
import { groupByPatient, type PatientRecord } from './patient-record';

/** Monday 16 March 2026, noon UTC. */
export const AS_OF = '2026-03-16T12:00:00.000Z';
export const PATIENT = 'p1';

let seq = 0;
const nextId = (prefix: string): string => `${prefix}-${++seq}`;

/** ISO instant `days` days from AS_OF at hh:00 UTC (days may be fractional-free negatives). */
export function at(days: number, hour = 10): string {
  const base = (toMillis(AS_OF) as number) - 12 * 3_600_000; // midnight of the as-of day
  return new Date(base + days * DAY_MS + hour * 3_600_000).toISOString();
}

/** "YYYY-MM-DD" `days` days from AS_OF. */
export function dateOnly(days: number): string {
  return at(days).slice(0, 10);
}

const patientRef = (id: string) => ({ reference: `Patient/${id}` });

export function aPatient(
  opts: { id?: string; birthDate?: string; name?: Patient['name']; pronouns?: string } = {},
): Patient {
  return {
    resourceType: 'Patient',
    id: opts.id ?? PATIENT,
    name: opts.name ?? [{ use: 'official', given: ['Alex'], family: 'Rivera' }],
    birthDate: opts.birthDate ?? '1990-05-01',
    ...(opts.pronouns ? { extension: [{ url: EXTENSION.pronouns, valueString: opts.pronouns }] } : {}),
  };
}

export function anEpisode(
  opts: {
    id?: string;
    patient?: string;
    startDay?: number;
    track?: Track;
    plannedWeeks?: number;
    status?: EpisodeOfCare['status'];
    endDay?: number;
  } = {},
): EpisodeOfCare {
  return {
    resourceType: 'EpisodeOfCare',
    id: opts.id ?? nextId('eoc'),
    status: opts.status ?? 'active',
    patient: patientRef(opts.patient ?? PATIENT),
    type: [{ coding: [{ system: LOCAL_SYSTEM.track, code: opts.track ?? 'CBT' }] }],
    period: {
      start: dateOnly(opts.startDay ?? -40),
      ...(opts.endDay !== undefined ? { end: dateOnly(opts.endDay) } : {}),
    },
    ...(opts.plannedWeeks !== undefined
      ? { extension: [{ url: EXTENSION.plannedWeeks, valueInteger: opts.plannedWeeks }] }
      : {}),
  };
}

export function anAppointment(opts: {
  id?: string;
  patients?: string[];
  day: number;
  hour?: number;
  status: Appointment['status'];
  cancelledBy?: 'pat' | 'prov';
}): Appointment {
  return {
    resourceType: 'Appointment',
    id: opts.id ?? nextId('appt'),
    status: opts.status,
    start: at(opts.day, opts.hour ?? 10),
    end: at(opts.day, (opts.hour ?? 10) + 1),
    participant: [
      ...(opts.patients ?? [PATIENT]).map((p) => ({ actor: patientRef(p), status: 'accepted' as const })),
      { actor: { reference: 'Practitioner/counselor-1' }, status: 'accepted' as const },
    ],
    ...(opts.cancelledBy
      ? {
          cancelationReason: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason',
                code: opts.cancelledBy,
              },
            ],
          },
        }
      : {}),
  };
}

export function anEncounter(opts: {
  id?: string;
  patient?: string;
  day: number;
  appointment?: string;
  status?: Encounter['status'];
}): Encounter {
  return {
    resourceType: 'Encounter',
    id: opts.id ?? nextId('enc'),
    status: opts.status ?? 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: patientRef(opts.patient ?? PATIENT),
    period: { start: at(opts.day, 10), end: at(opts.day, 11) },
    ...(opts.appointment ? { appointment: [{ reference: `Appointment/${opts.appointment}` }] } : {}),
  };
}

/** RxNorm: 1010604 bup/nx film, 991147 methadone solution, 1996184 Sublocade, 637213 Vivitrol, 1483744 oral naltrexone. */
export function aMatOrder(
  opts: {
    id?: string;
    patient?: string;
    code?: string;
    status?: MedicationRequest['status'];
    authoredDay?: number;
    stoppedDay?: number;
    doseMg?: number;
  } = {},
): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id: opts.id ?? nextId('mr'),
    status: opts.status ?? 'active',
    intent: 'order',
    subject: patientRef(opts.patient ?? PATIENT),
    medicationCodeableConcept: { coding: [{ system: SYSTEM.rxnorm, code: opts.code ?? '1010604' }] },
    authoredOn: dateOnly(opts.authoredDay ?? -60),
    dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: opts.doseMg ?? 16, unit: 'mg' } }] }],
    ...(opts.stoppedDay !== undefined
      ? { dispenseRequest: { validityPeriod: { end: at(opts.stoppedDay) } } }
      : {}),
  };
}

export function anAdministration(opts: {
  id?: string;
  patient?: string;
  order: MedicationRequest;
  day: number;
  status?: MedicationAdministration['status'];
}): MedicationAdministration {
  return {
    resourceType: 'MedicationAdministration',
    id: opts.id ?? nextId('ma'),
    status: opts.status ?? 'completed',
    subject: patientRef(opts.patient ?? PATIENT),
    medicationCodeableConcept: opts.order.medicationCodeableConcept as CodeableConcept,
    effectiveDateTime: at(opts.day, 9),
    request: { reference: `MedicationRequest/${opts.order.id ?? ''}` },
  };
}

export function aDispense(opts: {
  id?: string;
  patient?: string;
  order: MedicationRequest;
  day: number;
  daysSupply: number;
}): MedicationDispense {
  return {
    resourceType: 'MedicationDispense',
    id: opts.id ?? nextId('md'),
    status: 'completed',
    subject: patientRef(opts.patient ?? PATIENT),
    medicationCodeableConcept: opts.order.medicationCodeableConcept as CodeableConcept,
    whenHandedOver: at(opts.day, 9),
    daysSupply: { value: opts.daysSupply, unit: 'd' },
    quantity: { value: opts.daysSupply },
    authorizingPrescription: [{ reference: `MedicationRequest/${opts.order.id ?? ''}` }],
  };
}

/** A UDS Observation as the demo clinic writes it (valueCodeableConcept), or with `value` overrides. */
export function aUds(opts: {
  id?: string;
  patient?: string;
  loinc: string;
  day: number;
  positive?: boolean;
  value?: Partial<Observation>;
}): Observation {
  const result = opts.positive ? SCREEN_RESULT.positive : SCREEN_RESULT.negative;
  return {
    resourceType: 'Observation',
    id: opts.id ?? nextId('uds'),
    status: 'final',
    category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'laboratory' }] }],
    code: { coding: [{ system: SYSTEM.loinc, code: opts.loinc }] },
    subject: patientRef(opts.patient ?? PATIENT),
    effectiveDateTime: at(opts.day, 9),
    ...(opts.value ?? { valueCodeableConcept: { coding: [result] } }),
  };
}

export function aUdsReport(opts: {
  id?: string;
  patient?: string;
  day: number;
  results: Observation[];
}): DiagnosticReport {
  return {
    resourceType: 'DiagnosticReport',
    id: opts.id ?? nextId('dr'),
    status: 'final',
    code: { coding: [{ system: SYSTEM.loinc, code: UDS_PANEL.code }] },
    subject: patientRef(opts.patient ?? PATIENT),
    effectiveDateTime: at(opts.day, 9),
    result: opts.results.map((o) => ({ reference: `Observation/${o.id ?? ''}` })),
  };
}

/** LOINC codes used most in tests. */
export const LOINC = {
  fentanyl: '59673-4',
  opiates: '19295-5',
  heroin: '19321-9',
  buprenorphine: '93494-3',
  methadone: '19550-3',
  eddp: '93495-0',
  cocaine: '3394-4',
} as const;

/** A weekly panel: fentanyl, opiates and buprenorphine screens in one report. Returns [report, ...observations]. */
export function aUdsPanel(opts: {
  patient?: string;
  day: number;
  positives?: string[];
  tests?: string[];
}): Resource[] {
  const tests = opts.tests ?? [LOINC.fentanyl, LOINC.opiates, LOINC.buprenorphine];
  const obs = tests.map((loinc) =>
    aUds({ patient: opts.patient, loinc, day: opts.day, positive: (opts.positives ?? []).includes(loinc) }),
  );
  return [aUdsReport({ patient: opts.patient, day: opts.day, results: obs }), ...obs];
}

export function aMeasure(opts: {
  id?: string;
  patient?: string;
  code: MeasureCode;
  value: number;
  day: number;
}): Observation {
  return {
    resourceType: 'Observation',
    id: opts.id ?? nextId('obs'),
    status: 'final',
    category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'survey' }] }],
    code: { coding: [{ system: opts.code.system, code: opts.code.code }] },
    subject: patientRef(opts.patient ?? PATIENT),
    effectiveDateTime: at(opts.day, 10),
    valueInteger: opts.value,
  };
}

export function aNote(opts: {
  id?: string;
  patient?: string;
  encounter: Encounter;
  status?: QuestionnaireResponse['status'];
  authoredHoursAfter?: number;
}): QuestionnaireResponse {
  const end = toMillis(opts.encounter.period?.end) as number;
  return {
    resourceType: 'QuestionnaireResponse',
    id: opts.id ?? nextId('qr'),
    meta: { versionId: '1' },
    status: opts.status ?? 'in-progress',
    questionnaire: questionnaireUrl('cbt-thought-record'),
    subject: patientRef(opts.patient ?? PATIENT),
    encounter: { reference: `Encounter/${opts.encounter.id ?? ''}` },
    author: { reference: 'Practitioner/counselor-1' },
    authored: new Date(end + (opts.authoredHoursAfter ?? 0) * 3_600_000).toISOString(),
    item: [{ linkId: 'situation', text: 'Situation', answer: [{ valueString: 'private note body' }] }],
  };
}

export function aSignature(opts: {
  id?: string;
  note: QuestionnaireResponse;
  recorded: string;
  type?: 'author' | 'verifier';
}): Provenance {
  return {
    resourceType: 'Provenance',
    id: opts.id ?? nextId('prov'),
    target: [
      {
        reference: `QuestionnaireResponse/${opts.note.id ?? ''}/_history/${opts.note.meta?.versionId ?? '1'}`,
      },
    ],
    recorded: opts.recorded,
    agent: [
      {
        type: { coding: [{ system: SYSTEM.provenanceParticipantType, code: opts.type ?? 'author' }] },
        who: { reference: 'Practitioner/counselor-1' },
      },
    ],
  };
}

export function aCosignTask(opts: {
  id?: string;
  note: QuestionnaireResponse;
  status?: Task['status'];
  authoredDay: number;
}): Task {
  return {
    resourceType: 'Task',
    id: opts.id ?? nextId('task'),
    status: opts.status ?? 'requested',
    intent: 'order',
    code: { coding: [{ system: LOCAL_SYSTEM.task, code: COSIGN_TASK_CODE }] },
    focus: { reference: `QuestionnaireResponse/${opts.note.id ?? ''}` },
    owner: { reference: 'Practitioner/supervisor-1' },
    authoredOn: at(opts.authoredDay),
  };
}

export function aConsent(
  opts: { id?: string; patient?: string; status?: Consent['status']; day?: number } = {},
): Consent {
  return {
    resourceType: 'Consent',
    id: opts.id ?? nextId('consent'),
    status: opts.status ?? 'active',
    scope: { coding: [{ system: SYSTEM.consentScope, code: PART2_CONSENT.scope }] },
    category: [{ coding: [{ system: SYSTEM.loinc, code: PART2_CONSENT.category }] }],
    patient: patientRef(opts.patient ?? PATIENT),
    dateTime: at(opts.day ?? -100),
  };
}

/** The record of PATIENT (or `patientId`) built by the real groupByPatient from these resources. */
export function recordOf(resources: readonly Resource[], patientId = PATIENT): PatientRecord {
  const record = groupByPatient(resources).get(patientId);
  if (!record) throw new Error(`no Patient/${patientId} among the resources`);
  return record;
}

/**
 * A patient in a steady state (score 0 now and a week ago): 35 years old, enrolled 40 days ago, on
 * buprenorphine with fortnightly 14-day dispenses, weekly panels positive for buprenorphine only, consent on file.
 */
export function aStablePatient(
  extra: readonly Resource[] = [],
  opts: { birthDate?: string } = {},
): Resource[] {
  const order = aMatOrder({ id: 'bup-order', authoredDay: -60 });
  return [
    aPatient({ birthDate: opts.birthDate }),
    anEpisode({ startDay: -40 }),
    order,
    aDispense({ order, day: -19, daysSupply: 14 }),
    aDispense({ order, day: -5, daysSupply: 14 }),
    ...[-1, -8, -15, -22, -29].flatMap((day) => aUdsPanel({ day, positives: [LOINC.buprenorphine] })),
    aConsent(),
    ...extra,
  ];
}

/** A care team as the demo clinic writes it: counselor, prescriber, coordinator, peer specialist (+ supports). */
export function aCareTeam(
  opts: {
    id?: string;
    patient?: string;
    status?: CareTeam['status'];
    related?: { id: string; display: string }[];
  } = {},
): CareTeam {
  const member = (role: string, id: string, display: string) => ({
    role: [{ coding: [{ system: LOCAL_SYSTEM.role, code: role, display: role }] }],
    member: { reference: `Practitioner/${id}`, display },
  });
  return {
    resourceType: 'CareTeam',
    id: opts.id ?? nextId('ct'),
    status: opts.status ?? 'active',
    subject: patientRef(opts.patient ?? PATIENT),
    participant: [
      member('counselor', 'counselor-1', 'Casey Counselor'),
      member('prescriber', 'prescriber-1', 'Dr Pat Prescriber'),
      member('care-coordinator', 'coordinator-1', 'Cory Coordinator'),
      member('peer-specialist', 'peer-1', 'Pip Peer'),
      ...(opts.related ?? []).map((r) => ({
        role: [
          {
            coding: [
              {
                system: LOCAL_SYSTEM.role,
                code: 'family-support',
                display: 'Family / concerned significant other',
              },
            ],
          },
        ],
        member: { reference: `RelatedPerson/${r.id}`, display: r.display },
      })),
    ],
  };
}

export function aRelatedPerson(opts: {
  id?: string;
  patient?: string;
  relationship: string;
  display?: string;
  given?: string;
  family?: string;
  active?: boolean;
}): RelatedPerson {
  return {
    resourceType: 'RelatedPerson',
    id: opts.id ?? nextId('rp'),
    active: opts.active ?? true,
    patient: patientRef(opts.patient ?? PATIENT),
    relationship: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
            code: opts.relationship,
            display: opts.display ?? opts.relationship,
          },
        ],
      },
    ],
    name: [{ given: [opts.given ?? 'Sam'], family: opts.family ?? 'Rivera' }],
    telecom: [{ system: 'phone', value: '555-0142', use: 'mobile' }],
  };
}

/** A Goal; `target` as FHIR writes it (measure + detailQuantity / detailRange / detailCodeableConcept). */
export function aGoal(opts: {
  id?: string;
  patient?: string;
  description: string;
  target?: Goal['target'];
  lifecycleStatus?: Goal['lifecycleStatus'];
  achievement?: string;
  startDay?: number;
}): Goal {
  return {
    resourceType: 'Goal',
    id: opts.id ?? nextId('goal'),
    lifecycleStatus: opts.lifecycleStatus ?? 'active',
    ...(opts.achievement
      ? {
          achievementStatus: {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/goal-achievement', code: opts.achievement },
            ],
          },
        }
      : {}),
    description: { text: opts.description },
    subject: patientRef(opts.patient ?? PATIENT),
    startDate: dateOnly(opts.startDay ?? -40),
    ...(opts.target ? { target: opts.target } : {}),
  };
}

/** A CarePlan listing goals; period from `startDay` to `endDay` (date-only, as the demo writes it). */
export function aCarePlan(opts: {
  id?: string;
  patient?: string;
  status?: CarePlan['status'];
  goals?: Goal[];
  startDay?: number;
  endDay?: number;
  extension?: CarePlan['extension'];
  activity?: CarePlan['activity'];
  title?: string;
}): CarePlan {
  return {
    resourceType: 'CarePlan',
    id: opts.id ?? nextId('cp'),
    status: opts.status ?? 'active',
    intent: 'plan',
    title: opts.title ?? 'Recovery plan: Cognitive behavioral therapy track, 12 weeks',
    subject: patientRef(opts.patient ?? PATIENT),
    period: {
      start: dateOnly(opts.startDay ?? -40),
      ...(opts.endDay !== undefined ? { end: dateOnly(opts.endDay) } : {}),
    },
    author: { reference: 'Practitioner/counselor-1', display: 'Casey Counselor' },
    goal: (opts.goals ?? []).map((g) => ({ reference: `Goal/${g.id ?? ''}` })),
    ...(opts.extension ? { extension: opts.extension } : {}),
    ...(opts.activity ? { activity: opts.activity } : {}),
  };
}

/** A contingency-management reward Task (LOCAL task#cm-reward) for a negative screen, as the demo writes it. */
export function aCmReward(opts: {
  id?: string;
  patient?: string;
  focus: Observation;
  points: number;
  day: number;
  status?: Task['status'];
}): Task {
  return {
    resourceType: 'Task',
    id: opts.id ?? nextId('cm'),
    status: opts.status ?? 'completed',
    intent: 'order',
    code: { coding: [{ system: LOCAL_SYSTEM.task, code: TASK_CODE.cmReward }] },
    focus: { reference: `Observation/${opts.focus.id ?? ''}` },
    for: patientRef(opts.patient ?? PATIENT),
    authoredOn: at(opts.day, 12),
    lastModified: at(opts.day, 12),
    output: [
      {
        type: { coding: [{ system: LOCAL_SYSTEM.task, code: CM_POINTS_OUTPUT }], text: 'points' },
        valueInteger: opts.points,
      },
    ],
  };
}

/** A stored weekly RiskAssessment shape is built by clinical/derived; this is a bare one (not readable back). */
export function aBareRiskAssessment(opts: { id?: string; patient?: string; day: number }): RiskAssessment {
  return {
    resourceType: 'RiskAssessment',
    id: opts.id ?? nextId('ra'),
    status: 'final',
    subject: patientRef(opts.patient ?? PATIENT),
    occurrenceDateTime: at(opts.day),
  };
}

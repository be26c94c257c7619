// A demo patient's person and enrolment: Patient, RelatedPerson, Condition, Consent, CareTeam,
// EpisodeOfCare, Goals and CarePlan.
import type {
  CarePlan,
  CarePlanActivityDetail,
  CareTeam,
  CareTeamParticipant,
  Condition,
  Consent,
  EpisodeOfCare,
  Goal,
  Patient,
  RelatedPerson,
} from '@medplum/fhirtypes';

import {
  DEMO_ARCHETYPE_SYSTEM,
  DIAGNOSIS,
  EXTENSION,
  IDENTIFIER_SYSTEM,
  LOCAL_SYSTEM,
  PHQ9,
  SCREEN_RESULT,
  SYSTEM,
  TRACK_DISPLAY,
} from '../../../clinical/terminology';
import { ARCHETYPES } from './archetypes';
import { CITIES, STREETS } from './names';
import { CLINIC, localCoding, type RecordContext, ref, toInstant } from './record-context';
import { practitionerRef, roleCoding, type StaffMember } from './staff';

const RELATIONSHIP_DISPLAY: Record<string, string> = {
  MTH: 'mother',
  FTH: 'father',
  SPS: 'spouse',
  SIS: 'sister',
  BRO: 'brother',
  FRND: 'unrelated friend',
  GRMTH: 'grandmother',
};

export function patientResource(record: RecordContext): Patient {
  const { plan, random, clock } = record;
  const p = plan.person;
  const place = random.pick(CITIES);
  return record.push<Patient>({
    resourceType: 'Patient',
    id: record.ids.next(),
    meta: {
      versionId: '1',
      lastUpdated: toInstant(clock.at(plan.start, 8)),
      tag: [
        { system: DEMO_ARCHETYPE_SYSTEM, code: plan.archetype, display: ARCHETYPES[plan.archetype].title },
      ],
    },
    ...(p.pronouns ? { extension: [{ url: EXTENSION.pronouns, valueString: p.pronouns }] } : {}),
    identifier: [
      {
        use: 'usual',
        type: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
              code: 'MR',
              display: 'Medical record number',
            },
          ],
        },
        system: IDENTIFIER_SYSTEM.mrn,
        value: `WP${String(100000 + plan.index * 7 + random.int(0, 6)).padStart(6, '0')}`,
      },
    ],
    active: true,
    name: [{ use: 'official', family: p.family, given: [p.given] }],
    telecom: [
      { system: 'phone', value: `555-01${String(random.int(0, 99)).padStart(2, '0')}`, use: 'mobile' },
    ],
    gender: p.gender,
    birthDate: clock.date(p.birthDay),
    address: [
      {
        use: 'home',
        line: [`${random.int(10, 2999)} ${random.pick(STREETS)}`],
        city: place.city,
        state: 'PA',
        postalCode: place.postalCode,
        country: 'US',
      },
    ],
    managingOrganization: CLINIC,
  });
}

export function relatedPersonResource(record: RecordContext): RelatedPerson | undefined {
  const rp = record.plan.relatedPerson;
  if (!rp) return undefined;
  return record.push<RelatedPerson>({
    resourceType: 'RelatedPerson',
    id: record.ids.next(),
    active: true,
    patient: record.patientRef,
    relationship: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
            code: rp.relationship,
            display: RELATIONSHIP_DISPLAY[rp.relationship] ?? rp.relationship,
          },
        ],
      },
    ],
    name: [{ use: 'official', family: rp.family, given: [rp.given] }],
    telecom: [
      { system: 'phone', value: `555-01${String(record.random.int(0, 99)).padStart(2, '0')}`, use: 'mobile' },
    ],
  });
}

export function conditionResource(record: RecordContext): Condition {
  const { plan, clock } = record;
  const dx = plan.withdrawalAtIntake ? DIAGNOSIS.oudWithWithdrawal : DIAGNOSIS.oudUncomplicated;
  const recorded = clock.at(plan.start, plan.sessionHour);
  return record.push<Condition>({
    resourceType: 'Condition',
    id: record.ids.next(),
    meta: record.meta(recorded),
    clinicalStatus: { coding: [{ system: SYSTEM.conditionClinical, code: 'active', display: 'Active' }] },
    verificationStatus: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
          code: 'confirmed',
          display: 'Confirmed',
        },
      ],
    },
    category: [
      {
        coding: [
          { system: SYSTEM.conditionCategory, code: 'problem-list-item', display: 'Problem List Item' },
        ],
      },
    ],
    severity: { coding: [{ system: SYSTEM.snomed, code: '24484000', display: 'Severe' }] },
    code: { coding: [{ ...dx }], text: dx.display },
    subject: record.patientRef,
    onsetDateTime: clock.date(
      plan.start - 365 * record.random.int(2, Math.max(2, Math.min(15, plan.person.age - 17))),
    ),
    recordedDate: recorded,
    recorder: practitionerRef(record.staff.prescriber),
  });
}

export function consentResource(record: RecordContext): void {
  const { plan, clock } = record;
  if (plan.consent === 'none') return;
  const signed = clock.at(plan.start, plan.sessionHour - 1);
  const revokedDay =
    plan.consent === 'revoked' ? Math.min(-1, plan.start + record.random.int(10, 60)) : undefined;
  record.push<Consent>({
    resourceType: 'Consent',
    id: record.ids.next(),
    meta: {
      versionId: '1',
      lastUpdated: toInstant(revokedDay !== undefined ? clock.at(revokedDay, 12) : signed),
    },
    status: plan.consent === 'revoked' ? 'inactive' : 'active',
    scope: {
      coding: [{ system: SYSTEM.consentScope, code: 'patient-privacy', display: 'Privacy Consent' }],
    },
    category: [{ coding: [{ system: SYSTEM.consentCategory, code: '59284-0', display: 'Patient Consent' }] }],
    patient: record.patientRef,
    dateTime: signed,
    organization: [CLINIC],
    policy: [
      {
        authority: 'https://www.ecfr.gov',
        uri: 'https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2',
      },
    ],
    provision: {
      type: 'permit',
      period: { start: signed, ...(revokedDay !== undefined ? { end: clock.at(revokedDay, 12) } : {}) },
      actor: [
        {
          role: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                code: 'IRCP',
                display: 'information recipient',
              },
            ],
          },
          reference: CLINIC,
        },
      ],
      purpose: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
          code: 'TREAT',
          display: 'treatment',
        },
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
          code: 'HPAYMT',
          display: 'healthcare payment',
        },
      ],
      securityLabel: record.security?.map((s) => ({ ...s })) ?? [],
    },
  });
}

export function careTeamResource(record: RecordContext, related: RelatedPerson | undefined): CareTeam {
  const { plan, staff, clock } = record;
  const member = (m: StaffMember): CareTeamParticipant => ({
    role: [{ coding: [roleCoding(m.role)] }],
    member: practitionerRef(m),
    onBehalfOf: CLINIC,
  });
  const participant: CareTeamParticipant[] = [
    member(staff.counselor),
    member(staff.prescriber),
    member(staff.coordinator),
    member(staff.peer),
  ];
  if (related) {
    participant.push({
      role: [
        {
          coding: [localCoding(LOCAL_SYSTEM.role, 'family-support', 'Family / concerned significant other')],
        },
      ],
      member: ref(related, `${plan.relatedPerson?.given} ${plan.relatedPerson?.family}`),
    });
  }
  return record.push<CareTeam>({
    resourceType: 'CareTeam',
    id: record.ids.next(),
    meta: record.meta(clock.at(plan.start, plan.sessionHour)),
    status: plan.status === 'active' ? 'active' : 'inactive',
    category: [
      { coding: [{ system: SYSTEM.loinc, code: 'LA27976-2', display: 'Encounter-focused care team' }] },
    ],
    name: `Care team of ${plan.person.given} ${plan.person.family}`,
    subject: record.patientRef,
    period: {
      start: clock.at(plan.start, plan.sessionHour),
      ...(plan.end !== undefined ? { end: clock.at(plan.end, 18) } : {}),
    },
    participant,
    managingOrganization: [CLINIC],
  });
}

export function episodeResource(
  record: RecordContext,
  condition: Condition,
  careTeam: CareTeam,
): EpisodeOfCare {
  const { plan, clock } = record;
  return record.push<EpisodeOfCare>({
    resourceType: 'EpisodeOfCare',
    id: record.ids.next(),
    meta: record.meta(clock.at(plan.end ?? plan.start, plan.sessionHour)),
    extension: [{ url: `${EXTENSION.plannedWeeks}`, valueInteger: plan.plannedWeeks }],
    status: plan.status,
    type: [
      { coding: [{ system: LOCAL_SYSTEM.track, code: plan.track, display: TRACK_DISPLAY[plan.track] }] },
    ],
    diagnosis: [{ condition: ref(condition), rank: 1 }],
    patient: record.patientRef,
    managingOrganization: CLINIC,
    period: {
      start: clock.at(plan.start, plan.sessionHour),
      ...(plan.end !== undefined ? { end: clock.at(plan.end, 18) } : {}),
    },
    careManager: practitionerRef(record.staff.counselor),
    team: [ref(careTeam)],
  });
}

export function goalResources(record: RecordContext, condition: Condition): Goal[] {
  const { plan, clock } = record;
  const last = plan.weeks[plan.weeks.length - 1];
  const recentUse = plan.weeks.slice(-3).some((w) => w.opioid !== null);
  const lifecycle: Goal['lifecycleStatus'] =
    plan.outcome === 'dropout' ? 'cancelled' : plan.outcome === 'completed' ? 'completed' : 'active';
  const achievement = (good: boolean, code?: string) => ({
    coding: [
      {
        system: 'http://terminology.hl7.org/CodeSystem/goal-achievement',
        code:
          code ??
          (good
            ? plan.status === 'finished'
              ? 'achieved'
              : 'improving'
            : plan.status === 'finished'
              ? 'not-achieved'
              : 'worsening'),
      },
    ],
  });
  const due = clock.date(plan.start + plan.plannedWeeks * 7);
  const start = clock.date(plan.start);
  const goal = (description: string, good: boolean, target: Goal['target']): Goal =>
    record.push<Goal>({
      resourceType: 'Goal',
      id: record.ids.next(),
      meta: record.meta(clock.at(plan.start, plan.sessionHour)),
      lifecycleStatus: lifecycle,
      achievementStatus: achievement(good),
      description: { text: description },
      subject: record.patientRef,
      startDate: start,
      ...(target ? { target } : {}),
      addresses: [ref(condition)],
      expressedBy: practitionerRef(record.staff.counselor),
    });
  return [
    goal(
      'No use of non-prescribed opioids: weekly urine drug screens negative for fentanyl, heroin and opiates',
      !recentUse,
      [
        {
          measure: { coding: [{ system: SYSTEM.loinc, code: '59673-4' }] },
          detailCodeableConcept: { coding: [{ ...SCREEN_RESULT.negative }] },
          dueDate: due,
        },
      ],
    ),
    goal('Depressive symptoms in the mild range or below (PHQ-9 total < 10)', (last?.phq9 ?? 27) < 10, [
      {
        measure: { coding: [{ system: SYSTEM.loinc, code: PHQ9.total }] },
        detailQuantity: {
          value: 10,
          comparator: '<',
          unit: '{score}',
          system: 'http://unitsofmeasure.org',
          code: '{score}',
        },
        dueDate: due,
      },
    ]),
    goal('Attend at least 90 % of scheduled counseling sessions', (last?.attend ?? 0) >= 0.9, undefined),
    goal(
      `Take ${plan.mat.product.display} as prescribed`,
      plan.mat.gaps.length === 0 && plan.mat.stop === undefined,
      undefined,
    ),
  ];
}

export function carePlanResource(
  record: RecordContext,
  condition: Condition,
  careTeam: CareTeam,
  goals: Goal[],
): void {
  const { plan, clock } = record;
  const status: CarePlan['status'] =
    plan.outcome === 'dropout' ? 'revoked' : plan.outcome === 'completed' ? 'completed' : 'active';
  const activityStatus: CarePlanActivityDetail['status'] =
    plan.outcome === 'dropout' ? 'stopped' : plan.outcome === 'completed' ? 'completed' : 'in-progress';
  record.push<CarePlan>({
    resourceType: 'CarePlan',
    id: record.ids.next(),
    meta: record.meta(clock.at(plan.end ?? plan.start, plan.sessionHour)),
    status,
    intent: 'plan',
    title: `Recovery plan: ${TRACK_DISPLAY[plan.track]}, ${plan.plannedWeeks} weeks`,
    description: `Weekly ${plan.track} counseling, ${plan.mat.product.display}, weekly urine drug screens${plan.cm ? ', contingency management' : ''} and peer support.`,
    subject: record.patientRef,
    period: { start: clock.date(plan.start), end: clock.date(plan.start + plan.plannedWeeks * 7 - 1) },
    created: clock.at(plan.start, plan.sessionHour + 1),
    author: practitionerRef(record.staff.counselor),
    careTeam: [ref(careTeam)],
    addresses: [ref(condition)],
    goal: goals.map((g) => ref(g)),
    activity: [
      {
        detail: {
          kind: 'Appointment',
          status: activityStatus,
          description: `${plan.track} individual counseling, weekly${plan.twiceWeeklyWeeks ? ' (twice weekly for the first 4 weeks)' : ''}`,
        },
      },
      {
        detail: {
          kind: 'MedicationRequest',
          status: plan.mat.stop !== undefined ? 'stopped' : activityStatus,
          description: plan.mat.product.display,
        },
      },
      {
        detail: {
          kind: 'ServiceRequest',
          status: activityStatus,
          description: 'Urine drug screen, weekly',
        },
      },
      ...(plan.cm
        ? [
            {
              detail: {
                kind: 'Task' as const,
                status: activityStatus,
                description: 'Contingency management: escalating rewards for negative UDS',
              },
            },
          ]
        : []),
    ],
  });
}

/**
 * Turns a {@link PatientPlan} into the patient's FHIR record, following the data contract in
 * clinical/README.md: enrolment, care team, sessions and notes, MAT, UDS, measures, plan, tasks, consent.
 */
import type {
  Appointment,
  CarePlan,
  CarePlanActivityDetail,
  CareTeam,
  CareTeamParticipant,
  CodeableConcept,
  Coding,
  Condition,
  Consent,
  DiagnosticReport,
  Encounter,
  EpisodeOfCare,
  Goal,
  MedicationAdministration,
  MedicationDispense,
  MedicationRequest,
  Meta,
  Observation,
  Organization,
  Patient,
  Provenance,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  Reference,
  RelatedPerson,
  Resource,
  Task,
} from '@medplum/fhirtypes';

import {
  BAM_ITEMS,
  BAM_SCALE_ANSWERS,
  BAM_SUBSCALE_CODE,
  BAM_SUBSCALE_DISPLAY,
  bamLinkId,
  bamSubscales,
  CLINIC_ORGANIZATION_ID,
  cptForMinutes,
  DBT_MODULES,
  DBT_SKILLS,
  FREQUENCY_ANSWERS,
  GAD7_ITEMS,
  PHQ9_ITEM_TEXT,
  STAFF_ROLE_DISPLAY,
} from '../../../clinical/templates/index';
import {
  CM_POINTS_OUTPUT,
  COSIGN_TASK_CODE,
  DEMO_ARCHETYPE_SYSTEM,
  DIAGNOSIS,
  EXTENSION,
  GAD7,
  IDENTIFIER_SYSTEM,
  LOCAL_SYSTEM,
  MEASURE,
  MEASURE_DETAIL,
  MEASURE_QUESTIONNAIRE,
  type NoteTemplate,
  PHQ9,
  questionnaireUrl,
  SCREEN_RESULT,
  type Substance,
  SYSTEM,
  TASK_CODE,
  TRACK_DISPLAY,
  UDS_PANEL,
  UDS_TESTS,
} from '../../../clinical/terminology';
import { ARCHETYPES } from './archetypes';
import { type Clock } from './clock';
import { CITIES, STREETS } from './names';
import {
  abcdeItems,
  behavioralExperimentItems,
  chainAnalysisItems,
  diaryCardItems,
  exposureItems,
  qGroup,
  qItem,
  type SessionContext,
  sessionFrameItems,
  thoughtRecordItems,
} from './note-content';
import { isCovered, type PatientPlan, type WeekState } from './patient-plan';
import { type IdFactory, type Random } from './prng';
import { practitionerRef, roleCoding, type StaffMember, sudSecurity } from './staff';

export interface PatientStaff {
  readonly counselor: StaffMember;
  readonly supervisor: StaffMember;
  readonly coordinator: StaffMember;
  readonly prescriber: StaffMember;
  readonly peer: StaffMember;
}

/** The UDS panel the demo clinic runs: one Observation per substance (first LOINC code per substance). */
export const DEMO_UDS_PANEL: readonly { readonly code: string; readonly substance: Substance }[] = [
  { code: '59673-4', substance: 'fentanyl' },
  { code: '19295-5', substance: 'opiates' },
  { code: '19321-9', substance: 'heroin' },
  { code: '89302-4', substance: 'oxycodone' },
  { code: '93494-3', substance: 'buprenorphine' },
  { code: '19550-3', substance: 'methadone' },
  { code: '93495-0', substance: 'methadone' },
  { code: '3394-4', substance: 'cocaine' },
  { code: '3349-8', substance: 'amphetamine' },
  { code: '3390-2', substance: 'benzodiazepine' },
];

const OBS_CATEGORY = (code: 'survey' | 'laboratory'): CodeableConcept[] => [
  {
    coding: [
      { system: SYSTEM.observationCategory, code, display: code === 'survey' ? 'Survey' : 'Laboratory' },
    ],
  },
];
const INTERPRETATION = {
  positive: { system: SYSTEM.observationInterpretation, code: 'POS', display: 'Positive' },
  negative: { system: SYSTEM.observationInterpretation, code: 'NEG', display: 'Negative' },
} as const;
const AUTHOR_SIGNATURE = {
  system: SYSTEM.signatureType,
  code: '1.2.840.10065.1.12.1.1',
  display: "Author's Signature",
};
const VERIFY_SIGNATURE = {
  system: SYSTEM.signatureType,
  code: '1.2.840.10065.1.12.1.5',
  display: 'Verification Signature',
};
const CLINIC: Reference<Organization> = { reference: `Organization/${CLINIC_ORGANIZATION_ID}` };
const RELATIONSHIP_DISPLAY: Record<string, string> = {
  MTH: 'mother',
  FTH: 'father',
  SPS: 'spouse',
  SIS: 'sister',
  BRO: 'brother',
  FRND: 'unrelated friend',
  GRMTH: 'grandmother',
};

const ref = <T extends Resource>(r: T, display?: string): Reference<T> => ({
  reference: `${r.resourceType}/${r.id}`,
  ...(display ? { display } : {}),
});
const localCoding = (system: string, code: string, display?: string): Coding => ({
  system,
  code,
  ...(display ? { display } : {}),
});

interface Session {
  readonly day: number;
  readonly week: number;
  readonly hour: number;
  readonly minute: number;
  readonly appointment: Appointment;
  readonly encounter?: Encounter;
}

/** Builds one patient's record. Resource order: person and enrolment first, then events by type. */
export class PatientRecordBuilder {
  private readonly out: Resource[] = [];
  private readonly patientRef: Reference<Patient>;
  private readonly security: Meta['security'];

  constructor(
    private readonly plan: PatientPlan,
    private readonly staff: PatientStaff,
    private readonly clock: Clock,
    private readonly ids: IdFactory,
    private readonly random: Random,
  ) {
    this.patientRef = { reference: '' };
    this.security = sudSecurity();
  }

  private meta(lastUpdated: string): Meta {
    return { versionId: '1', lastUpdated: toInstant(lastUpdated), security: this.security };
  }

  private push<T extends Resource>(resource: T): T {
    this.out.push(resource);
    return resource;
  }

  build(): Resource[] {
    const { plan } = this;
    const patient = this.patientResource();
    this.patientRef.reference = `Patient/${patient.id}`;
    this.patientRef.display = `${plan.person.given} ${plan.person.family}`;
    const related = this.relatedPersonResource();
    const condition = this.conditionResource();
    this.consentResource();
    const careTeam = this.careTeamResource(related);
    const episode = this.episodeResource(condition, careTeam);
    const goals = this.goalResources(condition);
    this.carePlanResource(condition, careTeam, goals);

    const sessions = this.sessionResources(episode);
    this.matResources();
    this.udsResources(sessions);
    this.measureResources(sessions);
    return this.out;
  }

  // ---- person and enrolment ----

  private patientResource(): Patient {
    const { plan, random, clock } = this;
    const p = plan.person;
    const place = random.pick(CITIES);
    return this.push<Patient>({
      resourceType: 'Patient',
      id: this.ids.next(),
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

  private relatedPersonResource(): RelatedPerson | undefined {
    const rp = this.plan.relatedPerson;
    if (!rp) return undefined;
    return this.push<RelatedPerson>({
      resourceType: 'RelatedPerson',
      id: this.ids.next(),
      active: true,
      patient: this.patientRef,
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
        { system: 'phone', value: `555-01${String(this.random.int(0, 99)).padStart(2, '0')}`, use: 'mobile' },
      ],
    });
  }

  private conditionResource(): Condition {
    const { plan, clock } = this;
    const dx = plan.withdrawalAtIntake ? DIAGNOSIS.oudWithWithdrawal : DIAGNOSIS.oudUncomplicated;
    const recorded = clock.at(plan.start, plan.sessionHour);
    return this.push<Condition>({
      resourceType: 'Condition',
      id: this.ids.next(),
      meta: this.meta(recorded),
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
      subject: this.patientRef,
      onsetDateTime: clock.date(
        plan.start - 365 * this.random.int(2, Math.max(2, Math.min(15, plan.person.age - 17))),
      ),
      recordedDate: recorded,
      recorder: practitionerRef(this.staff.prescriber),
    });
  }

  private consentResource(): void {
    const { plan, clock } = this;
    if (plan.consent === 'none') return;
    const signed = clock.at(plan.start, plan.sessionHour - 1);
    const revokedDay =
      plan.consent === 'revoked' ? Math.min(-1, plan.start + this.random.int(10, 60)) : undefined;
    this.push<Consent>({
      resourceType: 'Consent',
      id: this.ids.next(),
      meta: {
        versionId: '1',
        lastUpdated: toInstant(revokedDay !== undefined ? clock.at(revokedDay, 12) : signed),
      },
      status: plan.consent === 'revoked' ? 'inactive' : 'active',
      scope: {
        coding: [{ system: SYSTEM.consentScope, code: 'patient-privacy', display: 'Privacy Consent' }],
      },
      category: [
        { coding: [{ system: SYSTEM.consentCategory, code: '59284-0', display: 'Patient Consent' }] },
      ],
      patient: this.patientRef,
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
        securityLabel: this.security?.map((s) => ({ ...s })) ?? [],
      },
    });
  }

  private careTeamResource(related: RelatedPerson | undefined): CareTeam {
    const { plan, staff, clock } = this;
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
            coding: [
              localCoding(LOCAL_SYSTEM.role, 'family-support', 'Family / concerned significant other'),
            ],
          },
        ],
        member: ref(related, `${plan.relatedPerson?.given} ${plan.relatedPerson?.family}`),
      });
    }
    return this.push<CareTeam>({
      resourceType: 'CareTeam',
      id: this.ids.next(),
      meta: this.meta(clock.at(plan.start, plan.sessionHour)),
      status: plan.status === 'active' ? 'active' : 'inactive',
      category: [
        { coding: [{ system: SYSTEM.loinc, code: 'LA27976-2', display: 'Encounter-focused care team' }] },
      ],
      name: `Care team of ${plan.person.given} ${plan.person.family}`,
      subject: this.patientRef,
      period: {
        start: clock.at(plan.start, plan.sessionHour),
        ...(plan.end !== undefined ? { end: clock.at(plan.end, 18) } : {}),
      },
      participant,
      managingOrganization: [CLINIC],
    });
  }

  private episodeResource(condition: Condition, careTeam: CareTeam): EpisodeOfCare {
    const { plan, clock } = this;
    return this.push<EpisodeOfCare>({
      resourceType: 'EpisodeOfCare',
      id: this.ids.next(),
      meta: this.meta(clock.at(plan.end ?? plan.start, plan.sessionHour)),
      extension: [{ url: `${EXTENSION.plannedWeeks}`, valueInteger: plan.plannedWeeks }],
      status: plan.status,
      type: [
        { coding: [{ system: LOCAL_SYSTEM.track, code: plan.track, display: TRACK_DISPLAY[plan.track] }] },
      ],
      diagnosis: [{ condition: ref(condition), rank: 1 }],
      patient: this.patientRef,
      managingOrganization: CLINIC,
      period: {
        start: clock.at(plan.start, plan.sessionHour),
        ...(plan.end !== undefined ? { end: clock.at(plan.end, 18) } : {}),
      },
      careManager: practitionerRef(this.staff.counselor),
      team: [ref(careTeam)],
    });
  }

  private goalResources(condition: Condition): Goal[] {
    const { plan, clock } = this;
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
      this.push<Goal>({
        resourceType: 'Goal',
        id: this.ids.next(),
        meta: this.meta(clock.at(plan.start, plan.sessionHour)),
        lifecycleStatus: lifecycle,
        achievementStatus: achievement(good),
        description: { text: description },
        subject: this.patientRef,
        startDate: start,
        ...(target ? { target } : {}),
        addresses: [ref(condition)],
        expressedBy: practitionerRef(this.staff.counselor),
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

  private carePlanResource(condition: Condition, careTeam: CareTeam, goals: Goal[]): void {
    const { plan, clock } = this;
    const status: CarePlan['status'] =
      plan.outcome === 'dropout' ? 'revoked' : plan.outcome === 'completed' ? 'completed' : 'active';
    const activityStatus: CarePlanActivityDetail['status'] =
      plan.outcome === 'dropout' ? 'stopped' : plan.outcome === 'completed' ? 'completed' : 'in-progress';
    this.push<CarePlan>({
      resourceType: 'CarePlan',
      id: this.ids.next(),
      meta: this.meta(clock.at(plan.end ?? plan.start, plan.sessionHour)),
      status,
      intent: 'plan',
      title: `Recovery plan: ${TRACK_DISPLAY[plan.track]}, ${plan.plannedWeeks} weeks`,
      description: `Weekly ${plan.track} counseling, ${plan.mat.product.display}, weekly urine drug screens${plan.cm ? ', contingency management' : ''} and peer support.`,
      subject: this.patientRef,
      period: { start: clock.date(plan.start), end: clock.date(plan.start + plan.plannedWeeks * 7 - 1) },
      created: clock.at(plan.start, plan.sessionHour + 1),
      author: practitionerRef(this.staff.counselor),
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

  // ---- sessions and notes ----

  private sessionResources(episode: EpisodeOfCare): Session[] {
    const { plan, clock, random, staff } = this;
    const sessions: Session[] = [];
    const trackEnd = plan.start + plan.plannedWeeks * 7 - 1;
    const horizon = plan.status === 'active' ? Math.min(6, trackEnd) : plan.lastDay;
    const weekOf = (day: number) => Math.floor((day - plan.start) / 7);
    for (let day = plan.start; day <= horizon; day++) {
      const offset = (day - plan.start) % 7;
      const w = weekOf(day);
      if (offset !== 0 && !(offset === 3 && w < plan.twiceWeeklyWeeks)) continue;
      if (plan.end !== undefined && day > plan.end) break;
      const hour = offset === 0 ? plan.sessionHour : Math.min(16, plan.sessionHour + 1);
      const minutes =
        w === 0 && offset === 0
          ? 60
          : random.weighted([
              [45, 0.65],
              [55, 0.2],
              [30, 0.15],
            ] as const);
      const startAt = clock.at(day, hour);
      const endAt = clock.at(day, hour, minutes);
      const week = plan.weeks[w];
      let status: Appointment['status'];
      if (day >= 0) status = 'booked';
      else if (w === 0 && offset === 0) status = 'fulfilled';
      else if (random.chance(week?.attend ?? 0)) status = 'fulfilled';
      else
        status =
          plan.dropWeek !== undefined && w >= plan.dropWeek
            ? 'noshow'
            : random.chance(0.35)
              ? 'cancelled'
              : 'noshow';
      const appointment = this.push<Appointment>({
        resourceType: 'Appointment',
        id: this.ids.next(),
        meta: this.meta(
          day >= 0 || status === 'booked' ? clock.at(Math.min(day, -1) - 6, 9) : clock.at(day, hour + 1),
        ),
        status,
        ...(status === 'cancelled'
          ? {
              cancelationReason: {
                coding: [
                  {
                    system: 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason',
                    code: 'pat',
                    display: 'Patient',
                  },
                ],
              },
            }
          : {}),
        serviceType: [
          {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/service-type',
                code: '64',
                display: 'Drug and/or Alcohol Counselling',
              },
            ],
          },
        ],
        appointmentType: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v2-0276',
              code: w === 0 && offset === 0 ? 'ROUTINE' : 'FOLLOWUP',
              display:
                w === 0 && offset === 0
                  ? 'Routine appointment'
                  : 'A follow up visit from a previous appointment',
            },
          ],
        },
        description:
          w === 0 && offset === 0
            ? `${plan.track} intake session`
            : `${plan.track} individual session, week ${w + 1}`,
        start: startAt,
        end: endAt,
        minutesDuration: minutes,
        created: clock.at(day - 7, 10),
        participant: [
          { actor: this.patientRef, required: 'required', status: 'accepted' },
          { actor: practitionerRef(staff.counselor), required: 'required', status: 'accepted' },
        ],
      });
      let encounter: Encounter | undefined;
      if (status === 'fulfilled') {
        const telehealth = w > 0 && random.chance(plan.telehealthShare);
        encounter = this.push<Encounter>({
          resourceType: 'Encounter',
          id: this.ids.next(),
          meta: this.meta(endAt),
          status: 'finished',
          class: telehealth
            ? { system: SYSTEM.actCode, code: 'VR', display: 'virtual' }
            : { system: SYSTEM.actCode, code: 'AMB', display: 'ambulatory' },
          type: [{ coding: [{ system: SYSTEM.snomed, code: '75516001', display: 'Psychotherapy' }] }],
          serviceType: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/service-type',
                code: '64',
                display: 'Drug and/or Alcohol Counselling',
              },
            ],
          },
          subject: this.patientRef,
          episodeOfCare: [ref(episode)],
          appointment: [ref(appointment)],
          participant: [
            {
              type: [
                {
                  coding: [
                    {
                      system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                      code: 'PPRF',
                      display: 'primary performer',
                    },
                  ],
                },
              ],
              individual: practitionerRef(staff.counselor),
            },
          ],
          period: { start: startAt, end: endAt },
          length: { value: minutes, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' },
          serviceProvider: CLINIC,
        });
        this.noteResources(day, w, hour, minutes, encounter, telehealth);
      } else if (day < 0 && status === 'noshow' && random.chance(0.6)) {
        this.followUpTask(
          day + 1,
          `Outreach after missed session on ${clock.date(day)}`,
          ref(appointment),
          day < -3 ? 'completed' : 'requested',
        );
      }
      sessions.push({ day, week: w, hour, minute: 0, appointment, ...(encounter ? { encounter } : {}) });
    }
    return sessions;
  }

  private missedDosesInWeek(w: number): number {
    const from = this.plan.start + 7 * w - 7;
    let missed = 0;
    for (let d = from; d < from + 7; d++)
      if (d >= this.plan.mat.start && !isCovered(this.plan.mat, d) && d < -1) missed++;
    return missed;
  }

  private noteResources(
    day: number,
    w: number,
    hour: number,
    minutes: number,
    encounter: Encounter,
    telehealth: boolean,
  ): void {
    const { plan, random, clock, staff } = this;
    const week = plan.weeks[w] as WeekState;
    const ctx: SessionContext = {
      week: w,
      phase: week.phase,
      usedOpioids: week.opioid !== null,
      usedStimulants: week.stimulant !== null,
      missedDoses: this.missedDosesInWeek(w),
      craving: week.craving,
      lowMood: week.phq9 >= 15,
      suicidalIdeation: week.item9 > 0,
      minutes,
      cpt: cptForMinutes(minutes) ?? '90832',
      modality: telehealth ? 'Video (telehealth)' : 'In person',
      naloxone: random.chance(0.8),
    };
    const sessionEnd = clock.at(day, hour, minutes);
    // When is the session documentation signed? Mostly the same day; some late; some left as drafts.
    const r = random.next();
    const recent = day >= -3;
    const delayHours =
      recent && r < 0.3
        ? undefined
        : r < 0.85
          ? 0.5 + random.next() * 18
          : r < 0.93
            ? 26 + random.next() * 40
            : r < 0.97
              ? 75 + random.next() * 60
              : undefined;
    const signedAtHours = delayHours === undefined ? undefined : hour + minutes / 60 + delayHours;
    const signed =
      signedAtHours !== undefined && day * 24 + signedAtHours < -1 ? clock.at(day, signedAtHours) : undefined;

    const notes: {
      template: NoteTemplate;
      items: QuestionnaireResponseItem[];
      extract?: (qr: QuestionnaireResponse) => void;
    }[] = [{ template: 'session-frame', items: sessionFrameItems(random, ctx) }];
    if (plan.track === 'CBT') {
      const kind =
        w === 0
          ? 'thought'
          : random.weighted([
              ['thought', 0.5],
              ['experiment', 0.25],
              ['exposure', 0.25],
            ] as const);
      if (kind === 'exposure') {
        const { items, suds } = exposureItems(random);
        notes.push({
          template: 'cbt-exposure',
          items,
          extract: (qr) =>
            [MEASURE_DETAIL.sudsBefore, MEASURE_DETAIL.sudsPeak, MEASURE_DETAIL.sudsAfter].forEach(
              (code, i) =>
                this.surveyObservation(qr, localCoding(LOCAL_SYSTEM.measure, code), suds[i] ?? 0, day, hour),
            ),
        });
      } else if (kind === 'experiment')
        notes.push({ template: 'cbt-behavioral-experiment', items: behavioralExperimentItems(random) });
      else notes.push({ template: 'cbt-thought-record', items: thoughtRecordItems(random, ctx) });
    } else if (plan.track === 'DBT') {
      const card = diaryCardItems(random, ctx);
      notes.push({
        template: 'dbt-diary-card',
        items: card.items,
        extract: (qr) => {
          this.surveyObservation(
            qr,
            localCoding(LOCAL_SYSTEM.measure, MEASURE.dbtUrge),
            card.urge,
            day,
            hour,
          );
          DBT_MODULES.forEach((m, i) =>
            this.surveyObservation(
              qr,
              localCoding(LOCAL_SYSTEM.measure, DBT_SKILLS[m].code),
              card.skillDays[i] ?? 0,
              day,
              hour,
            ),
          );
        },
      });
      if (ctx.usedOpioids || ctx.missedDoses > 1)
        notes.push({ template: 'dbt-chain-analysis', items: chainAnalysisItems(random, ctx) });
    } else {
      notes.push({ template: 'rebt-abcde', items: abcdeItems(random, ctx) });
    }

    for (const note of notes) {
      const qr = this.push<QuestionnaireResponse>({
        resourceType: 'QuestionnaireResponse',
        id: this.ids.next(),
        meta: this.meta(signed ?? sessionEnd),
        questionnaire: questionnaireUrl(note.template),
        status: signed ? 'completed' : 'in-progress',
        subject: this.patientRef,
        encounter: ref(encounter),
        authored: sessionEnd,
        author: practitionerRef(staff.counselor),
        source: this.patientRef,
        item: note.items,
      });
      if (!signed) continue;
      this.provenance(qr, signed, 'author');
      note.extract?.(qr);
      if (note.template === 'session-frame' && staff.counselor.requiresCosign) {
        const signedDay = Math.floor((Date.parse(signed) - clock.asOfMs) / 86_400_000);
        const cosignDay = signedDay + random.int(1, 4);
        const cosigned = cosignDay < -1 ? clock.at(cosignDay, random.int(9, 17)) : undefined;
        if (cosigned) this.provenance(qr, cosigned, 'verifier');
        this.push<Task>({
          resourceType: 'Task',
          id: this.ids.next(),
          meta: this.meta(cosigned ?? signed),
          status: cosigned ? 'completed' : 'requested',
          intent: 'order',
          priority: 'routine',
          code: { coding: [localCoding(LOCAL_SYSTEM.task, COSIGN_TASK_CODE, 'Co-signature')] },
          description: `Co-sign session note of ${clock.date(day)}`,
          focus: ref(qr),
          for: this.patientRef,
          encounter: ref(encounter),
          authoredOn: signed,
          lastModified: cosigned ?? signed,
          requester: practitionerRef(staff.counselor),
          owner: practitionerRef(staff.supervisor),
          restriction: { period: { end: clock.at(signedDay + 7, 17) } },
          ...(cosigned ? { executionPeriod: { start: signed, end: cosigned } } : {}),
        });
      }
    }
    // Craving, every attended session.
    const cravingQr = this.measureResponse(MEASURE_QUESTIONNAIRE.craving, day, hour, encounter, [
      qItem(MEASURE.craving, week.craving),
      qItem('craving-week-max', Math.min(10, week.craving + random.int(0, 2))),
    ]);
    this.surveyObservation(
      cravingQr,
      localCoding(LOCAL_SYSTEM.measure, MEASURE.craving, 'Opioid craving 0–10'),
      week.craving,
      day,
      hour,
    );
  }

  private provenance(qr: QuestionnaireResponse, when: string, role: 'author' | 'verifier'): void {
    const who = role === 'author' ? this.staff.counselor : this.staff.supervisor;
    this.push<Provenance>({
      resourceType: 'Provenance',
      id: this.ids.next(),
      meta: this.meta(when),
      target: [{ reference: `QuestionnaireResponse/${qr.id}/_history/1` }],
      recorded: toInstant(when),
      activity: {
        coding: [
          role === 'author'
            ? {
                system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                code: 'AUT',
                display: 'author (originator)',
              }
            : {
                system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                code: 'VRF',
                display: 'verifier',
              },
        ],
      },
      agent: [
        {
          type: {
            coding: [
              {
                system: SYSTEM.provenanceParticipantType,
                code: role,
                display: role === 'author' ? 'Author' : 'Verifier',
              },
            ],
          },
          who: practitionerRef(who),
          onBehalfOf: CLINIC,
        },
      ],
      signature: [
        {
          type: [role === 'author' ? AUTHOR_SIGNATURE : VERIFY_SIGNATURE],
          when: toInstant(when),
          who: practitionerRef(who),
          sigFormat: 'text/plain',
          data: base64(
            `Electronically signed by ${who.displayName} (${STAFF_ROLE_DISPLAY[who.role]}) at ${when}`,
          ),
        },
      ],
    });
  }

  // ---- measures ----

  private measureResponse(
    name: string,
    day: number,
    hour: number,
    encounter: Encounter | undefined,
    items: QuestionnaireResponseItem[],
    url?: string,
  ) {
    const authored = this.clock.at(day, hour, 5);
    return this.push<QuestionnaireResponse>({
      resourceType: 'QuestionnaireResponse',
      id: this.ids.next(),
      meta: this.meta(authored),
      questionnaire: url ?? questionnaireUrl(name),
      status: 'completed',
      subject: this.patientRef,
      ...(encounter ? { encounter: ref(encounter) } : {}),
      authored,
      author: practitionerRef(this.staff.counselor),
      source: this.patientRef,
      item: items,
    });
  }

  private surveyObservation(
    qr: QuestionnaireResponse,
    code: Coding,
    value: number,
    day: number,
    hour: number,
  ): Observation {
    const effective = this.clock.at(day, hour, 5);
    return this.push<Observation>({
      resourceType: 'Observation',
      id: this.ids.next(),
      meta: this.meta(qr.meta?.lastUpdated ?? effective),
      status: 'final',
      category: OBS_CATEGORY('survey'),
      code: { coding: [code] },
      subject: this.patientRef,
      ...(qr.encounter ? { encounter: qr.encounter } : {}),
      effectiveDateTime: effective,
      performer: [this.patientRef],
      valueInteger: value,
      derivedFrom: [ref(qr)],
    });
  }

  private measureResources(sessions: Session[]): void {
    const { plan } = this;
    const attended = sessions.filter((s) => s.encounter !== undefined);
    const firstAttendedInWeek = (w: number) => attended.find((s) => s.week === w);
    for (let w = 0; w < plan.weeks.length; w++) {
      const session = firstAttendedInWeek(w);
      if (!session?.encounter) continue;
      const week = plan.weeks[w] as WeekState;
      if (w % plan.phqInterval === 0) {
        this.phq9(week, session);
        this.gad7(week, session);
      }
      if (w % 4 === 0) this.bam(week, session, w);
    }
  }

  private phq9(week: WeekState, s: Session): void {
    const item9 = Math.min(3, week.item9);
    const others = spread(this.random, Math.max(0, week.phq9 - item9), 8, 3);
    const scores = [...others, item9];
    const total = scores.reduce((a, b) => a + b, 0);
    const coding = (score: number) => {
      const { score: _s, ...c } = FREQUENCY_ANSWERS[score] as Coding & { score: number };
      return c;
    };
    const qr = this.measureResponse(
      'phq-9',
      s.day,
      s.hour,
      s.encounter,
      [...PHQ9.items.map((code, i) => qItem(code, coding(scores[i] ?? 0))), qItem(PHQ9.total, total)],
      PHQ9.questionnaire,
    );
    this.surveyObservation(
      qr,
      {
        system: SYSTEM.loinc,
        code: PHQ9.total,
        display: 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]',
      },
      total,
      s.day,
      s.hour,
    );
    PHQ9.items.forEach((code, i) =>
      this.surveyObservation(
        qr,
        { system: SYSTEM.loinc, code, display: PHQ9_ITEM_TEXT[i] ?? code },
        scores[i] ?? 0,
        s.day,
        s.hour,
      ),
    );
    if (item9 > 0 && s.day < -1) {
      this.push<Task>({
        resourceType: 'Task',
        id: this.ids.next(),
        meta: this.meta(this.clock.at(s.day, s.hour + 2)),
        status: s.day < -2 ? 'completed' : 'in-progress',
        intent: 'order',
        priority: 'urgent',
        code: { coding: [localCoding(LOCAL_SYSTEM.task, TASK_CODE.followUp, 'Follow-up')] },
        description: 'PHQ-9 item 9 positive: suicide risk assessment and safety plan review',
        focus: ref(qr),
        for: this.patientRef,
        authoredOn: this.clock.at(s.day, s.hour, 10),
        owner: practitionerRef(this.staff.counselor),
        restriction: { period: { end: this.clock.at(s.day, s.hour + 4) } },
      });
    }
  }

  private gad7(week: WeekState, s: Session): void {
    const scores = spread(this.random, week.gad7, 7, 3);
    const total = scores.reduce((a, b) => a + b, 0);
    const coding = (score: number) => {
      const { score: _s, ...c } = FREQUENCY_ANSWERS[score] as Coding & { score: number };
      return c;
    };
    const qr = this.measureResponse(
      'gad-7',
      s.day,
      s.hour,
      s.encounter,
      [...GAD7_ITEMS.map((item, i) => qItem(item.code, coding(scores[i] ?? 0))), qItem(GAD7.total, total)],
      GAD7.questionnaire,
    );
    this.surveyObservation(
      qr,
      {
        system: SYSTEM.loinc,
        code: GAD7.total,
        display: 'Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]',
      },
      total,
      s.day,
      s.hour,
    );
    GAD7_ITEMS.forEach((item, i) =>
      this.surveyObservation(
        qr,
        { system: SYSTEM.loinc, code: item.code, display: item.text },
        scores[i] ?? 0,
        s.day,
        s.hour,
      ),
    );
  }

  private bam(week: WeekState, s: Session, w: number): void {
    const { random, plan } = this;
    const recent = plan.weeks.slice(Math.max(0, w - 3), w + 1);
    const useWeeks = recent.filter((x) => x.opioid || x.stimulant).length;
    const scores: Record<string, number> = {};
    const [r1, r2, r3, r8, r11, r15] = spread(random, week.bamRisk, 6, 4);
    Object.assign(scores, { '1': r1, '2': r2, '3': r3, '8': r8, '11': r11, '15': r15 });
    const [p9, p10, p12, p13, p16] = spread(
      random,
      Math.max(0, week.bamProtective - (random.chance(0.6) ? 4 : 0)),
      5,
      4,
    );
    Object.assign(scores, {
      '9': p9,
      '10': p10,
      '12': p12,
      '13': p13,
      '16': p16,
      '14': random.chance(0.6) ? 4 : 0,
    });
    scores['4'] = random.chance(0.3) ? random.int(1, 2) : 0;
    scores['5'] = (scores['4'] ?? 0) > 0 && random.chance(0.3) ? 1 : 0;
    scores['6'] = Math.min(4, useWeeks === 0 ? 0 : useWeeks + random.int(0, 1));
    scores['7e'] = recent.some((x) => x.opioid) ? Math.max(1, (scores['6'] ?? 1) - random.int(0, 1)) : 0;
    scores['7c'] = recent.some((x) => x.stimulant === 'cocaine') ? 1 : 0;
    scores['7d'] = recent.some((x) => x.stimulant === 'amphetamine') ? 1 : 0;
    scores['7b'] = recent.some((x) => x.benzo) ? 1 : 0;
    scores['17'] = Math.max(0, Math.min(4, 4 - Math.round(week.bamRisk / 6)));
    const sub = bamSubscales(scores);
    const answerFor = (n: string, score: number): Coding => {
      const item = BAM_ITEMS.find((i) => i.number === n);
      const options = BAM_SCALE_ANSWERS[item?.scale ?? 'degree'];
      const found = options.find((o) => o.score === score) ?? options[0];
      const { score: _s, ...c } = found as Coding & { score: number };
      return c;
    };
    const top = BAM_ITEMS.filter((i) => !i.number.startsWith('7'));
    const items: QuestionnaireResponseItem[] = [];
    for (const item of top) {
      items.push(qItem(bamLinkId(item.number), answerFor(item.number, scores[item.number] ?? 0)));
      if (item.number === '6' && (scores['6'] ?? 0) > 0) {
        items.push(
          qGroup(
            'bam-7',
            BAM_ITEMS.filter((i) => i.number.startsWith('7')).map((i) =>
              qItem(bamLinkId(i.number), answerFor(i.number, scores[i.number] ?? 0)),
            ),
          ),
        );
      }
    }
    items.push(
      qGroup(
        'bam-scores',
        (['use', 'risk', 'protective'] as const).map((k) => qItem(BAM_SUBSCALE_CODE[k], sub[k])),
      ),
    );
    const qr = this.measureResponse(MEASURE_QUESTIONNAIRE.bam, s.day, s.hour, s.encounter, items);
    for (const k of ['use', 'risk', 'protective'] as const) {
      this.surveyObservation(
        qr,
        localCoding(LOCAL_SYSTEM.measure, BAM_SUBSCALE_CODE[k], BAM_SUBSCALE_DISPLAY[k]),
        sub[k],
        s.day,
        s.hour,
      );
    }
  }

  // ---- MAT ----

  private matResources(): void {
    const { plan, clock, staff } = this;
    const mat = plan.mat;
    const requests: MedicationRequest[] = [];
    let prior: MedicationRequest | undefined;
    for (const order of mat.orders) {
      const isMethadone = mat.drug === 'methadone';
      const perDay = mat.product.longActing ? undefined : order.doseMg;
      const request: MedicationRequest = this.push<MedicationRequest>({
        resourceType: 'MedicationRequest',
        id: this.ids.next(),
        meta: this.meta(clock.at(order.to !== undefined ? order.to : order.from, 10)),
        status: order.status,
        ...(order.reason ? { statusReason: { text: order.reason } } : {}),
        intent: 'order',
        category: [
          {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category',
                code: isMethadone ? 'outpatient' : 'community',
                display: isMethadone ? 'Outpatient' : 'Community',
              },
            ],
          },
        ],
        medicationCodeableConcept: {
          coding: [{ system: SYSTEM.rxnorm, code: mat.product.code, display: mat.product.display }],
          text: mat.product.display,
        },
        subject: this.patientRef,
        authoredOn: clock.at(order.from, 9),
        requester: practitionerRef(staff.prescriber),
        ...(prior ? { priorPrescription: ref(prior) } : {}),
        dosageInstruction: [
          {
            text: mat.product.longActing
              ? `${order.doseMg} mg ${mat.drug === 'naltrexone' ? 'IM' : 'subcutaneous'} every 28 days, administered in clinic`
              : isMethadone
                ? `${order.doseMg} mg (${order.doseMg / 10} mL) by mouth once daily, observed; take-home doses per clinic policy`
                : `${order.doseMg} mg sublingually once daily`,
            timing: {
              repeat: {
                boundsPeriod: {
                  start: clock.date(order.from),
                  ...(order.to !== undefined ? { end: clock.date(order.to - 1) } : {}),
                },
                frequency: 1,
                period: mat.product.longActing ? 28 : 1,
                periodUnit: 'd',
              },
            },
            route: mat.product.longActing
              ? {
                  coding: [
                    {
                      system: SYSTEM.snomed,
                      code: mat.drug === 'naltrexone' ? '78421000' : '34206005',
                      display: mat.drug === 'naltrexone' ? 'Intramuscular route' : 'Subcutaneous route',
                    },
                  ],
                }
              : {
                  coding: [
                    {
                      system: SYSTEM.snomed,
                      code: isMethadone ? '26643006' : '37839007',
                      display: isMethadone ? 'Oral route' : 'Sublingual route',
                    },
                  ],
                },
            doseAndRate: [
              {
                doseQuantity: {
                  value: order.doseMg,
                  unit: 'mg',
                  system: 'http://unitsofmeasure.org',
                  code: 'mg',
                },
              },
            ],
          },
        ],
        dispenseRequest: {
          validityPeriod: {
            start: clock.date(order.from),
            ...(order.to !== undefined ? { end: clock.date(order.to - 1) } : {}),
          },
          ...(perDay !== undefined && !isMethadone
            ? {
                expectedSupplyDuration: {
                  value: 14,
                  unit: 'days',
                  system: 'http://unitsofmeasure.org',
                  code: 'd',
                },
              }
            : {}),
        },
      });
      requests.push(request);
      prior = request;
    }
    const orderFor = (day: number) => {
      const i = mat.orders.findIndex((o) => day >= o.from && (o.to === undefined || day < o.to));
      return { order: mat.orders[i], request: requests[i] };
    };
    const last = -1;
    const end = Math.min(last, (mat.stop ?? 0) - 1);

    if (mat.product.longActing) {
      for (let day = mat.start; day <= end;) {
        if (!isCovered(mat, day)) {
          day++;
          continue;
        }
        const { order, request } = orderFor(day);
        const doseMg = mat.product.code === '1996184' && day - mat.start >= 56 ? 100 : (order?.doseMg ?? 0);
        this.administration(day, 10, 'completed', doseMg, request, mat.drug === 'naltrexone' ? 'IM' : 'SC');
        day += 28;
      }
      return;
    }

    if (mat.drug === 'methadone') {
      // Observed dosing Mon–Sat; after 90 days, stable patients come Mon/Wed/Fri with take-homes between.
      const stableEligible = plan.archetype !== 'early-dropout' && plan.archetype !== 'fentanyl-relapse';
      const isClinicDay = (d: number) => {
        const wd = clock.weekday(d);
        return wd !== 0 && (!(stableEligible && d - mat.start >= 90) || wd === 1 || wd === 3 || wd === 5);
      };
      let missedRun = 0;
      for (let day = mat.start; day <= end; day++) {
        const clinicDay = isClinicDay(day);
        const { order, request } = orderFor(day);
        if (!order || !request) continue;
        if (!isCovered(mat, day)) {
          if (clinicDay && missedRun < 2 && day >= mat.start) {
            this.administration(day, 9, 'not-done', order.doseMg, request, 'PO');
          }
          missedRun++;
          continue;
        }
        missedRun = 0;
        if (!clinicDay) continue;
        const hour = 7 + ((plan.index + day) % 4);
        this.administration(day, hour, 'completed', order.doseMg, request, 'PO');
        // Take-home doses for the following non-clinic days that are covered.
        let takeHome = 0;
        for (let next = day + 1; next <= end; next++) {
          if (isClinicDay(next) || !isCovered(mat, next)) break;
          takeHome++;
        }
        if (takeHome > 0)
          this.dispense(
            day,
            hour,
            takeHome,
            (order.doseMg / 10) * takeHome,
            'mL',
            request,
            `${takeHome} take-home dose(s) of ${order.doseMg} mg`,
          );
      }
      return;
    }

    // Sublingual buprenorphine (or oral naltrexone): pharmacy dispenses, 7 days early then 14.
    for (let day = mat.start; day <= end;) {
      if (!isCovered(mat, day)) {
        day++;
        continue;
      }
      const { order, request } = orderFor(day);
      if (!order || !request) {
        day++;
        continue;
      }
      const interval = day - mat.start < 28 ? 7 : 14;
      let supply = 0;
      while (
        supply < interval &&
        isCovered(mat, day + supply) &&
        (order.to === undefined || day + supply < order.to)
      )
        supply++;
      const tabletMg = mat.product.display.startsWith('buprenorphine 2 MG') ? 2 : 8;
      const units = Math.max(1, Math.round(order.doseMg / tabletMg)) * supply;
      this.dispense(
        day,
        15,
        supply,
        units,
        mat.product.display.includes('Film') ? 'film' : 'tablet',
        request,
        `${supply}-day supply`,
      );
      day += supply;
    }
  }

  private administration(
    day: number,
    hour: number,
    status: 'completed' | 'not-done',
    doseMg: number,
    request: MedicationRequest | undefined,
    route: 'PO' | 'SC' | 'IM',
  ): void {
    const { clock, plan, staff } = this;
    const when = clock.at(day, hour, (plan.index * 7) % 50);
    this.push<MedicationAdministration>({
      resourceType: 'MedicationAdministration',
      id: this.ids.next(),
      meta: this.meta(when),
      status,
      ...(status === 'not-done'
        ? {
            statusReason: [
              {
                coding: [{ system: SYSTEM.snomed, code: '397745006', display: 'Medical contraindication' }],
                text: 'Patient did not attend for dosing',
              },
            ],
          }
        : {}),
      medicationCodeableConcept: {
        coding: [{ system: SYSTEM.rxnorm, code: plan.mat.product.code, display: plan.mat.product.display }],
      },
      subject: this.patientRef,
      effectiveDateTime: when,
      performer: [{ actor: practitionerRef(route === 'PO' ? staff.coordinator : staff.prescriber) }],
      ...(request ? { request: ref(request) } : {}),
      dosage: {
        route: {
          coding: [
            route === 'PO'
              ? { system: SYSTEM.snomed, code: '26643006', display: 'Oral route' }
              : route === 'SC'
                ? { system: SYSTEM.snomed, code: '34206005', display: 'Subcutaneous route' }
                : { system: SYSTEM.snomed, code: '78421000', display: 'Intramuscular route' },
          ],
        },
        dose: { value: doseMg, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' },
      },
    });
  }

  private dispense(
    day: number,
    hour: number,
    days: number,
    quantity: number,
    unit: string,
    request: MedicationRequest,
    note: string,
  ): void {
    const { clock, plan, staff } = this;
    const when = clock.at(day, hour, 20);
    this.push<MedicationDispense>({
      resourceType: 'MedicationDispense',
      id: this.ids.next(),
      meta: this.meta(when),
      status: 'completed',
      category: {
        coding: [
          {
            system: 'http://terminology.hl7.org/fhir/CodeSystem/medicationdispense-category',
            code: plan.mat.drug === 'methadone' ? 'outpatient' : 'community',
          },
        ],
      },
      medicationCodeableConcept: {
        coding: [{ system: SYSTEM.rxnorm, code: plan.mat.product.code, display: plan.mat.product.display }],
      },
      subject: this.patientRef,
      performer: [{ actor: practitionerRef(staff.coordinator) }],
      authorizingPrescription: [ref(request)],
      type: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
            code: days <= 2 ? 'FFP' : 'RFP',
            display: days <= 2 ? 'First Fill - Part Fill' : 'Refill - Part Fill',
          },
        ],
      },
      quantity: {
        value: quantity,
        unit,
        system: 'http://unitsofmeasure.org',
        code: unit === 'mL' ? 'mL' : '{' + unit + '}',
      },
      daysSupply: { value: days, unit: 'day', system: 'http://unitsofmeasure.org', code: 'd' },
      whenPrepared: when,
      whenHandedOver: when,
      note: [{ text: note }],
    });
  }

  // ---- urine drug screens, CM, coordinator tasks ----

  private udsResources(sessions: Session[]): void {
    const { plan, random, clock } = this;
    let cmStreak = 0;
    let lastPositiveTaskDay = -10_000;
    for (let w = 0; w < plan.weeks.length; w++) {
      const week = plan.weeks[w] as WeekState;
      const weekStart = plan.start + 7 * w;
      if (weekStart > plan.lastDay) break;
      const attendedDay = sessions.find((s) => s.week === w && s.encounter !== undefined);
      let day: number | undefined;
      if (week.noUds) day = undefined;
      else if (week.forceUds) day = Math.min(plan.lastDay, weekStart + 2);
      else if (plan.mat.drug === 'methadone' && isCovered(plan.mat, weekStart + 1) && random.chance(0.95))
        day = weekStart + 1;
      else if (attendedDay && random.chance(0.93)) day = attendedDay.day;
      else if (!attendedDay && random.chance(0.35)) day = weekStart + random.int(1, 4);
      if (day === undefined || day > plan.lastDay || day < plan.start) {
        if (plan.cm) cmStreak = 0;
        continue;
      }
      const hour = attendedDay?.day === day ? attendedDay.hour : 11;
      const collected = clock.at(day, hour, 30);
      // Point-of-care immunoassay cup: read within the visit.
      const issued = clock.at(day, hour + 1);
      const recentlyDosed = (d: number) =>
        isCovered(plan.mat, d) || isCovered(plan.mat, d - 1) || isCovered(plan.mat, d - 2);
      const longActingOnBoard =
        plan.mat.product.longActing === true && plan.mat.drug === 'buprenorphine' && day >= plan.mat.start;
      const positive: Record<Substance, boolean> = {
        fentanyl: week.opioid === 'fentanyl' || (week.opioid === 'heroin' && random.chance(0.7)),
        opiates: week.opioid === 'heroin' || (week.opioid === 'oxycodone' && random.chance(0.3)),
        heroin: week.opioid === 'heroin' && random.chance(0.6),
        oxycodone: week.opioid === 'oxycodone',
        buprenorphine: plan.mat.drug === 'buprenorphine' && (recentlyDosed(day) || longActingOnBoard),
        methadone: plan.mat.drug === 'methadone' && recentlyDosed(day),
        cocaine: week.stimulant === 'cocaine',
        amphetamine: week.stimulant === 'amphetamine',
        benzodiazepine: week.benzo,
        cannabinoid: false,
      };
      const observations = DEMO_UDS_PANEL.map(({ code, substance }) => {
        const test = UDS_TESTS.find((t) => t.code === code);
        const pos = positive[substance];
        return this.push<Observation>({
          resourceType: 'Observation',
          id: this.ids.next(),
          meta: this.meta(issued),
          status: 'final',
          category: OBS_CATEGORY('laboratory'),
          code: { coding: [{ system: SYSTEM.loinc, code, display: test?.display ?? code }] },
          subject: this.patientRef,
          effectiveDateTime: collected,
          issued: toInstant(issued),
          valueCodeableConcept: {
            coding: [{ ...(pos ? SCREEN_RESULT.positive : SCREEN_RESULT.negative) }],
            text: pos ? 'Positive' : 'Negative',
          },
          interpretation: [{ coding: [{ ...(pos ? INTERPRETATION.positive : INTERPRETATION.negative) }] }],
        });
      });
      const report = this.push<DiagnosticReport>({
        resourceType: 'DiagnosticReport',
        id: this.ids.next(),
        meta: this.meta(issued),
        status: 'final',
        category: [
          {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB', display: 'Laboratory' },
            ],
          },
        ],
        code: { coding: [{ system: SYSTEM.loinc, code: UDS_PANEL.code, display: UDS_PANEL.display }] },
        subject: this.patientRef,
        ...(attendedDay?.day === day && attendedDay.encounter
          ? { encounter: ref(attendedDay.encounter) }
          : {}),
        effectiveDateTime: collected,
        issued: toInstant(issued),
        performer: [CLINIC],
        result: observations.map((o) => ref(o)),
        conclusion: this.conclusion(positive),
      });
      const illicit = positive.fentanyl || positive.opiates || positive.heroin || positive.oxycodone;
      const stim = positive.cocaine || positive.amphetamine;
      if (illicit && day - lastPositiveTaskDay > 14 && day + 1 < -1) {
        lastPositiveTaskDay = day;
        this.followUpTask(
          day + 1,
          'Positive for non-prescribed opioids: overdose education, offer naloxone kit, inform prescriber',
          ref(report),
          day + 1 < -3 ? 'completed' : 'requested',
        );
      }
      if (plan.cm) {
        if (!illicit && !stim) {
          cmStreak++;
          const fentanylObs = observations[0] as Observation;
          const points = Math.min(40, 10 + 5 * (cmStreak - 1));
          const pending = day + 1 >= -2;
          this.push<Task>({
            resourceType: 'Task',
            id: this.ids.next(),
            meta: this.meta(issued),
            status: pending ? 'requested' : 'completed',
            intent: 'order',
            code: {
              coding: [localCoding(LOCAL_SYSTEM.task, TASK_CODE.cmReward, 'Contingency-management reward')],
            },
            description: `CM reward: negative UDS of ${clock.date(day)} (${cmStreak} in a row, ${points} points)`,
            focus: ref(fentanylObs),
            for: this.patientRef,
            authoredOn: issued,
            lastModified: issued,
            owner: practitionerRef(this.staff.coordinator),
            reasonReference: ref(report),
            output: [
              {
                type: {
                  coding: [localCoding(LOCAL_SYSTEM.task, CM_POINTS_OUTPUT, 'CM points')],
                  text: 'points',
                },
                valueInteger: points,
              },
            ],
          });
        } else {
          cmStreak = 0;
        }
      }
    }
    // Coordinator outreach for MAT gaps (missed observed doses, supply run out, late injection).
    for (const [from] of plan.mat.gaps) {
      if (from + 2 < -1) {
        this.followUpTask(
          from + 2,
          `MAT gap: no ${plan.mat.drug} since ${clock.date(from - 1)}; call patient and inform prescriber`,
          undefined,
          from + 2 < -3 ? 'completed' : 'requested',
        );
      }
    }
  }

  private conclusion(positive: Record<Substance, boolean>): string {
    const found = (Object.keys(positive) as Substance[]).filter((s) => positive[s]);
    return found.length === 0 ? 'Negative for all substances tested.' : `Positive: ${found.join(', ')}.`;
  }

  private followUpTask(
    day: number,
    description: string,
    focus: Reference | undefined,
    status: 'requested' | 'completed',
  ): void {
    const { clock } = this;
    // Raised on `day` (at the latest yesterday); completed the next day when that is in the past.
    const raised = Math.min(day, -1);
    const done = status === 'completed' && raised + 1 <= -1;
    const authored = clock.at(raised, 9);
    const finished = clock.at(raised + 1, 15);
    this.push<Task>({
      resourceType: 'Task',
      id: this.ids.next(),
      meta: this.meta(done ? finished : authored),
      status: done ? 'completed' : 'requested',
      intent: 'order',
      priority: 'routine',
      code: { coding: [localCoding(LOCAL_SYSTEM.task, TASK_CODE.followUp, 'Follow-up')] },
      description,
      ...(focus ? { focus } : {}),
      for: this.patientRef,
      authoredOn: authored,
      lastModified: done ? finished : authored,
      owner: practitionerRef(this.staff.coordinator),
      restriction: { period: { end: clock.at(raised + 2, 17) } },
    });
  }
}

/** FHIR instant from a dateTime with seconds (already an instant). */
function toInstant(dateTime: string): string {
  return dateTime;
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Random integers in [0, max] over n slots summing to min(total, n * max). */
export function spread(random: Random, total: number, n: number, max: number): number[] {
  const out = new Array<number>(n).fill(0);
  let left = Math.min(Math.max(0, Math.round(total)), n * max);
  while (left > 0) {
    const i = random.int(0, n - 1);
    if ((out[i] ?? 0) < max) {
      out[i] = (out[i] ?? 0) + 1;
      left--;
    }
  }
  return out;
}

// A demo patient's sessions and notes: Appointments, Encounters, note QuestionnaireResponses and their
// signature Provenances.
import type {
  Appointment,
  Encounter,
  EpisodeOfCare,
  Observation,
  Provenance,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  Task,
} from '@medplum/fhirtypes';

import { extractObservations } from '../../../clinical/notes/note-rules';
import {
  cptForMinutes,
  NOTE_TEMPLATE_QUESTIONNAIRES,
  STAFF_ROLE_DISPLAY,
} from '../../../clinical/templates/index';
import {
  COSIGN_TASK_CODE,
  LOCAL_SYSTEM,
  MEASURE,
  MEASURE_QUESTIONNAIRE,
  type NoteTemplate,
  questionnaireUrl,
  SYSTEM,
} from '../../../clinical/terminology';
import {
  abcdeBlock,
  behavioralExperimentBlock,
  chainAnalysisBlock,
  diaryCardBlock,
  exposureBlock,
  noteItems,
  qItem,
  type SessionContext,
  thoughtRecordBlock,
} from './note-content';
import { isCovered, type WeekState } from './patient-plan';
import { CLINIC, localCoding, type RecordContext, ref, type Session, toInstant } from './record-context';
import { measureResponse, surveyObservation } from './record-measures';
import { followUpTask } from './record-tasks';
import { practitionerRef } from './staff';

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

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function sessionResources(record: RecordContext, episode: EpisodeOfCare): Session[] {
  const { plan, clock, random, staff } = record;
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
    const appointment = record.push<Appointment>({
      resourceType: 'Appointment',
      id: record.ids.next(),
      meta: record.meta(
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
        { actor: record.patientRef, required: 'required', status: 'accepted' },
        { actor: practitionerRef(staff.counselor), required: 'required', status: 'accepted' },
      ],
    });
    let encounter: Encounter | undefined;
    if (status === 'fulfilled') {
      const telehealth = w > 0 && random.chance(plan.telehealthShare);
      encounter = record.push<Encounter>({
        resourceType: 'Encounter',
        id: record.ids.next(),
        meta: record.meta(endAt),
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
        subject: record.patientRef,
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
      noteResources(record, day, w, hour, minutes, encounter, telehealth);
    } else if (day < 0 && status === 'noshow' && random.chance(0.6)) {
      followUpTask(
        record,
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

function missedDosesInWeek(record: RecordContext, w: number): number {
  const from = record.plan.start + 7 * w - 7;
  let missed = 0;
  for (let d = from; d < from + 7; d++)
    if (d >= record.plan.mat.start && !isCovered(record.plan.mat, d) && d < -1) missed++;
  return missed;
}

function noteResources(
  record: RecordContext,
  day: number,
  w: number,
  hour: number,
  minutes: number,
  encounter: Encounter,
  telehealth: boolean,
): void {
  const { plan, random, clock, staff } = record;
  const week = plan.weeks[w] as WeekState;
  const ctx: SessionContext = {
    week: w,
    phase: week.phase,
    usedOpioids: week.opioid !== null,
    usedStimulants: week.stimulant !== null,
    missedDoses: missedDosesInWeek(record, w),
    craving: week.craving,
    lowMood: week.phq9 >= 15,
    suicidalIdeation: week.item9 > 0,
    minutes,
    date: clock.date(day),
    start: clockTime(hour, 0),
    end: clockTime(hour, minutes),
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

  // One note per attended session: the track's method block inside the session frame. DBT weeks with use or
  // missed doses get a chain analysis instead of the diary card review.
  let template: NoteTemplate;
  let block: QuestionnaireResponseItem | undefined;
  if (plan.track === 'CBT') {
    const kind =
      w === 0
        ? 'thought'
        : random.weighted([
            ['thought', 0.5],
            ['experiment', 0.25],
            ['exposure', 0.25],
          ] as const);
    template =
      kind === 'exposure'
        ? 'cbt-exposure'
        : kind === 'experiment'
          ? 'cbt-behavioral-experiment'
          : 'cbt-thought-record';
    block =
      kind === 'exposure'
        ? exposureBlock(random)
        : kind === 'experiment'
          ? behavioralExperimentBlock(random)
          : thoughtRecordBlock(random, ctx);
  } else if (plan.track === 'DBT') {
    const chain = ctx.usedOpioids || ctx.missedDoses > 1;
    template = chain ? 'dbt-chain-analysis' : 'dbt-diary-card';
    block = chain
      ? chainAnalysisBlock(random, ctx)
      : diaryCardBlock(
          random,
          ctx,
          Array.from({ length: 7 }, (_, i) => clock.date(day - 7 + i)),
        );
  } else {
    template = 'rebt-abcde';
    block = abcdeBlock(random, ctx);
  }

  const qr = record.push<QuestionnaireResponse>({
    resourceType: 'QuestionnaireResponse',
    id: record.ids.next(),
    meta: record.meta(signed ?? sessionEnd),
    questionnaire: questionnaireUrl(template),
    status: signed ? 'completed' : 'in-progress',
    subject: record.patientRef,
    encounter: ref(encounter),
    authored: sessionEnd,
    author: practitionerRef(staff.counselor),
    source: record.patientRef,
    item: noteItems(random, ctx, block),
  });
  if (signed) {
    provenance(record, qr, signed, 'author');
    // The SDC extraction a signature runs (clinical/notes/note-rules.ts): SUDS, urges, skills, ratings.
    for (const observation of extractObservations(NOTE_TEMPLATE_QUESTIONNAIRES[template], qr, {
      noteId: qr.id as string,
      effective: clock.at(day, hour, 5),
    })) {
      record.push<Observation>({
        ...observation,
        meta: { ...record.meta(signed), security: observation.meta?.security ?? [] },
        performer: [record.patientRef],
      });
    }
    if (staff.counselor.requiresCosign) {
      const signedDay = Math.floor((Date.parse(signed) - clock.asOfMs) / 86_400_000);
      const cosignDay = signedDay + random.int(1, 4);
      const cosigned = cosignDay < -1 ? clock.at(cosignDay, random.int(9, 17)) : undefined;
      if (cosigned) provenance(record, qr, cosigned, 'verifier');
      record.push<Task>({
        resourceType: 'Task',
        id: record.ids.next(),
        meta: record.meta(cosigned ?? signed),
        status: cosigned ? 'completed' : 'requested',
        intent: 'order',
        priority: 'routine',
        code: { coding: [localCoding(LOCAL_SYSTEM.task, COSIGN_TASK_CODE, 'Co-signature')] },
        description: `Co-sign session note of ${clock.date(day)}`,
        focus: ref(qr),
        for: record.patientRef,
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
  const cravingQr = measureResponse(record, MEASURE_QUESTIONNAIRE.craving, day, hour, encounter, [
    qItem(MEASURE.craving, week.craving),
    qItem('craving-week-max', Math.min(10, week.craving + random.int(0, 2))),
  ]);
  surveyObservation(
    record,
    cravingQr,
    localCoding(LOCAL_SYSTEM.measure, MEASURE.craving, 'Opioid craving 0–10'),
    week.craving,
    day,
    hour,
  );
}

/** A clinic-local time of day (HH:MM:SS) `minutes` after the full hour. */
function clockTime(hour: number, minutes: number): string {
  const total = Math.round(hour * 60 + minutes);
  return `${String(Math.floor(total / 60) % 24).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}:00`;
}

function provenance(
  record: RecordContext,
  qr: QuestionnaireResponse,
  when: string,
  role: 'author' | 'verifier',
): void {
  const who = role === 'author' ? record.staff.counselor : record.staff.supervisor;
  record.push<Provenance>({
    resourceType: 'Provenance',
    id: record.ids.next(),
    meta: record.meta(when),
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

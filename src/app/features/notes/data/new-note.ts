import { inject, Injectable } from '@angular/core';
import type {
  Appointment,
  Encounter,
  Practitioner,
  Questionnaire,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  Reference,
} from '@medplum/fhirtypes';
import { firstValueFrom } from 'rxjs';

import { copyForwardItems } from '../../../../../clinical/notes/note-history';
import { minutesBetween } from '../../../../../clinical/notes/note-rules';
import { NOTE_DRAFT_IDENTIFIER_SYSTEM } from '../../../../../clinical/notes/note-templates';
import { type NoteTemplate, questionnaireUrl, SUD_SECURITY_LABELS } from '../../../../../clinical/terminology';
import { FhirClient } from '../../../core/fhir/fhir-client';
import { setAnswers } from '../form/response-tree';

/** Identifier system of an Encounter created for a note that did not start from one (idempotent create). */
export const NOTE_ENCOUNTER_IDENTIFIER_SYSTEM = 'http://waypoint.health/fhir/note-encounter';

/** A random UUID (v4), for the client identifiers that make creates idempotent. */
export function newUuid(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Local date and time of an instant, as FHIR date and time. */
export function localDateTime(instant: string | undefined): { date: string; time: string } | undefined {
  const ms = instant ? Date.parse(instant) : NaN;
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return {
    date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    time: `${pad(d.getHours())}:${pad(d.getMinutes())}:00`,
  };
}

/** This browser's UTC offset on a date ("-05:00"), for the extracted Observations' effective time. */
export function utcOffsetOn(date: string | undefined): string {
  const ms = date ? Date.parse(`${date}T12:00:00`) : Date.now();
  const minutes = -new Date(Number.isFinite(ms) ? ms : Date.now()).getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

export interface NewNoteInput {
  readonly patientId: string;
  readonly template: NoteTemplate;
  readonly encounterId?: string;
  readonly appointmentId?: string;
  /** The client identifier of the draft (kept in the URL, so a reload does not create a second one). */
  readonly draftId: string;
  readonly me: Reference<Practitioner>;
  readonly now: Date;
}

/**
 * The first items of a new note: the session's date and times from its Encounter (or Appointment), the note
 * format, the copy-forward answers of the last signed note of the template, and for a diary card the seven days
 * before the session.
 */
export function initialItems(
  questionnaire: Questionnaire,
  period: { start?: string; end?: string } | undefined,
  lastSigned: QuestionnaireResponse | undefined,
): QuestionnaireResponseItem[] {
  let items: QuestionnaireResponseItem[] = copyForwardItems(questionnaire, lastSigned).map((i) => ({ ...i }));
  // copyForwardItems gives top-level items; put each where the Questionnaire has it (e.g. inside the diary card).
  items = placeCopied(questionnaire, items);
  const start = localDateTime(period?.start);
  const end = localDateTime(period?.end);
  const set = (path: { linkId: string; index: number }[], answers: QuestionnaireResponseItem['answer']) => {
    items = setAnswers(questionnaire, items, path, answers ?? []);
  };
  const session = { linkId: 'session', index: 0 };
  if (start) {
    set([session, { linkId: 'session.date', index: 0 }], [{ valueDate: start.date }]);
    set([session, { linkId: 'session.start', index: 0 }], [{ valueTime: start.time }]);
  }
  if (end) set([session, { linkId: 'session.end', index: 0 }], [{ valueTime: end.time }]);
  const minutes = minutesBetween(start?.time, end?.time);
  if (minutes !== undefined && minutes > 0) {
    set([session, { linkId: 'session.duration', index: 0 }], [{ valueInteger: minutes }]);
  }
  set([{ linkId: 'format', index: 0 }], [{ valueString: 'DAP' }]);
  if (questionnaire.item?.some((i) => i.linkId === 'diary-card') && start) {
    const day0 = Date.parse(`${start.date}T12:00:00Z`);
    for (let d = 0; d < 7; d++) {
      const date = new Date(day0 - (7 - d) * 86_400_000).toISOString().slice(0, 10);
      set(
        [
          { linkId: 'diary-card', index: 0 },
          { linkId: 'diary.day', index: d },
          { linkId: 'diary.day.date', index: 0 },
        ],
        [{ valueDate: date }],
      );
    }
  }
  return items;
}

/** Copy-forward items moved under the group the Questionnaire puts their linkId in. */
function placeCopied(questionnaire: Questionnaire, copied: QuestionnaireResponseItem[]): QuestionnaireResponseItem[] {
  const out: QuestionnaireResponseItem[] = [];
  for (const item of copied) {
    const parent = (questionnaire.item ?? []).find((top) => top.item?.some((c) => c.linkId === item.linkId));
    if (!parent) {
      out.push(item);
      continue;
    }
    const group = out.find((o) => o.linkId === parent.linkId);
    if (group) group.item = [...(group.item ?? []), item];
    else out.push({ linkId: parent.linkId, item: [item] });
  }
  return out;
}

/** Creates a draft note (and, when needed, its Encounter) idempotently; resolves with the note. */
@Injectable({ providedIn: 'root' })
export class NewNoteService {
  private readonly fhir = inject(FhirClient);

  async create(input: NewNoteInput): Promise<QuestionnaireResponse> {
    const url = questionnaireUrl(input.template);
    const patient = `Patient/${input.patientId}`;
    const [questionnaires, lastSigned] = await firstValueFrom(
      this.fhir.searchBatch([
        { resourceType: 'Questionnaire', params: { url } },
        {
          resourceType: 'QuestionnaireResponse',
          params: { subject: patient, questionnaire: url, status: 'completed,amended', _sort: '-authored', _count: 1 },
        },
      ]),
    );
    const questionnaire = questionnaires?.resources[0] as Questionnaire | undefined;
    if (!questionnaire) throw new Error(`The form ${url} is not on the server.`);
    const encounter = await this.encounter(input);
    const draft: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      meta: { security: SUD_SECURITY_LABELS.map((l) => ({ ...l })) },
      identifier: { system: NOTE_DRAFT_IDENTIFIER_SYSTEM, value: input.draftId },
      questionnaire: url,
      status: 'in-progress',
      subject: { reference: patient },
      ...(encounter.id ? { encounter: { reference: `Encounter/${encounter.id}` } } : {}),
      author: input.me,
      authored: input.now.toISOString(),
      item: initialItems(
        questionnaire,
        encounter.period,
        lastSigned?.resources[0] as QuestionnaireResponse | undefined,
      ),
    };
    return firstValueFrom(
      this.fhir.createIfNoneExist(draft, { identifier: `${NOTE_DRAFT_IDENTIFIER_SYSTEM}|${input.draftId}` }),
    );
  }

  /** A new draft with these answers, beside `note` (a conflict's "keep mine as a copy"). */
  copy(
    note: QuestionnaireResponse,
    items: readonly QuestionnaireResponseItem[],
    me: Reference<Practitioner>,
  ): Promise<QuestionnaireResponse> {
    const draftId = newUuid();
    const copy: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      meta: { security: SUD_SECURITY_LABELS.map((l) => ({ ...l })) },
      identifier: { system: NOTE_DRAFT_IDENTIFIER_SYSTEM, value: draftId },
      ...(note.questionnaire ? { questionnaire: note.questionnaire } : {}),
      status: 'in-progress',
      ...(note.subject ? { subject: note.subject } : {}),
      ...(note.encounter ? { encounter: note.encounter } : {}),
      author: me,
      authored: new Date().toISOString(),
      item: [...items],
    };
    return firstValueFrom(this.fhir.createIfNoneExist(copy, { identifier: `${NOTE_DRAFT_IDENTIFIER_SYSTEM}|${draftId}` }));
  }

  /** The session's Encounter: the given one, the Appointment's, or a new one (idempotently). */
  private async encounter(input: NewNoteInput): Promise<Encounter> {
    if (input.encounterId) return firstValueFrom(this.fhir.read('Encounter', input.encounterId));
    const base: Encounter = {
      resourceType: 'Encounter',
      meta: { security: SUD_SECURITY_LABELS.map((l) => ({ ...l })) },
      status: 'in-progress',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
      subject: { reference: `Patient/${input.patientId}` },
      participant: [{ individual: input.me }],
    };
    if (input.appointmentId) {
      const appointment: Appointment = await firstValueFrom(this.fhir.read('Appointment', input.appointmentId));
      const found = await firstValueFrom(
        this.fhir.search('Encounter', { appointment: `Appointment/${input.appointmentId}` }),
      );
      if (found.resources[0]) return found.resources[0];
      const ended = appointment.end !== undefined && Date.parse(appointment.end) < input.now.getTime();
      return firstValueFrom(
        this.fhir.createIfNoneExist<Encounter>(
          {
            ...base,
            status: ended ? 'finished' : 'in-progress',
            appointment: [{ reference: `Appointment/${input.appointmentId}` }],
            period: { ...(appointment.start ? { start: appointment.start } : {}), ...(appointment.end ? { end: appointment.end } : {}) },
          },
          { appointment: `Appointment/${input.appointmentId}` },
        ),
      );
    }
    return firstValueFrom(
      this.fhir.createIfNoneExist<Encounter>(
        {
          ...base,
          identifier: [{ system: NOTE_ENCOUNTER_IDENTIFIER_SYSTEM, value: input.draftId }],
          period: { start: input.now.toISOString() },
        },
        { identifier: `${NOTE_ENCOUNTER_IDENTIFIER_SYSTEM}|${input.draftId}` },
      ),
    );
  }
}

// A demo patient's measures: craving, PHQ-9, GAD-7 and BAM QuestionnaireResponses with their survey Observations.
import type {
  Coding,
  Encounter,
  Observation,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  Task,
} from '@medplum/fhirtypes';

import {
  BAM_ITEMS,
  BAM_SCALE_ANSWERS,
  BAM_SUBSCALE_CODE,
  BAM_SUBSCALE_DISPLAY,
  bamLinkId,
  bamSubscales,
  FREQUENCY_ANSWERS,
  GAD7_ITEMS,
  PHQ9_ITEM_TEXT,
} from '../../../clinical/templates/index';
import {
  GAD7,
  LOCAL_SYSTEM,
  MEASURE_QUESTIONNAIRE,
  PHQ9,
  questionnaireUrl,
  SYSTEM,
  TASK_CODE,
} from '../../../clinical/terminology';
import { qGroup, qItem } from './note-content';
import { type WeekState } from './patient-plan';
import { type Random } from './prng';
import { localCoding, OBS_CATEGORY, type RecordContext, ref, type Session } from './record-context';
import { practitionerRef } from './staff';

/** Random integers in [0, max] over n slots summing to min(total, n * max). */
function spread(random: Random, total: number, n: number, max: number): number[] {
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

export function measureResponse(
  record: RecordContext,
  name: string,
  day: number,
  hour: number,
  encounter: Encounter | undefined,
  items: QuestionnaireResponseItem[],
  url?: string,
) {
  const authored = record.clock.at(day, hour, 5);
  return record.push<QuestionnaireResponse>({
    resourceType: 'QuestionnaireResponse',
    id: record.ids.next(),
    meta: record.meta(authored),
    questionnaire: url ?? questionnaireUrl(name),
    status: 'completed',
    subject: record.patientRef,
    ...(encounter ? { encounter: ref(encounter) } : {}),
    authored,
    author: practitionerRef(record.staff.counselor),
    source: record.patientRef,
    item: items,
  });
}

export function surveyObservation(
  record: RecordContext,
  qr: QuestionnaireResponse,
  code: Coding,
  value: number,
  day: number,
  hour: number,
): Observation {
  const effective = record.clock.at(day, hour, 5);
  return record.push<Observation>({
    resourceType: 'Observation',
    id: record.ids.next(),
    meta: record.meta(qr.meta?.lastUpdated ?? effective),
    status: 'final',
    category: OBS_CATEGORY('survey'),
    code: { coding: [code] },
    subject: record.patientRef,
    ...(qr.encounter ? { encounter: qr.encounter } : {}),
    effectiveDateTime: effective,
    performer: [record.patientRef],
    valueInteger: value,
    derivedFrom: [ref(qr)],
  });
}

export function measureResources(record: RecordContext, sessions: Session[]): void {
  const { plan } = record;
  const attended = sessions.filter((s) => s.encounter !== undefined);
  const firstAttendedInWeek = (w: number) => attended.find((s) => s.week === w);
  for (let w = 0; w < plan.weeks.length; w++) {
    const session = firstAttendedInWeek(w);
    if (!session?.encounter) continue;
    const week = plan.weeks[w] as WeekState;
    if (w % plan.phqInterval === 0) {
      phq9(record, week, session);
      gad7(record, week, session);
    }
    if (w % 4 === 0) bam(record, week, session, w);
  }
}

/** The PHQ/GAD frequency answer for an item score (0 "Not at all" … 3 "Nearly every day"), without its score. */
function frequencyCoding(score: number): Coding {
  const { score: _s, ...c } = FREQUENCY_ANSWERS[score] as Coding & { score: number };
  return c;
}

/** One PHQ/GAD frequency-scale instrument as the demo writes it. */
interface FrequencyInstrument {
  /** The response's id slug. */
  readonly slug: string;
  readonly questionnaire: string;
  readonly items: readonly { readonly code: string; readonly text: string }[];
  readonly total: Coding & { readonly code: string };
}

const PHQ9_INSTRUMENT: FrequencyInstrument = {
  slug: 'phq-9',
  questionnaire: PHQ9.questionnaire,
  items: PHQ9.items.map((code, i) => ({ code, text: PHQ9_ITEM_TEXT[i] ?? code })),
  total: {
    system: SYSTEM.loinc,
    code: PHQ9.total,
    display: 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]',
  },
};

const GAD7_INSTRUMENT: FrequencyInstrument = {
  slug: 'gad-7',
  questionnaire: GAD7.questionnaire,
  items: GAD7_ITEMS,
  total: {
    system: SYSTEM.loinc,
    code: GAD7.total,
    display: 'Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]',
  },
};

/**
 * The QuestionnaireResponse of a frequency-scale instrument with one score per item, and its extracted
 * Observations: the total first, then every item.
 */
function frequencyResponse(
  record: RecordContext,
  s: Session,
  instrument: FrequencyInstrument,
  scores: readonly number[],
): QuestionnaireResponse {
  const total = scores.reduce((a, b) => a + b, 0);
  const qr = measureResponse(
    record,
    instrument.slug,
    s.day,
    s.hour,
    s.encounter,
    [
      ...instrument.items.map((item, i) => qItem(item.code, frequencyCoding(scores[i] ?? 0))),
      qItem(instrument.total.code, total),
    ],
    instrument.questionnaire,
  );
  surveyObservation(record, qr, { ...instrument.total }, total, s.day, s.hour);
  instrument.items.forEach((item, i) =>
    surveyObservation(
      record,
      qr,
      { system: SYSTEM.loinc, code: item.code, display: item.text },
      scores[i] ?? 0,
      s.day,
      s.hour,
    ),
  );
  return qr;
}

function phq9(record: RecordContext, week: WeekState, s: Session): void {
  const item9 = Math.min(3, week.item9);
  const others = spread(record.random, Math.max(0, week.phq9 - item9), 8, 3);
  const qr = frequencyResponse(record, s, PHQ9_INSTRUMENT, [...others, item9]);
  if (item9 > 0 && s.day < -1) {
    record.push<Task>({
      resourceType: 'Task',
      id: record.ids.next(),
      meta: record.meta(record.clock.at(s.day, s.hour + 2)),
      status: s.day < -2 ? 'completed' : 'in-progress',
      intent: 'order',
      priority: 'urgent',
      code: { coding: [localCoding(LOCAL_SYSTEM.task, TASK_CODE.followUp, 'Follow-up')] },
      description: 'PHQ-9 item 9 positive: suicide risk assessment and safety plan review',
      focus: ref(qr),
      for: record.patientRef,
      authoredOn: record.clock.at(s.day, s.hour, 10),
      owner: practitionerRef(record.staff.counselor),
      restriction: { period: { end: record.clock.at(s.day, s.hour + 4) } },
    });
  }
}

function gad7(record: RecordContext, week: WeekState, s: Session): void {
  frequencyResponse(record, s, GAD7_INSTRUMENT, spread(record.random, week.gad7, 7, 3));
}

function bam(record: RecordContext, week: WeekState, s: Session, w: number): void {
  const { random, plan } = record;
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
  const qr = measureResponse(record, MEASURE_QUESTIONNAIRE.bam, s.day, s.hour, s.encounter, items);
  for (const k of ['use', 'risk', 'protective'] as const) {
    surveyObservation(
      record,
      qr,
      localCoding(LOCAL_SYSTEM.measure, BAM_SUBSCALE_CODE[k], BAM_SUBSCALE_DISPLAY[k]),
      sub[k],
      s.day,
      s.hour,
    );
  }
}

import type { Observation, ObservationComponent, Resource, RiskAssessment } from '@medplum/fhirtypes';

import { coveredDays, orderInForceOn } from '../chart/days-covered';
import { methadoneStrip } from '../chart/dose-strip';
import { matChart } from '../chart/mat-panel';
import { negativeStreak } from '../chart/uds-panel';
import { hasCoding } from '../fhir/coding';
import { activeEpisode } from '../fhir/episode';
import { type AsOf, asOfMillis, DAY_MS, isoDay, isoInstant, utcDay } from '../fhir/fhir-date';
import { matOrders } from '../fhir/mat';
import { noteTimeliness } from '../fhir/notes';
import type { PatientRecord } from '../fhir/patient-record';
import { referenceKey } from '../fhir/reference';
import { sessions } from '../fhir/sessions';
import type { RiskBand } from '../risk/relapse-risk';
import { COSIGN_TASK_CODE, LOCAL_SYSTEM, TASK_CODE } from '../terminology';
import {
  DERIVED_EXTENSION,
  DERIVED_SYSTEM,
  DERIVED_TAG,
  factComponent,
  factComponents,
  hasDerivedTag,
  oncePerResource,
} from './derived-codes';
import { riskFromAssessment } from './risk-resource';

/**
 * The facts of the supervision and coordination workspaces (issue #14) that a caseload row does not hold, kept in
 * the same caseload summary Observation so that those views never read a patient's whole history:
 * adherence (PDC over 30 days, missed observed doses this week, last dispense, supply, next injection, take-home
 * stage, last contact, negative-screen streak, open tasks), documentation (note timeliness over 4 weeks,
 * co-signatures waiting), the care manager, and the last 12 closed weeks (PDC, attendance, risk) for the charts.
 */

/** Weeks of history the workspaces chart (weeks with nothing to chart are left out). */
export const POPULATION_WEEKS = 12;

export interface PopulationWeek {
  /** ISO day the week (Monday–Sunday) began. */
  readonly weekStart: string;
  /** Days covered by MOUD / days an order was in force, whole percent; null when no order was in force. */
  readonly pdc: number | null;
  /** Attended / (attended + no-show), whole percent; null without held sessions that week. */
  readonly attendance: number | null;
  /** The weekly assessment's score and band; null when none is stored for that week. */
  readonly riskScore: number | null;
  readonly riskBand: RiskBand | null;
}

export interface PopulationFacts {
  /** `Practitioner/<id>` managing the active episode (the counselor); null without one. */
  readonly careManager: string | null;
  readonly pdc30: number | null;
  /** Observed methadone doses missed in the last 7 days; null when not on observed methadone. */
  readonly missedDosesThisWeek: number | null;
  readonly lastDispense: string | null;
  /** Last day covered by the supply in hand (ISO day); null without MOUD. */
  readonly suppliedThrough: string | null;
  readonly nextInjectionDue: string | null;
  /** Methadone take-home stage: the federal maximum supply now, its words, and when the next stage opens. */
  readonly takeHome: {
    readonly maxDaysSupply: number;
    readonly label: string;
    readonly nextOpens: string | null;
  } | null;
  /** The last contact with the patient: an attended session or a completed follow-up Task (ISO instant). */
  readonly lastContact: string | null;
  readonly negativeStreakWeeks: number;
  /** Work items (Tasks) for this patient not yet done, co-signatures excluded. */
  readonly openTasks: number;
  readonly cosignWaiting: number;
  readonly notes4w: number;
  readonly notesSigned24h4w: number;
  readonly notesSigned72h4w: number;
  readonly weeks: readonly PopulationWeek[];
}

const OPEN = new Set(['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold']);
const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((100 * part) / whole));

export function populationFacts(
  record: PatientRecord,
  asOf: AsOf,
  stored: readonly Resource[] = [],
): PopulationFacts {
  const now = asOfMillis(asOf);
  const at = isoInstant(now);
  const today = utcDay(now);
  const mat = matChart(record, at);
  const strip = methadoneStrip(record, at);
  const missedThisWeek = strip ? strip.days.slice(-7).filter((d) => d.kind === 'missed').length : null;
  const lastDispense = mat.dispenses[0]?.handedOver ?? null;
  const tasks = record.tasks.filter((t) => OPEN.has(t.status));
  const isCosign = (t: (typeof tasks)[number]) => hasCoding(t.code, LOCAL_SYSTEM.task, COSIGN_TASK_CODE);
  const contacts = [
    ...sessions(record)
      .filter((s) => s.outcome === 'attended' && s.startMs <= now)
      .map((s) => s.start),
    ...record.tasks
      .filter((t) => t.status === 'completed' && hasCoding(t.code, LOCAL_SYSTEM.task, TASK_CODE.followUp))
      .map((t) => t.executionPeriod?.end ?? t.lastModified ?? '')
      .filter((d) => d !== '' && Date.parse(d) <= now),
  ].sort((a, b) => Date.parse(b) - Date.parse(a));
  const timeliness = noteTimeliness(record, at);
  return {
    careManager: referenceKey(activeEpisode(record, at)?.careManager?.reference) ?? null,
    pdc30: mat.pdc30.pdc === null ? null : Math.round(mat.pdc30.pdc * 100),
    missedDosesThisWeek: missedThisWeek,
    lastDispense,
    suppliedThrough: mat.suppliedThrough,
    nextInjectionDue: mat.nextInjection?.due ?? null,
    takeHome: mat.takeHome
      ? {
          maxDaysSupply: mat.takeHome.maxDaysSupply,
          label: `Day ${mat.takeHome.dayOfTreatment}: up to ${mat.takeHome.maxDaysSupply} days' supply`,
          nextOpens: mat.takeHome.nextStage?.opens ?? null,
        }
      : null,
    lastContact: contacts[0] ?? null,
    negativeStreakWeeks: negativeStreak(record, at).weeks,
    openTasks: tasks.filter((t) => !isCosign(t)).length,
    cosignWaiting: tasks.filter(isCosign).length,
    notes4w: timeliness.notes,
    notesSigned24h4w: timeliness.signedWithin24h,
    notesSigned72h4w: timeliness.signedWithin72h,
    weeks: populationWeeks(record, today, stored),
  };
}

function populationWeeks(
  record: PatientRecord,
  today: number,
  stored: readonly Resource[],
): PopulationWeek[] {
  const covered = coveredDays(record, isoInstant(today * DAY_MS + DAY_MS - 1));
  const orders = matOrders(record);
  const held = sessions(record).filter((s) => s.outcome === 'attended' || s.outcome === 'no-show');
  const weekly = new Map<string, RiskAssessment>();
  for (const r of stored) {
    if (r.resourceType === 'RiskAssessment' && hasDerivedTag(r, DERIVED_TAG.weekly) && r.occurrenceDateTime) {
      weekly.set(r.occurrenceDateTime.slice(0, 10), r);
    }
  }
  const thisMonday = today - ((today + 3) % 7);
  const out: PopulationWeek[] = [];
  for (let k = POPULATION_WEEKS; k >= 1; k--) {
    const monday = thisMonday - 7 * k;
    const days = Array.from({ length: 7 }, (_, i) => monday + i);
    const inForce = days.filter((d) => orders.some((o) => orderInForceOn(o, d)));
    const held7 = held.filter((s) => utcDay(s.startMs) >= monday && utcDay(s.startMs) <= monday + 6);
    const risk = weekly.get(isoDay(monday + 6));
    const read = risk ? riskFromAssessment(risk) : undefined;
    const week = {
      weekStart: isoDay(monday),
      pdc: percent(inForce.filter((d) => covered.has(d)).length, inForce.length),
      attendance: percent(held7.filter((s) => s.outcome === 'attended').length, held7.length),
      riskScore: read?.score ?? null,
      riskBand: read?.band ?? null,
    };
    // A week with nothing to chart (before the episode, no order, no session, no assessment) is left out.
    if (week.pdc !== null || week.attendance !== null || week.riskScore !== null) out.push(week);
  }
  return out;
}

// ---- in the summary Observation ---------------------------------------------------------------------------

export const POPULATION_FACT = {
  careManager: `${DERIVED_SYSTEM.fact}#care-manager`,
} as const;

/** Component codes (caseload-fact CodeSystem) of the population facts. */
export const POPULATION_FACT_DISPLAY = {
  'pdc-30': 'Proportion of days covered, last 30 days (%)',
  'missed-doses-week': 'Observed doses missed, last 7 days',
  'last-dispense': 'Last take-home or pharmacy dispense',
  'supplied-through': 'Medication supply covers through',
  'next-injection-due': 'Next long-acting injection due',
  'take-home-max-days': "Methadone take-home: federal maximum days' supply now",
  'take-home-next-stage': 'Methadone take-home: next stage opens',
  'last-contact': 'Last contact',
  'negative-streak-weeks': 'Consecutive weeks of negative screens',
  'open-tasks': 'Open work items',
  'cosign-waiting': 'Co-signatures waiting',
  'notes-4w': 'Session notes, last 4 weeks',
  'notes-signed-24h-4w': 'Notes signed within 24 h, last 4 weeks',
  'notes-signed-72h-4w': 'Notes signed within 72 h, last 4 weeks',
  'week-pdc': 'Proportion of days covered in a week (%)',
  'week-attendance': 'Attendance in a week (%)',
  'week-risk': 'Relapse-risk score at the end of a week',
  'week-risk-band': 'Relapse-risk band at the end of a week',
} as const;

type Code = keyof typeof POPULATION_FACT_DISPLAY;

function component(
  code: Code,
  value: Omit<ObservationComponent, 'code'>,
  label?: string,
  date?: string,
): ObservationComponent {
  return factComponent(code, value, label, date);
}

/** The population facts as summary components (absent facts have none). */
export function populationComponents(facts: PopulationFacts): ObservationComponent[] {
  const c: ObservationComponent[] = [];
  const int = (code: Code, value: number | null, label?: string) => {
    if (value !== null) c.push(component(code, { valueInteger: value }, label));
  };
  const when = (code: Code, value: string | null) => {
    if (value !== null) c.push(component(code, { valueDateTime: value }));
  };
  int('pdc-30', facts.pdc30);
  int('missed-doses-week', facts.missedDosesThisWeek);
  when('last-dispense', facts.lastDispense);
  when('supplied-through', facts.suppliedThrough);
  when('next-injection-due', facts.nextInjectionDue);
  if (facts.takeHome) {
    int('take-home-max-days', facts.takeHome.maxDaysSupply, facts.takeHome.label);
    when('take-home-next-stage', facts.takeHome.nextOpens);
  }
  when('last-contact', facts.lastContact);
  int('negative-streak-weeks', facts.negativeStreakWeeks);
  int('open-tasks', facts.openTasks);
  int('cosign-waiting', facts.cosignWaiting);
  int('notes-4w', facts.notes4w);
  int('notes-signed-24h-4w', facts.notesSigned24h4w);
  int('notes-signed-72h-4w', facts.notesSigned72h4w);
  c.push(...weekSeriesComponents(facts.weeks));
  return c;
}

/** Reads the population facts back from a summary Observation (once per resource object). */
export const summaryPopulationFacts: (summary: Observation) => PopulationFacts = oncePerResource(
  (summary: Observation) => readPopulationFacts(summary),
);

function readPopulationFacts(summary: Observation): PopulationFacts {
  const index = factComponents(summary);
  const one = (code: Code) => index.get(code)?.[0];
  const int = (code: Code) => one(code)?.valueInteger ?? null;
  const when = (code: Code) => one(code)?.valueDateTime ?? null;
  const ext = (x: ObservationComponent | undefined, url: string) => x?.extension?.find((e) => e.url === url);
  const takeHomeMax = one('take-home-max-days');
  return {
    careManager:
      summary.extension?.find((e) => e.url === POPULATION_FACT.careManager)?.valueReference?.reference ??
      null,
    pdc30: int('pdc-30'),
    missedDosesThisWeek: int('missed-doses-week'),
    lastDispense: when('last-dispense'),
    suppliedThrough: when('supplied-through'),
    nextInjectionDue: when('next-injection-due'),
    takeHome:
      takeHomeMax?.valueInteger !== undefined
        ? {
            maxDaysSupply: takeHomeMax.valueInteger,
            label: ext(takeHomeMax, DERIVED_EXTENSION.factLabel)?.valueString ?? '',
            nextOpens: when('take-home-next-stage'),
          }
        : null,
    lastContact: when('last-contact'),
    negativeStreakWeeks: int('negative-streak-weeks') ?? 0,
    openTasks: int('open-tasks') ?? 0,
    cosignWaiting: int('cosign-waiting') ?? 0,
    notes4w: int('notes-4w') ?? 0,
    notesSigned24h4w: int('notes-signed-24h-4w') ?? 0,
    notesSigned72h4w: int('notes-signed-72h-4w') ?? 0,
    weeks: readWeekSeries(index),
  };
}

// ---- the weekly series ----------------------------------------------------------------------------------------

/** One sample a week: SampledData.period is in milliseconds. */
const WEEK_PERIOD_MS = 7 * DAY_MS;
/** SampledData's "no value" token (R4 `SampledData.data`: decimals, or E | U | L, separated by spaces). */
const NO_VALUE = 'E';
const BANDS: readonly RiskBand[] = ['low', 'moderate', 'high'];
const PERCENT = { value: 0, unit: '%', system: 'http://unitsofmeasure.org', code: '%' } as const;
const SCORE = { value: 0, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' } as const;

/**
 * The charted weeks as one `valueSampledData` per series (PDC, attendance, risk score): sample k is the week
 * starting `fact-date` + 7k days, "E" where that week has no value. One component per series rather than one per
 * week keeps a summary at a third of the size (every population view downloads and parses one per patient).
 * The band of each week's assessment is `week-risk-band`: the band words separated by spaces, "E" for none.
 */
function weekSeriesComponents(weeks: readonly PopulationWeek[]): ObservationComponent[] {
  const first = weeks[0];
  const last = weeks.at(-1);
  if (!first || !last) return [];
  const start = Date.parse(`${first.weekStart}T00:00:00Z`);
  const length = Math.round((Date.parse(`${last.weekStart}T00:00:00Z`) - start) / WEEK_PERIOD_MS) + 1;
  const slots = Array.from({ length }, (): PopulationWeek | undefined => undefined);
  for (const week of weeks) {
    slots[Math.round((Date.parse(`${week.weekStart}T00:00:00Z`) - start) / WEEK_PERIOD_MS)] = week;
  }
  const data = (value: (week: PopulationWeek) => number | string | null) =>
    slots.map((week) => (week ? value(week) : null) ?? NO_VALUE).join(' ');
  const series = (
    code: Code,
    origin: typeof PERCENT | typeof SCORE,
    value: (w: PopulationWeek) => number | null,
  ) =>
    component(
      code,
      {
        valueSampledData: { origin: { ...origin }, period: WEEK_PERIOD_MS, dimensions: 1, data: data(value) },
      },
      undefined,
      first.weekStart,
    );
  return [
    series('week-pdc', PERCENT, (w) => w.pdc),
    series('week-attendance', PERCENT, (w) => w.attendance),
    series('week-risk', SCORE, (w) => w.riskScore),
    component('week-risk-band', { valueString: data((w) => w.riskBand) }, undefined, first.weekStart),
  ];
}

function readWeekSeries(index: ReadonlyMap<string, readonly ObservationComponent[]>): PopulationWeek[] {
  const samples = (code: Code): { start: number; values: string[] } | undefined => {
    const x = index.get(code)?.[0];
    const start = x?.extension?.find((e) => e.url === DERIVED_EXTENSION.factDate)?.valueDateTime;
    const text = x?.valueSampledData?.data ?? x?.valueString;
    return start && text !== undefined ? { start: Date.parse(start), values: text.split(' ') } : undefined;
  };
  const pdc = samples('week-pdc');
  const attendance = samples('week-attendance');
  const risk = samples('week-risk');
  const band = samples('week-risk-band');
  const start = pdc?.start ?? attendance?.start ?? risk?.start;
  if (start === undefined) return [];
  const at = (series: typeof pdc, monday: number): string | undefined =>
    series?.values[Math.round((monday - series.start) / WEEK_PERIOD_MS)];
  const number = (series: typeof pdc, monday: number): number | null => {
    const value = at(series, monday);
    return value === undefined || value === NO_VALUE ? null : Number(value);
  };
  const length = Math.max(pdc?.values.length ?? 0, attendance?.values.length ?? 0, risk?.values.length ?? 0);
  const out: PopulationWeek[] = [];
  for (let k = 0; k < length; k++) {
    const monday = start + k * WEEK_PERIOD_MS;
    const bandWord = at(band, monday) as RiskBand | undefined;
    const week: PopulationWeek = {
      weekStart: isoDay(utcDay(monday)),
      pdc: number(pdc, monday),
      attendance: number(attendance, monday),
      riskScore: number(risk, monday),
      riskBand: bandWord && BANDS.includes(bandWord) ? bandWord : null,
    };
    if (week.pdc !== null || week.attendance !== null || week.riskScore !== null) out.push(week);
  }
  return out;
}

import type { Observation, ObservationComponent, Reference } from '@medplum/fhirtypes';

import type { CaseloadRow } from '../caseload/caseload-row';
import type { MatStatusKind } from '../fhir/mat';
import type { Phq9Severity } from '../fhir/measures';
import { LOCAL_SYSTEM, type Track, TRACKS } from '../terminology';
import {
  DERIVED_EXTENSION,
  DERIVED_SYSTEM,
  derivedId,
  derivedIdentifier,
  derivedMeta,
  factComponent,
  factComponents,
  oncePerResource,
  RULES_DEVICE_REFERENCE,
} from './derived-codes';
import { POPULATION_FACT, populationComponents, type PopulationFacts } from './population-facts';

/**
 * The caseload summary: the facts of a caseload row that are neither the risk (RiskAssessment) nor the alerts
 * (Flags), as one Observation per patient (code `caseload-fact#caseload-summary`) with one component per fact
 * (docs/derived-state.md lists them). A component's value is the fact; its `fact-label` extension the words the
 * row shows; `fact-date` the date a repeated fact refers to (one craving rating). `performer` lists the
 * practitioners on the patient's active care team, so "my caseload" is one indexed search
 * (`Observation?code=…caseload-summary&performer=Practitioner/me`); absent facts have no component.
 */

export const SUMMARY_CODE = 'caseload-summary';

/** The facts of the summary (codes in the caseload-fact CodeSystem). */
export const FACT = {
  episodeActive: 'episode-active',
  track: 'track',
  programWeek: 'program-week',
  programWeeksPlanned: 'program-weeks-planned',
  lastSession: 'last-session',
  lastSessionAttended: 'last-session-attended',
  nextAppointment: 'next-appointment',
  attendancePercent: 'attendance-4w',
  sessionsAttended: 'sessions-attended-4w',
  sessionsNoShow: 'sessions-no-show-4w',
  attendanceBasis: 'attendance-basis',
  matStatus: 'mat-status',
  matDrug: 'mat-drug',
  matProduct: 'mat-product',
  matDose: 'mat-dose',
  matDaysLeft: 'mat-days-left',
  matDetail: 'mat-detail',
  matUncoded: 'mat-uncoded',
  lastUds: 'last-uds',
  lastUdsFlag: 'last-uds-unexpected',
  futureUds: 'future-uds',
  futureUdsCount: 'future-uds-count',
  craving: 'craving',
  phq9: 'phq9-total',
  phq9Change: 'phq9-change',
  phq9Severity: 'phq9-severity',
  notesUnsigned: 'notes-unsigned',
  notesOver24h: 'notes-unsigned-over-24h',
  notesOverdue: 'notes-overdue',
} as const;

export const FACT_DISPLAY: Record<(typeof FACT)[keyof typeof FACT] | typeof SUMMARY_CODE, string> = {
  'caseload-summary': 'Caseload summary',
  'episode-active': 'Active episode of care',
  track: 'Therapy track',
  'program-week': 'Program week',
  'program-weeks-planned': 'Planned program weeks',
  'last-session': 'Last session',
  'last-session-attended': 'Last session attended',
  'next-appointment': 'Next appointment',
  'attendance-4w': 'Attendance, last 4 weeks',
  'sessions-attended-4w': 'Sessions attended, last 4 weeks',
  'sessions-no-show-4w': 'Sessions missed (no-show), last 4 weeks',
  'attendance-basis': 'How attendance is counted',
  'mat-status': 'Medication for OUD status',
  'mat-drug': 'Medication for OUD',
  'mat-product': 'Medication for OUD product (as ordered)',
  'mat-dose': 'Medication for OUD dose',
  'mat-days-left': 'Days of medication supply left',
  'mat-detail': 'Medication for OUD status detail',
  'mat-uncoded': 'Medication order without a recognised code',
  'last-uds': 'Last urine drug screen',
  'last-uds-unexpected': 'Unexpected result on the last urine drug screen',
  'future-uds': 'Urine drug screen dated in the future',
  'future-uds-count': 'Urine drug screens dated in the future',
  craving: 'Craving rating (0–10)',
  'phq9-total': 'PHQ-9 total, latest',
  'phq9-change': 'PHQ-9 change since the previous administration',
  'phq9-severity': 'PHQ-9 severity',
  'notes-unsigned': 'Session notes unsigned',
  'notes-unsigned-over-24h': 'Session notes unsigned more than 24 h after the session',
  'notes-overdue': 'Session notes unsigned more than 72 h after the session',
};

const MAT_KINDS: readonly MatStatusKind[] = [
  'on-track',
  'missed-dose',
  'supply-ending',
  'gap',
  'stopped',
  'none',
];

/** The row facts a summary carries (the rest of a row comes from the Patient, the RiskAssessment and the Flags). */
export type SummaryFacts = Pick<
  CaseloadRow,
  | 'track'
  | 'week'
  | 'lastSession'
  | 'nextAppointment'
  | 'attendance'
  | 'mat'
  | 'lastUds'
  | 'futureUds'
  | 'craving'
  | 'phq9'
  | 'notesDue'
> & { readonly episodeActive: boolean };

type Value = Omit<ObservationComponent, 'code'>;

function fact(
  code: keyof typeof FACT_DISPLAY,
  value: Value,
  label?: string,
  date?: string,
): ObservationComponent {
  return factComponent(code, value, label, date);
}

export function summaryIdentifierValue(patientId: string): string {
  return `summary.${patientId}`;
}

/** The summary Observation of one patient as of an instant. */
export function summaryObservation(
  facts: SummaryFacts,
  patientId: string,
  asOf: string,
  careTeam: readonly Reference[],
  population?: PopulationFacts,
): Observation {
  const c: ObservationComponent[] = [fact(FACT.episodeActive, { valueBoolean: facts.episodeActive })];
  if (facts.track) {
    c.push(
      fact(FACT.track, {
        valueCodeableConcept: { coding: [{ system: LOCAL_SYSTEM.track, code: facts.track }] },
      }),
    );
  }
  if (facts.week) {
    c.push(fact(FACT.programWeek, { valueInteger: facts.week.week }, facts.week.label));
    c.push(fact(FACT.programWeeksPlanned, { valueInteger: facts.week.planned }));
  }
  if (facts.lastSession) {
    c.push(fact(FACT.lastSession, { valueDateTime: facts.lastSession.date }, facts.lastSession.label));
    c.push(fact(FACT.lastSessionAttended, { valueBoolean: facts.lastSession.attended }));
  }
  if (facts.nextAppointment) {
    c.push(fact(FACT.nextAppointment, { valueDateTime: facts.nextAppointment.date }));
  }
  const att = facts.attendance;
  if (att.percent !== null) {
    c.push(
      fact(FACT.attendancePercent, {
        valueQuantity: { value: att.percent, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
      }),
    );
  }
  c.push(fact(FACT.sessionsAttended, { valueInteger: att.attended }));
  c.push(fact(FACT.sessionsNoShow, { valueInteger: att.noShow }));
  c.push(fact(FACT.attendanceBasis, { valueString: att.basis }));
  const mat = facts.mat;
  c.push(
    fact(FACT.matStatus, {
      valueCodeableConcept: {
        coding: [{ system: DERIVED_SYSTEM.fact, code: `mat-${mat.status}` }],
        text: mat.label,
      },
    }),
  );
  if (mat.drug !== null) c.push(fact(FACT.matDrug, { valueString: mat.drug }));
  if (mat.product !== null) c.push(fact(FACT.matProduct, { valueString: mat.product }));
  if (mat.dose !== null) c.push(fact(FACT.matDose, { valueString: mat.dose }));
  if (mat.daysLeft !== null) c.push(fact(FACT.matDaysLeft, { valueInteger: mat.daysLeft }));
  c.push(fact(FACT.matDetail, { valueString: mat.detail }));
  c.push(fact(FACT.matUncoded, { valueBoolean: mat.uncoded }));
  if (facts.lastUds) {
    c.push(fact(FACT.lastUds, { valueDateTime: facts.lastUds.date }, facts.lastUds.label));
    for (const flag of facts.lastUds.flags) c.push(fact(FACT.lastUdsFlag, { valueString: flag }));
  }
  if (facts.futureUds) {
    c.push(fact(FACT.futureUds, { valueDateTime: facts.futureUds.date }, facts.futureUds.label));
    c.push(fact(FACT.futureUdsCount, { valueInteger: facts.futureUds.count }));
  }
  for (const rating of facts.craving) {
    c.push(fact(FACT.craving, { valueInteger: rating.value }, undefined, rating.date));
  }
  if (facts.phq9) {
    c.push(fact(FACT.phq9, { valueInteger: facts.phq9.score }, undefined, facts.phq9.date));
    if (facts.phq9.change !== null) c.push(fact(FACT.phq9Change, { valueInteger: facts.phq9.change }));
    c.push(fact(FACT.phq9Severity, { valueString: facts.phq9.severity }));
  }
  c.push(fact(FACT.notesUnsigned, { valueInteger: facts.notesDue.unsigned }));
  c.push(fact(FACT.notesOver24h, { valueInteger: facts.notesDue.over24h }));
  c.push(fact(FACT.notesOverdue, { valueInteger: facts.notesDue.overdue }));
  if (population) c.push(...populationComponents(population));

  const identifier = summaryIdentifierValue(patientId);
  return {
    resourceType: 'Observation',
    id: derivedId(identifier),
    meta: derivedMeta(),
    identifier: [derivedIdentifier(identifier)],
    status: 'final',
    code: {
      coding: [{ system: DERIVED_SYSTEM.fact, code: SUMMARY_CODE, display: FACT_DISPLAY[SUMMARY_CODE] }],
    },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: asOf,
    ...(careTeam.length > 0
      ? { performer: careTeam.map((r) => ({ ...r })) as Observation['performer'] }
      : {}),
    device: RULES_DEVICE_REFERENCE as Observation['device'],
    ...(population?.careManager
      ? {
          extension: [
            { url: POPULATION_FACT.careManager, valueReference: { reference: population.careManager } },
          ],
        }
      : {}),
    component: c,
  };
}

/** True for a caseload summary Observation. */
export function isSummaryObservation(observation: Observation): boolean {
  return (observation.code.coding ?? []).some(
    (c) => c.system === DERIVED_SYSTEM.fact && c.code === SUMMARY_CODE,
  );
}

/** Reads back the facts `summaryObservation` wrote (once per resource object: views call it per row and column). */
export const summaryFacts: (observation: Observation) => SummaryFacts = oncePerResource(
  (observation: Observation) => readSummaryFacts(observation),
);

function readSummaryFacts(observation: Observation): SummaryFacts {
  const index = factComponents(observation);
  const list = (code: string): readonly ObservationComponent[] => index.get(code) ?? [];
  const one = (code: string): ObservationComponent | undefined => list(code)[0];
  const ext = (c: ObservationComponent | undefined, url: string) => c?.extension?.find((e) => e.url === url);
  const label = (c: ObservationComponent | undefined): string =>
    ext(c, DERIVED_EXTENSION.factLabel)?.valueString ?? '';
  const int = (code: string): number | null => one(code)?.valueInteger ?? null;
  const str = (code: string): string | null => one(code)?.valueString ?? null;

  const trackCode = one(FACT.track)?.valueCodeableConcept?.coding?.[0]?.code as Track | undefined;
  const week = one(FACT.programWeek);
  const last = one(FACT.lastSession);
  const next = one(FACT.nextAppointment);
  const matStatus = one(FACT.matStatus)?.valueCodeableConcept;
  const matKind = matStatus?.coding?.[0]?.code?.replace(/^mat-/, '') as MatStatusKind | undefined;
  const uds = one(FACT.lastUds);
  const future = one(FACT.futureUds);
  const phq9 = one(FACT.phq9);
  return {
    episodeActive: one(FACT.episodeActive)?.valueBoolean ?? false,
    track: trackCode && TRACKS.includes(trackCode) ? trackCode : null,
    week:
      week?.valueInteger !== undefined
        ? { week: week.valueInteger, planned: int(FACT.programWeeksPlanned) ?? 0, label: label(week) }
        : null,
    lastSession: last?.valueDateTime
      ? {
          date: last.valueDateTime,
          attended: one(FACT.lastSessionAttended)?.valueBoolean ?? false,
          label: label(last),
        }
      : null,
    nextAppointment: next?.valueDateTime ? { date: next.valueDateTime } : null,
    attendance: {
      percent: one(FACT.attendancePercent)?.valueQuantity?.value ?? null,
      attended: int(FACT.sessionsAttended) ?? 0,
      noShow: int(FACT.sessionsNoShow) ?? 0,
      basis: str(FACT.attendanceBasis) ?? '',
    },
    mat: {
      status: matKind && MAT_KINDS.includes(matKind) ? matKind : 'none',
      label: matStatus?.text ?? '',
      drug: str(FACT.matDrug),
      product: str(FACT.matProduct),
      dose: str(FACT.matDose),
      daysLeft: int(FACT.matDaysLeft),
      detail: str(FACT.matDetail) ?? '',
      uncoded: one(FACT.matUncoded)?.valueBoolean ?? false,
    },
    lastUds: uds?.valueDateTime
      ? {
          date: uds.valueDateTime,
          flags: list(FACT.lastUdsFlag).map((c) => c.valueString ?? ''),
          label: label(uds),
        }
      : null,
    futureUds: future?.valueDateTime
      ? { date: future.valueDateTime, count: int(FACT.futureUdsCount) ?? 0, label: label(future) }
      : null,
    craving: list(FACT.craving).map((c) => ({
      date: ext(c, DERIVED_EXTENSION.factDate)?.valueDateTime ?? '',
      value: c.valueInteger ?? 0,
    })),
    phq9:
      phq9?.valueInteger !== undefined
        ? {
            score: phq9.valueInteger,
            change: int(FACT.phq9Change),
            severity: (str(FACT.phq9Severity) ?? 'minimal') as Phq9Severity,
            date: ext(phq9, DERIVED_EXTENSION.factDate)?.valueDateTime ?? '',
          }
        : null,
    notesDue: {
      unsigned: int(FACT.notesUnsigned) ?? 0,
      over24h: int(FACT.notesOver24h) ?? 0,
      overdue: int(FACT.notesOverdue) ?? 0,
    },
  };
}

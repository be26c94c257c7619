import type { Observation, Patient, Reference, Resource } from '@medplum/fhirtypes';

import { derivedRowInputs } from '../derived/derive';
import { type PopulationWeek, summaryPopulationFacts } from '../derived/population-facts';
import { summaryFacts } from '../derived/summary-resource';
import { type AsOf, asOfMillis, dayOf, formatDay, isoDay, utcDay } from '../fhir/fhir-date';
import type { MatStatusKind } from '../fhir/mat';
import { patientName } from '../fhir/patient-facts';
import type { MatDrug } from '../terminology';

/**
 * The care coordinator's adherence grid: one row per program patient (active episode of care), built only from
 * the caseload summary Observation the server derives (docs/derived-state.md) — never from a patient's history.
 * Every fact below was computed by the clinical rules at derivation time; this rule only reads them back and
 * compares dates with the day the view is shown (`asOf`, UTC days as everywhere in clinical/):
 *
 * - MAT drug, status and product: the summary's `mat-*` facts (clinical/fhir/mat.ts);
 * - PDC over 30 days (PQA method, ≥ 80 % adherent; clinical/chart/days-covered.ts), missed observed methadone
 *   doses in the last 7 days (the methadone strip), last dispense, supply covered through, next long-acting
 *   injection due, the methadone take-home stage (42 CFR 8.12(i), 2024), last contact (an attended session or a
 *   completed follow-up Task), consecutive weeks of negative screens, open work items: the summary's population
 *   facts (clinical/derived/population-facts.ts);
 * - therapy attendance over 4 weeks: attended / (attended + no-show), cancellations left out (`attendance-4w`).
 *
 * "Supply ends on" is the last day the medication in hand covers, for supply-based MOUD only: buprenorphine or
 * naltrexone taken from dispensed supply. Observed daily methadone is followed by its missed doses, and a
 * long-acting injection by its due date, so neither has a supply end here.
 *
 * Days of supply left count today, as the MAT status and the chart's supply remaining do (the days until the first
 * uncovered day): a supply through tomorrow has 2 days left, one through yesterday none.
 *
 * Quick filters (all combinable, each must hold):
 * - "Supply ends ≤ 3 days": at most 3 days of supply left (none left included), the MAT status's "supply ends in
 *   3 days";
 * - "≥ 2 missed doses": 2 or more observed methadone doses missed in the last 7 days;
 * - "Attendance < 50 %": therapy attendance over 4 weeks below 50 % (no held session: no figure, not matched);
 * - "No contact 7 days": no attended session or completed follow-up in the last 7 days (none on record included).
 *
 * The program chart averages the patients' weekly figures (each patient with a figure that week counts once),
 * over the 12 closed weeks the summaries carry.
 */

export const ADHERENCE_FILTERS = ['supply-ending', 'missed-doses', 'low-attendance', 'no-contact'] as const;
export type AdherenceFilter = (typeof ADHERENCE_FILTERS)[number];

export const ADHERENCE_FILTER_LABELS: Readonly<Record<AdherenceFilter, string>> = {
  'supply-ending': 'Supply ends ≤ 3 days',
  'missed-doses': '≥ 2 missed doses',
  'low-attendance': 'Attendance < 50 %',
  'no-contact': 'No contact 7 days',
};

/** The thresholds of the quick filters and of the suggested follow-ups. */
export const ADHERENCE_THRESHOLDS = {
  supplyDays: 3,
  missedDoses: 2,
  attendancePercent: 50,
  contactDays: 7,
  /** PQA: a proportion of days covered of at least 80 % is adherent. */
  pdcAdherent: 80,
} as const;

export interface AdherenceRow {
  readonly patientId: string;
  readonly patient: Reference;
  readonly name: string;
  readonly mat: {
    readonly drug: MatDrug | null;
    /** The product as ordered (e.g. "buprenorphine 8 MG / naloxone 2 MG Sublingual Film"). */
    readonly product: string | null;
    readonly dose: string | null;
    readonly uncoded: boolean;
    readonly status: MatStatusKind;
    readonly label: string;
  };
  readonly pdc30: number | null;
  readonly missedDosesThisWeek: number | null;
  readonly lastDispense: string | null;
  /** ISO day: the last day the supply in hand covers (supply-based MOUD only, see above). */
  readonly supplyEndsOn: string | null;
  /** Days of supply left, today included (1 = today is the last day; 0 or less = none left). */
  readonly supplyDaysLeft: number | null;
  readonly nextInjectionDue: string | null;
  /** Days from today to the due date (negative = overdue). */
  readonly injectionDueInDays: number | null;
  readonly takeHome: { readonly maxDaysSupply: number; readonly label: string } | null;
  readonly attendance: {
    readonly percent: number | null;
    readonly attended: number;
    readonly noShow: number;
  };
  readonly lastContact: string | null;
  /** Whole days since the last contact's day; null without one. */
  readonly daysSinceContact: number | null;
  readonly negativeStreakWeeks: number;
  readonly openTasks: number;
  /** The last 12 closed weeks with a figure (PDC, attendance), oldest first. */
  readonly weeks: readonly Pick<PopulationWeek, 'weekStart' | 'pdc' | 'attendance'>[];
}

const CURRENT_ORDER: ReadonlySet<MatStatusKind> = new Set([
  'on-track',
  'missed-dose',
  'supply-ending',
  'gap',
]);

/** One patient's adherence row from their Patient and caseload summary, as of the day the view is shown. */
export function adherenceRow(patient: Patient, summary: Observation, asOf: AsOf): AdherenceRow {
  const today = utcDay(asOfMillis(asOf));
  const facts = summaryFacts(summary);
  const population = summaryPopulationFacts(summary);
  const mat = facts.mat;
  const fromToday = (value: string | null): number | null => {
    const day = dayOf(value);
    return day === undefined ? null : day - today;
  };
  const supplyBased =
    CURRENT_ORDER.has(mat.status) &&
    mat.drug !== null &&
    mat.drug !== 'methadone' &&
    population.nextInjectionDue === null;
  const supplyEndsOn = supplyBased ? population.suppliedThrough : null;
  const contactDay = dayOf(population.lastContact);
  return {
    patientId: patient.id ?? '',
    patient: { reference: `Patient/${patient.id ?? ''}` },
    name: patientName(patient),
    mat: {
      drug: (mat.drug as MatDrug | null) ?? null,
      product: mat.product,
      dose: mat.dose,
      uncoded: mat.uncoded,
      status: mat.status,
      label: mat.label,
    },
    pdc30: population.pdc30,
    missedDosesThisWeek: population.missedDosesThisWeek,
    lastDispense: population.lastDispense,
    supplyEndsOn,
    supplyDaysLeft: supplyEndsOn === null ? null : (fromToday(supplyEndsOn) ?? 0) + 1,
    nextInjectionDue: population.nextInjectionDue,
    injectionDueInDays: fromToday(population.nextInjectionDue),
    takeHome: population.takeHome
      ? { maxDaysSupply: population.takeHome.maxDaysSupply, label: population.takeHome.label }
      : null,
    attendance: {
      percent: facts.attendance.percent,
      attended: facts.attendance.attended,
      noShow: facts.attendance.noShow,
    },
    lastContact: population.lastContact,
    daysSinceContact: contactDay === undefined ? null : today - contactDay,
    negativeStreakWeeks: population.negativeStreakWeeks,
    openTasks: population.openTasks,
    weeks: population.weeks.map(({ weekStart, pdc, attendance }) => ({ weekStart, pdc, attendance })),
  };
}

/**
 * The program's rows from the resources of the program searches (clinical/derived/views.ts `programSearches`,
 * any order, any number of pages): one per patient with a summary whose episode is active, by name.
 */
export function adherenceRows(resources: readonly Resource[], asOf: AsOf): AdherenceRow[] {
  return derivedRowInputs(resources)
    .filter((input) => summaryFacts(input.summary).episodeActive)
    .map((input) => adherenceRow(input.patient, input.summary, asOf))
    .sort((a, b) => a.name.localeCompare(b.name) || a.patientId.localeCompare(b.patientId));
}

const FILTER_TESTS: Readonly<Record<AdherenceFilter, (row: AdherenceRow) => boolean>> = {
  'supply-ending': (row) =>
    row.supplyDaysLeft !== null && row.supplyDaysLeft <= ADHERENCE_THRESHOLDS.supplyDays,
  'missed-doses': (row) => (row.missedDosesThisWeek ?? 0) >= ADHERENCE_THRESHOLDS.missedDoses,
  'low-attendance': (row) =>
    row.attendance.percent !== null && row.attendance.percent < ADHERENCE_THRESHOLDS.attendancePercent,
  'no-contact': (row) =>
    row.daysSinceContact === null || row.daysSinceContact >= ADHERENCE_THRESHOLDS.contactDays,
};

export function matchesAdherenceFilter(row: AdherenceRow, filter: AdherenceFilter): boolean {
  return FILTER_TESTS[filter](row);
}

/** The rows that match every filter (none: all rows), in their order. */
export function filterAdherenceRows(
  rows: readonly AdherenceRow[],
  filters: readonly AdherenceFilter[],
): AdherenceRow[] {
  return rows.filter((row) => filters.every((f) => FILTER_TESTS[f](row)));
}

export interface ProgramWeek {
  readonly weekStart: string;
  /** Mean of the patients' weekly PDC (whole percent); null when no patient had an order in force. */
  readonly pdc: number | null;
  readonly pdcPatients: number;
  /** Mean of the patients' weekly attendance (whole percent); null when no patient had a held session. */
  readonly attendance: number | null;
  readonly attendancePatients: number;
}

/** The program's weekly PDC and attendance: the mean over the patients with a figure that week, oldest first. */
export function programWeeks(rows: readonly AdherenceRow[]): ProgramWeek[] {
  const weeks = new Map<string, { pdc: number[]; attendance: number[] }>();
  for (const row of rows) {
    for (const week of row.weeks) {
      const w = weeks.get(week.weekStart) ?? { pdc: [], attendance: [] };
      if (week.pdc !== null) w.pdc.push(week.pdc);
      if (week.attendance !== null) w.attendance.push(week.attendance);
      weeks.set(week.weekStart, w);
    }
  }
  const mean = (values: number[]) =>
    values.length === 0 ? null : Math.round(values.reduce((a, b) => a + b, 0) / values.length);
  return [...weeks.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([weekStart, w]) => ({
      weekStart,
      pdc: mean(w.pdc),
      pdcPatients: w.pdc.length,
      attendance: mean(w.attendance),
      attendancePatients: w.attendance.length,
    }));
}

export interface FollowUpSuggestion {
  /** What to do, e.g. "Call about missed doses". */
  readonly description: string;
  /** Why, from the row's facts. */
  readonly reason: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The follow-up a coordinator most likely wants for this row, most urgent first: missed observed doses, supply
 * ending, an injection due or overdue, low attendance, no recent contact; else a plain follow-up.
 */
export function followUpSuggestion(row: AdherenceRow, asOf: AsOf): FollowUpSuggestion {
  const today = utcDay(asOfMillis(asOf));
  const T = ADHERENCE_THRESHOLDS;
  const date = (value: string) => formatDay(dayOf(value) ?? today);
  if ((row.missedDosesThisWeek ?? 0) >= T.missedDoses) {
    return {
      description: 'Call about missed doses',
      reason: `${plural(row.missedDosesThisWeek ?? 0, 'observed dose')} missed in the last 7 days`,
    };
  }
  if (row.supplyEndsOn !== null && row.supplyDaysLeft !== null && row.supplyDaysLeft <= T.supplyDays) {
    return {
      description: `Supply ends ${date(row.supplyEndsOn)}`,
      reason:
        row.supplyDaysLeft <= 0
          ? `${row.mat.drug ?? 'Medication'} supply ran out after ${date(row.supplyEndsOn)}: arrange the next dispense with the prescriber`
          : `${row.mat.drug ?? 'Medication'} supply covers through ${date(row.supplyEndsOn)}: arrange the next dispense with the prescriber`,
    };
  }
  if (
    row.nextInjectionDue !== null &&
    row.injectionDueInDays !== null &&
    row.injectionDueInDays <= T.supplyDays
  ) {
    return {
      description: `Injection due ${date(row.nextInjectionDue)}`,
      reason:
        row.injectionDueInDays < 0
          ? `Long-acting injection overdue since ${date(row.nextInjectionDue)}`
          : `Long-acting injection due ${date(row.nextInjectionDue)}: book it`,
    };
  }
  if (row.attendance.percent !== null && row.attendance.percent < T.attendancePercent) {
    return {
      description: 'Call about missed sessions',
      reason: `Therapy attendance ${row.attendance.percent} % over 4 weeks (${row.attendance.attended} attended, ${row.attendance.noShow} no-show)`,
    };
  }
  if (row.daysSinceContact === null || row.daysSinceContact >= T.contactDays) {
    return {
      description: 'Check in with the patient',
      reason:
        row.lastContact === null
          ? 'No contact on record'
          : `No contact since ${date(row.lastContact)} (${plural(row.daysSinceContact ?? 0, 'day')})`,
    };
  }
  return { description: 'Follow up', reason: '' };
}

/** The ISO day `days` after the view's day (e.g. a default due date). */
export function dayFromAsOf(asOf: AsOf, days: number): string {
  return isoDay(utcDay(asOfMillis(asOf)) + days);
}

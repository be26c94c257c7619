import { type AsOf, asOfMillis, isoDay, utcDay } from '../fhir/fhir-date';
import { expectedMatDrugs } from '../fhir/mat';
import type { PatientRecord } from '../fhir/patient-record';
import { uniqueReferences } from '../fhir/reference';
import { type ClassifiedScreen, classifiedScreens, udsScreens } from '../fhir/uds';
import { OPIOID_SUBSTANCES, STIMULANT_SUBSTANCES, type Substance } from '../terminology';
import type {
  ChartRange,
  Evidence,
  FutureScreen,
  NegativeStreak,
  UdsCell,
  UdsChart,
  UdsScreenColumn,
  UdsSubstanceRow,
} from './chart-facts';
import { chartWindow, episodeStartDay, inWindow } from './chart-range';

/**
 * The "Urine drug screens" panel's facts: a timeline per substance, results explained by the
 * prescribed medication marked expected, fentanyl and heroin positives prominent, future-dated screens listed
 * apart, and the current negative streak in weeks.
 *
 * Expected positives (fhir/uds.ts classifyScreen): buprenorphine on buprenorphine, methadone/EDDP on
 * methadone, while an order is in force and for 14 days after it ends (MAT_RULES.expectedPositiveAfterStopDays).
 * Methadone on buprenorphine, or buprenorphine on methadone, is not expected.
 */

/** Substances in the timeline's row order: illicit opioids first, then MAT drugs, stimulants, the rest. */
export const UDS_ROW_ORDER: readonly Substance[] = [
  'fentanyl',
  'heroin',
  'opiates',
  'oxycodone',
  'buprenorphine',
  'methadone',
  'cocaine',
  'amphetamine',
  'benzodiazepine',
  'cannabinoid',
];

export const UDS_SUBSTANCE_LABEL: Readonly<Record<Substance, string>> = {
  fentanyl: 'fentanyl',
  heroin: 'heroin (6-MAM)',
  opiates: 'opiates',
  oxycodone: 'oxycodone',
  buprenorphine: 'buprenorphine',
  methadone: 'methadone / EDDP',
  cocaine: 'cocaine',
  amphetamine: 'amphetamines',
  benzodiazepine: 'benzodiazepines',
  cannabinoid: 'cannabinoids',
};

/** Positives shown prominently: fentanyl (overdose risk, CDC) and heroin (6-MAM is specific to heroin). */
export const PROMINENT_SUBSTANCES: readonly Substance[] = ['fentanyl', 'heroin'];

function groupOf(s: Substance): UdsSubstanceRow['group'] {
  if (OPIOID_SUBSTANCES.includes(s)) return 'opioid';
  if (s === 'buprenorphine' || s === 'methadone') return 'mat';
  if (STIMULANT_SUBSTANCES.includes(s)) return 'stimulant';
  return 'other';
}

function screenEvidence(s: ClassifiedScreen): Evidence[] {
  return s.report ? [s.report] : uniqueReferences(s.results.flatMap((r) => r.evidence));
}

/**
 * The current negative streak, in weeks: what contingency management rewards (escalating rewards for
 * consecutive negative specimens, reset by a positive or a missed specimen — Higgins ST et al., Arch Gen
 * Psychiatry 1994;51:568–576; Petry NM, "A comprehensive guide to the application of contingency management
 * procedures in clinical settings", Drug Alcohol Depend 2000;58:9–25; effect sizes in Bolívar HA et al., JAMA
 * Psychiatry 2021). Waypoint's programs screen weekly, so the unit is the week:
 * - a week is a calendar week, Monday–Sunday (UTC): the weeks of the CM ledger (cm/cm-ledger.ts), so the
 *   panel's streak and the CM rewards break on the same missed week;
 * - a week counts when it has a screen with an opioid result and no screen positive for a non-prescribed
 *   opioid (fentanyl, heroin, opiates, oxycodone, or buprenorphine/methadone not prescribed) or a stimulant;
 * - a week with such a positive, or a complete week without a screen, ends the streak; the week in progress
 *   counts once screened and never ends the streak before it is over; weeks that ended before the episode
 *   began (before the first screen without an episode) end the count ("start").
 * Worked example (as of Monday 16 Mar 2026, episode since Thu 5 Feb): weekly screens every Sunday from 8 Feb
 * to 15 Mar, negative except buprenorphine (prescribed) → 6 weeks. A fentanyl positive on Sun 1 Mar → 2 weeks
 * (the weeks of 2 and 9 Mar), broken by the positive.
 */
export function negativeStreak(record: PatientRecord, asOf: AsOf): NegativeStreak {
  const now = asOfMillis(asOf);
  const today = utcDay(now);
  const screens = classifiedScreens(record, asOf);
  const anchor = episodeStartDay(record, asOf) ?? screens[0]?.day ?? today;
  // Calendar weeks from Monday (epoch day 0 was a Thursday), as cm-ledger.ts counts them.
  const weekOf = (day: number) => Math.floor((day + 3) / 7);
  const weekStart = (w: number) => w * 7 - 3;
  const weekFrom = (w: number) => isoDay(weekStart(w));
  const weekTo = (w: number) => isoDay(weekStart(w) + 6);
  const definition =
    'Weeks in a row, counted back from the latest, with a screen that has an opioid result and no positive for a non-prescribed opioid or a stimulant. A week runs Monday to Sunday. A positive or a complete week without a screen ends the streak; the current week counts once screened.';
  const current = weekOf(today);
  let weeks = 0;
  let since: string | null = null;
  const evidence: Evidence[] = [];
  for (let w = current; weekStart(w) + 6 >= anchor; w--) {
    const inWeek = screens.filter((s) => weekOf(s.day) === w).reverse();
    const positive = inWeek.filter(
      (s) => s.unexpectedOpioids.length > 0 || s.unexpectedStimulants.length > 0,
    );
    if (positive.length > 0) {
      return {
        weeks,
        since,
        brokenBy: {
          reason: 'positive',
          weekFrom: weekFrom(w),
          weekTo: weekTo(w),
          evidence: uniqueReferences(
            positive.flatMap((s) =>
              s.results
                .filter(
                  (r) =>
                    s.unexpectedOpioids.includes(r.substance) || s.unexpectedStimulants.includes(r.substance),
                )
                .flatMap((r) => r.evidence),
            ),
          ),
        },
        evidence,
        definition,
      };
    }
    const counted = inWeek.filter((s) => s.testedOpioids);
    if (counted.length === 0) {
      if (w === current) continue;
      return {
        weeks,
        since,
        brokenBy: { reason: 'no-screen', weekFrom: weekFrom(w), weekTo: weekTo(w), evidence: [] },
        evidence,
        definition,
      };
    }
    weeks++;
    since = isoDay(Math.max(weekStart(w), anchor));
    evidence.push(...counted.flatMap(screenEvidence));
  }
  return {
    weeks,
    since,
    brokenBy: { reason: 'start', weekFrom: null, weekTo: null, evidence: [] },
    evidence,
    definition,
  };
}

function cellOf(screen: ClassifiedScreen, substance: Substance): { result: UdsCell; evidence: Evidence[] } {
  const r = screen.results.find((x) => x.substance === substance);
  if (!r) return { result: 'not-tested', evidence: [] };
  return { result: r.result === 'unknown' ? 'no-result' : r.result, evidence: [...r.evidence] };
}

/**
 * The UDS panel's facts over a chart range (default: the episode). Screens dated after as-of are listed in
 * `future` and never counted (not in the timeline, not in the streak).
 */
export function udsChart(record: PatientRecord, asOf: AsOf, range: ChartRange = 'episode'): UdsChart {
  const now = asOfMillis(asOf);
  const window = chartWindow(record, asOf, range);
  const screens = classifiedScreens(record, asOf).filter((s) => inWindow(window, s.day));
  const present = new Set(screens.flatMap((s) => s.results.map((r) => r.substance)));
  const substances: UdsSubstanceRow[] = UDS_ROW_ORDER.filter((s) => present.has(s)).map((substance) => {
    const entries = screens.map((screen) => {
      const { result, evidence } = cellOf(screen, substance);
      const expected = result === 'positive' && screen.expectedPositives.includes(substance);
      return {
        date: screen.date,
        day: isoDay(screen.day),
        result,
        expected,
        prominent: result === 'positive' && !expected && PROMINENT_SUBSTANCES.includes(substance),
        evidence,
      };
    });
    return {
      substance,
      label: UDS_SUBSTANCE_LABEL[substance],
      group: groupOf(substance),
      entries,
      positives: entries.filter((e) => e.result === 'positive').length,
      unexpectedPositives: entries.filter((e) => e.result === 'positive' && !e.expected).length,
    };
  });
  const columns: UdsScreenColumn[] = screens.map((s) => ({
    date: s.date,
    day: isoDay(s.day),
    report: s.report ?? null,
    evidence: screenEvidence(s),
    expectedPositives: [...s.expectedPositives],
    unexpectedPositives: [...s.unexpectedPositives],
  }));
  const future: FutureScreen[] = udsScreens(record, new Date(8.64e15))
    .filter((s) => s.ms > now)
    .map((s) => ({
      date: s.date,
      substances: s.results.map((r) => r.substance),
      evidence: s.report ? [s.report] : uniqueReferences(s.results.flatMap((r) => r.evidence)),
    }));
  return {
    asOf: isoDay(utcDay(now)),
    window,
    screens: columns,
    substances,
    future,
    negativeStreak: negativeStreak(record, asOf),
    prescribed: [...expectedMatDrugs(record, now)].sort(),
  };
}

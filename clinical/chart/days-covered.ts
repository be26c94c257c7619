import type { MedicationAdministration, MedicationDispense, Reference } from '@medplum/fhirtypes';

import { type AsOf, asOfMillis, DAY_MS, isoDay, utcDay } from '../fhir/fhir-date';
import {
  MAT_RULES,
  type MatOrder,
  matOrders,
  matProductOf,
  type MatProductRead,
  supplyFacts,
} from '../fhir/mat';
import type { PatientRecord } from '../fhir/patient-record';
import { memo } from '../fhir/record-cache';
import { referenceKey, referenceTo } from '../fhir/reference';
import type { CoverageGap, PdcWindow } from './chart-facts';

/**
 * Days covered by medication for opioid use disorder (MOUD), the proportion of days covered (PDC) and the
 * gaps between supplies.
 *
 * Sources:
 * - Pharmacy Quality Alliance (PQA), "Proportion of Days Covered (PDC)" adherence measures, the method CMS uses
 *   for the Part D star ratings: each fill covers its days' supply from the fill date; when fills of the same
 *   therapy overlap, the later fill's start is shifted to the day after the earlier supply ends (never counted
 *   twice); PDC = days covered / days in the period from the first fill (index date) to the period end;
 *   PDC ≥ 0.80 is the adherence threshold.
 * - Samples H, Williams AR, Olfson M, Crystal S. Risk factors for discontinuation of buprenorphine treatment for
 *   opioid use disorders in a multi-state sample of Medicaid enrollees. J Subst Abuse Treat 2018;95:9–17:
 *   adherence to MOUD measured as days covered by fills, with the 0.80 cut-point.
 * - Discontinuation: a gap of ≥ 30 days without MOUD (the threshold used by the continuity-of-pharmacotherapy
 *   literature: NQF #3175 "Continuity of Pharmacotherapy for Opioid Use Disorder", RAND/USC, and Williams AR et
 *   al., Am J Psychiatry 2020;177:117–124, on outcomes after buprenorphine discontinuation). The measure texts
 *   could not be re-read here; the threshold is a setting ({@link DAYS_COVERED_RULES}).
 *
 * What covers a day (Waypoint's reading of the FHIR record):
 * - a completed MedicationDispense of a MOUD: `daysSupply` days from the hand-over day (at least 1);
 * - a completed MedicationAdministration (observed dose): its day;
 * - a long-acting injection (Sublocade, Brixadi, Vivitrol; administration or dispense): 31 days
 *   (MAT_RULES.longActingCoverDays: a month).
 * All MOUD count together (a switch from buprenorphine to methadone is continuous treatment). Dispensed supply
 * and observed doses are shifted forward as PQA does, so a methadone take-home of n days handed over on an
 * observed-dose day covers the n days after it — the same days as the README's take-home rule. Injections are
 * not shifted: a new injection replaces what is left of the last one (monthly injections 28 days apart must not
 * drift 3 days further ahead each month).
 *
 * The windows are the complete days before the as-of day (the as-of day has not ended: a methadone patient may
 * still come in). A supply handed over before the window that reaches into it counts (a rolling clinical
 * window; the annual PQA measure starts at the first fill inside the year instead).
 */
export const DAYS_COVERED_RULES = {
  /** PDC windows shown by the chart, in days. */
  pdcWindows: [30, 90],
  /** PQA adherence threshold. */
  adherenceThreshold: 0.8,
  /** A gap of this many days or more is a discontinuation. */
  discontinuationGapDays: 30,
} as const;

/** One supply of MOUD: from `day` (epoch day), `days` long, before any shift. */
export interface MoudSupply {
  readonly day: number;
  readonly days: number;
  readonly kind: 'dispense' | 'administration' | 'injection';
  readonly longActing: boolean;
  readonly evidence: Reference;
  /** Hand-over / administration instant (ms). */
  readonly ms: number;
}

function orderOf(
  orders: readonly MatOrder[],
  r: MedicationAdministration | MedicationDispense,
): MatOrder | undefined {
  const ref = r.resourceType === 'MedicationAdministration' ? r.request : r.authorizingPrescription?.[0];
  const key = referenceKey(ref?.reference);
  return key ? orders.find((o) => `MedicationRequest/${o.request.id ?? ''}` === key) : undefined;
}

/** The MOUD product of an administration or dispense: its order's product, else its own medication's. */
export function supplyProduct(
  record: PatientRecord,
  r: MedicationAdministration | MedicationDispense,
): MatProductRead | undefined {
  return orderOf(matOrders(record), r)?.product ?? matProductOf(record, r);
}

/** Every MOUD supply of the record at any date, oldest first. */
export function moudSupplies(record: PatientRecord): readonly MoudSupply[] {
  return memo(record, 'chart.moudSupplies', () => {
    const facts = supplyFacts(record);
    const out: MoudSupply[] = [];
    for (const x of facts.admins) {
      if (x.a.status !== 'completed' || x.drug === undefined) continue;
      const longActing = supplyProduct(record, x.a)?.longActing === true;
      out.push({
        day: utcDay(x.ms),
        days: longActing ? MAT_RULES.longActingCoverDays : 1,
        kind: longActing ? 'injection' : 'administration',
        longActing,
        evidence: referenceTo(x.a),
        ms: x.ms,
      });
    }
    for (const x of facts.dispenses) {
      if (x.drug === undefined) continue;
      const longActing = supplyProduct(record, x.d)?.longActing === true;
      const supplied = Math.max(1, Math.floor(x.d.daysSupply?.value ?? 1));
      out.push({
        day: utcDay(x.ms),
        days: longActing ? MAT_RULES.longActingCoverDays : supplied,
        kind: longActing ? 'injection' : 'dispense',
        longActing,
        evidence: referenceTo(x.d),
        ms: x.ms,
      });
    }
    return out.sort((a, b) => a.ms - b.ms);
  });
}

/**
 * Covered days (epoch day → the supply that covers it) from the supplies handed over on or before as-of,
 * overlaps shifted forward (PQA). Days after as-of are included: that is the supply in hand.
 */
export function coveredDays(record: PatientRecord, asOf: AsOf): ReadonlyMap<number, Reference> {
  const now = asOfMillis(asOf);
  return memo(record, `chart.covered|${now}`, () => {
    const covered = new Map<number, Reference>();
    let next = -Infinity;
    for (const s of moudSupplies(record)) {
      if (s.ms > now) continue;
      // An injection is not stacked: its depot replaces what is left of the previous one.
      const start = s.longActing ? s.day : Math.max(s.day, next);
      for (let d = start; d < start + s.days; d++) covered.set(d, s.evidence);
      next = Math.max(next, start + s.days);
    }
    return covered;
  });
}

/** Orders that had started on or before as-of. */
function ordersAsOf(record: PatientRecord, now: number): readonly MatOrder[] {
  return matOrders(record).filter((o) => o.startMs <= now);
}

/** Whether an order is in force on an epoch day (any part of it). */
export function orderInForceOn(order: MatOrder, day: number): boolean {
  return utcDay(order.startMs) <= day && (order.endMs === undefined || order.endMs > day * DAY_MS);
}

/**
 * The first day of MOUD treatment: the earlier of the first supply and the first order's start + the
 * first-supply grace (MAT_RULES.firstSupplyGraceDays: a new order gets a day to its first dispense or dose).
 */
function treatmentFirstDay(record: PatientRecord, now: number): number | undefined {
  const supplies = moudSupplies(record).filter((s) => s.ms <= now);
  const orders = ordersAsOf(record, now);
  const candidates = [
    ...(supplies[0] ? [supplies[0].day] : []),
    ...(orders[0] ? [utcDay(orders[0].startMs) + MAT_RULES.firstSupplyGraceDays + 1] : []),
  ];
  return candidates.length > 0 ? Math.min(...candidates) : undefined;
}

/**
 * Proportion of days covered over the `windowDays` complete days before the as-of day. Denominator = those days
 * from the first day of treatment on (the first fill, or the order's start after its grace day); numerator = the
 * covered ones. Worked example: a 30-day window, first fill 20 days ago → denominator 20; 14 of them covered →
 * PDC 0.70, below the 0.80 threshold.
 */
export function proportionOfDaysCovered(record: PatientRecord, asOf: AsOf, windowDays: number): PdcWindow {
  const now = asOfMillis(asOf);
  const today = utcDay(now);
  const to = today - 1;
  const first = treatmentFirstDay(record, now);
  const from = first === undefined ? undefined : Math.max(today - windowDays, first);
  const threshold = DAYS_COVERED_RULES.adherenceThreshold;
  if (from === undefined || from > to) {
    return {
      windowDays,
      from: null,
      to: isoDay(to),
      denominatorDays: 0,
      coveredDays: 0,
      pdc: null,
      adherent: null,
      threshold,
    };
  }
  const covered = coveredDays(record, new Date(now));
  let n = 0;
  for (let d = from; d <= to; d++) if (covered.has(d)) n++;
  const denominatorDays = to - from + 1;
  const pdc = Math.round((n / denominatorDays) * 100) / 100;
  return {
    windowDays,
    from: isoDay(from),
    to: isoDay(to),
    denominatorDays,
    coveredDays: n,
    pdc,
    adherent: n / denominatorDays >= threshold,
    threshold,
  };
}

/**
 * Runs of uncovered days while a MOUD order was in force (on hold included), from the first day of treatment to
 * the day before as-of, oldest first. Days after an order stopped with no new order are not a gap: the stop is
 * listed on its own. A gap of ≥ 30 days is a discontinuation.
 */
export function coverageGaps(record: PatientRecord, asOf: AsOf): CoverageGap[] {
  const now = asOfMillis(asOf);
  const today = utcDay(now);
  const first = treatmentFirstDay(record, now);
  if (first === undefined) return [];
  const covered = coveredDays(record, new Date(now));
  const orders = ordersAsOf(record, now);
  const gaps: CoverageGap[] = [];
  let runStart: number | undefined;
  const close = (end: number): void => {
    if (runStart === undefined) return;
    const start = runStart;
    runStart = undefined;
    const days = end - start + 1;
    const inForce = orders.filter((o) => orderInForceOn(o, start));
    const before = covered.get(start - 1);
    gaps.push({
      from: isoDay(start),
      to: isoDay(end),
      days,
      discontinuation: days >= DAYS_COVERED_RULES.discontinuationGapDays,
      ongoing: end === today - 1,
      evidence: [...inForce.map((o) => referenceTo(o.request)), ...(before ? [before] : [])],
    });
  };
  for (let d = first; d <= today - 1; d++) {
    const expected = orders.some((o) => orderInForceOn(o, d));
    if (expected && !covered.has(d)) {
      runStart ??= d;
    } else {
      close(d - 1);
    }
  }
  close(today - 1);
  return gaps;
}

/** The last covered day (epoch day) of the supply handed over up to as-of, if any. */
export function lastCoveredDay(record: PatientRecord, asOf: AsOf): number | undefined {
  const days = [...coveredDays(record, asOf).keys()];
  return days.length > 0 ? Math.max(...days) : undefined;
}

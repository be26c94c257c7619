import type { MedicationRequest, Reference, Timing } from '@medplum/fhirtypes';

import { type AsOf, asOfMillis, DAY_MS, isoDay, isoInstant, utcDay } from '../fhir/fhir-date';
import { type MatOrder, matOrders, matStatus, supplyFacts } from '../fhir/mat';
import type { PatientRecord } from '../fhir/patient-record';
import { referenceKey, referenceTo } from '../fhir/reference';
import type { MatDrug } from '../terminology';
import type {
  MatChart,
  MatOrderFacts,
  MatStopFacts,
  NextInjection,
  TakeHomeDispenseFacts,
} from './chart-facts';
import {
  coverageGaps,
  DAYS_COVERED_RULES,
  lastCoveredDay,
  proportionOfDaysCovered,
  supplyProduct,
} from './days-covered';
import { methadoneStrip } from './dose-strip';
import { TAKE_HOME_RULES_FEDERAL_2024, takeHomeEligibility, type TakeHomeRuleTable } from './take-home';

/**
 * The "Medication (MAT)" panel's facts: the current order, the methadone dose strip, dispenses and
 * supply, PDC over 30 and 90 days, gaps, stops, the next long-acting injection and methadone take-home facts.
 * Rules and sources live with each part: days-covered.ts (PDC, gaps), dose-strip.ts, take-home.ts, and
 * {@link NEXT_INJECTION_RULES} below.
 */

/**
 * When the next long-acting injection is due, from the FDA labels:
 * - VIVITROL (naltrexone for extended-release injectable suspension) label, Dosage and Administration: "380 mg
 *   delivered intramuscularly every 4 weeks or once a month" → due 28 days after the last injection.
 * - SUBLOCADE (buprenorphine extended-release injection) label, Dosage and Administration: monthly injections
 *   "with a minimum of 26 days between doses" → due 28 days after (the programs' "every 28 days", which the
 *   demo clinic writes as timing period 28 d), never earlier than 26 days after.
 * Brixadi (weekly or monthly buprenorphine) is read from the order's timing (period in days) when given.
 * An order's own timing (repeat.period in days) overrides the default interval. The label texts were not
 * re-read here (the stored openFDA label records were found, their dosing sections not shown).
 */
export const NEXT_INJECTION_RULES: Readonly<
  Record<MatDrug, { intervalDays: number; earliestDays: number | null; source: string } | undefined>
> = {
  naltrexone: {
    intervalDays: 28,
    earliestDays: null,
    source: 'VIVITROL label: 380 mg intramuscularly every 4 weeks or once a month.',
  },
  buprenorphine: {
    intervalDays: 28,
    earliestDays: 26,
    source: 'SUBLOCADE label: once monthly, with a minimum of 26 days between doses.',
  },
  methadone: undefined,
};

/** Days of dispenses the panel lists. */
const DISPENSE_LIST_DAYS = 90;

function doseOf(req: MedicationRequest): string | null {
  const q = req.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity;
  if (q?.value === undefined) return null;
  return `${q.value} ${q.unit ?? q.code ?? 'mg'}`;
}

const UNIT_WORD: Record<string, string> = {
  s: 'second',
  min: 'minute',
  h: 'hour',
  d: 'day',
  wk: 'week',
  mo: 'month',
  a: 'year',
};

/** A schedule sentence from a Timing.repeat: "once daily", "every 28 days", "2 times every 1 day". */
export function timingText(timing: Timing | undefined): string | null {
  const r = timing?.repeat;
  if (!r || r.period === undefined || !r.periodUnit) return timing?.code?.text ?? null;
  const f = r.frequency ?? 1;
  const unit = UNIT_WORD[r.periodUnit] ?? r.periodUnit;
  if (f === 1 && r.period === 1) return unit === 'day' ? 'once daily' : `once a ${unit}`;
  if (f === 1) return `every ${r.period} ${unit}s`;
  return `${f} times every ${r.period === 1 ? unit : `${r.period} ${unit}s`}`;
}

function orderPeriodDays(req: MedicationRequest): number | undefined {
  const r = req.dosageInstruction?.[0]?.timing?.repeat;
  if (r?.period === undefined || (r.frequency ?? 1) !== 1) return undefined;
  const perDay: Record<string, number> = { d: 1, wk: 7 };
  const factor = r.periodUnit ? perDay[r.periodUnit] : undefined;
  return factor === undefined ? undefined : r.period * factor;
}

function referenceWithDisplay(ref: Reference | undefined): Reference | null {
  if (!ref?.reference && !ref?.display) return null;
  return {
    ...(ref.reference ? { reference: ref.reference } : {}),
    ...(ref.display ? { display: ref.display } : {}),
  };
}

function orderFacts(o: MatOrder): MatOrderFacts {
  const req = o.request;
  const dosage = req.dosageInstruction?.[0];
  return {
    order: referenceTo(req),
    status: req.status,
    drug: o.product.drug,
    product: o.product.display,
    rxnorm: o.product.code ?? null,
    uncoded: o.product.uncoded,
    longActing: o.product.longActing === true,
    dose: doseOf(req),
    schedule: dosage?.text?.trim() || timingText(dosage?.timing),
    prescriber: referenceWithDisplay(req.requester),
    start: isoDay(utcDay(o.startMs)),
    end: o.endMs === undefined ? null : isoDay(utcDay(o.endMs)),
    statusReason: req.statusReason?.text ?? req.statusReason?.coding?.[0]?.display ?? null,
  };
}

function successorOf(orders: readonly MatOrder[], o: MatOrder): MatOrder | undefined {
  const key = `MedicationRequest/${o.request.id ?? ''}`;
  return orders.find((x) => referenceKey(x.request.priorPrescription?.reference) === key);
}

function stops(orders: readonly MatOrder[], now: number): MatStopFacts[] {
  return orders
    .filter(
      (o) =>
        (o.request.status === 'stopped' || o.request.status === 'completed') &&
        o.endMs !== undefined &&
        o.endMs <= now,
    )
    .map((o) => {
      const next = successorOf(orders, o);
      return {
        order: referenceTo(o.request),
        drug: o.product.drug,
        product: o.product.display,
        status: o.request.status,
        doseChange: next !== undefined,
        date: isoDay(utcDay(o.endMs as number)),
        reason: o.request.statusReason?.text ?? o.request.statusReason?.coding?.[0]?.display ?? null,
        replacedBy: next ? referenceTo(next.request) : null,
      };
    })
    .sort((a, b) => b.date.localeCompare(a.date));
}

function dispenses(record: PatientRecord, now: number): TakeHomeDispenseFacts[] {
  const from = now - DISPENSE_LIST_DAYS * DAY_MS;
  return supplyFacts(record)
    .dispenses.filter((x) => x.drug !== undefined && x.ms <= now && x.ms > from)
    .map((x) => {
      const d0 = utcDay(x.ms);
      const n = x.d.daysSupply?.value;
      const days = n === undefined ? undefined : Math.max(0, Math.floor(n));
      const methadone = x.drug === 'methadone';
      const q = x.d.quantity;
      const req = x.d.authorizingPrescription?.[0];
      return {
        dispense: referenceTo(x.d),
        handedOver: isoInstant(x.ms),
        daysSupply: n ?? null,
        quantity: q?.value === undefined ? null : `${q.value}${q.unit ? ` ${q.unit}` : ''}`,
        coversFrom: days === undefined || days === 0 ? null : isoDay(methadone ? d0 + 1 : d0),
        coversTo: days === undefined || days === 0 ? null : isoDay(methadone ? d0 + days : d0 + days - 1),
        order: req?.reference ? { reference: req.reference } : null,
      };
    })
    .sort((a, b) => b.handedOver.localeCompare(a.handedOver));
}

function nextInjection(record: PatientRecord, current: MatOrder, now: number): NextInjection | null {
  if (current.product.longActing !== true) return null;
  const rule = NEXT_INJECTION_RULES[current.product.drug];
  if (!rule) return null;
  const today = utcDay(now);
  const supply = supplyFacts(record);
  const injections = [
    ...supply.admins
      .filter((x) => x.a.status === 'completed' && x.drug === current.product.drug && x.ms <= now)
      .filter((x) => supplyProduct(record, x.a)?.longActing === true)
      .map((x) => ({ day: utcDay(x.ms), ref: referenceTo(x.a) })),
    ...supply.dispenses
      .filter((x) => x.drug === current.product.drug && x.ms <= now)
      .filter((x) => supplyProduct(record, x.d)?.longActing === true)
      .map((x) => ({ day: utcDay(x.ms), ref: referenceTo(x.d) })),
  ].sort((a, b) => a.day - b.day);
  const last = injections.at(-1);
  const brixadi = /\bbrixadi\b/i.test(current.product.display);
  const intervalDays = orderPeriodDays(current.request) ?? rule.intervalDays;
  const earliestDays = brixadi ? null : rule.earliestDays;
  const due = last ? last.day + intervalDays : utcDay(current.startMs);
  return {
    drug: current.product.drug,
    product: current.product.display,
    lastInjection: last ? isoDay(last.day) : null,
    lastEvidence: last ? last.ref : null,
    due: isoDay(due),
    earliest: last && earliestDays !== null ? isoDay(last.day + earliestDays) : null,
    daysUntilDue: due - today,
    overdue: today > due,
    intervalDays,
    source: brixadi
      ? 'BRIXADI: weekly or monthly per the order; interval from the order’s timing.'
      : rule.source,
  };
}

export interface MatChartOptions {
  /** The take-home rule table: the federal 2024 default, or a stricter state table. */
  readonly takeHomeRules?: TakeHomeRuleTable;
}

/**
 * The MAT panel's facts as of a date. Orders dated after as-of are not read; dispenses and doses after as-of
 * are not counted. Worked examples in mat-panel.test.ts.
 */
export function matChart(record: PatientRecord, asOf: AsOf, options: MatChartOptions = {}): MatChart {
  const now = asOfMillis(asOf);
  const today = utcDay(now);
  const orders = matOrders(record).filter((o) => o.startMs <= now);
  const current = orders.filter((o) => o.endMs === undefined || o.endMs > now).at(-1);
  const status = matStatus(record, asOf);
  const last = lastCoveredDay(record, asOf);
  const [pdcShort, pdcLong] = DAYS_COVERED_RULES.pdcWindows;
  return {
    asOf: isoDay(today),
    status: { kind: status.kind, label: status.label, detail: status.detail, evidence: [...status.evidence] },
    current: current ? orderFacts(current) : null,
    orders: [...orders].reverse().map(orderFacts),
    strip: methadoneStrip(record, asOf),
    dispenses: dispenses(record, now),
    supplyRemainingDays: current ? (last !== undefined && last >= today ? last - today + 1 : 0) : null,
    suppliedThrough: last === undefined ? null : isoDay(last),
    pdc30: proportionOfDaysCovered(record, asOf, pdcShort),
    pdc90: proportionOfDaysCovered(record, asOf, pdcLong),
    gaps: coverageGaps(record, asOf),
    stops: stops(orders, now),
    nextInjection: current ? nextInjection(record, current, now) : null,
    takeHome: takeHomeEligibility(record, asOf, options.takeHomeRules ?? TAKE_HOME_RULES_FEDERAL_2024),
  };
}

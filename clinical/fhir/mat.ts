import type {
  CodeableConcept,
  Medication,
  MedicationAdministration,
  MedicationDispense,
  MedicationRequest,
  Reference,
  Resource,
} from '@medplum/fhirtypes';

import {
  type MatDrug,
  type MatProduct,
  matProductByCode,
  MOUD_EXTENDED_RELEASE_WORDS,
  MOUD_INJECTION_WORDS,
  MOUD_WORDS,
  NOT_MOUD_WORDS,
  SYSTEM,
} from '../terminology';
import { codingsOf } from './coding';
import { type AsOf, asOfMillis, DAY_MS, formatDay, isoDay, toEndMillis, toMillis, utcDay } from './fhir-date';
import type { PatientRecord } from './patient-record';
import { memo } from './record-cache';
import { referenceKey, referenceTo } from './reference';
import { administrationTime, dispenseTime } from './resource-time';

/**
 * Medication for opioid use disorder (MAT/MOUD): which drug, which dose, and whether the patient
 * is covered today. Rules:
 * - methadone: an observed clinic dose is expected every day, except days covered by take-home
 *   dispenses. A take-home handed over on day D with daysSupply n covers D..D+n (the hand-over day is
 *   a clinic day). 1–2 uncovered days in the last 7 → missed dose; 3+ in a row up to yesterday → gap
 *   (3 missed methadone doses is the usual point at which programs reassess the dose).
 * - buprenorphine SL and oral naltrexone: supply = dispense whenHandedOver + daysSupply (days D..D+n-1
 *   covered; observed doses cover their day). Supply left ≤ 3 days → "supply ends in N days"; on day D+n,
 *   the refill day, "supply ends today" (the pick-up may simply not have happened yet); from D+n+1 → gap.
 * - long-acting injection (Sublocade, naltrexone ER): one injection covers 31 days; days 32–35 are a
 *   grace period (missed dose: injection overdue); after day 35 → gap.
 * - stopped: the latest order was stopped/completed and no order replaced it; the status stays
 *   "stopped" (the risk model counts it for 30 days).
 * - an order on hold is a gap; a not-done MedicationAdministration in the last 7 days is a missed dose.
 * - uncoded orders: when no RxNorm code of MAT_PRODUCTS matches, the drug is read from the text (the
 *   concept's text, else a coding's display) by the MOUD_WORDS of terminology.ts; such an order counts in
 *   every rule exactly like a coded one and is marked `uncoded` so the UI asks for a check.
 *
 * Stop date of a stopped/completed order (R4 has no dedicated element): dosageInstruction[0].timing
 * .repeat.boundsPeriod.end (a date-only end is the last day in force), else dispenseRequest.validityPeriod.end, else meta.lastUpdated, else authoredOn.
 */

export const MAT_RULES = {
  /** Days looked back for missed doses. */
  missedDoseLookbackDays: 7,
  /** Consecutive uncovered methadone days (up to yesterday) that make a gap. */
  methadoneGapDays: 3,
  /** Days of supply left at or under which the status warns. */
  supplyWarningDays: 3,
  /** Long-acting injection: days covered, and the end of the grace period. */
  longActingCoverDays: 31,
  longActingGraceDays: 35,
  /** A new order gets this many days to its first dispense or dose before it counts as a gap. */
  firstSupplyGraceDays: 1,
  /** After an order ends, a positive for its drug stays expected this many days (metabolites linger). */
  expectedPositiveAfterStopDays: 14,
} as const;

export type MatStatusKind = 'on-track' | 'missed-dose' | 'supply-ending' | 'gap' | 'stopped' | 'none';

export interface MatStatus {
  readonly kind: MatStatusKind;
  /** The order's drug was recognised by its text, not by an RxNorm code: show it, and ask for a check. */
  readonly uncoded: boolean;
  /** "on track" · "missed dose" · "supply ends in 3 days" · "gap" · "stopped" · "no MAT". */
  readonly label: string;
  /** A sentence with dates, e.g. "Last take-home covered up to 3 Mar 2026; no dose since." */
  readonly detail: string;
  readonly drug?: MatDrug;
  /** The RxNorm display, or the order's own text when uncoded. */
  readonly product?: string;
  /** "16 mg". */
  readonly dose?: string;
  readonly daysLeft?: number;
  /** ISO day the current problem started (gap since, stopped on, last missed day). */
  readonly since?: string;
  readonly order?: Reference;
  readonly evidence: readonly Reference[];
}

function findMedication(
  record: PatientRecord,
  owner: Resource & { contained?: Resource[] },
  ref: Reference | undefined,
): Medication | undefined {
  const raw = ref?.reference;
  if (!raw) return undefined;
  if (raw.startsWith('#')) {
    const c = owner.contained?.find((r) => r.id === raw.slice(1));
    return c?.resourceType === 'Medication' ? c : undefined;
  }
  const key = referenceKey(raw);
  return record.medications.find((m) => `Medication/${m.id ?? ''}` === key);
}

/**
 * A MAT product as read from a record: a coded RxNorm product of MAT_PRODUCTS, or, when no code matches,
 * one recognised by its text (`uncoded`; `display` is then the record's own text, `code` absent).
 */
export interface MatProductRead extends Omit<MatProduct, 'code'> {
  readonly code?: string;
  readonly uncoded: boolean;
}

function productOfCodes(concept: CodeableConcept | undefined): MatProductRead | undefined {
  for (const c of codingsOf(concept)) {
    if (c.system !== undefined && c.system !== SYSTEM.rxnorm) continue;
    const p = matProductByCode(c.code);
    if (p) return { ...p, uncoded: false };
  }
  return undefined;
}

/** The MOUD a free text names, by whole words (case-insensitive, letters only), if any. */
export function moudOfText(text: string | undefined): Omit<MatProductRead, 'display'> | undefined {
  if (!text) return undefined;
  const words = ` ${text
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim()} `;
  const has = (w: string): boolean => words.includes(` ${w} `);
  if (NOT_MOUD_WORDS.some(has)) return undefined;
  const named = MOUD_WORDS.filter((w) => has(w.word));
  const first = named[0];
  // Two different drugs in one text (a combination MOUD does not exist): not read.
  if (!first || named.some((w) => w.drug !== first.drug)) return undefined;
  const longActing =
    named.some((w) => w.longActing) ||
    (first.drug !== 'methadone' && MOUD_EXTENDED_RELEASE_WORDS.some(has) && MOUD_INJECTION_WORDS.some(has));
  return { drug: first.drug, uncoded: true, ...(longActing ? { longActing: true } : {}) };
}

function productOfText(concept: CodeableConcept | undefined): MatProductRead | undefined {
  const texts = [concept?.text, ...codingsOf(concept).map((c) => c.display)];
  for (const text of texts) {
    const moud = moudOfText(text);
    if (moud && text) return { ...moud, display: text.trim() };
  }
  return undefined;
}

/**
 * The MAT product a MedicationRequest/Administration/Dispense/Statement is for, if any: by RxNorm code
 * (its own concept, else the referenced Medication's), else by the text of either (uncoded).
 */
export function matProductOf(
  record: PatientRecord,
  r: Resource & {
    medicationCodeableConcept?: CodeableConcept;
    medicationReference?: Reference;
    contained?: Resource[];
  },
): MatProductRead | undefined {
  const medication = findMedication(record, r, r.medicationReference)?.code;
  return (
    productOfCodes(r.medicationCodeableConcept) ??
    productOfCodes(medication) ??
    productOfText(r.medicationCodeableConcept) ??
    productOfText(medication)
  );
}

/** A MOUD order as the rules read it: its product, its start and, for stopped/completed orders, its end. */
export interface MatOrder {
  readonly request: MedicationRequest;
  readonly product: MatProductRead;
  readonly startMs: number;
  /** When it ended (exclusive instant; a date-only end includes its day), for stopped/completed orders. */
  readonly endMs?: number;
}

function orderStart(req: MedicationRequest): number | undefined {
  return toMillis(
    req.authoredOn ??
      req.dispenseRequest?.validityPeriod?.start ??
      req.dosageInstruction?.[0]?.timing?.repeat?.boundsPeriod?.start,
  );
}

function orderEnd(req: MedicationRequest, startMs: number): number {
  return (
    toEndMillis(req.dosageInstruction?.[0]?.timing?.repeat?.boundsPeriod?.end) ??
    toEndMillis(req.dispenseRequest?.validityPeriod?.end) ??
    toMillis(req.meta?.lastUpdated) ??
    startMs
  );
}

/**
 * Every MOUD order of the record (active, on hold, stopped, completed; not proposals or plans), oldest first,
 * at any date (callers filter by as-of). Read once per record.
 */
export function matOrders(record: PatientRecord): readonly MatOrder[] {
  return memo(record, 'mat.orders', () => computeMatOrders(record));
}

function computeMatOrders(record: PatientRecord): MatOrder[] {
  const out: MatOrder[] = [];
  for (const req of record.medicationRequests) {
    if (!['active', 'on-hold', 'stopped', 'completed'].includes(req.status)) continue;
    if (req.intent === 'proposal' || req.intent === 'plan') continue;
    const product = matProductOf(record, req);
    const startMs = orderStart(req);
    if (!product || startMs === undefined) continue;
    const ended = req.status === 'stopped' || req.status === 'completed';
    out.push({ request: req, product, startMs, endMs: ended ? orderEnd(req, startMs) : undefined });
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

function inForceAt(order: MatOrder, ms: number): boolean {
  return order.startMs <= ms && (order.endMs === undefined || order.endMs > ms);
}

/** MAT drugs whose positive UDS result is expected at a moment: an order in force, recently ended, or a reported active statement. */
export function expectedMatDrugs(record: PatientRecord, ms: number): Set<MatDrug> {
  const drugs = new Set<MatDrug>();
  const linger = MAT_RULES.expectedPositiveAfterStopDays * DAY_MS;
  for (const o of matOrders(record)) {
    if (o.startMs <= ms && (o.endMs === undefined || o.endMs + linger > ms)) drugs.add(o.product.drug);
  }
  for (const s of record.medicationStatements) {
    const start = toMillis(s.effectiveDateTime ?? s.effectivePeriod?.start ?? s.dateAsserted);
    const end = toMillis(s.effectivePeriod?.end);
    if (
      s.status !== 'active' ||
      start === undefined ||
      start > ms ||
      (end !== undefined && end + linger <= ms)
    )
      continue;
    const product = matProductOf(record, s);
    if (product) drugs.add(product.drug);
  }
  return drugs;
}

function doseLabel(req: MedicationRequest): string | undefined {
  const q = req.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity;
  if (q?.value === undefined) return undefined;
  return `${q.value} ${q.unit ?? q.code ?? 'mg'}`;
}

function drugOfSupply(
  record: PatientRecord,
  orders: readonly MatOrder[],
  r: MedicationAdministration | MedicationDispense,
): MatDrug | undefined {
  const reqRef = r.resourceType === 'MedicationAdministration' ? r.request : r.authorizingPrescription?.[0];
  const key = referenceKey(reqRef?.reference);
  const viaOrder = orders.find((o) => `MedicationRequest/${o.request.id ?? ''}` === key);
  return viaOrder?.product.drug ?? matProductOf(record, r)?.drug;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** MedicationAdministrations (any status) and completed MedicationDispenses with their time and drug. */
export interface SupplyFacts {
  readonly admins: readonly { a: MedicationAdministration; ms: number; drug: MatDrug | undefined }[];
  readonly dispenses: readonly { d: MedicationDispense; ms: number; drug: MatDrug | undefined }[];
}

/**
 * Administrations and completed dispenses with their time and drug (through their order, else their own
 * medication), at any date; parsed once per record.
 */
export function supplyFacts(record: PatientRecord): SupplyFacts {
  return memo(record, 'mat.supply', () => {
    const orders = matOrders(record);
    const admins = record.medicationAdministrations.flatMap((a) => {
      const ms = administrationTime(a);
      return ms === undefined ? [] : [{ a, ms, drug: drugOfSupply(record, orders, a) }];
    });
    const dispenses = record.medicationDispenses.flatMap((d) => {
      const ms = dispenseTime(d);
      return ms === undefined || d.status !== 'completed'
        ? []
        : [{ d, ms, drug: drugOfSupply(record, orders, d) }];
    });
    return { admins, dispenses };
  });
}

/** MAT status as of a date. */
export function matStatus(record: PatientRecord, asOf: AsOf): MatStatus {
  const now = asOfMillis(asOf);
  const today = utcDay(now);
  const orders = matOrders(record).filter((o) => o.startMs <= now);
  if (orders.length === 0) {
    return {
      kind: 'none',
      uncoded: false,
      label: 'no MAT',
      detail: 'No medication for opioid use disorder on record.',
      evidence: [],
    };
  }
  const inForce = orders.filter((o) => inForceAt(o, now));
  const current = inForce.at(-1);
  if (!current) {
    const last = orders.reduce((a, b) => ((a.endMs ?? 0) >= (b.endMs ?? 0) ? a : b));
    const endDay = utcDay(last.endMs ?? last.startMs);
    return {
      kind: 'stopped',
      uncoded: last.product.uncoded,
      label: 'stopped',
      detail: `${last.product.drug} order ${last.request.status} on ${formatDay(endDay)} (${today === endDay ? 'today' : `${plural(today - endDay, 'day')} ago`}); no order since.`,
      drug: last.product.drug,
      product: last.product.display,
      dose: doseLabel(last.request),
      since: isoDay(endDay),
      order: referenceTo(last.request),
      evidence: [referenceTo(last.request)],
    };
  }

  const { product } = current;
  const base = {
    uncoded: product.uncoded,
    drug: product.drug,
    product: product.display,
    dose: doseLabel(current.request),
    order: referenceTo(current.request),
  };
  const orderRef = referenceTo(current.request);
  const startDay = utcDay(current.startMs);

  if (current.request.status === 'on-hold') {
    return {
      ...base,
      kind: 'gap',
      label: 'gap',
      detail: `The ${product.drug} order is on hold.`,
      since: isoDay(startDay),
      evidence: [orderRef],
    };
  }

  const supply = supplyFacts(record);
  const admins = supply.admins.filter((x) => x.drug === product.drug && x.ms <= now);
  const given = admins.filter((x) => x.a.status === 'completed');
  const notDone = admins.filter((x) => x.a.status === 'not-done');
  const dispenses = supply.dispenses.filter((x) => x.drug === product.drug && x.ms <= now);

  const lookbackFrom = Math.max(startDay, today - MAT_RULES.missedDoseLookbackDays);
  const recentNotDone = notDone.filter((x) => utcDay(x.ms) >= lookbackFrom && utcDay(x.ms) < today + 1);
  const newOrder = today - startDay <= MAT_RULES.firstSupplyGraceDays;
  /** Covered for `daysLeft` more days: the supply is ending within the warning days, else on track. */
  const coveredFor = (
    daysLeft: number,
    evidence: MatStatus['evidence'],
    says: { ending: string; endingDetail: string; onTrackDetail: string },
  ): MatStatus =>
    daysLeft <= MAT_RULES.supplyWarningDays
      ? { ...base, kind: 'supply-ending', label: says.ending, detail: says.endingDetail, daysLeft, evidence }
      : { ...base, kind: 'on-track', label: 'on track', detail: says.onTrackDetail, daysLeft, evidence };
  /** Nothing supplied yet: on track within the first-supply grace period of a new order, else a gap. */
  const noSupplyYet = (first: string, none: string): MatStatus =>
    newOrder
      ? {
          ...base,
          kind: 'on-track',
          label: 'on track',
          detail: `Ordered ${formatDay(startDay)}; first ${first} pending.`,
          evidence: [orderRef],
        }
      : {
          ...base,
          kind: 'gap',
          label: 'gap',
          detail: `No ${none} since the order on ${formatDay(startDay)}.`,
          since: isoDay(startDay),
          evidence: [orderRef],
        };

  if (product.longActing) {
    const injections = [
      ...given.map((x) => ({ day: utcDay(x.ms), ref: referenceTo(x.a) })),
      ...dispenses.map((x) => ({ day: utcDay(x.ms), ref: referenceTo(x.d) })),
    ].sort((a, b) => a.day - b.day);
    const last = injections.at(-1);
    if (!last) {
      return noSupplyYet('injection', 'injection recorded');
    }
    const since = today - last.day;
    const evidence = [orderRef, last.ref];
    const lastText = `Last injection ${formatDay(last.day)} (${plural(since, 'day')} ago)`;
    if (since > MAT_RULES.longActingGraceDays) {
      return {
        ...base,
        kind: 'gap',
        label: 'gap',
        detail: `${lastText}; the ${MAT_RULES.longActingGraceDays}-day grace period has passed.`,
        since: isoDay(last.day + MAT_RULES.longActingGraceDays + 1),
        evidence,
      };
    }
    if (since > MAT_RULES.longActingCoverDays) {
      return {
        ...base,
        kind: 'missed-dose',
        label: 'missed dose',
        detail: `${lastText}; injection overdue, within the ${MAT_RULES.longActingGraceDays}-day grace period.`,
        since: isoDay(last.day + MAT_RULES.longActingCoverDays + 1),
        evidence,
      };
    }
    const daysLeft = MAT_RULES.longActingCoverDays - since;
    const due = formatDay(last.day + MAT_RULES.longActingCoverDays);
    return coveredFor(daysLeft, evidence, {
      ending: `supply ends in ${plural(daysLeft, 'day')}`,
      endingDetail: `${lastText}; next injection due ${due}.`,
      onTrackDetail: `${lastText}; covered to ${due}.`,
    });
  }

  if (product.drug === 'methadone') {
    const covered = new Map<number, Reference>();
    for (const x of given) covered.set(utcDay(x.ms), referenceTo(x.a));
    for (const x of dispenses) {
      const d0 = utcDay(x.ms);
      const n = Math.max(0, Math.floor(x.d.daysSupply?.value ?? 0));
      for (let d = d0; d <= d0 + n; d++) if (!covered.has(d)) covered.set(d, referenceTo(x.d));
    }
    const notDoneDays = new Set(notDone.map((x) => utcDay(x.ms)));
    const missed: number[] = [];
    for (let d = lookbackFrom; d < today; d++) {
      if (!covered.has(d) || (notDoneDays.has(d) && !given.some((x) => utcDay(x.ms) === d))) missed.push(d);
    }
    let run = 0;
    for (let d = today - 1; d >= startDay && missed.includes(d); d--) run++;
    const evidence = [orderRef, ...recentNotDone.map((x) => referenceTo(x.a))];
    const lastCovered = [...covered.keys()]
      .filter((d) => d <= today)
      .sort((a, b) => a - b)
      .at(-1);
    if (run >= MAT_RULES.methadoneGapDays) {
      const lastDose =
        lastCovered === undefined
          ? 'no dose on record'
          : `last dose or take-home covered ${formatDay(lastCovered)}`;
      return {
        ...base,
        kind: 'gap',
        label: 'gap',
        detail: `No methadone dose for ${plural(run, 'day')} (${lastDose}).`,
        since: isoDay(today - run),
        evidence: lastCovered !== undefined ? [...evidence, covered.get(lastCovered) as Reference] : evidence,
      };
    }
    if (missed.length > 0) {
      const lastMissed = missed.at(-1) as number;
      return {
        ...base,
        kind: 'missed-dose',
        label: 'missed dose',
        detail: `Observed dose missed on ${missed.map(formatDay).join(', ')}.`,
        since: isoDay(lastMissed),
        evidence,
      };
    }
    return {
      ...base,
      kind: 'on-track',
      label: 'on track',
      detail: 'Daily doses observed or covered by take-homes.',
      evidence: lastCovered !== undefined ? [orderRef, covered.get(lastCovered) as Reference] : [orderRef],
    };
  }

  // Buprenorphine SL and oral naltrexone: supply-based.
  const supplies = [
    ...dispenses.map((x) => ({
      end: utcDay(x.ms) + Math.max(1, Math.floor(x.d.daysSupply?.value ?? 1)),
      from: utcDay(x.ms),
      ref: referenceTo(x.d),
    })),
    ...given.map((x) => ({ end: utcDay(x.ms) + 1, from: utcDay(x.ms), ref: referenceTo(x.a) })),
  ].sort((a, b) => a.end - b.end);
  const latest = supplies.at(-1);
  if (!latest) {
    return noSupplyYet('dispense', 'dispense or observed dose');
  }
  const daysLeft = latest.end - today;
  const evidence = [orderRef, latest.ref];
  const coveredTo = `supply covered to ${formatDay(latest.end - 1)} (from ${formatDay(latest.from)})`;
  if (daysLeft < 0) {
    return {
      ...base,
      kind: 'gap',
      label: 'gap',
      detail: `Out of medication: ${coveredTo}; no dispense since.`,
      since: isoDay(latest.end),
      daysLeft: 0,
      evidence,
    };
  }
  if (recentNotDone.length > 0) {
    return {
      ...base,
      kind: 'missed-dose',
      label: 'missed dose',
      detail: `Dose not taken on ${recentNotDone.map((x) => formatDay(utcDay(x.ms))).join(', ')}.`,
      since: isoDay(utcDay((recentNotDone.at(-1) as { ms: number }).ms)),
      daysLeft,
      evidence: [...evidence, ...recentNotDone.map((x) => referenceTo(x.a))],
    };
  }
  const detail = `${coveredTo[0]?.toUpperCase()}${coveredTo.slice(1)}.`;
  return coveredFor(daysLeft, evidence, {
    ending: daysLeft === 0 ? 'supply ends today' : `supply ends in ${plural(daysLeft, 'day')}`,
    endingDetail: detail,
    onTrackDetail: detail,
  });
}

import type { Reference } from '@medplum/fhirtypes';

import { type AsOf, asOfMillis, formatDay, isoDay, utcDay } from '../fhir/fhir-date';
import { matOrders, supplyFacts } from '../fhir/mat';
import type { PatientRecord } from '../fhir/patient-record';
import { referenceTo, uniqueReferences } from '../fhir/reference';
import type { DoseDay, DoseStrip } from './chart-facts';
import { orderInForceOn } from './days-covered';

/** Days the methadone strip shows, the as-of day included. */
export const DOSE_STRIP_DAYS = 28;

/**
 * The methadone observed-dose strip: one entry per day of the last 28 days, oldest first (an observed
 * clinic dose is expected every day a methadone order is in force, except days covered by take-homes; README
 * "Methadone take-home": a dispense handed over on day D with daysSupply n covers D … D+n).
 * Per day, in this order:
 * - `observed`: a completed MedicationAdministration of methadone that day (with the dispense handed over then);
 * - `take-home`: covered by a take-home dispense (handed over that day, or up to n days before);
 * - `not-expected`: no methadone order in force (before the order, after it ended) or the order is on hold;
 * - `today`: the as-of day with nothing recorded yet (not known);
 * - `missed`: a dose was expected — a not-done administration ("missed — not done" with its reason), or nothing
 *   recorded ("no dose recorded", evidence = the order).
 * Null unless a methadone order was in force on some day of the strip.
 *
 * Worked example (as of Mon 16 Mar, order since 1 Mar): observed doses Mon–Sat, a 1-day take-home handed over on
 * Saturday 14 Mar → Sunday 15 Mar is `take-home`; nothing on Thursday 12 Mar → `missed` (no dose recorded);
 * Monday 16 Mar before the dose → `today`.
 */
export function methadoneStrip(record: PatientRecord, asOf: AsOf): DoseStrip | null {
  const now = asOfMillis(asOf);
  const today = utcDay(now);
  const first = today - DOSE_STRIP_DAYS + 1;
  const orders = matOrders(record).filter((o) => o.product.drug === 'methadone' && o.startMs <= now);
  const any = orders.some((o) =>
    Array.from({ length: DOSE_STRIP_DAYS }, (_, i) => first + i).some((d) => orderInForceOn(o, d)),
  );
  if (!any) return null;

  const supply = supplyFacts(record);
  const admins = supply.admins.filter((x) => x.drug === 'methadone' && x.ms <= now);
  const dispenses = supply.dispenses.filter((x) => x.drug === 'methadone' && x.ms <= now);
  const takeHomeOn = new Map<number, { ref: Reference; handedOver: number }[]>();
  for (const x of dispenses) {
    const d0 = utcDay(x.ms);
    const n = Math.max(0, Math.floor(x.d.daysSupply?.value ?? 0));
    for (let d = d0; d <= d0 + n; d++) {
      takeHomeOn.set(d, [...(takeHomeOn.get(d) ?? []), { ref: referenceTo(x.d), handedOver: d0 }]);
    }
  }

  const days: DoseDay[] = [];
  for (let d = first; d <= today; d++) {
    const date = isoDay(d);
    const given = admins.filter((x) => x.a.status === 'completed' && utcDay(x.ms) === d);
    const notDone = admins.filter((x) => x.a.status === 'not-done' && utcDay(x.ms) === d);
    const takeHome = takeHomeOn.get(d) ?? [];
    const handedOverToday = takeHome.filter((t) => t.handedOver === d);
    const inForce = orders.filter((o) => orderInForceOn(o, d));
    if (given.length > 0) {
      days.push({
        date,
        kind: 'observed',
        label: handedOverToday.length > 0 ? 'observed dose; take-home handed over' : 'observed dose',
        evidence: uniqueReferences([
          ...given.map((x) => referenceTo(x.a)),
          ...handedOverToday.map((t) => t.ref),
        ]),
      });
    } else if (takeHome.length > 0) {
      const handedOver = Math.max(...takeHome.map((t) => t.handedOver));
      days.push({
        date,
        kind: 'take-home',
        label:
          handedOver === d ? 'take-home handed over' : `take-home (handed over ${formatDay(handedOver)})`,
        evidence: uniqueReferences(takeHome.map((t) => t.ref)),
      });
    } else if (inForce.length === 0 || inForce.every((o) => o.request.status === 'on-hold')) {
      const label =
        inForce.length > 0
          ? 'order on hold'
          : orders.some((o) => utcDay(o.startMs) > d)
            ? 'before the order'
            : 'after the order ended';
      days.push({ date, kind: 'not-expected', label, evidence: inForce.map((o) => referenceTo(o.request)) });
    } else if (d === today) {
      days.push({ date, kind: 'today', label: 'today — not yet recorded', evidence: [] });
    } else if (notDone.length > 0) {
      const reason = notDone
        .map((x) => x.a.statusReason?.[0]?.text ?? x.a.statusReason?.[0]?.coding?.[0]?.display)
        .find((t) => t !== undefined);
      days.push({
        date,
        kind: 'missed',
        label: reason ? `missed — not done (${reason})` : 'missed — not done',
        evidence: notDone.map((x) => referenceTo(x.a)),
      });
    } else {
      days.push({
        date,
        kind: 'missed',
        label: 'no dose recorded',
        evidence: inForce.map((o) => referenceTo(o.request)),
      });
    }
  }
  const count = (k: DoseDay['kind']) => days.filter((x) => x.kind === k).length;
  return {
    from: isoDay(first),
    to: isoDay(today),
    days,
    observed: count('observed'),
    takeHome: count('take-home'),
    missed: count('missed'),
  };
}

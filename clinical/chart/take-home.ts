import { type AsOf, asOfMillis, DAY_MS, formatDate, formatDay, isoDay, utcDay } from '../fhir/fhir-date';
import { type MatOrder, matOrders } from '../fhir/mat';
import type { PatientRecord } from '../fhir/patient-record';
import { referenceTo, uniqueReferences } from '../fhir/reference';
import { classifiedScreens } from '../fhir/uds';
import type {
  DoseStrip,
  Evidence,
  TakeHomeCriterion,
  TakeHomeCriterionFacts,
  TakeHomeEligibility,
  TakeHomeStage,
} from './chart-facts';
import { DAYS_COVERED_RULES } from './days-covered';
import { methadoneStrip } from './dose-strip';

/**
 * Methadone take-home ("unsupervised") doses under 42 CFR 8.12(i), as revised by the final rule "Medications
 * for the Treatment of Opioid Use Disorder", 89 FR 7528 (Federal Register Vol. 89 No. 23, 2 Feb 2024; effective
 * 2 April 2024, compliance date 2 October 2024; SAMHSA, RIN 0930-AA39).
 *
 * What was verified here, and against what: the stored pages hold the Federal Register header of 89 FR 7528
 * (dates, agency, RIN) and the current text of § 8.12's opening paragraphs (a)–(d) (govregs.com), but not the
 * text of paragraph (i) itself. The criteria below are quoted as § 8.12(i)(2)(i)–(vi) reads in the 2024 rule;
 * their wording was checked against a state rule that reproduces them word for word (Virginia 12VAC35-105-990 A,
 * "Absence of active substance use disorders, other physical or behavioral health conditions that increase the
 * risk of harm as it relates to the potential for overdose, or the ability to function safely; Regularity of
 * attendance for supervised medication administration; Absence of serious behavioral problems that endanger the
 * individual, the public, or others; Absence of known recent diversion activity; Whether take-home medication can
 * be safely transported and stored; and Any other criteria …"). The stages (§ 8.12(i)(3)(i)–(iii): during the
 * first 14 days up to 7 days' supply; from day 15 up to 14; from day 31 up to 28) and the closed-day dose
 * (§ 8.12(i)(1)) follow the design notes and secondary summaries of the rule (e.g. "up to 28 days of take-home
 * doses after just one month of treatment"); their exact wording could NOT be re-read from the published text in
 * this environment — check them against eCFR before relying on them. Note that the 2024 criteria no longer list
 * "stability of the patient's home environment and social relationships" or "length of time in treatment", which
 * were criteria of the 2001 text (66 FR 4076, § 8.12(i)(2)).
 *
 * The stage caps apply to methadone (buprenorphine products are exempt from them, § 8.12(i)(3)). States may be
 * stricter: a program passes its state's table instead of the federal default. The practitioner decides: this
 * module shows the rule and what the record says, never a decision.
 */

export interface TakeHomeRuleTable {
  readonly id: string;
  readonly title: string;
  readonly citation: string;
  /** Days in treatment stages, in order; the first starts on day 1, the last has toDay null. */
  readonly stages: readonly TakeHomeStage[];
  readonly closedDayRule: string;
  readonly criteria: readonly TakeHomeCriterion[];
  readonly note: string;
}

const FEDERAL_CITATION =
  '42 CFR 8.12(i), as revised by 89 FR 7528 (2 Feb 2024; effective 2 Apr 2024, compliance 2 Oct 2024)';

/** The federal default (see the module comment for what was and was not verified). */
export const TAKE_HOME_RULES_FEDERAL_2024: TakeHomeRuleTable = {
  id: 'federal-2024',
  title: 'Federal opioid treatment standards (2024)',
  citation: FEDERAL_CITATION,
  stages: [
    {
      fromDay: 1,
      toDay: 14,
      maxDaysSupply: 7,
      text: 'During the first 14 days of treatment, the take-home supply is limited to 7 days.',
      citation: '42 CFR 8.12(i)(3)(i)',
    },
    {
      fromDay: 15,
      toDay: 30,
      maxDaysSupply: 14,
      text: 'From 15 days of treatment, the take-home supply is limited to 14 days.',
      citation: '42 CFR 8.12(i)(3)(ii)',
    },
    {
      fromDay: 31,
      toDay: null,
      maxDaysSupply: 28,
      text: 'From 31 days of treatment, the take-home supply is not to exceed 28 days.',
      citation: '42 CFR 8.12(i)(3)(iii)',
    },
  ],
  closedDayRule:
    'Any patient in comprehensive maintenance treatment may receive a single take-home dose for each day that the clinic is closed for business, including Sundays and State and Federal holidays (42 CFR 8.12(i)(1)).',
  criteria: [
    {
      id: 'substance-use',
      text: 'Absence of active substance use disorders, other physical or behavioral health conditions that increase the risk of patient harm as it relates to the potential for overdose, or the ability to function safely.',
      citation: '42 CFR 8.12(i)(2)(i)',
    },
    {
      id: 'attendance',
      text: 'Regularity of attendance for supervised medication administration.',
      citation: '42 CFR 8.12(i)(2)(ii)',
    },
    {
      id: 'behavior',
      text: 'Absence of serious behavioral problems that endanger the patient, the public or others.',
      citation: '42 CFR 8.12(i)(2)(iii)',
    },
    {
      id: 'diversion',
      text: 'Absence of known recent diversion activity.',
      citation: '42 CFR 8.12(i)(2)(iv)',
    },
    {
      id: 'storage',
      text: 'Whether take-home medication can be safely transported and stored.',
      citation: '42 CFR 8.12(i)(2)(v)',
    },
    {
      id: 'other',
      text: "Any other criteria that the medical director or medical practitioner considers relevant to the patient's safety and the public's health.",
      citation: '42 CFR 8.12(i)(2)(vi)',
    },
  ],
  note: 'Federal maximums; states may set stricter limits, and the program applies the stricter rule.',
};

/** What the chart says next to the criteria: the practitioner decides. */
export const TAKE_HOME_DECIDED_BY =
  'The practitioner decides: these are the federal limits and what the record shows, not a decision.';

/** Days looked back for the criteria's record facts. */
const CRITERIA_LOOKBACK_DAYS = 30;

/** The stage of a table for a day of treatment (1-based). */
export function takeHomeStage(rules: TakeHomeRuleTable, dayOfTreatment: number): TakeHomeStage {
  const stage =
    rules.stages.find(
      (s) => dayOfTreatment >= s.fromDay && (s.toDay === null || dayOfTreatment <= s.toDay),
    ) ?? rules.stages[0];
  if (!stage) throw new RangeError(`take-home table ${rules.id} has no stages`);
  return stage;
}

/**
 * The current continuous methadone treatment as of a moment: the methadone order in force, and the earliest
 * order linked to it without a discontinuation (each previous order ended less than 30 days before the next one
 * started; a dose change is a new order that follows at once). Day 1 is that order's start. Time in treatment is
 * the patient's methadone treatment at the program, which may have begun before the counseling episode.
 */
export function methadoneTreatmentStart(
  record: PatientRecord,
  asOf: AsOf,
): { day: number; order: MatOrder; current: MatOrder } | undefined {
  const now = asOfMillis(asOf);
  const methadone = matOrders(record).filter((o) => o.product.drug === 'methadone' && o.startMs <= now);
  const current = methadone.filter((o) => o.endMs === undefined || o.endMs > now).at(-1);
  if (!current) return undefined;
  let first = current;
  for (const o of [...methadone].reverse()) {
    if (o === current || o.startMs > first.startMs) continue;
    const endDay = o.endMs === undefined ? Infinity : utcDay(o.endMs);
    if (utcDay(first.startMs) - endDay >= DAYS_COVERED_RULES.discontinuationGapDays) break;
    first = o;
  }
  return { day: utcDay(first.startMs), order: first, current };
}

function criteriaFacts(
  record: PatientRecord,
  now: number,
  rules: TakeHomeRuleTable,
  strip: DoseStrip | null,
): TakeHomeCriterionFacts[] {
  const from = now - CRITERIA_LOOKBACK_DAYS * DAY_MS;
  const screens = classifiedScreens(record, new Date(now)).filter((s) => s.ms > from);
  const factsFor = (id: string): { facts: string[]; evidence: Evidence[] } => {
    if (id === 'substance-use') {
      const positive = screens.filter((s) => s.unexpectedPositives.length > 0);
      if (screens.length === 0)
        return { facts: [`No urine drug screen in the last ${CRITERIA_LOOKBACK_DAYS} days.`], evidence: [] };
      return {
        facts: [
          positive.length === 0
            ? `${screens.length} urine drug screen(s) in the last ${CRITERIA_LOOKBACK_DAYS} days, none positive for a non-prescribed substance.`
            : `Positive for a non-prescribed substance: ${positive
                .map((s) => `${formatDay(s.day)} (${s.unexpectedPositives.join(', ')})`)
                .join(
                  '; ',
                )} — ${positive.length} of ${screens.length} screen(s) in the last ${CRITERIA_LOOKBACK_DAYS} days.`,
        ],
        evidence: uniqueReferences(
          positive.flatMap((s) =>
            s.results.filter((r) => s.unexpectedPositives.includes(r.substance)).flatMap((r) => r.evidence),
          ),
        ),
      };
    }
    if (id === 'attendance' && strip) {
      const expected = strip.observed + strip.missed;
      const missed = strip.days.filter((d) => d.kind === 'missed');
      return {
        facts: [
          `Observed doses on ${strip.observed} of ${expected} days a clinic dose was expected (${formatDate(strip.from)} – ${formatDate(strip.to)}); ${strip.takeHome} take-home day(s).`,
        ],
        evidence: uniqueReferences(missed.flatMap((d) => d.evidence)),
      };
    }
    if (id === 'diversion') {
      const methadoneNegative = screens.filter((s) =>
        s.results.some((r) => r.substance === 'methadone' && r.result === 'negative'),
      );
      if (methadoneNegative.length === 0) return { facts: [], evidence: [] };
      return {
        facts: [
          `Negative for methadone/EDDP while on methadone: ${methadoneNegative.map((s) => formatDay(s.day)).join(', ')} (the prescribed medication absent from the urine).`,
        ],
        evidence: uniqueReferences(
          methadoneNegative.flatMap((s) =>
            s.results.filter((r) => r.substance === 'methadone').flatMap((r) => r.evidence),
          ),
        ),
      };
    }
    return { facts: [], evidence: [] };
  };
  return rules.criteria.map((c) => ({ ...c, ...factsFor(c.id) }));
}

/**
 * Take-home facts for a patient on methadone as of a date, under a rule table (the federal 2024 default, or a
 * stricter state table): day of treatment, the stage and its maximum days' supply, when the next stage opens,
 * the closed-day rule, and the criteria the practitioner weighs with what the record shows for each — as
 * information, never a decision (`decision` is always null). Null when no methadone order is in force.
 *
 * Worked example (federal table): methadone started 1 March 2026 (day 1). On 14 March (day 14) the stage is
 * "first 14 days", up to 7 days' supply, and the next stage opens on 15 March (up to 14); on 31 March (day 31)
 * the last stage applies: up to 28 days, no next stage.
 */
export function takeHomeEligibility(
  record: PatientRecord,
  asOf: AsOf,
  rules: TakeHomeRuleTable = TAKE_HOME_RULES_FEDERAL_2024,
): TakeHomeEligibility | null {
  const now = asOfMillis(asOf);
  const today = utcDay(now);
  const treatment = methadoneTreatmentStart(record, asOf);
  if (!treatment) return null;
  const dayOfTreatment = today - treatment.day + 1;
  const stage = takeHomeStage(rules, dayOfTreatment);
  const next = rules.stages[rules.stages.indexOf(stage) + 1];
  return {
    rules: { id: rules.id, title: rules.title, citation: rules.citation, note: rules.note },
    treatmentStart: isoDay(treatment.day),
    treatmentStartEvidence: referenceTo(treatment.order.request),
    dayOfTreatment,
    stage,
    maxDaysSupply: stage.maxDaysSupply,
    nextStage: next ? { opens: isoDay(treatment.day + next.fromDay - 1), stage: next } : null,
    closedDayRule: rules.closedDayRule,
    criteria: criteriaFacts(record, now, rules, methadoneStrip(record, asOf)),
    decision: null,
    decidedBy: TAKE_HOME_DECIDED_BY,
  };
}

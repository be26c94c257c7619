import type { Reference } from '@medplum/fhirtypes';

import type { Part2ConsentState } from '../fhir/consent';
import type { MatStatusKind } from '../fhir/mat';
import type { NoteChip } from '../notes/note-lifecycle';
import type { RiskBand, RiskPoint } from '../risk/relapse-risk';
import type { MatDrug, Substance, Track } from '../terminology';

/**
 * The patient chart's facts: the plain-JSON shapes the chart panels read. Every value is JSON
 * (strings, numbers, booleans, arrays, objects): dates are ISO strings ("2026-03-16" for a day, a full instant
 * where the time matters), an absent value is `null` (never `undefined` or a missing key), nothing is a Date or
 * a class. Every fact a relapse-risk point can point at carries the `Reference` of its evidence
 * ({ reference: "Type/id" }, the same form as RiskPoint.evidence), so the chart can highlight it.
 * The functions that build these live next to this file, one per panel; each is pure (record + as-of in,
 * facts out; data dated after as-of is never counted).
 */

/** A reference to the FHIR resource a fact rests on: `{ reference: "Type/id" }` (display kept when the record had one). */
export type Evidence = Reference;

/** The chart's date range (in the URL): the current episode, the last 90 days, or everything on record. */
export type ChartRange = 'episode' | '90d' | 'all';

/** The days a range covers, inclusive ISO days; `from` null = from the first record. */
export interface ChartWindow {
  readonly range: ChartRange;
  readonly from: string | null;
  readonly to: string;
}

// ---------------------------------------------------------------------------------------------------------
// 1. Medication (MAT)
// ---------------------------------------------------------------------------------------------------------

/** One MOUD order (MedicationRequest) as the chart shows it. */
export interface MatOrderFacts {
  readonly order: Evidence;
  readonly status: string;
  readonly drug: MatDrug;
  /** The RxNorm display, or the order's own text when `uncoded`. */
  readonly product: string;
  /** The RxNorm code; null when uncoded. */
  readonly rxnorm: string | null;
  /** The drug was read from the order's text, not an RxNorm code: show "uncoded order — check". */
  readonly uncoded: boolean;
  /** Long-acting injection (Sublocade, Brixadi, Vivitrol). */
  readonly longActing: boolean;
  /** "16 mg"; null when the order gives no dose quantity. */
  readonly dose: string | null;
  /** The schedule as written (dosageInstruction[0].text), else built from its timing ("once every 1 day"). */
  readonly schedule: string | null;
  /** MedicationRequest.requester (reference and display as recorded). */
  readonly prescriber: Evidence | null;
  /** ISO day the order starts (authoredOn, else its validity or bounds start). */
  readonly start: string;
  /** ISO day the order ended (stopped/completed; same day as MatStatus.since); null while in force. */
  readonly end: string | null;
  /** MedicationRequest.statusReason text, e.g. "dose change". */
  readonly statusReason: string | null;
}

/**
 * A day of the methadone observed-dose strip: `observed` (a completed MedicationAdministration that day),
 * `take-home` (covered by a take-home MedicationDispense), `missed` (a dose was expected: not-done, or nothing
 * recorded), `not-expected` (no methadone order in force: before the order, after a stop, or on hold),
 * `today` (as-of day, nothing recorded yet: not known).
 */
export type DoseDayKind = 'observed' | 'take-home' | 'missed' | 'not-expected' | 'today';

export interface DoseDay {
  /** ISO day. */
  readonly date: string;
  readonly kind: DoseDayKind;
  /** "observed dose", "take-home (handed over 14 Mar)", "missed — not done", "no dose recorded", "order on hold" … */
  readonly label: string;
  /** The MedicationAdministration(s) and MedicationDispense(s) behind the day; the order on a missed day. */
  readonly evidence: readonly Evidence[];
}

/** The methadone strip: the last 28 days, oldest first, ending on the as-of day. */
export interface DoseStrip {
  readonly from: string;
  readonly to: string;
  readonly days: readonly DoseDay[];
  readonly observed: number;
  readonly takeHome: number;
  readonly missed: number;
}

export interface TakeHomeDispenseFacts {
  readonly dispense: Evidence;
  /** ISO instant of MedicationDispense.whenHandedOver. */
  readonly handedOver: string;
  readonly daysSupply: number | null;
  /** "60 mL"; null when the dispense gives no quantity. */
  readonly quantity: string | null;
  /** The days it covers (ISO days, inclusive): the days after the hand-over day for methadone. */
  readonly coversFrom: string | null;
  readonly coversTo: string | null;
  readonly order: Evidence | null;
}

/** Proportion of days covered over one window (PQA method; see days-covered.ts). */
export interface PdcWindow {
  /** Window length asked for: 30 or 90. */
  readonly windowDays: number;
  /** First and last day counted (ISO, inclusive); from = the later of the window start and the first fill. */
  readonly from: string | null;
  readonly to: string;
  readonly denominatorDays: number;
  readonly coveredDays: number;
  /** coveredDays / denominatorDays, 0–1 rounded to 2 places; null when no day is counted. */
  readonly pdc: number | null;
  /** pdc ≥ threshold; null with pdc. */
  readonly adherent: boolean | null;
  /** 0.80. */
  readonly threshold: number;
}

/** Consecutive days without MOUD while an order was in force. */
export interface CoverageGap {
  readonly from: string;
  readonly to: string;
  readonly days: number;
  /** days ≥ the discontinuation threshold (30). */
  readonly discontinuation: boolean;
  /** The gap runs up to yesterday (still open). */
  readonly ongoing: boolean;
  /** The order in force and the last supply before the gap (dispense or administration), if any. */
  readonly evidence: readonly Evidence[];
}

export interface MatStopFacts {
  readonly order: Evidence;
  readonly drug: MatDrug;
  readonly product: string;
  /** The order's status: stopped or completed. */
  readonly status: string;
  /** A completed order followed by an order naming it as priorPrescription: a dose change, not a stop. */
  readonly doseChange: boolean;
  /** ISO day the order ended (as MatStatus.since). */
  readonly date: string;
  readonly reason: string | null;
  /** The order that replaced it (priorPrescription points back), if any. */
  readonly replacedBy: Evidence | null;
}

export interface NextInjection {
  readonly drug: MatDrug;
  readonly product: string;
  /** ISO day of the last injection on record; null before the first. */
  readonly lastInjection: string | null;
  readonly lastEvidence: Evidence | null;
  /** ISO day the next injection is due (last + interval; the order start when none yet). */
  readonly due: string;
  /** ISO day it may be given at the earliest (Sublocade: last + 26); null when the label sets none. */
  readonly earliest: string | null;
  /** due − as-of day (negative = overdue by that many days). */
  readonly daysUntilDue: number;
  readonly overdue: boolean;
  readonly intervalDays: number;
  /** The label sentence the interval comes from. */
  readonly source: string;
}

/** A stage of a take-home rule table: days in treatment `fromDay`…`toDay` (1-based, inclusive; toDay null = on). */
export interface TakeHomeStage {
  readonly fromDay: number;
  readonly toDay: number | null;
  /** The most days' supply of take-home doses the table allows in this stage. */
  readonly maxDaysSupply: number;
  /** The rule's own words for the stage. */
  readonly text: string;
  readonly citation: string;
}

export interface TakeHomeCriterion {
  readonly id: string;
  /** The criterion in the rule's words. */
  readonly text: string;
  readonly citation: string;
}

/** What the record says about a criterion (information for the practitioner; never a verdict). */
export interface TakeHomeCriterionFacts extends TakeHomeCriterion {
  /** Plain sentences from the record, e.g. "Observed doses: 24 of 26 expected days in the last 28 days." */
  readonly facts: readonly string[];
  readonly evidence: readonly Evidence[];
}

export interface TakeHomeEligibility {
  /** Rule table id, title, citation and the note that states may be stricter. */
  readonly rules: {
    readonly id: string;
    readonly title: string;
    readonly citation: string;
    readonly note: string;
  };
  /** ISO day the current methadone treatment started (day 1). */
  readonly treatmentStart: string;
  readonly treatmentStartEvidence: Evidence;
  /** Day of treatment as of the as-of day, 1 on the start day. */
  readonly dayOfTreatment: number;
  readonly stage: TakeHomeStage;
  /** The stage's maximum days' supply (= stage.maxDaysSupply). */
  readonly maxDaysSupply: number;
  /** The next stage and the ISO day it opens; null in the last stage. */
  readonly nextStage: { readonly opens: string; readonly stage: TakeHomeStage } | null;
  /** The closed-day rule as a fact: one take-home dose for each day the clinic is closed. */
  readonly closedDayRule: string;
  /** The criteria the practitioner weighs, each with what the record shows. */
  readonly criteria: readonly TakeHomeCriterionFacts[];
  /** Always null: the practitioner decides; Waypoint shows the rule and the record, not a decision. */
  readonly decision: null;
  /** "The practitioner decides …" — to show with the criteria. */
  readonly decidedBy: string;
}

export interface MatChart {
  /** ISO day of as-of. */
  readonly asOf: string;
  /** The caseload's MAT status (kind, label, detail sentence) and its evidence. */
  readonly status: {
    readonly kind: MatStatusKind;
    readonly label: string;
    readonly detail: string;
    readonly evidence: readonly Evidence[];
  };
  /** The order in force as of as-of; null when none (never on MAT, or stopped). */
  readonly current: MatOrderFacts | null;
  /** Every MOUD order up to as-of, newest first. */
  readonly orders: readonly MatOrderFacts[];
  /** The methadone strip; null unless a methadone order was in force during the last 28 days. */
  readonly strip: DoseStrip | null;
  /** Take-home / pharmacy dispenses of the last 90 days, newest first. */
  readonly dispenses: readonly TakeHomeDispenseFacts[];
  /** Days until the supply in hand ends (today included; 0 = nothing covers today); null without an order. */
  readonly supplyRemainingDays: number | null;
  /** ISO day of the last day covered by dispenses, doses and injections; null when none. */
  readonly suppliedThrough: string | null;
  readonly pdc30: PdcWindow;
  readonly pdc90: PdcWindow;
  /** Gaps while an order was in force, oldest first. */
  readonly gaps: readonly CoverageGap[];
  /** Orders stopped or completed, newest first. */
  readonly stops: readonly MatStopFacts[];
  /** Long-acting injection in force: when the next one is due; else null. */
  readonly nextInjection: NextInjection | null;
  /** Methadone take-home eligibility facts; null unless a methadone order is in force. */
  readonly takeHome: TakeHomeEligibility | null;
}

// ---------------------------------------------------------------------------------------------------------
// 2. Urine drug screens
// ---------------------------------------------------------------------------------------------------------

/** A substance's result on one screen: `no-result` = tested but unreadable (e.g. a quantity without interpretation). */
export type UdsCell = 'positive' | 'negative' | 'not-tested' | 'no-result';

export interface UdsTimelineEntry {
  /** ISO instant of the screen. */
  readonly date: string;
  /** ISO day of the screen. */
  readonly day: string;
  readonly result: UdsCell;
  /** A positive explained by the prescribed medication (buprenorphine on buprenorphine, methadone/EDDP on methadone). */
  readonly expected: boolean;
  /** A positive for fentanyl or heroin (6-MAM): show prominently. */
  readonly prominent: boolean;
  /** The Observation(s) of this substance on this screen. */
  readonly evidence: readonly Evidence[];
}

export interface UdsSubstanceRow {
  readonly substance: Substance;
  /** "fentanyl", "heroin (6-MAM)", "methadone / EDDP" … */
  readonly label: string;
  readonly group: 'opioid' | 'mat' | 'stimulant' | 'other';
  /** One entry per screen column, in the same order. */
  readonly entries: readonly UdsTimelineEntry[];
  readonly positives: number;
  readonly unexpectedPositives: number;
}

export interface UdsScreenColumn {
  readonly date: string;
  readonly day: string;
  /** The DiagnosticReport; null for loose Observations of one day. */
  readonly report: Evidence | null;
  readonly evidence: readonly Evidence[];
  readonly expectedPositives: readonly Substance[];
  readonly unexpectedPositives: readonly Substance[];
}

export interface FutureScreen {
  readonly date: string;
  readonly substances: readonly Substance[];
  readonly evidence: readonly Evidence[];
}

export interface NegativeStreak {
  /** Consecutive weeks, counting back from the latest complete week (or the current one once screened). */
  readonly weeks: number;
  /** ISO day the streak's first week began; null when weeks = 0. */
  readonly since: string | null;
  /** What ended the streak counting back: a positive, a week without a screen, or the start of the record. */
  readonly brokenBy: {
    readonly reason: 'positive' | 'no-screen' | 'start';
    readonly weekFrom: string | null;
    readonly weekTo: string | null;
    readonly evidence: readonly Evidence[];
  };
  /** The screens of the streak (newest first). */
  readonly evidence: readonly Evidence[];
  /** The definition in words (what a week is and what breaks a streak). */
  readonly definition: string;
}

export interface UdsChart {
  readonly asOf: string;
  readonly window: ChartWindow;
  /** Screen columns in the window, oldest first. */
  readonly screens: readonly UdsScreenColumn[];
  readonly substances: readonly UdsSubstanceRow[];
  /** Screens dated after as-of: listed, never counted. */
  readonly future: readonly FutureScreen[];
  readonly negativeStreak: NegativeStreak;
  /** MAT drugs prescribed as of as-of (their positives are expected). */
  readonly prescribed: readonly MatDrug[];
}

// ---------------------------------------------------------------------------------------------------------
// 3. Measures
// ---------------------------------------------------------------------------------------------------------

export interface SeverityBand {
  readonly label: string;
  /** Inclusive score bounds. */
  readonly min: number;
  readonly max: number;
}

export interface MeasurePoint {
  readonly date: string;
  readonly day: string;
  readonly value: number;
  /** The severity band label (PHQ-9, GAD-7); null for scales without bands. */
  readonly band: string | null;
  readonly evidence: Evidence;
}

export type MeasureSeriesId = 'phq9' | 'gad7' | 'craving' | 'bamUse' | 'bamRisk' | 'bamProtective';

export interface MeasureSeries {
  readonly id: MeasureSeriesId;
  readonly label: string;
  /** Scale bounds for the axis. */
  readonly min: number;
  readonly max: number;
  /** Whether a higher score is worse (false for the BAM protective subscale). */
  readonly higherIsWorse: boolean;
  readonly bands: readonly SeverityBand[];
  /** Values in the window, oldest first. */
  readonly points: readonly MeasurePoint[];
  /** The first value of the episode (else the first on record); independent of the window. */
  readonly baseline: MeasurePoint | null;
  /** The latest value on or before as-of. */
  readonly latest: MeasurePoint | null;
  /** latest − baseline; null unless both exist and differ. */
  readonly change: number | null;
  readonly source: string;
}

export interface CrisisContact {
  readonly name: string;
  /** "Call or text 988". */
  readonly contact: string;
  readonly telecom: readonly { readonly system: string; readonly value: string }[];
  readonly description: string;
  /** Where it comes from: a citation, or the clinic definition's reference. */
  readonly source: string;
}

export interface SafetyFacts {
  /** The latest PHQ-9 item 9 answer (> 0). */
  readonly item9: MeasurePoint;
  readonly text: string;
  /** 988 and the SAMHSA helpline first, then the clinic's own crisis contacts. */
  readonly resources: readonly CrisisContact[];
}

export interface MeasuresChart {
  readonly asOf: string;
  readonly window: ChartWindow;
  readonly phq9: MeasureSeries;
  readonly gad7: MeasureSeries;
  readonly craving: MeasureSeries;
  readonly bamUse: MeasureSeries;
  readonly bamRisk: MeasureSeries;
  readonly bamProtective: MeasureSeries;
  /** Latest PHQ-9 item 9 above 0: the safety alert with crisis resources; else null. */
  readonly safety: SafetyFacts | null;
}

// ---------------------------------------------------------------------------------------------------------
// 4. Treatment plan
// ---------------------------------------------------------------------------------------------------------

export interface GoalTargetFacts {
  /** The target's measure coding, if any. */
  readonly measure: {
    readonly system: string | null;
    readonly code: string | null;
    readonly display: string | null;
  } | null;
  /** The target in words: "< 10", "4–6", "negative". */
  readonly detail: string | null;
  readonly due: string | null;
}

/** Which rule read the progress: the measures, screens and sessions Waypoint can compute. */
export type GoalProgressKind = 'phq9' | 'gad7' | 'craving' | 'negative-screens' | 'attendance';

export interface GoalProgress {
  readonly kind: GoalProgressKind;
  /** Where the target was read: a Goal.target, or the goal's description (attendance "… 90 % …"). */
  readonly readFrom: 'target' | 'description';
  /** The current value (score, weeks, percent); null when the record has none yet. */
  readonly current: number | null;
  /** "< 10", "≥ 4 weeks", "≥ 90 %". */
  readonly target: string;
  /** current meets the target; null when current is null. */
  readonly met: boolean | null;
  /** "Latest PHQ-9 8 on 10 Mar 2026 (target < 10)." */
  readonly text: string;
  readonly evidence: readonly Evidence[];
}

export interface PlanGoal {
  readonly goal: Evidence;
  readonly description: string;
  readonly lifecycleStatus: string;
  /** Goal.achievementStatus as recorded (code + display); null when absent. */
  readonly achievement: { readonly code: string | null; readonly display: string | null } | null;
  readonly start: string | null;
  readonly targets: readonly GoalTargetFacts[];
  /** Progress the rules could compute (empty when the target is not one they read). */
  readonly progress: readonly GoalProgress[];
}

export interface PlanActivityFacts {
  readonly kind: string | null;
  readonly status: string | null;
  readonly description: string | null;
}

export interface NextReview {
  readonly date: string;
  /** extension (a next-review extension), activity (a scheduled review activity), or period-end. */
  readonly source: 'extension' | 'activity' | 'period-end';
  readonly carePlan: Evidence;
}

export interface CarePlanFacts {
  readonly carePlan: Evidence;
  readonly title: string | null;
  readonly status: string;
  readonly description: string | null;
  readonly periodStart: string | null;
  readonly periodEnd: string | null;
  readonly author: Evidence | null;
  readonly activities: readonly PlanActivityFacts[];
  readonly goals: readonly PlanGoal[];
  readonly nextReview: NextReview | null;
}

export interface TreatmentPlanFacts {
  readonly asOf: string;
  /** CarePlans of the current episode (active first, then newest), else every CarePlan. */
  readonly plans: readonly CarePlanFacts[];
  /** Goals of the patient that no CarePlan lists. */
  readonly otherGoals: readonly PlanGoal[];
  readonly track: Track | null;
  /** 1-based program week; null without an active episode. */
  readonly week: number | null;
  readonly plannedWeeks: number | null;
  /** "w 6 / 12"; null without an active episode. */
  readonly weekLabel: string | null;
  readonly episode: Evidence | null;
  /** The earliest next review of the plans on or after as-of; null when none. */
  readonly nextReview: NextReview | null;
}

// ---------------------------------------------------------------------------------------------------------
// 5. Care team and support network
// ---------------------------------------------------------------------------------------------------------

export interface CareTeamMemberFacts {
  /** The participant's role code (counselor, prescriber, care-coordinator, peer-specialist, family-support …). */
  readonly role: string | null;
  /** The role's display, else its code. */
  readonly roleDisplay: string;
  /** The member as referenced (display kept). */
  readonly member: Evidence;
  /** Practitioner, RelatedPerson, Organization, … (from the reference). */
  readonly memberType: string | null;
  readonly careTeam: Evidence;
}

export interface SupportPersonFacts {
  readonly person: Evidence;
  readonly name: string;
  /** Relationship displays ("mother", "spouse") as recorded. */
  readonly relationships: readonly string[];
  readonly active: boolean;
  readonly telecom: readonly { readonly system: string; readonly value: string }[];
  /** Their CareTeam role (e.g. "Family / concerned significant other"); null when not on a care team. */
  readonly careTeamRole: string | null;
}

/** Contingency management, from the CM ledger (cm/cm-ledger.ts: the escalating schedule and its resets). */
export interface CmSummary {
  /** Points the reward Tasks record (their cm-points outputs). */
  readonly pointsEarned: number;
  /** Points earned on the schedule that no reward Task records yet. */
  readonly pointsPending: number;
  /** Rewarded screens. */
  readonly rewards: number;
  /** Consecutive negative screens on the schedule (a positive or a week without a screen resets it). */
  readonly currentStreak: number;
  readonly lastReward: { readonly date: string; readonly points: number; readonly evidence: Evidence } | null;
  /** The reward Tasks. */
  readonly evidence: readonly Evidence[];
}

export interface ConsentFacts {
  readonly state: Part2ConsentState;
  readonly consent: Evidence | null;
  /** "permit" / "deny" (Consent.provision.type); null when absent. */
  readonly provisionType: string | null;
  /** Who may receive the records ("Waypoint Recovery Clinic (information recipient)"). */
  readonly actors: readonly string[];
  /** For what ("treatment", "healthcare payment"). */
  readonly purposes: readonly string[];
  readonly periodStart: string | null;
  readonly periodEnd: string | null;
  /** The consent in one sentence. */
  readonly summary: string;
}

export interface SupportNetworkFacts {
  readonly asOf: string;
  /** Every participant of the patient's active care team(s). */
  readonly careTeam: readonly CareTeamMemberFacts[];
  readonly counselor: CareTeamMemberFacts | null;
  readonly prescriber: CareTeamMemberFacts | null;
  readonly coordinator: CareTeamMemberFacts | null;
  readonly peerSpecialist: CareTeamMemberFacts | null;
  readonly relatedPersons: readonly SupportPersonFacts[];
  /** Contingency management; null when not enrolled (no CM reward Task and no CM plan activity). */
  readonly cm: CmSummary | null;
  readonly consent: ConsentFacts;
}

// ---------------------------------------------------------------------------------------------------------
// 6. Sessions and notes
// ---------------------------------------------------------------------------------------------------------

export type SessionListStatus = 'attended' | 'no-show' | 'cancelled' | 'upcoming' | 'not-recorded';

/** A note's status in the list: the notes module's chip (notes/note-lifecycle.ts NoteChip). */
export type NoteListStatus = NoteChip;

export interface SessionNoteFacts {
  readonly note: Evidence;
  readonly status: NoteListStatus;
  /** NOTE_CHIP_LABEL: "Draft", "Signed", "Co-sign pending", "Co-signed", "Amended", "Returned for revision". */
  readonly label: string;
  /** The note's questionnaire canonical (its template). */
  readonly questionnaire: string | null;
  readonly authored: string | null;
  readonly author: Evidence | null;
  /** ISO instant of the first author signature; null when unsigned (or signed without Provenance). */
  readonly signedAt: string | null;
  /** ISO instant of the co-signature; null when none. */
  readonly cosignedAt: string | null;
  /** The open revision or co-sign Task about the note, else the latest co-sign or revision Task; null when none. */
  readonly task: Evidence | null;
  /** The supervisor's comment on the revision Task (Task.note), when returned. */
  readonly returnReason: string | null;
}

export interface SessionFacts {
  /** The Appointment, or the Encounter for a session without one. */
  readonly session: Evidence;
  readonly encounter: Evidence | null;
  readonly start: string;
  readonly status: SessionListStatus;
  /** "patient" / "clinic" for cancellations; null otherwise. */
  readonly cancelledBy: 'patient' | 'clinic' | null;
  readonly notes: readonly SessionNoteFacts[];
}

export interface SessionListFacts {
  readonly asOf: string;
  /** Newest first. */
  readonly sessions: readonly SessionFacts[];
  readonly attended: number;
  readonly noShow: number;
  readonly cancelled: number;
  readonly upcoming: number;
  /** Notes not linked to any listed session. */
  readonly otherNotes: readonly SessionNoteFacts[];
}

// ---------------------------------------------------------------------------------------------------------
// Relapse risk over time
// ---------------------------------------------------------------------------------------------------------

export interface RiskSeriesPoint {
  /** ISO instant the score is as of. */
  readonly asOf: string;
  readonly score: number;
  readonly band: RiskBand;
  readonly modelId: string;
  readonly modelVersion: string;
  readonly points: readonly RiskPoint[];
  /** stored = a weekly RiskAssessment read back; live = computed now from the record. */
  readonly source: 'stored' | 'live';
  /** The stored RiskAssessment; null for the live point. */
  readonly assessment: Evidence | null;
}

export interface RiskSeriesFacts {
  /** Oldest first; the live computation is the last point. */
  readonly points: readonly RiskSeriesPoint[];
  readonly live: RiskSeriesPoint;
  /** "Decision support, not a diagnosis." */
  readonly disclaimer: string;
}

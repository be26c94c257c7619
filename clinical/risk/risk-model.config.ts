/**
 * Relapse-risk model weights: one versioned configuration (docs/architecture.md, "Relapse-risk model v1").
 * Changing any number here
 * is a new model version: bump `version` so stored RiskAssessments stay attributable.
 *
 * Only the UDS component is validated in published work (Luo SX et al., JAMA Psychiatry 2023:
 * three negative weekly UDS in weeks 1–3 → 13 % return to use vs 85 % for positive or missing).
 * Every other weight is a labelled heuristic to calibrate locally.
 */
export interface RiskModelConfig {
  readonly modelId: string;
  readonly version: string;
  readonly display: string;
  readonly rules: {
    /** Per week of the last `weeks` weeks: a UDS positive for a non-prescribed opioid, or no UDS. */
    readonly udsOpioidWeekly: { readonly points: number; readonly weeks: number };
    /** Any cocaine/stimulant positive within the window (once). */
    readonly stimulantPositive: { readonly points: number; readonly windowDays: number };
    /** Each missed (no-show) counseling session within the window, capped. */
    readonly missedSession: {
      readonly pointsEach: number;
      readonly max: number;
      readonly windowDays: number;
    };
    /** MAT gap, missed observed dose, supply ran out, or MAT stopped within `stoppedWithinDays`. */
    readonly matGap: { readonly points: number; readonly stoppedWithinDays: number };
    /** Latest craving (within the window) ≥ threshold, or ≥ rise over the episode's first rating. */
    readonly craving: {
      readonly points: number;
      readonly threshold: number;
      readonly riseOverBaseline: number;
      readonly windowDays: number;
    };
    /** BAM risk subscale higher than at the previous administration (latest within the window). */
    readonly bamRiskRising: { readonly points: number; readonly windowDays: number };
    /** BAM protective subscale lower than at the previous administration. */
    readonly bamProtectiveFalling: { readonly points: number; readonly windowDays: number };
    /** Age under `ageUnder`, or within the first `firstEpisodeDays` days of the episode (once). */
    readonly youngOrNew: {
      readonly points: number;
      readonly ageUnder: number;
      readonly firstEpisodeDays: number;
    };
  };
  /** Score at or above which a band starts: 0–2 low, 3–5 moderate, ≥ 6 high. */
  readonly bands: { readonly moderateFrom: number; readonly highFrom: number };
  /** The trend compares the score now with the score this many days earlier. */
  readonly trendDays: number;
}

export const RISK_MODEL_V1: RiskModelConfig = {
  modelId: 'waypoint-relapse-risk',
  version: '1.0.0',
  display: 'Waypoint relapse-risk points score',
  rules: {
    udsOpioidWeekly: { points: 2, weeks: 3 },
    stimulantPositive: { points: 1, windowDays: 21 },
    missedSession: { pointsEach: 1, max: 2, windowDays: 21 },
    matGap: { points: 3, stoppedWithinDays: 30 },
    craving: { points: 1, threshold: 7, riseOverBaseline: 2, windowDays: 21 },
    bamRiskRising: { points: 1, windowDays: 35 },
    bamProtectiveFalling: { points: 1, windowDays: 35 },
    youngOrNew: { points: 1, ageUnder: 25, firstEpisodeDays: 30 },
  },
  bands: { moderateFrom: 3, highFrom: 6 },
  trendDays: 7,
};

export type RiskRuleId =
  | 'uds-opioid-positive'
  | 'uds-missing'
  | 'uds-stimulant-positive'
  | 'missed-session'
  | 'mat-gap'
  | 'craving'
  | 'bam-risk-rising'
  | 'bam-protective-falling'
  | 'age-or-new-episode';

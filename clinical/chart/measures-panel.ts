import { type AsOf, asOfMillis, DAY_MS, formatDate, isoDay, utcDay } from '../fhir/fhir-date';
import {
  MEASURE_CODES,
  type MeasureCode,
  type MeasureValue,
  measureValues,
  phq9Item9Latest,
} from '../fhir/measures';
import type { PatientRecord } from '../fhir/patient-record';
import type {
  ChartRange,
  CrisisContact,
  MeasurePoint,
  MeasuresChart,
  MeasureSeries,
  MeasureSeriesId,
  SafetyFacts,
  SeverityBand,
} from './chart-facts';
import { chartWindow, episodeStartDay, inWindow } from './chart-range';
import { crisisResources } from './crisis-contacts';

/**
 * The "Measures" panel's facts: PHQ-9, GAD-7, craving and the BAM subscales as series with their
 * bands, baseline vs latest, and the PHQ-9 item 9 safety alert with crisis resources.
 */

/** PHQ-9 severity bands: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9. J Gen Intern Med 2001;16:606–613. */
export const PHQ9_BANDS: readonly SeverityBand[] = [
  { label: 'minimal', min: 0, max: 4 },
  { label: 'mild', min: 5, max: 9 },
  { label: 'moderate', min: 10, max: 14 },
  { label: 'moderately severe', min: 15, max: 19 },
  { label: 'severe', min: 20, max: 27 },
];

/** GAD-7 severity bands: Spitzer RL, Kroenke K, Williams JBW, Löwe B. Arch Intern Med 2006;166:1092–1097. */
export const GAD7_BANDS: readonly SeverityBand[] = [
  { label: 'minimal', min: 0, max: 4 },
  { label: 'mild', min: 5, max: 9 },
  { label: 'moderate', min: 10, max: 14 },
  { label: 'severe', min: 15, max: 21 },
];

/** The band a score falls in (the nearest end band when it lies outside the scale). */
export function severityBand(bands: readonly SeverityBand[], score: number): SeverityBand {
  const found = bands.find((b) => score >= b.min && score <= b.max);
  if (found) return found;
  const first = bands[0];
  const last = bands.at(-1);
  if (!first || !last) throw new RangeError('no bands');
  return score < first.min ? first : last;
}

interface SeriesDefinition {
  readonly id: MeasureSeriesId;
  readonly code: MeasureCode;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly higherIsWorse: boolean;
  readonly bands: readonly SeverityBand[];
  readonly source: string;
}

const BAM_SOURCE =
  'Brief Addiction Monitor: Cacciola JS et al., J Subst Abuse Treat 2013;44:256–263 (VA scoring guide subscales).';

/** The series the panel shows, with their scale bounds and sources. */
export const MEASURE_SERIES: readonly SeriesDefinition[] = [
  {
    id: 'phq9',
    code: MEASURE_CODES.phq9Total,
    label: 'PHQ-9',
    min: 0,
    max: 27,
    higherIsWorse: true,
    bands: PHQ9_BANDS,
    source: 'Kroenke K et al., J Gen Intern Med 2001;16:606–613.',
  },
  {
    id: 'gad7',
    code: MEASURE_CODES.gad7Total,
    label: 'GAD-7',
    min: 0,
    max: 21,
    higherIsWorse: true,
    bands: GAD7_BANDS,
    source: 'Spitzer RL et al., Arch Intern Med 2006;166:1092–1097.',
  },
  {
    id: 'craving',
    code: MEASURE_CODES.craving,
    label: 'Craving (0–10)',
    min: 0,
    max: 10,
    higherIsWorse: true,
    bands: [],
    source: 'Opioid craving rating 0–10 (Tsui JI et al. 2014: craving predicts next-visit use).',
  },
  {
    id: 'bamUse',
    code: MEASURE_CODES.bamUse,
    label: 'BAM use (0–12)',
    min: 0,
    max: 12,
    higherIsWorse: true,
    bands: [],
    source: BAM_SOURCE,
  },
  {
    id: 'bamRisk',
    code: MEASURE_CODES.bamRisk,
    label: 'BAM risk factors (0–24)',
    min: 0,
    max: 24,
    higherIsWorse: true,
    bands: [],
    source: BAM_SOURCE,
  },
  {
    id: 'bamProtective',
    code: MEASURE_CODES.bamProtective,
    label: 'BAM protective factors (0–24)',
    min: 0,
    max: 24,
    higherIsWorse: false,
    bands: [],
    source: BAM_SOURCE,
  },
];

function point(v: MeasureValue, bands: readonly SeverityBand[]): MeasurePoint {
  return {
    date: v.date,
    day: isoDay(utcDay(v.ms)),
    value: v.value,
    band: bands.length > 0 ? severityBand(bands, v.value).label : null,
    evidence: v.evidence,
  };
}

function series(
  record: PatientRecord,
  asOf: AsOf,
  def: SeriesDefinition,
  window: ReturnType<typeof chartWindow>,
): MeasureSeries {
  const values = measureValues(record, def.code, asOf);
  const startDay = episodeStartDay(record, asOf);
  const baseline =
    (startDay === undefined ? undefined : values.find((v) => v.ms >= startDay * DAY_MS)) ?? values[0];
  const latest = values.at(-1);
  return {
    id: def.id,
    label: def.label,
    min: def.min,
    max: def.max,
    higherIsWorse: def.higherIsWorse,
    bands: def.bands,
    points: values.filter((v) => inWindow(window, utcDay(v.ms))).map((v) => point(v, def.bands)),
    baseline: baseline ? point(baseline, def.bands) : null,
    latest: latest ? point(latest, def.bands) : null,
    change: baseline && latest && baseline !== latest ? latest.value - baseline.value : null,
    source: def.source,
  };
}

/**
 * The PHQ-9 item 9 safety facts: when the latest answer to item 9 ("thoughts that you would be better off dead,
 * or of hurting yourself") is above 0 — at any date up to as-of, not only inside the range — with the crisis
 * resources: the 988 Suicide & Crisis Lifeline and the SAMHSA National Helpline, then the clinic's contacts.
 * A safety alert, never part of the risk score.
 */
export function phq9Safety(
  record: PatientRecord,
  asOf: AsOf,
  clinicContacts: readonly CrisisContact[] = [],
): SafetyFacts | null {
  const item9 = phq9Item9Latest(record, asOf);
  if (!item9 || item9.value <= 0) return null;
  return {
    item9: point(item9, []),
    text: `PHQ-9 item 9 (thoughts of death or self-harm) answered ${item9.value} of 3 on ${formatDate(item9.date)}, the latest PHQ-9. Follow the safety protocol.`,
    resources: crisisResources(clinicContacts),
  };
}

/**
 * The Measures panel's facts over a chart range (default: the episode). Baseline = the first value of the
 * episode (else the first on record), latest = the last on or before as-of, both regardless of the range.
 * `clinicContacts` are the clinic's own crisis contacts (clinicCrisisContacts of its definitions).
 */
export function measuresChart(
  record: PatientRecord,
  asOf: AsOf,
  range: ChartRange = 'episode',
  clinicContacts: readonly CrisisContact[] = [],
): MeasuresChart {
  const window = chartWindow(record, asOf, range);
  const byId = (id: MeasureSeriesId) => {
    const def = MEASURE_SERIES.find((d) => d.id === id) as SeriesDefinition;
    return series(record, asOf, def, window);
  };
  return {
    asOf: isoDay(utcDay(asOfMillis(asOf))),
    window,
    phq9: byId('phq9'),
    gad7: byId('gad7'),
    craving: byId('craving'),
    bamUse: byId('bamUse'),
    bamRisk: byId('bamRisk'),
    bamProtective: byId('bamProtective'),
    safety: phq9Safety(record, asOf, clinicContacts),
  };
}

import { activeEpisode } from '../fhir/episode';
import { type AsOf, asOfMillis, dayOf, isoDay, utcDay } from '../fhir/fhir-date';
import type { PatientRecord } from '../fhir/patient-record';
import type { ChartRange, ChartWindow } from './chart-facts';

/** The ranges the chart offers, in the order of its selector. */
export const CHART_RANGES: readonly ChartRange[] = ['episode', '90d', 'all'];

/** Days of the "90d" range, as-of day included. */
export const CHART_RANGE_DAYS = 90;

/** Whether a URL value is a chart range (anything else falls back to "episode"). */
export function isChartRange(value: unknown): value is ChartRange {
  return typeof value === 'string' && (CHART_RANGES as readonly string[]).includes(value);
}

/**
 * The days a chart range covers, up to the as-of day:
 * - `episode`: from the start of the active episode; without one, from the start of the latest episode that
 *   began on or before as-of; without any, everything (from = null).
 * - `90d`: the 90 days ending on the as-of day (as-of − 89 … as-of).
 * - `all`: everything on record up to as-of (from = null).
 */
export function chartWindow(record: PatientRecord, asOf: AsOf, range: ChartRange = 'episode'): ChartWindow {
  const today = utcDay(asOfMillis(asOf));
  const to = isoDay(today);
  if (range === '90d') return { range, from: isoDay(today - (CHART_RANGE_DAYS - 1)), to };
  if (range === 'all') return { range, from: null, to };
  const start = episodeStartDay(record, asOf);
  return { range, from: start === undefined ? null : isoDay(Math.min(start, today)), to };
}

/** Start day of the active episode, else of the latest episode begun on or before as-of. */
export function episodeStartDay(record: PatientRecord, asOf: AsOf): number | undefined {
  const active = dayOf(activeEpisode(record, asOf)?.period?.start);
  if (active !== undefined) return active;
  const today = utcDay(asOfMillis(asOf));
  const starts = record.episodes
    .filter((e) => e.status !== 'entered-in-error' && e.status !== 'cancelled')
    .map((e) => dayOf(e.period?.start))
    .filter((d): d is number => d !== undefined && d <= today);
  return starts.length > 0 ? Math.max(...starts) : undefined;
}

/** Whether an epoch day lies in a window. */
export function inWindow(window: ChartWindow, day: number): boolean {
  const from = dayOf(window.from);
  const to = dayOf(window.to) as number;
  return day <= to && (from === undefined || day >= from);
}

/**
 * Small date helpers for FHIR date, dateTime and instant strings. Everything is computed in UTC
 * days (epoch day numbers), so a rule never depends on the machine's time zone. No date library.
 *
 * FHIR partial dates ("2025", "2025-07") are read as their first day; a date without a time is
 * read as 00:00 UTC of that day.
 */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** What the rules accept as "as of": an ISO instant/date string or a Date. */
export type AsOf = string | Date;

const PARTIAL = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/;

/** Milliseconds since the epoch of a FHIR date/dateTime/instant, or undefined if absent or unreadable. */
export function toMillis(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const partial = PARTIAL.exec(value);
  if (partial) {
    const [, y, m, d] = partial;
    return Date.UTC(Number(y), m ? Number(m) - 1 : 0, d ? Number(d) : 1);
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The end of a Period.end value: a date-only or partial end includes its whole day (month, year),
 * so "2026-03-15" ends at 2026-03-16T00:00Z; a dateTime ends at that instant.
 */
export function toEndMillis(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const partial = PARTIAL.exec(value);
  if (!partial) return toMillis(value);
  const [, y, m, d] = partial;
  if (d) return Date.UTC(Number(y), Number(m) - 1, Number(d) + 1);
  if (m) return Date.UTC(Number(y), Number(m), 1);
  return Date.UTC(Number(y) + 1, 0, 1);
}

/** The as-of moment in milliseconds; throws on an unreadable value (a programming error, not data). */
export function asOfMillis(asOf: AsOf): number {
  const ms = typeof asOf === 'string' ? toMillis(asOf) : asOf.getTime();
  if (ms === undefined || Number.isNaN(ms)) throw new RangeError(`unreadable asOf: ${String(asOf)}`);
  return ms;
}

/** Epoch day number (UTC) of a moment. */
export function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** Epoch day number of a FHIR date/dateTime, or undefined. */
export function dayOf(value: string | undefined | null): number | undefined {
  const ms = toMillis(value);
  return ms === undefined ? undefined : utcDay(ms);
}

/** "YYYY-MM-DD" of an epoch day number. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO instant of a moment. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

/** A readable date for reasons and labels: "3 Mar 2026". */
export function formatDay(day: number): string {
  const d = new Date(day * DAY_MS);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** formatDay of a FHIR date string; "unknown date" when unreadable. */
export function formatDate(value: string | undefined): string {
  const day = dayOf(value);
  return day === undefined ? 'unknown date' : formatDay(day);
}

/** Whole years between a birth date and a moment, counting the birthday itself as the new year. */
export function ageInYears(birthDate: string | undefined, asOfMs: number): number | undefined {
  const birth = toMillis(birthDate);
  if (birth === undefined || birth > asOfMs) return undefined;
  const b = new Date(birth);
  const a = new Date(asOfMs);
  let age = a.getUTCFullYear() - b.getUTCFullYear();
  const beforeBirthday =
    a.getUTCMonth() < b.getUTCMonth() ||
    (a.getUTCMonth() === b.getUTCMonth() && a.getUTCDate() < b.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}

// Converts FHIR date, dateTime, instant and Period values to the closed millisecond range they denote.
// A partial date is a range: "2024" is the whole year, "2024-03" the whole month, "2024-03-05T10:30" that minute.
// Storing [start, end] per value lets the date prefixes (eq, ne, gt, lt, ge, le, sa, eb, ap) be exact integer
// comparisons that SQLite answers from an index.

/** Lowest and highest representable instants (ECMAScript Date limits), used for open period ends. */
export const MIN_INSTANT = -8_640_000_000_000_000;
export const MAX_INSTANT = 8_640_000_000_000_000;

export interface InstantRange {
  /** First millisecond of the range, inclusive. */
  readonly start: number;
  /** Last millisecond of the range, inclusive. */
  readonly end: number;
}

const DATE_PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * Parses a FHIR date/dateTime/instant string (or a search value, which may stop at minutes) into the range it
 * covers. Values without a time zone are taken as UTC. Returns undefined for anything that is not a valid date.
 */
export function parseDateRange(input: string): InstantRange | undefined {
  const m = DATE_PATTERN.exec(input.trim());
  if (!m) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  const month = mo ? Number(mo) - 1 : 0;
  const day = d ? Number(d) : 1;
  const hour = h ? Number(h) : 0;
  const minute = mi ? Number(mi) : 0;
  const second = s ? Number(s) : 0;
  const millis = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  if (month > 11 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const offsetMs = tz && tz !== 'Z' ? parseOffset(tz) : 0;
  const start = Date.UTC(year, month, day, hour, minute, second, millis) - offsetMs;
  // Also valid for years < 100, which Date.UTC would map to 19xx.
  const fixedStart = year < 100 ? withFullYear(start, year) : start;
  let end: number;
  if (!mo) {
    end = utc(year + 1, 0, 1) - 1;
  } else if (!d) {
    end = (month === 11 ? utc(year + 1, 0, 1) : utc(year, month + 1, 1)) - 1;
  } else if (!h) {
    end = fixedStart + 86_400_000 - 1;
  } else if (!s) {
    end = fixedStart + 60_000 - 1;
  } else if (!frac) {
    end = fixedStart + 1_000 - 1;
  } else {
    end = fixedStart + (frac.length >= 3 ? 0 : 10 ** (3 - frac.length) - 1);
  }
  return { start: fixedStart, end };
}

/** The range of a FHIR Period; a missing start or end is open (-∞ / +∞). */
export function periodRange(start: string | undefined, end: string | undefined): InstantRange | undefined {
  const s = start ? parseDateRange(start) : undefined;
  const e = end ? parseDateRange(end) : undefined;
  if ((start && !s) || (end && !e) || (!s && !e)) {
    return undefined;
  }
  return { start: s?.start ?? MIN_INSTANT, end: e?.end ?? MAX_INSTANT };
}

function parseOffset(tz: string): number {
  const sign = tz.startsWith('-') ? -1 : 1;
  const [hh, mm] = tz.slice(1).split(':').map(Number);
  return sign * ((hh ?? 0) * 60 + (mm ?? 0)) * 60_000;
}

function utc(year: number, month: number, day: number): number {
  const t = Date.UTC(year, month, day);
  return year < 100 ? withFullYear(t, year) : t;
}

function withFullYear(t: number, year: number): number {
  const date = new Date(t);
  date.setUTCFullYear(year);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month] ?? 31;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

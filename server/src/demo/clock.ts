/**
 * Demo-clinic time: every instant is a day offset from the as-of date (day 0 = the as-of date, day -1 =
 * yesterday) plus a clinic-local hour. Never reads the system clock, so output is reproducible.
 */
const DAY_MS = 86_400_000;

/** Clinic timezone as a fixed offset (US Eastern standard time); instants are written with it. */
const CLINIC_OFFSET_HOURS = -5;

export class Clock {
  /** Midnight (clinic time) starting the as-of date, in epoch ms. */
  readonly asOfMs: number;

  constructor(readonly asOf: string) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`as-of date must be YYYY-MM-DD, got ${asOf}`);
    this.asOfMs = Date.parse(`${asOf}T00:00:00Z`) - CLINIC_OFFSET_HOURS * 3_600_000;
    if (Number.isNaN(this.asOfMs)) throw new Error(`invalid as-of date ${asOf}`);
  }

  /** FHIR dateTime of a day offset and clinic-local time, e.g. 2026-11-20T14:30:00-05:00. */
  at(day: number, hour: number, minute = 0): string {
    const ms = this.asOfMs + day * DAY_MS + Math.round((hour * 60 + minute) * 60_000);
    const local = new Date(ms + CLINIC_OFFSET_HOURS * 3_600_000).toISOString().slice(0, 19);
    const sign = CLINIC_OFFSET_HOURS < 0 ? '-' : '+';
    return `${local}${sign}${String(Math.abs(CLINIC_OFFSET_HOURS)).padStart(2, '0')}:00`;
  }

  /** FHIR date (YYYY-MM-DD) of a day offset. */
  date(day: number): string {
    return new Date(Date.parse(`${this.asOf}T00:00:00Z`) + day * DAY_MS).toISOString().slice(0, 10);
  }

  /** Day of week of a day offset: 0 = Sunday … 6 = Saturday. */
  weekday(day: number): number {
    return new Date(Date.parse(`${this.asOf}T00:00:00Z`) + day * DAY_MS).getUTCDay();
  }

  /** Epoch ms of an instant, for comparisons in tests. */
  ms(day: number, hour = 0): number {
    return this.asOfMs + day * DAY_MS + hour * 3_600_000;
  }
}

/** Today's date (UTC) as YYYY-MM-DD: the default as-of date of the CLI and the first start. */
export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

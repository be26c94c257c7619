/**
 * The deriver's time: what "now" is and a timer, so that the rules' time-driven changes (a supply running out,
 * a week closing) can be tested by moving a clock rather than by waiting.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once `ms` have passed on this clock; returns a canceller. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** Longest single wait of a timer (Node caps setTimeout at 2^31-1 ms; the deriver re-arms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const timer = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** A clock that moves only when told to (tests): `advanceTo` fires every timer that falls due, in order. */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { at: this.current + Math.max(0, ms), fn, seq: this.seq++ };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  advanceTo(instant: number | string): void {
    const target = typeof instant === 'string' ? Date.parse(instant) : instant;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = Math.max(this.current, target);
  }
}

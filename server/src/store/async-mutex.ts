// A FIFO async mutex. better-sqlite3 is synchronous, but a FHIR transaction spans awaits (the router's
// callback is async), so statements from other requests must not run while one is open on the connection.

export class AsyncMutex {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  get locked(): boolean {
    return this.held;
  }

  /** Resolves with a release function once the caller holds the lock. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = (): void => {
        this.held = true;
        let released = false;
        resolve(() => {
          if (!released) {
            released = true;
            this.release();
          }
        });
      };
      if (this.held) {
        this.waiters.push(grant);
      } else {
        grant();
      }
    });
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) {
      next();
    } else {
      this.held = false;
    }
  }
}

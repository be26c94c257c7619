/**
 * A principal's roles and patient scope, kept per access token for the token's life, so that a request does not
 * search CareTeams, EpisodeOfCares and PractitionerRoles again. Any committed change to a resource of those types
 * starts a new epoch: every cached scope computed before it is recomputed on its next use (deny by default —
 * a patient removed from a care team is out of scope at the next request).
 */

/** Resource types whose changes can change someone's roles or patients (server/src/policy/principal.ts). */
export const SCOPE_TYPES: ReadonlySet<string> = new Set(['CareTeam', 'EpisodeOfCare', 'PractitionerRole']);

interface Entry<V> {
  readonly epoch: number;
  readonly expiresAt: number;
  readonly value: Promise<V>;
}

export class ScopeCache<V> {
  private epoch = 0;
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  /** Call with the types of committed changes; a scope type starts a new epoch. */
  noteChanges(resourceTypes: Iterable<string>): void {
    for (const type of resourceTypes) {
      if (SCOPE_TYPES.has(type)) {
        this.epoch++;
        this.entries.clear();
        return;
      }
    }
  }

  /** The cached value for `key`, or `compute()` (shared by concurrent callers) kept until `expiresAt` (ms). */
  get(key: string, expiresAt: number, compute: () => Promise<V>): Promise<V> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.epoch === this.epoch && hit.expiresAt > now) {
      return hit.value;
    }
    if (this.entries.size >= this.maxEntries) {
      for (const [k, e] of this.entries) {
        if (e.expiresAt <= now || e.epoch !== this.epoch) this.entries.delete(k);
      }
      if (this.entries.size >= this.maxEntries) this.entries.clear();
    }
    const epoch = this.epoch;
    const value = compute();
    const entry: Entry<V> = { epoch, expiresAt, value };
    this.entries.set(key, entry);
    // A failed computation is not cached.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }
}

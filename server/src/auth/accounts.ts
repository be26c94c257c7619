/**
 * Staff accounts for the embedded authorization server, in the server's SQLite database.
 * Passwords are hashed with argon2id (memory-hard). Failed sign-ins are slowed with an exponential
 * delay and lock the account for 15 minutes after 5 consecutive failures; unknown user names are
 * tracked the same way (in memory), so the answer does not reveal whether an account exists.
 */
import { hash, verify } from '@node-rs/argon2';
import type Database from 'better-sqlite3';

export interface StaffAccountInput {
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
  readonly practitionerId: string;
}

export interface Account {
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
  readonly practitionerId: string;
}

export interface LockoutPolicy {
  /** Consecutive failures that lock the account. */
  readonly maxFailures: number;
  readonly lockMs: number;
  /** Delay after the first failure; doubles with each further failure. */
  readonly baseDelayMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMs: 15 * 60_000, baseDelayMs: 500 };

export type SignInResult =
  | { readonly ok: true; readonly account: Account }
  | { readonly ok: false; readonly reason: 'invalid'; readonly delayMs: number; readonly remaining: number }
  | { readonly ok: false; readonly reason: 'locked'; readonly lockedUntil: number };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS auth_account (
  username TEXT PRIMARY KEY COLLATE NOCASE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  practitioner_id TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  failed_count INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER
);
`;

interface AccountRow {
  username: string;
  display_name: string;
  role: string;
  practitioner_id: string;
  password_hash: string;
  failed_count: number;
  locked_until: number | null;
}

function toAccount(row: AccountRow): Account {
  return {
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    practitionerId: row.practitioner_id,
  };
}

/** Exponential back-off after the n-th consecutive failure (n ≥ 1). */
export function failureDelayMs(failures: number, policy: LockoutPolicy = DEFAULT_LOCKOUT): number {
  return failures <= 0 ? 0 : policy.baseDelayMs * 2 ** (failures - 1);
}

export class AccountStore {
  private readonly unknownFailures = new Map<string, { count: number; lockedUntil: number | null }>();
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly policy: LockoutPolicy = DEFAULT_LOCKOUT,
  ) {
    db.exec(SCHEMA);
  }

  /** Creates the accounts that do not exist yet (existing ones keep their password and counters). */
  async ensureAccounts(staff: readonly StaffAccountInput[], password: string): Promise<number> {
    const exists = this.db.prepare('SELECT 1 FROM auth_account WHERE username = ?');
    const insert = this.db.prepare(
      `INSERT INTO auth_account (username, display_name, role, practitioner_id, password_hash)
       VALUES (?, ?, ?, ?, ?)`,
    );
    // Existing accounts follow the staff directory (a regenerated clinic) but keep password and counters.
    const refresh = this.db.prepare(
      'UPDATE auth_account SET display_name = ?, role = ?, practitioner_id = ? WHERE username = ?',
    );
    let created = 0;
    for (const s of staff) {
      if (exists.get(s.username)) {
        refresh.run(s.displayName, s.role, s.practitionerId, s.username);
      } else {
        insert.run(s.username, s.displayName, s.role, s.practitionerId, await hash(password));
        created++;
      }
    }
    return created;
  }

  async setPassword(username: string, password: string): Promise<void> {
    this.db
      .prepare(
        'UPDATE auth_account SET password_hash = ?, failed_count = 0, locked_until = NULL WHERE username = ?',
      )
      .run(await hash(password), username);
  }

  find(username: string): Account | undefined {
    const row = this.row(username);
    return row ? toAccount(row) : undefined;
  }

  private row(username: string): AccountRow | undefined {
    return this.db.prepare('SELECT * FROM auth_account WHERE username = ?').get(username) as
      AccountRow | undefined;
  }

  async signIn(username: string, password: string, now = Date.now()): Promise<SignInResult> {
    const key = username.trim().toLowerCase();
    const row = this.row(key);
    const state = row
      ? { count: row.failed_count, lockedUntil: row.locked_until }
      : (this.unknownFailures.get(key) ?? { count: 0, lockedUntil: null });
    if (state.lockedUntil !== null && state.lockedUntil > now) {
      return { ok: false, reason: 'locked', lockedUntil: state.lockedUntil };
    }
    if (state.lockedUntil !== null) {
      // The lock has run out: start afresh.
      state.count = 0;
      state.lockedUntil = null;
    }
    // Verify against a dummy hash for unknown users so timing does not reveal which names exist.
    this.dummyHash ??= hash('waypoint-dummy-password');
    const valid = await verify(row?.password_hash ?? (await this.dummyHash), password).catch(() => false);
    if (valid && row) {
      this.db
        .prepare('UPDATE auth_account SET failed_count = 0, locked_until = NULL WHERE username = ?')
        .run(key);
      return { ok: true, account: toAccount(row) };
    }
    const count = state.count + 1;
    const lockedUntil = count >= this.policy.maxFailures ? now + this.policy.lockMs : null;
    if (row) {
      this.db
        .prepare('UPDATE auth_account SET failed_count = ?, locked_until = ? WHERE username = ?')
        .run(count, lockedUntil, key);
    } else {
      if (this.unknownFailures.size > 10_000) this.unknownFailures.clear();
      this.unknownFailures.set(key, { count, lockedUntil });
    }
    if (lockedUntil !== null) {
      return { ok: false, reason: 'locked', lockedUntil };
    }
    return {
      ok: false,
      reason: 'invalid',
      delayMs: failureDelayMs(count, this.policy),
      remaining: this.policy.maxFailures - count,
    };
  }
}

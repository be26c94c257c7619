/**
 * The audit trail: AuditEvents stored append-only in their own table of the server's SQLite database,
 * hash-chained so that an edited, inserted or deleted row is detected by {@link verifyAuditChain}.
 *
 * Row n stores `hash = sha256(prev_hash + canonical JSON of the event)` and `prev_hash` = row n-1's hash
 * (64 zeros for the first row). Triggers refuse UPDATE and DELETE from the application; someone who
 * edits the file directly (or drops the triggers) breaks the chain, and the AUTOINCREMENT high-water
 * mark in sqlite_sequence also reveals a deleted last row.
 *
 * No Node-only dependency beyond node:crypto and better-sqlite3, so the verify CLI starts fast.
 */
import { createHash, randomUUID } from 'node:crypto';

import type { AuditEvent } from '@medplum/fhirtypes';
import type Database from 'better-sqlite3';

import { immediateWrites, type SerializeWrites } from '../auth/serialized-writes';

export const GENESIS_HASH = '0'.repeat(64);

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_event (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  recorded TEXT NOT NULL,
  content TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_event_recorded ON audit_event (recorded);
CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
`;

/** JSON with object keys sorted at every level: the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function chainHash(prevHash: string, content: string): string {
  return createHash('sha256').update(prevHash).update(content).digest('hex');
}

export interface AuditSearch {
  readonly count?: number;
  readonly offset?: number;
  /** Only events that reference this entity (e.g. `Patient/123`) as `entity.what`. */
  readonly entity?: string;
  /** Only events whose agent is this reference (e.g. `Practitioner/abc`). */
  readonly agent?: string;
}

export class AuditLog {
  private readonly insert: Database.Statement;
  private readonly last: Database.Statement;
  private readonly append: (event: AuditEvent) => AuditEvent;

  constructor(
    private readonly db: Database.Database,
    private readonly serialize: SerializeWrites = immediateWrites,
  ) {
    db.exec(SCHEMA);
    this.insert = db.prepare(
      'INSERT INTO audit_event (id, recorded, content, prev_hash, hash) VALUES (?, ?, ?, ?, ?)',
    );
    this.last = db.prepare('SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1');
    // Read of the previous hash and insert in one SQLite transaction: the chain never forks.
    this.append = db.transaction((event: AuditEvent): AuditEvent => {
      const stored: AuditEvent = { ...event, id: event.id ?? randomUUID() };
      const content = canonicalJson(stored);
      const prev = (this.last.get() as { hash: string } | undefined)?.hash ?? GENESIS_HASH;
      this.insert.run(stored.id, stored.recorded, content, prev, chainHash(prev, content));
      return stored;
    });
  }

  /**
   * Appends one event to the chain and resolves to it with its id. The write waits for any open FHIR
   * transaction to end (see {@link SerializeWrites}), so an event is never rolled back with one.
   */
  record(event: AuditEvent): Promise<AuditEvent> {
    return this.serialize(() => this.append(event));
  }

  /** Newest first. Filters run in SQL on the stored JSON. */
  search(options: AuditSearch = {}): { events: AuditEvent[]; total: number } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (options.entity) {
      where.push(
        "EXISTS (SELECT 1 FROM json_each(content, '$.entity') e WHERE json_extract(e.value, '$.what.reference') = ?)",
      );
      args.push(options.entity);
    }
    if (options.agent) {
      where.push(
        "EXISTS (SELECT 1 FROM json_each(content, '$.agent') a WHERE json_extract(a.value, '$.who.reference') = ?)",
      );
      args.push(options.agent);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (
      this.db.prepare(`SELECT count(*) AS n FROM audit_event ${clause}`).get(...args) as { n: number }
    ).n;
    const rows = this.db
      .prepare(`SELECT content FROM audit_event ${clause} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .all(...args, options.count ?? 50, options.offset ?? 0) as { content: string }[];
    return { events: rows.map((r) => JSON.parse(r.content) as AuditEvent), total };
  }

  read(id: string): AuditEvent | undefined {
    const row = this.db.prepare('SELECT content FROM audit_event WHERE id = ?').get(id) as
      { content: string } | undefined;
    return row ? (JSON.parse(row.content) as AuditEvent) : undefined;
  }
}

export type ChainVerdict =
  | { readonly ok: true; readonly rows: number }
  | {
      readonly ok: false;
      readonly rows: number;
      readonly seq: number;
      readonly id?: string;
      readonly reason: string;
    };

/** Walks the whole chain in order; reports the first row that does not link or does not hash. */
export function verifyAuditChain(db: Database.Database): ChainVerdict {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_event'").get();
  if (!table) {
    return { ok: true, rows: 0 };
  }
  let prev = GENESIS_HASH;
  let prevSeq = 0;
  let rows = 0;
  const iterator = db
    .prepare('SELECT seq, id, content, prev_hash, hash FROM audit_event ORDER BY seq')
    .iterate() as IterableIterator<{
    seq: number;
    id: string;
    content: string;
    prev_hash: string;
    hash: string;
  }>;
  for (const row of iterator) {
    rows++;
    if (row.prev_hash !== prev) {
      const reason =
        row.seq !== prevSeq + 1
          ? `row(s) ${prevSeq + 1}..${row.seq - 1} missing: chain broken before this row`
          : 'prev_hash does not match the previous row';
      return { ok: false, rows, seq: row.seq, id: row.id, reason };
    }
    if (chainHash(row.prev_hash, row.content) !== row.hash) {
      return {
        ok: false,
        rows,
        seq: row.seq,
        id: row.id,
        reason: 'content does not match its hash (edited)',
      };
    }
    try {
      const parsed = JSON.parse(row.content) as { id?: string };
      if (parsed.id !== row.id) {
        return {
          ok: false,
          rows,
          seq: row.seq,
          id: row.id,
          reason: 'id column does not match the stored event',
        };
      }
    } catch {
      return { ok: false, rows, seq: row.seq, id: row.id, reason: 'content is not JSON' };
    }
    prev = row.hash;
    prevSeq = row.seq;
  }
  const highWater = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_event'").get() as
    { seq: number } | undefined;
  if (highWater && highWater.seq > prevSeq) {
    return {
      ok: false,
      rows,
      seq: highWater.seq,
      reason: `last row(s) ${prevSeq + 1}..${highWater.seq} deleted`,
    };
  }
  return { ok: true, rows };
}

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

/** Scalar fields of the stored JSON that searches filter and sort on (the same text in the indexes and queries). */
const COLUMN = {
  action: "json_extract(content, '$.action')",
  outcome: "json_extract(content, '$.outcome')",
  type: "json_extract(content, '$.type.code')",
  subtype: "json_extract(content, '$.subtype[0].code')",
  agentName: "json_extract(content, '$.agent[0].who.display')",
} as const;

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
-- Search index: every agent.who and entity.what reference of each event (the event's JSON stays the record).
CREATE TABLE IF NOT EXISTS audit_event_ref (
  reference TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('agent', 'entity')),
  seq INTEGER NOT NULL,
  PRIMARY KEY (reference, role, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS audit_event_ref_seq ON audit_event_ref (seq, role, reference);
CREATE TRIGGER IF NOT EXISTS audit_event_ref_no_update BEFORE UPDATE ON audit_event_ref
BEGIN SELECT RAISE(ABORT, 'audit_event_ref is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_event_ref_no_delete BEFORE DELETE ON audit_event_ref
BEGIN SELECT RAISE(ABORT, 'audit_event_ref is append-only'); END;
CREATE INDEX IF NOT EXISTS audit_event_outcome ON audit_event (${COLUMN.outcome}, recorded);
CREATE INDEX IF NOT EXISTS audit_event_action ON audit_event (${COLUMN.action}, recorded);
CREATE INDEX IF NOT EXISTS audit_event_type ON audit_event (${COLUMN.type}, recorded);
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

/** Columns the search filters and sorts on, as expressions over the stored JSON (indexed where it matters). */
const SORT_EXPRESSION = {
  date: 'recorded',
  agent: `${COLUMN.agentName} COLLATE NOCASE`,
  patient: `(SELECT min(r.reference) FROM audit_event_ref r WHERE r.seq = audit_event.seq AND r.role = 'entity' AND r.reference >= 'Patient/' AND r.reference < 'Patient0')`,
  entity: `(SELECT min(r.reference) FROM audit_event_ref r WHERE r.seq = audit_event.seq AND r.role = 'entity')`,
  action: COLUMN.action,
  type: COLUMN.type,
  subtype: COLUMN.subtype,
  outcome: `CAST(${COLUMN.outcome} AS INTEGER)`,
} as const;

export type AuditSortKey = keyof typeof SORT_EXPRESSION;

/**
 * The access policy's limit, probed per row (covering index on seq): the report's newest-first pages are read
 * along the `recorded` index and stop at the page's end, whatever the size of the team.
 */
const WITHIN =
  'EXISTS (SELECT 1 FROM audit_event_ref w WHERE w.seq = audit_event.seq AND w.reference IN (SELECT value FROM json_each(?)))';
export const AUDIT_SORT_KEYS = Object.keys(SORT_EXPRESSION) as readonly AuditSortKey[];

/** A coded value to match: a code, optionally with its system ('' = a code without system). */
export interface AuditCode {
  readonly system?: string;
  readonly code: string;
}

/** One search condition; the values of a condition are alternatives (OR), conditions combine with AND. */
export type AuditCondition =
  | {
      /** `agent.who.reference` or `entity.what.reference` is one of these references. */
      readonly kind: 'agent' | 'entity';
      readonly references: readonly string[];
      readonly not?: boolean;
    }
  | {
      /** `recorded` compared with an instant (ISO 8601 UTC, as `Date.toISOString()` writes it). */
      readonly kind: 'recorded';
      readonly comparator: '>=' | '>' | '<=' | '<';
      readonly instant: string;
    }
  | {
      readonly kind: 'action' | 'outcome' | 'type' | 'subtype' | 'tag';
      readonly codes: readonly AuditCode[];
      readonly not?: boolean;
    };

export interface AuditSearch {
  readonly count?: number;
  readonly offset?: number;
  /** Only events that reference this entity (e.g. `Patient/123`) as `entity.what`. */
  readonly entity?: string;
  /** Only events whose agent is this reference (e.g. `Practitioner/abc`). */
  readonly agent?: string;
  readonly where?: readonly AuditCondition[];
  /**
   * Only events that name at least one of these references as an agent or an entity (the access policy's
   * limit for a caller who may read part of the trail); undefined = every event.
   */
  readonly within?: readonly string[];
  /** Sort keys in order; ties, and an unsorted search, go by insertion order, newest first. */
  readonly sort?: readonly { readonly key: AuditSortKey; readonly descending: boolean }[];
  /** Count every match (default true); false counts only when it is free (a first page that is not full). */
  readonly countTotal?: boolean;
}

export interface AuditSearchResult {
  readonly events: AuditEvent[];
  /** Every match, when counted (see `AuditSearch.countTotal`). */
  readonly total?: number;
  /** More matches follow this page. */
  readonly hasNext: boolean;
}

/** The references an event is found by: each agent's `who` and each entity's `what`. */
function referencesOf(event: AuditEvent): { role: 'agent' | 'entity'; reference: string }[] {
  const out: { role: 'agent' | 'entity'; reference: string }[] = [];
  for (const agent of event.agent ?? []) {
    if (agent.who?.reference) out.push({ role: 'agent', reference: agent.who.reference });
  }
  for (const entity of event.entity ?? []) {
    if (entity.what?.reference) out.push({ role: 'entity', reference: entity.what.reference });
  }
  return out;
}

/** `recorded` as the column stores it: the instant in `toISOString()` form, so text order is time order. */
function recordedColumn(recorded: string): string {
  const time = Date.parse(recorded);
  return Number.isNaN(time) ? recorded : new Date(time).toISOString();
}

function codeCondition(
  expression: string,
  system: string,
  codes: readonly AuditCode[],
  args: unknown[],
): string {
  const alternatives = codes.map((c) => {
    args.push(c.code);
    if (c.system === undefined) return `${expression} = ?`;
    if (c.system === '') return `(${expression} = ? AND ${system} IS NULL)`;
    args.push(c.system);
    return `(${expression} = ? AND ${system} = ?)`;
  });
  return `(${alternatives.join(' OR ')})`;
}

function arrayCodeCondition(path: string, codes: readonly AuditCode[], args: unknown[]): string {
  const inner = codeCondition(
    "json_extract(x.value, '$.code')",
    "json_extract(x.value, '$.system')",
    codes,
    args,
  );
  return `EXISTS (SELECT 1 FROM json_each(content, '${path}') x WHERE ${inner})`;
}

function conditionSql(condition: AuditCondition, args: unknown[]): string {
  switch (condition.kind) {
    case 'agent':
    case 'entity': {
      args.push(condition.kind, JSON.stringify(condition.references));
      const sql = `seq IN (SELECT seq FROM audit_event_ref WHERE role = ? AND reference IN (SELECT value FROM json_each(?)))`;
      return condition.not ? `NOT ${sql}` : sql;
    }
    case 'recorded':
      args.push(condition.instant);
      return `recorded ${condition.comparator} ?`;
    case 'action':
    case 'outcome': {
      const sql = codeCondition(
        COLUMN[condition.kind],
        'NULL',
        condition.codes.map((c) => ({ code: c.code })),
        args,
      );
      return condition.not ? `NOT COALESCE(${sql}, 0)` : sql;
    }
    case 'type': {
      const sql = codeCondition(COLUMN.type, "json_extract(content, '$.type.system')", condition.codes, args);
      return condition.not ? `NOT COALESCE(${sql}, 0)` : sql;
    }
    case 'subtype':
    case 'tag': {
      const sql = arrayCodeCondition(
        condition.kind === 'tag' ? '$.meta.tag' : '$.subtype',
        condition.codes,
        args,
      );
      return condition.not ? `NOT ${sql}` : sql;
    }
  }
}

export class AuditLog {
  private readonly insert: Database.Statement;
  private readonly insertRef: Database.Statement;
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
    this.insertRef = db.prepare(
      'INSERT OR IGNORE INTO audit_event_ref (reference, role, seq) VALUES (?, ?, ?)',
    );
    this.last = db.prepare('SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1');
    // Read of the previous hash and insert in one SQLite transaction: the chain never forks, and an event
    // is never without its index rows.
    this.append = db.transaction((event: AuditEvent): AuditEvent => {
      const stored: AuditEvent = { ...event, id: event.id ?? randomUUID() };
      const content = canonicalJson(stored);
      const prev = (this.last.get() as { hash: string } | undefined)?.hash ?? GENESIS_HASH;
      const { lastInsertRowid } = this.insert.run(
        stored.id,
        recordedColumn(stored.recorded),
        content,
        prev,
        chainHash(prev, content),
      );
      this.indexReferences(stored, Number(lastInsertRowid));
      return stored;
    });
    this.indexOlderEvents();
  }

  private indexReferences(event: AuditEvent, seq: number): void {
    for (const { role, reference } of referencesOf(event)) this.insertRef.run(reference, role, seq);
  }

  /**
   * Indexes the events written before the reference index existed (or after the last indexed one): a
   * one-time pass over a trail from an older version, a few trailing events without references otherwise.
   */
  private indexOlderEvents(): void {
    const through =
      (this.db.prepare('SELECT max(seq) AS seq FROM audit_event_ref').get() as { seq: number | null }).seq ??
      0;
    const rows = this.db
      .prepare('SELECT seq, content FROM audit_event WHERE seq > ? ORDER BY seq')
      .all(through) as { seq: number; content: string }[];
    if (rows.length === 0) return;
    this.db.transaction(() => {
      for (const row of rows) this.indexReferences(JSON.parse(row.content) as AuditEvent, row.seq);
    })();
  }

  /**
   * Appends one event to the chain and resolves to it with its id. The write waits for any open FHIR
   * transaction to end (see {@link SerializeWrites}), so an event is never rolled back with one.
   */
  record(event: AuditEvent): Promise<AuditEvent> {
    return this.serialize(() => this.append(event));
  }

  /** Newest (last written) first unless sorted otherwise. Filters, limits and sorting run in SQL. */
  search(options?: AuditSearch & { countTotal?: true }): AuditSearchResult & { total: number };
  search(options: AuditSearch): AuditSearchResult;
  search(options: AuditSearch = {}): AuditSearchResult {
    const args: unknown[] = [];
    const where = this.whereClause(options, args);
    // Missing values last either way (`recorded` is never missing; a NULLS clause there would cost its index).
    const order = (options.sort ?? []).map(
      (s) =>
        `${SORT_EXPRESSION[s.key]} ${s.descending ? 'DESC' : 'ASC'}${s.key === 'date' ? '' : ' NULLS LAST'}`,
    );
    const count = Math.max(0, options.count ?? 50);
    const offset = Math.max(0, options.offset ?? 0);
    const rows =
      count === 0
        ? []
        : (this.db
            .prepare(
              `SELECT content FROM audit_event ${where} ORDER BY ${[...order, 'seq DESC'].join(', ')} LIMIT ? OFFSET ?`,
            )
            .all(...args, count + 1, offset) as { content: string }[]);
    const hasNext = rows.length > count;
    if (hasNext) rows.pop();
    let total: number | undefined;
    if (options.countTotal !== false || count === 0) {
      total = (
        this.db.prepare(`SELECT count(*) AS n FROM audit_event ${where}`).get(...args) as { n: number }
      ).n;
    } else if (offset === 0 && !hasNext) {
      total = rows.length;
    }
    return {
      events: rows.map((r) => JSON.parse(r.content) as AuditEvent),
      hasNext,
      ...(total !== undefined ? { total } : {}),
    };
  }

  private whereClause(options: AuditSearch, args: unknown[]): string {
    const conditions: AuditCondition[] = [...(options.where ?? [])];
    if (options.entity) conditions.push({ kind: 'entity', references: [options.entity] });
    if (options.agent) conditions.push({ kind: 'agent', references: [options.agent] });
    const sql = conditions.map((c) => conditionSql(c, args));
    if (options.within) {
      args.push(JSON.stringify(options.within));
      sql.push(WITHIN);
    }
    return sql.length ? `WHERE ${sql.join(' AND ')}` : '';
  }

  /** One event by id; with `within`, only when it names one of those references (else undefined). */
  read(id: string, within?: readonly string[]): AuditEvent | undefined {
    const args: unknown[] = [id];
    let limit = '';
    if (within) {
      args.push(JSON.stringify(within));
      limit = ` AND ${WITHIN}`;
    }
    const row = this.db.prepare(`SELECT content FROM audit_event WHERE id = ?${limit}`).get(...args) as
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

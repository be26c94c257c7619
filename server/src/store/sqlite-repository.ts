// SqliteRepository: the embedded server's FHIR store, a FhirRepository (@medplum/fhir-router) on better-sqlite3.
//
// - One database file in WAL mode (':memory:' for tests). `resources` holds the current version of each resource,
//   `history` every version including delete markers, and the idx_* tables the search index computed at write time.
// - Writes are synchronous SQLite transactions. A FHIR transaction (withTransaction) spans awaits, so it holds an
//   async mutex around BEGIN IMMEDIATE … COMMIT/ROLLBACK: writes and reads from other requests wait for it, and never
//   see or join a half-done transaction. Nested withTransaction calls use savepoints.
import type { Filter, Operation, SearchRequest, WithId } from '@medplum/core';
import {
  badRequest,
  formatSearchQuery,
  generateId,
  gone,
  normalizeOperationOutcome,
  notFound,
  OperationOutcomeError,
  Operator,
  preconditionFailed,
  validateResource,
} from '@medplum/core';
import type {
  CreateResourceOptions,
  ReadHistoryOptions,
  RepositoryMode,
  SearchOptions,
  TransactionOptions,
  UpdateResourceOptions,
} from '@medplum/fhir-router';
import { FhirRepository, getExtraEntries } from '@medplum/fhir-router';
import type {
  Bundle,
  BundleEntry,
  BundleLink,
  OperationOutcome,
  Parameters,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import Database from 'better-sqlite3';

import { AsyncMutex } from './async-mutex';
import { compartmentOfIndexRows, inheritedCompartmentReferences } from './compartment';
import { computeIndexRows, type IndexRows, splitReference } from './index-rows';
import { applyFhirPatch } from './patch';
import { INDEX_TABLES, initSchema, markIndexed } from './schema';
import {
  COLUMN_PARAMS,
  getIndexableCodes,
  getIndexedParams,
  getSupportedResourceTypes,
  isSupportedResourceType,
} from './search-params';
import {
  type CompartmentAlternative,
  type CompiledQuery,
  SearchCompiler,
  type UnsupportedFilter,
} from './search-sql';
import { lazyStored, parseStored } from './stored-json';
import { subsetResource } from './subsetting';

export const DEFAULT_PAGE_SIZE = 50;
/**
 * The largest page a search returns. Population views ask for a whole program in one page (clinical/derived/views.ts
 * VIEW_PAGE_SIZE): at 1,000 (Medplum's cap) the 2,000-patient demo clinic's largest program, 1,049 patients,
 * took a second round of `next` pages, each re-running its search to skip the first 1,000 (3 of 3.6 s to rows).
 * Larger results page with `next` links, as they do on servers with a lower cap.
 */
export const MAX_PAGE_SIZE = 2500;

/** Search options of this store: the standard ones plus an access-policy scope enforced in SQL. */
export interface ScopedSearchOptions extends SearchOptions {
  /** Only resources in these patients' compartments match (see the `compartment` table). */
  readonly compartment?: readonly string[];
  /**
   * With `compartment`: a resource also matches when one of these reference parameters points at `reference`
   * (a work item its owner or requester reads whatever patient it is about).
   */
  readonly orReferencing?: CompartmentAlternative;
  /**
   * The caller passes the matches on without reading them (an HTTP response): they are parsed only if
   * something reads them (lazyStored), and otherwise written out as their stored bytes.
   */
  readonly lazy?: boolean;
}

/** One committed change: what was written (undefined for a delete) and the patients it belongs to. */
export interface StoreChange {
  readonly resourceType: string;
  readonly id: string;
  readonly resource?: Resource;
  readonly patients: readonly string[];
}

/** Told about every committed write, after COMMIT, in commit order (never about rolled-back work). */
export type CommitListener = (changes: readonly StoreChange[]) => void;

export interface SqliteRepositoryOptions {
  /** Validate every write with @medplum/core validateResource (R4 base). Default true. bulkLoad never validates. */
  readonly validate?: boolean;
}

/** What the CapabilityStatement needs to know about the store. */
export interface StoreCapabilities {
  readonly resourceTypes: readonly string[];
  /** Per resource type: the search parameters that are indexed and searchable (incl. _id and _lastUpdated). */
  readonly searchParams: Readonly<Record<string, readonly CapabilitySearchParam[]>>;
}

export interface CapabilitySearchParam {
  readonly name: string;
  readonly type: 'number' | 'date' | 'string' | 'token' | 'reference' | 'quantity' | 'uri';
  readonly definition?: string;
  /** Target resource types of a reference parameter (for _include / _revinclude lists). */
  readonly targets?: readonly string[];
}

interface ExistingRow {
  rid: number;
  version_id: number;
  deleted: number;
}

interface Shared {
  readonly db: Database.Database;
  readonly mutex: AsyncMutex;
  readonly validate: boolean;
  readonly pids: Map<string, number>;
  readonly stmts: Statements;
  savepointCounter: number;
  closed: boolean;
  /** Changes written in the SQLite transaction that is open now; emitted after it commits. */
  pending: StoreChange[];
  readonly listeners: Set<CommitListener>;
  /** Settles when the FHIR transaction currently open on the connection ends; undefined when none is open. */
  openTransaction: Promise<void> | undefined;
  /** Search statements by SQL text (see {@link cachedStatement}). */
  readonly searchStatements: Map<string, Database.Statement>;
}

/** Search SQL differs by the parameters used, not their values: a few dozen shapes in a running server. */
const MAX_CACHED_STATEMENTS = 256;

/**
 * A prepared statement for a search's SQL, compiled once per text (SQLite's prepare costs about as much as
 * running a small search). Only for `all` and `get`, which finish before returning: an iterating statement is
 * busy until its iterator ends, so those are prepared each time. Oldest first out when full.
 */
function cachedStatement(shared: Shared, sql: string): Database.Statement {
  const cache = shared.searchStatements;
  let statement = cache.get(sql);
  if (!statement) {
    statement = shared.db.prepare(sql);
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.delete(cache.keys().next().value as string);
    cache.set(sql, statement);
  }
  return statement;
}

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database.Database) {
  const insertIndex = {
    token: db.prepare('INSERT OR IGNORE INTO idx_token (pid, code, sys, rid) VALUES (?, ?, ?, ?)'),
    text: db.prepare('INSERT OR IGNORE INTO idx_text (pid, norm, rid) VALUES (?, ?, ?)'),
    reference: db.prepare('INSERT OR IGNORE INTO idx_ref (pid, ttype, tid, rid) VALUES (?, ?, ?, ?)'),
    date: db.prepare('INSERT OR IGNORE INTO idx_date (pid, lo, hi, rid) VALUES (?, ?, ?, ?)'),
    string: db.prepare('INSERT OR IGNORE INTO idx_string (pid, norm, raw, rid) VALUES (?, ?, ?, ?)'),
    number: db.prepare('INSERT OR IGNORE INTO idx_number (pid, lo, hi, rid) VALUES (?, ?, ?, ?)'),
    quantity: db.prepare(
      'INSERT OR IGNORE INTO idx_quantity (pid, val, sys, code, unit, rid) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    uri: db.prepare('INSERT OR IGNORE INTO idx_uri (pid, val, rid) VALUES (?, ?, ?)'),
  };
  return {
    insertIndex,
    deleteIndex: INDEX_TABLES.map((t) => db.prepare(`DELETE FROM ${t} WHERE rid = ?`)),
    insertCompartment: db.prepare('INSERT OR IGNORE INTO compartment (patient, rid) VALUES (?, ?)'),
    compartmentResources: db.prepare<[string], { json: string }>(
      // Questionnaire answers are left out: the rules read a response's metadata only (and bodies are large).
      `SELECT CASE WHEN r.type = 'QuestionnaireResponse' THEN json_remove(r.json, '$.item', '$.text', '$.contained')
         ELSE r.json END AS json
       FROM compartment c CROSS JOIN resources r ON r.rid = c.rid WHERE c.patient = ? AND r.deleted = 0 ORDER BY r.rid`,
    ),
    patientIds: db.prepare<[], { id: string }>(
      "SELECT id FROM resources WHERE type = 'Patient' AND deleted = 0 ORDER BY rid",
    ),
    compartmentByKey: db.prepare<[string, string], { patient: string }>(
      'SELECT c.patient FROM resources r JOIN compartment c ON c.rid = r.rid WHERE r.type = ? AND r.id = ? AND r.deleted = 0',
    ),
    compartmentsByKeys: db.prepare<[string], { key: string; patient: string }>(
      "SELECT r.type || '/' || r.id AS key, c.patient FROM json_each(?) k JOIN resources r ON r.type = k.value ->> 0 AND r.id = k.value ->> 1 AND r.deleted = 0 JOIN compartment c ON c.rid = r.rid",
    ),
    findExisting: db.prepare<[string, string], ExistingRow>(
      'SELECT rid, version_id, deleted FROM resources WHERE type = ? AND id = ?',
    ),
    // The targets of matches' references ([pid, target type or null] pairs, then rids, as JSON arrays), include
    // by include in match order; rid null marks a canonical reference (ttype ''), json null a deleted or missing
    // target. CROSS JOIN fixes the loop order: for each include and match, one lookup in idx_ref_rid (rid, pid);
    // left to itself the planner walked every idx_ref row of the parameter and scanned the matches for each.
    includedByIndex: db.prepare<
      [string, string],
      { rid: number | null; type: string; id: string; json: Buffer | null }
    >(
      `SELECT t.rid AS rid, x.ttype AS type, x.tid AS id,
              CASE WHEN t.deleted = 0 THEN CAST(t.json AS BLOB) END AS json
         FROM json_each(?) p
        CROSS JOIN json_each(?) m
        CROSS JOIN idx_ref x INDEXED BY idx_ref_rid ON x.rid = m.value AND x.pid = p.value ->> 0
         LEFT JOIN resources t ON x.ttype <> '' AND t.type = x.ttype AND t.id = x.tid
        WHERE (p.value ->> 1 IS NULL OR x.ttype = p.value ->> 1) AND (x.ttype = '' OR t.rid IS NOT NULL)
        ORDER BY p.key, m.key`,
    ),
    readCurrent: db.prepare<[string, string], { json: Buffer | null; deleted: number }>(
      'SELECT CAST(json AS BLOB) AS json, deleted FROM resources WHERE type = ? AND id = ?',
    ),
    insertResource: db.prepare(
      'INSERT INTO resources (type, id, version_id, last_updated, last_updated_ms, deleted, json) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    updateResource: db.prepare(
      'UPDATE resources SET version_id = ?, last_updated = ?, last_updated_ms = ?, deleted = ?, json = ? WHERE rid = ?',
    ),
    insertHistory: db.prepare(
      'INSERT INTO history (rid, type, id, version_id, last_updated, deleted, json) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    readVersion: db.prepare<[string, string, number], { json: Buffer | null; deleted: number }>(
      'SELECT CAST(h.json AS BLOB) AS json, h.deleted FROM history h JOIN resources r ON r.rid = h.rid WHERE r.type = ? AND r.id = ? AND h.version_id = ?',
    ),
    instanceHistory: db.prepare<
      [string, string, number, number],
      {
        id: string;
        type: string;
        version_id: number;
        last_updated: string;
        deleted: number;
        json: string | null;
      }
    >(
      `SELECT h.type, h.id, h.version_id, h.last_updated, h.deleted, h.json FROM history h JOIN resources r ON r.rid = h.rid
       WHERE r.type = ? AND r.id = ? ORDER BY h.version_id DESC LIMIT ? OFFSET ?`,
    ),
    instanceHistoryCount: db.prepare<[string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM history h JOIN resources r ON r.rid = h.rid WHERE r.type = ? AND r.id = ?',
    ),
  };
}

/**
 * A FhirRepository on SQLite. Construct once per database; `close()` on shutdown.
 * Call `initFhirDefinitions()` (./definitions) before constructing it.
 */
export class SqliteRepository extends FhirRepository {
  private readonly shared: Shared;
  /** True for the repository handed to a withTransaction callback (it already holds the mutex). */
  private readonly inTransaction: boolean;

  constructor(path: string, options?: SqliteRepositoryOptions);
  /** @internal Creates the transaction-scoped view of a repository. */
  constructor(path: Shared, options?: SqliteRepositoryOptions);
  constructor(pathOrShared: string | Shared, options?: SqliteRepositoryOptions) {
    super();
    if (typeof pathOrShared === 'string') {
      const db = new Database(pathOrShared);
      const needsReindex = initSchema(db);
      this.shared = {
        db,
        mutex: new AsyncMutex(),
        validate: options?.validate ?? true,
        pids: loadParamIds(db),
        stmts: prepareStatements(db),
        savepointCounter: 0,
        closed: false,
        openTransaction: undefined,
        pending: [],
        listeners: new Set(),
        searchStatements: new Map(),
      };
      this.inTransaction = false;
      if (needsReindex) {
        this.reindexSync();
      } else {
        markIndexed(db);
      }
    } else {
      this.shared = pathOrShared;
      this.inTransaction = true;
    }
  }

  /** The underlying connection. Reads are fine; write through `exclusive()` (see there). */
  get database(): Database.Database {
    return this.shared.db;
  }

  /**
   * Runs `fn` on the connection atomically (one SQLite transaction) once no FHIR transaction is open, so that writes
   * to other tables of the same database (accounts, audit trail, …) are never swept into, or rolled back with, a FHIR
   * transaction running concurrently. Use it for every write through `database` outside this class.
   */
  async exclusive<R>(fn: (db: Database.Database) => R): Promise<R> {
    return this.write(() => fn(this.shared.db));
  }

  /**
   * Registers a listener for committed changes (the scope cache, the clinical deriver). Returns the unsubscriber.
   * Listeners run synchronously right after COMMIT and must not throw.
   */
  onCommit(listener: CommitListener): () => void {
    this.shared.listeners.add(listener);
    return () => this.shared.listeners.delete(listener);
  }

  /** The patients whose compartment the current version of a resource belongs to (empty when none or missing). */
  compartmentOf(resourceType: string, id: string): string[] {
    return this.shared.stmts.compartmentByKey.all(resourceType, id).map((row) => row.patient);
  }

  compartmentsOf(
    resources: readonly { readonly resourceType: string; readonly id: string }[],
  ): Map<string, string[]> {
    const keys = JSON.stringify(resources.map((r) => [r.resourceType, r.id]));
    const result = new Map<string, string[]>();
    for (const { key, patient } of this.shared.stmts.compartmentsByKeys.all(keys)) {
      const patients = result.get(key);
      if (patients) patients.push(patient);
      else result.set(key, [patient]);
    }
    return result;
  }

  /**
   * Every current resource in one patient's compartment, the Patient included (what `Patient/[id]/$everything`
   * returns before shared resources), QuestionnaireResponses without their answers: one indexed read, for the
   * clinical deriver.
   */
  async compartmentResources(patientId: string): Promise<Resource[]> {
    while (this.mustWait()) {
      await this.waitTurn();
    }
    this.assertOpen();
    return this.shared.stmts.compartmentResources
      .all(patientId)
      .map((row) => JSON.parse(row.json) as Resource);
  }

  /** The ids of every current Patient. */
  async patientIds(): Promise<string[]> {
    while (this.mustWait()) {
      await this.waitTurn();
    }
    this.assertOpen();
    return this.shared.stmts.patientIds.all().map((row) => row.id);
  }

  /** Closes the database (checkpointing the WAL). Waits for an open transaction to finish. */
  async close(): Promise<void> {
    if (this.shared.closed) {
      return;
    }
    const release = await this.shared.mutex.acquire();
    try {
      this.shared.closed = true;
      if (this.shared.db.name !== ':memory:') {
        this.shared.db.pragma('optimize'); // refreshes planner statistics where they are stale
        this.shared.db.pragma('wal_checkpoint(TRUNCATE)');
      }
      this.shared.db.close();
    } finally {
      release();
    }
  }

  setMode(_mode: RepositoryMode): void {
    // One connection serves reads and writes.
  }

  generateId(): string {
    return generateId();
  }

  // ---------------------------------------------------------------- writes

  async createResource<T extends Resource>(resource: T, options?: CreateResourceOptions): Promise<WithId<T>> {
    const id = options?.assignedId && resource.id ? resource.id : this.generateId();
    return this.write(() => {
      const existing = this.shared.stmts.findExisting.get(resource.resourceType, id);
      if (existing) {
        throw new OperationOutcomeError(badRequest('Assigned ID is already in use'));
      }
      return this.writeVersion({ ...resource, id }, undefined);
    });
  }

  async updateResource<T extends Resource>(resource: T, options?: UpdateResourceOptions): Promise<WithId<T>> {
    if (!resource.id) {
      throw new OperationOutcomeError(badRequest('Missing id'));
    }
    const id = resource.id;
    return this.write(() => {
      const existing = this.shared.stmts.findExisting.get(resource.resourceType, id);
      if (options?.ifMatch !== undefined) {
        if (!existing || existing.deleted || String(existing.version_id) !== options.ifMatch) {
          throw new OperationOutcomeError(preconditionFailed);
        }
      }
      return this.writeVersion(resource as WithId<T>, existing);
    });
  }

  async patchResource<T extends Resource>(
    resourceType: T['resourceType'],
    id: string,
    patch: Operation[] | Parameters,
    options?: UpdateResourceOptions,
  ): Promise<WithId<T>> {
    // Read-modify-write under one transaction so a concurrent update cannot slip in between.
    return this.withTransaction(
      async (tx) => {
        const resource = await tx.readResource<T>(resourceType, id);
        return tx.updateResource(applyFhirPatch(resource, patch), options);
      },
      { resourceTypes: resourceType },
    );
  }

  async deleteResource(resourceType: string, id: string, options?: { ifMatch?: string }): Promise<void> {
    await this.write(() => {
      const { stmts } = this.shared;
      const existing = stmts.findExisting.get(resourceType, id);
      if (!existing) {
        throw new OperationOutcomeError(notFound);
      }
      if (options?.ifMatch !== undefined && String(existing.version_id) !== options.ifMatch) {
        throw new OperationOutcomeError(preconditionFailed);
      }
      if (existing.deleted) {
        return; // deleting a deleted resource is a no-op (idempotent DELETE)
      }
      const version = existing.version_id + 1;
      const now = new Date();
      const lastUpdated = now.toISOString();
      const patients = this.compartmentOf(resourceType, id);
      stmts.updateResource.run(version, lastUpdated, now.getTime(), 1, null, existing.rid);
      stmts.insertHistory.run(existing.rid, resourceType, id, version, lastUpdated, 1, null);
      for (const del of stmts.deleteIndex) {
        del.run(existing.rid);
      }
      this.shared.pending.push({ resourceType, id, patients });
    });
  }

  /**
   * Loads many resources fast (demo clinic, benchmark): client ids are kept (generated when missing), each becomes
   * version 1 (meta.lastUpdated kept when given), index rows are computed, no validation. One SQLite transaction per
   * chunk; other requests may run between chunks. Ids must not exist yet.
   * @returns The number of resources written.
   */
  async bulkLoad(resources: readonly Resource[], options?: { chunkSize?: number }): Promise<number> {
    const chunkSize = options?.chunkSize ?? 5000;
    const { db, stmts } = this.shared;
    const loadChunk = db.transaction((chunk: readonly Resource[]) => {
      for (const resource of chunk) {
        const id = resource.id ?? this.generateId();
        const lastUpdated = resource.meta?.lastUpdated ?? new Date().toISOString();
        this.insertNew({ ...resource, id }, 1, lastUpdated, stmts);
      }
    });
    let written = 0;
    for (let i = 0; i < resources.length; i += chunkSize) {
      const chunk = resources.slice(i, i + chunkSize);
      if (this.inTransaction) {
        loadChunk(chunk);
      } else {
        const release = await this.shared.mutex.acquire();
        try {
          this.assertOpen();
          this.runAndEmit(() => loadChunk(chunk));
        } finally {
          release();
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      written += chunk.length;
    }
    return written;
  }

  /**
   * Rebuilds every index row from the stored resources (after a change of INDEX_VERSION this happens when the
   * database is opened). One SQLite transaction; other requests wait.
   * @returns The number of resources re-indexed.
   */
  async reindex(): Promise<number> {
    const release = await this.shared.mutex.acquire();
    try {
      this.assertOpen();
      return this.reindexSync();
    } finally {
      release();
    }
  }

  private reindexSync(): number {
    const { db } = this.shared;
    const page = db.prepare<[number], { rid: number; json: string }>(
      'SELECT rid, json FROM resources WHERE deleted = 0 AND rid > ? ORDER BY rid LIMIT 1000',
    );
    return db.transaction(() => {
      for (const table of INDEX_TABLES) {
        db.exec(`DELETE FROM ${table}`);
      }
      let count = 0;
      let after = 0;
      for (let rows = page.all(after); rows.length > 0; rows = page.all(after)) {
        for (const row of rows) {
          this.insertIndexRows(JSON.parse(row.json) as Resource, row.rid);
          after = row.rid;
        }
        count += rows.length;
      }
      markIndexed(db);
      return count;
    })();
  }

  /** Runs a synchronous write atomically: waits for the mutex unless already inside a transaction. */
  private async write<R>(fn: () => R): Promise<R> {
    if (this.inTransaction) {
      this.assertOpen();
      const mark = this.shared.pending.length;
      try {
        return this.shared.db.transaction(fn)(); // a savepoint inside the open transaction
      } catch (err) {
        this.shared.pending.length = mark; // the savepoint rolled back
        throw err;
      }
    }
    const release = await this.shared.mutex.acquire();
    try {
      this.assertOpen();
      return this.runAndEmit(() => this.shared.db.transaction(fn)());
    } finally {
      release();
    }
  }

  /** Runs a committing unit of work; on success tells the listeners what it wrote, on failure forgets it. */
  private runAndEmit<R>(fn: () => R): R {
    let result: R;
    try {
      result = fn();
    } catch (err) {
      this.shared.pending = [];
      throw err;
    }
    this.emitPending();
    return result;
  }

  private emitPending(): void {
    const changes = this.shared.pending;
    this.shared.pending = [];
    if (changes.length === 0) {
      return;
    }
    for (const listener of this.shared.listeners) {
      try {
        listener(changes);
      } catch (err) {
        // A listener's failure must not undo or fail a committed write; report its class only (no data).
        console.error(`commit listener failed: ${(err as Error)?.name ?? 'error'}`);
      }
    }
  }

  /** Writes a new version of a resource (create, update, or re-create after delete). Runs inside a transaction. */
  private writeVersion<T extends Resource>(
    resource: WithId<T>,
    existing: ExistingRow | undefined,
  ): WithId<T> {
    if (this.shared.validate) {
      validateResource(resource);
    }
    const { stmts } = this.shared;
    const version = (existing?.version_id ?? 0) + 1;
    const lastUpdated = new Date().toISOString();
    if (!existing) {
      return this.insertNew(resource, version, lastUpdated, stmts);
    }
    const stored = withMeta(resource, version, lastUpdated);
    const json = JSON.stringify(stored);
    stmts.updateResource.run(version, lastUpdated, Date.parse(lastUpdated), 0, json, existing.rid);
    stmts.insertHistory.run(existing.rid, resource.resourceType, resource.id, version, lastUpdated, 0, json);
    for (const del of stmts.deleteIndex) {
      del.run(existing.rid);
    }
    return this.indexVersion(stored, existing.rid);
  }

  private insertNew<T extends Resource>(
    resource: WithId<T>,
    version: number,
    lastUpdated: string,
    stmts: Statements,
  ): WithId<T> {
    const stored = withMeta(resource, version, lastUpdated);
    const json = JSON.stringify(stored);
    const lastUpdatedMs = Date.parse(lastUpdated);
    const { lastInsertRowid } = stmts.insertResource.run(
      resource.resourceType,
      resource.id,
      version,
      lastUpdated,
      Number.isNaN(lastUpdatedMs) ? 0 : lastUpdatedMs,
      0,
      json,
    );
    const rid = Number(lastInsertRowid);
    stmts.insertHistory.run(rid, resource.resourceType, resource.id, version, lastUpdated, 0, json);
    return this.indexVersion(stored, rid);
  }

  /** Writes a new version's index rows and notes it for the commit listeners; returns it. */
  private indexVersion<T extends Resource>(stored: WithId<T>, rid: number): WithId<T> {
    const patients = this.insertIndexRows(stored, rid);
    this.shared.pending.push({
      resourceType: stored.resourceType,
      id: stored.id,
      resource: stored,
      patients,
    });
    return stored;
  }

  /** Writes the search-index and compartment rows of a resource; returns its patients. */
  private insertIndexRows(resource: Resource, rid: number): string[] {
    const rows = computeIndexRows(resource);
    const { insertIndex } = this.shared.stmts;
    const pid = (code: string): number | undefined =>
      this.shared.pids.get(resource.resourceType + '\u0000' + code);
    const each = <K extends keyof IndexRows>(
      kind: K,
      insert: (p: number, row: IndexRows[K][number]) => void,
    ): void => {
      for (const row of rows[kind]) {
        const p = pid(row[0]);
        if (p !== undefined) {
          insert(p, row as IndexRows[K][number]);
        }
      }
    };
    each('token', (p, [, sys, code]) => insertIndex.token.run(p, code, sys, rid));
    each('text', (p, [, norm]) => insertIndex.text.run(p, norm, rid));
    each('reference', (p, [, ttype, tid]) => insertIndex.reference.run(p, ttype, tid, rid));
    each('date', (p, [, lo, hi]) => insertIndex.date.run(p, lo, hi, rid));
    each('string', (p, [, norm, raw]) => insertIndex.string.run(p, norm, raw, rid));
    each('number', (p, [, lo, hi]) => insertIndex.number.run(p, lo, hi, rid));
    each('quantity', (p, [, val, sys, code, unit]) => insertIndex.quantity.run(p, val, sys, code, unit, rid));
    each('uri', (p, [, val]) => insertIndex.uri.run(p, val, rid));

    let patients = compartmentOfIndexRows(resource, rows.reference);
    if (patients.length === 0) {
      const inherited = new Set<string>();
      for (const reference of inheritedCompartmentReferences(resource)) {
        const [type, id] = splitReference(reference);
        if (type) this.compartmentOf(type, id).forEach((p) => inherited.add(p));
      }
      patients = [...inherited];
    }
    for (const patient of patients) {
      this.shared.stmts.insertCompartment.run(patient, rid);
    }
    return patients;
  }

  // ---------------------------------------------------------------- transactions

  /**
   * Runs `callback` atomically: BEGIN IMMEDIATE … COMMIT, or ROLLBACK if it throws. Other requests' reads and writes
   * wait until it ends. Nested calls (on the repository passed to the callback) become savepoints.
   */
  async withTransaction<TResult>(
    callback: (txRepo: this) => Promise<TResult>,
    _options?: TransactionOptions,
  ): Promise<TResult> {
    const { db } = this.shared;
    if (this.inTransaction) {
      const name = `sp${++this.shared.savepointCounter}`;
      const mark = this.shared.pending.length;
      db.exec(`SAVEPOINT ${name}`);
      try {
        const result = await callback(this);
        db.exec(`RELEASE ${name}`);
        return result;
      } catch (err) {
        db.exec(`ROLLBACK TO ${name}`);
        db.exec(`RELEASE ${name}`);
        this.shared.pending.length = mark;
        throw err;
      }
    }
    const release = await this.shared.mutex.acquire();
    let endTransaction: () => void = () => undefined;
    try {
      this.assertOpen();
      this.shared.openTransaction = new Promise((resolve) => {
        endTransaction = resolve;
      });
      db.exec('BEGIN IMMEDIATE');
      const txRepo = new SqliteRepository(this.shared) as this;
      let result: TResult;
      try {
        result = await callback(txRepo);
        db.exec('COMMIT');
      } catch (err) {
        if (db.inTransaction) {
          db.exec('ROLLBACK');
        }
        this.shared.pending = [];
        throw err;
      }
      this.emitPending();
      return result;
    } finally {
      this.shared.openTransaction = undefined;
      endTransaction();
      release();
    }
  }

  // ---------------------------------------------------------------- reads

  /**
   * True while another request's FHIR transaction is open on the connection (BEGIN done, COMMIT/ROLLBACK not yet):
   * reads must then wait. Plain writes never leave a transaction open across an await. Callers re-check it
   * right before their synchronous SQL (`while (this.mustWait()) await this.waitTurn();`), in the same microtask,
   * because a transaction queued behind the one that just finished can start before an awaiting reader resumes.
   */
  private mustWait(): boolean {
    return !this.inTransaction && this.shared.openTransaction !== undefined;
  }

  private async waitTurn(): Promise<void> {
    await this.shared.openTransaction;
  }

  async readResource<T extends Resource>(resourceType: string, id: string): Promise<WithId<T>> {
    while (this.mustWait()) {
      await this.waitTurn();
    }
    this.assertOpen();
    const row = this.shared.stmts.readCurrent.get(resourceType, id);
    if (!row) {
      throw new OperationOutcomeError(notFound);
    }
    if (row.deleted || row.json === null) {
      throw new OperationOutcomeError(gone);
    }
    return parseStored<WithId<T>>(row.json);
  }

  async readReference<T extends Resource>(reference: Reference<T>): Promise<WithId<T>> {
    const parts = reference.reference?.split('/');
    if (parts?.length !== 2 || !parts[0] || !parts[1]) {
      throw new OperationOutcomeError(badRequest('Invalid reference'));
    }
    return this.readResource<T>(parts[0], parts[1]);
  }

  async readReferences<T extends Resource>(references: readonly Reference<T>[]): Promise<(T | Error)[]> {
    while (this.mustWait()) {
      await this.waitTurn();
    }
    this.assertOpen();
    return Promise.all(
      references.map((r) =>
        this.readReference<T>(r).catch((err: unknown) =>
          err instanceof OperationOutcomeError
            ? err
            : new OperationOutcomeError(normalizeOperationOutcome(err)),
        ),
      ),
    );
  }

  async readVersion<T extends Resource>(resourceType: string, id: string, vid: string): Promise<WithId<T>> {
    while (this.mustWait()) {
      await this.waitTurn();
    }
    this.assertOpen();
    const version = Number(vid);
    const row = Number.isInteger(version)
      ? this.shared.stmts.readVersion.get(resourceType, id, version)
      : undefined;
    if (!row) {
      throw new OperationOutcomeError(notFound);
    }
    if (row.deleted || row.json === null) {
      throw new OperationOutcomeError(gone);
    }
    return parseStored<WithId<T>>(row.json);
  }

  /** Instance history, newest first; deleted versions appear as entries without resource, response 410. */
  async readHistory<T extends Resource>(
    resourceType: string,
    id: string,
    options?: ReadHistoryOptions,
  ): Promise<Bundle<WithId<T>>> {
    while (this.mustWait()) {
      await this.waitTurn();
    }
    this.assertOpen();
    const { stmts } = this.shared;
    const limit = clampCount(options?.limit, 100);
    const offset = Math.max(0, options?.offset ?? 0);
    const total = stmts.instanceHistoryCount.get(resourceType, id)?.n ?? 0;
    if (total === 0) {
      throw new OperationOutcomeError(notFound);
    }
    const rows = stmts.instanceHistory.all(resourceType, id, limit, offset);
    return historyBundle<T>(rows, total, `${resourceType}/${id}/_history`, limit, offset);
  }

  /**
   * Type history (`GET [type]/_history`), newest first. Not routed by FhirRouter: the HTTP layer calls it.
   * @param options.since - only versions with lastUpdated ≥ this instant.
   */
  async readTypeHistory<T extends Resource>(
    resourceType: string,
    options?: ReadHistoryOptions & { since?: string },
  ): Promise<Bundle<WithId<T>>> {
    while (this.mustWait()) {
      await this.waitTurn();
    }
    this.assertOpen();
    const limit = clampCount(options?.limit, 100);
    const offset = Math.max(0, options?.offset ?? 0);
    const since = options?.since ? new Date(options.since).toISOString() : undefined;
    const where = since ? 'type = ? AND last_updated >= ?' : 'type = ?';
    const params = since ? [resourceType, since] : [resourceType];
    const { db } = this.shared;
    const total = (
      db.prepare(`SELECT COUNT(*) AS n FROM history WHERE ${where}`).get(...params) as { n: number }
    ).n;
    const rows = db
      .prepare(
        `SELECT type, id, version_id, last_updated, deleted, json FROM history WHERE ${where} ORDER BY hid DESC LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset) as HistoryRow[];
    return historyBundle<T>(rows, total, `${resourceType}/_history`, limit, offset);
  }

  // ---------------------------------------------------------------- search

  /**
   * Searches one resource type. Returns a `searchset` Bundle:
   * - `entry`: the page of matches (`search.mode = 'match'`, `fullUrl = '<Type>/<id>'`), then `_include`/`_revinclude`
   *   results (`search.mode = 'include'`, not counted by `_count`);
   * - `total`: when `_total=accurate|estimate` or `_summary=count`, or when it is known for free (a first page that is
   *   not full);
   * - `link`: `self`, `next`, `previous` with RELATIVE urls like `Observation?code=…&_count=50&_offset=50`; the HTTP
   *   layer prefixes its base URL;
   * - unknown or unsupported parameters, modifiers or sort keys are IGNORED and reported in one extra entry with
   *   `search.mode = 'outcome'` holding an OperationOutcome (severity `warning`, code `not-supported`, `expression` =
   *   the parameter). In strict mode (`Prefer: handling=strict`) the HTTP layer should answer 400 with that
   *   OperationOutcome instead (see also `findUnsupportedSearchParams`, callable before routing).
   * `_count` defaults to 50 and is capped at 1000; `_offset` pages.
   */
  async search<T extends Resource>(
    searchRequest: SearchRequest<T>,
    options?: SearchOptions,
  ): Promise<Bundle<WithId<T>>> {
    while (this.mustWait()) {
      await this.waitTurn();
    }
    this.assertOpen();
    const { resourceType } = searchRequest;
    if (!isSupportedResourceType(resourceType)) {
      throw new OperationOutcomeError(badRequest(`Unsupported resource type: ${resourceType}`));
    }
    const scoped = options as ScopedSearchOptions | undefined;
    const compiled = this.compile(searchRequest, scoped?.compartment, scoped?.orReferencing);
    const { db } = this.shared;
    const count = clampCount(searchRequest.count, DEFAULT_PAGE_SIZE);
    const offset = Math.max(0, searchRequest.offset ?? 0);

    let rows: SearchRow[] = [];
    if (count > 0 && compiled.indexOrder) {
      rows = indexOrderedPage(db, compiled.indexOrder, offset, count + 1);
    } else if (count > 0) {
      rows = cachedStatement(
        this.shared,
        `SELECT r.rid AS rid, r.id AS id, CAST(r.json AS BLOB) AS json ${compiled.from} ${compiled.orderBy} LIMIT ? OFFSET ?`,
      ).all(...compiled.params, ...compiled.orderParams, count + 1, offset) as SearchRow[];
    }
    const hasNext = rows.length > count;
    if (hasNext) {
      rows.pop();
    }
    let total: number | undefined;
    if (searchRequest.total === 'accurate' || searchRequest.total === 'estimate' || count === 0) {
      total = (
        cachedStatement(this.shared, `SELECT COUNT(*) AS n ${compiled.from}`).get(...compiled.params) as {
          n: number;
        }
      ).n;
    } else if (searchRequest.total !== 'none' && offset === 0 && !hasNext) {
      total = rows.length;
    }

    const lazy = !!scoped?.lazy;
    const resources = rows.map((row) =>
      lazy ? lazyStored<WithId<T>>(resourceType, row.id, row.json) : parseStored<WithId<T>>(row.json),
    );
    const entries: BundleEntry[] = resources.map((resource) => ({
      fullUrl: `${resource.resourceType}/${resource.id}`,
      resource: subsetResource(resource, searchRequest.fields, searchRequest.summary),
      search: { mode: 'match' },
    }));
    if ((searchRequest.include?.length || searchRequest.revInclude?.length) && resources.length > 0) {
      const included = this.includedFromIndex(searchRequest, rows, lazy);
      if (included) {
        entries.push(...included);
      } else {
        await getExtraEntries(this, searchRequest, resources, entries, {
          fullUrl: (type, id) => `${type}/${id}`,
          maxResults: 5 * MAX_PAGE_SIZE,
        });
      }
    }
    if (compiled.unsupported.length > 0 && !options?.resourceOnly) {
      entries.push({ resource: unsupportedOutcome(compiled.unsupported), search: { mode: 'outcome' } });
    }

    const bundle: Bundle<WithId<T>> = { resourceType: 'Bundle', type: 'searchset' };
    if (total !== undefined) {
      bundle.total = total;
    }
    if (!options?.resourceOnly) {
      bundle.link = pageLinks(searchRequest, count, offset, hasNext);
    }
    if (entries.length > 0) {
      bundle.entry = entries as BundleEntry<WithId<T>>[];
    }
    return bundle;
  }

  /**
   * `_include` answered from the reference index instead of evaluating each parameter's FHIRPath on every
   * match (getExtraEntries): the targets of the matches' literal references, include by include in match order,
   * each once and not repeating a match, `search.mode = include`. Undefined, and getExtraEntries runs, where
   * the index cannot say the same: `_revinclude`, `:iterate`, an include of another type than the search,
   * a parameter the store does not index, or a canonical reference among the values.
   */
  private includedFromIndex(
    searchRequest: SearchRequest,
    matches: readonly SearchRow[],
    lazy: boolean,
  ): BundleEntry[] | undefined {
    if (searchRequest.revInclude?.length) {
      return undefined;
    }
    const pids: number[] = [];
    for (const include of searchRequest.include ?? []) {
      const pid = this.shared.pids.get(include.resourceType + '\u0000' + include.searchParam);
      const param = getIndexedParams(include.resourceType).get(include.searchParam);
      if (
        include.modifier === Operator.ITERATE ||
        include.resourceType !== searchRequest.resourceType ||
        pid === undefined ||
        param?.kind !== 'reference'
      ) {
        return undefined;
      }
      pids.push(pid);
    }
    const targetTypes = (searchRequest.include ?? []).map((i) => i.targetType ?? null);
    const rows = this.shared.stmts.includedByIndex.all(
      JSON.stringify(pids.map((pid, i) => [pid, targetTypes[i]])),
      JSON.stringify(matches.map((m) => m.rid)),
    );
    if (rows.some((row) => row.rid === null)) {
      return undefined; // a canonical or unresolved-type reference: FHIRPath and a url search decide those
    }
    const seen = new Set(matches.map((m) => m.rid));
    const entries: BundleEntry[] = [];
    for (const row of rows) {
      if (row.json === null || seen.has(row.rid as number)) continue;
      seen.add(row.rid as number);
      entries.push({
        fullUrl: `${row.type}/${row.id}`,
        resource: lazy ? lazyStored<Resource>(row.type, row.id, row.json) : parseStored<Resource>(row.json),
        search: { mode: 'include' },
      });
    }
    if (entries.length > 5 * MAX_PAGE_SIZE) {
      throw new Error(`Search with _include reached query scope limit: results=${entries.length}`);
    }
    return entries;
  }

  async searchByReference<T extends Resource>(
    searchRequest: SearchRequest<T>,
    referenceField: string,
    references: string[],
  ): Promise<Record<string, WithId<T>[]>> {
    const result: Record<string, WithId<T>[]> = {};
    for (const reference of references) {
      const filters: Filter[] = [
        ...(searchRequest.filters ?? []),
        { code: referenceField, operator: Operator.EQUALS, value: reference },
      ];
      result[reference] = await this.searchResources({ ...searchRequest, filters });
    }
    return result;
  }

  /** The search parameters of a request the store would ignore (for `Prefer: handling=strict`). */
  findUnsupportedSearchParams(searchRequest: SearchRequest): UnsupportedFilter[] {
    return this.compile(searchRequest).unsupported;
  }

  private compile(
    searchRequest: SearchRequest,
    compartment?: readonly string[],
    orReferencing?: CompartmentAlternative,
  ): CompiledQuery {
    const { pids } = this.shared;
    return new SearchCompiler((type, code) => pids.get(type + '\u0000' + code)).compile(
      searchRequest,
      compartment,
      orReferencing,
    );
  }

  // ---------------------------------------------------------------- capabilities

  /** Resource types and indexed search parameters, for the CapabilityStatement. */
  getCapabilities(): StoreCapabilities {
    return getStoreCapabilities();
  }

  private assertOpen(): void {
    if (this.shared.closed) {
      throw new OperationOutcomeError(badRequest('The FHIR store is closed'));
    }
  }
}

let capabilities: StoreCapabilities | undefined;

/** Resource types and indexed search parameters (independent of any database). */
export function getStoreCapabilities(): StoreCapabilities {
  if (!capabilities) {
    const searchParams: Record<string, CapabilitySearchParam[]> = {};
    for (const type of getSupportedResourceTypes()) {
      const list: CapabilitySearchParam[] = [
        { name: '_id', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id' },
        {
          name: '_lastUpdated',
          type: 'date',
          definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated',
        },
      ];
      for (const param of getIndexedParams(type).values()) {
        if (param.code.endsWith(':identifier') || COLUMN_PARAMS.has(param.code)) {
          continue;
        }
        list.push({
          name: param.code,
          type: param.kind,
          ...(param.searchParam.url ? { definition: param.searchParam.url } : undefined),
          ...(param.kind === 'reference' ? { targets: param.targets } : undefined),
        });
      }
      searchParams[type] = list;
    }
    capabilities = { resourceTypes: getSupportedResourceTypes(), searchParams };
  }
  return capabilities;
}

/** Assigns a stable numeric id to every (type, indexed parameter) once, at open time. */
function loadParamIds(db: Database.Database): Map<string, number> {
  const insert = db.prepare('INSERT OR IGNORE INTO params (type, code) VALUES (?, ?)');
  db.transaction(() => {
    for (const type of getSupportedResourceTypes()) {
      for (const code of getIndexableCodes(type)) {
        insert.run(type, code);
      }
    }
  })();
  const pids = new Map<string, number>();
  for (const row of db.prepare('SELECT pid, type, code FROM params').all() as {
    pid: number;
    type: string;
    code: string;
  }[]) {
    pids.set(row.type + '\u0000' + row.code, row.pid);
  }
  return pids;
}

/** A search's row: the resource's row id, its id and its stored JSON. */
interface SearchRow {
  readonly rid: number;
  readonly id: string;
  readonly json: Buffer;
}

/** Reads one page of an index-ordered search (see CompiledQuery.indexOrder), skipping repeated resources. */
function indexOrderedPage(
  db: Database.Database,
  plan: NonNullable<CompiledQuery['indexOrder']>,
  offset: number,
  limit: number,
): SearchRow[] {
  const page: SearchRow[] = [];
  const seen = new Set<number>();
  let skipped = 0;
  for (const part of [plan.ordered, plan.missing]) {
    for (const row of db.prepare(part.sql).iterate(...part.params) as IterableIterator<SearchRow>) {
      if (seen.has(row.rid)) {
        continue;
      }
      seen.add(row.rid);
      if (skipped < offset) {
        skipped++;
        continue;
      }
      page.push(row);
      if (page.length >= limit) {
        return page;
      }
    }
  }
  return page;
}

function withMeta<T extends Resource>(resource: WithId<T>, version: number, lastUpdated: string): WithId<T> {
  return { ...resource, meta: { ...resource.meta, versionId: String(version), lastUpdated } } as WithId<T>;
}

function clampCount(count: number | undefined, fallback: number): number {
  if (count === undefined || Number.isNaN(count)) {
    return fallback;
  }
  return Math.min(Math.max(0, Math.trunc(count)), MAX_PAGE_SIZE);
}

interface HistoryRow {
  type: string;
  id: string;
  version_id: number;
  last_updated: string;
  deleted: number;
  json: string | null;
}

function historyBundle<T extends Resource>(
  rows: HistoryRow[],
  total: number,
  selfPath: string,
  limit: number,
  offset: number,
): Bundle<WithId<T>> {
  const entry = rows.map((row): BundleEntry<WithId<T>> => {
    const url = `${row.type}/${row.id}`;
    const response = {
      status: row.deleted ? '410 Gone' : row.version_id === 1 ? '201 Created' : '200 OK',
      etag: `W/"${row.version_id}"`,
      lastModified: row.last_updated,
    };
    if (row.deleted || row.json === null) {
      return { fullUrl: url, request: { method: 'DELETE', url }, response };
    }
    return {
      fullUrl: url,
      resource: JSON.parse(row.json) as WithId<T>,
      request: { method: row.version_id === 1 ? 'POST' : 'PUT', url: row.version_id === 1 ? row.type : url },
      response,
    };
  });
  const link: BundleLink[] = [{ relation: 'self', url: `${selfPath}?_count=${limit}&_offset=${offset}` }];
  if (offset + rows.length < total) {
    link.push({ relation: 'next', url: `${selfPath}?_count=${limit}&_offset=${offset + limit}` });
  }
  if (offset > 0) {
    link.push({
      relation: 'previous',
      url: `${selfPath}?_count=${limit}&_offset=${Math.max(0, offset - limit)}`,
    });
  }
  return { resourceType: 'Bundle', type: 'history', total, link, ...(entry.length ? { entry } : undefined) };
}

function pageLinks(request: SearchRequest, count: number, offset: number, hasNext: boolean): BundleLink[] {
  const url = (pageOffset: number): string => {
    const query = formatSearchQuery({ ...request, fields: undefined, count, offset: pageOffset });
    const extra: string[] = [];
    if (request.fields?.length) {
      extra.push('_elements=' + request.fields.map(encodeURIComponent).join(','));
    }
    if (request.summary) {
      extra.push('_summary=' + request.summary);
    }
    const joined = [query.replace(/^\?/, ''), ...extra].filter(Boolean).join('&');
    return `${request.resourceType}${joined ? '?' + joined : ''}`;
  };
  const links: BundleLink[] = [{ relation: 'self', url: url(offset) }];
  if (hasNext) {
    links.push({ relation: 'next', url: url(offset + count) });
  }
  if (offset > 0) {
    links.push({ relation: 'previous', url: url(Math.max(0, offset - count)) });
  }
  return links;
}

function unsupportedOutcome(unsupported: readonly UnsupportedFilter[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: unsupported.map((u) => ({
      severity: 'warning',
      code: 'not-supported',
      details: { text: u.reason },
      expression: [u.param],
    })),
  };
}

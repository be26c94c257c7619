// The SQLite schema of the FHIR store. One database file (WAL), one table of current resources, one of every
// version, and one index table per search-parameter kind. Index tables are WITHOUT ROWID with the lookup key
// first and a second index on (rid, pid) for correlated EXISTS checks, sorting, and deletes on update.
import type Database from 'better-sqlite3';

export const SCHEMA_VERSION = 1;

/**
 * Version of what the index rows contain (extraction and normalization rules). Bump it when they change: a database
 * written with an older version is re-indexed when it is opened (see SqliteRepository.reindex).
 */
export const INDEX_VERSION = 2;

export const INDEX_TABLES = [
  'idx_token',
  'idx_text',
  'idx_ref',
  'idx_date',
  'idx_string',
  'idx_number',
  'idx_quantity',
  'idx_uri',
  'compartment',
] as const;

const DDL = `
CREATE TABLE IF NOT EXISTS resources (
  rid INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  version_id INTEGER NOT NULL,
  last_updated TEXT NOT NULL,
  last_updated_ms INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  json TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS resources_type_id ON resources(type, id);
CREATE INDEX IF NOT EXISTS resources_type_updated ON resources(type, deleted, last_updated_ms);

CREATE TABLE IF NOT EXISTS history (
  hid INTEGER PRIMARY KEY,
  rid INTEGER NOT NULL,
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  version_id INTEGER NOT NULL,
  last_updated TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  json TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS history_rid_version ON history(rid, version_id);
CREATE INDEX IF NOT EXISTS history_type ON history(type, hid);

CREATE TABLE IF NOT EXISTS params (
  pid INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  code TEXT NOT NULL,
  UNIQUE(type, code)
);

CREATE TABLE IF NOT EXISTS idx_token (pid INTEGER NOT NULL, code TEXT NOT NULL, sys TEXT NOT NULL, rid INTEGER NOT NULL,
  PRIMARY KEY (pid, code, sys, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_token_rid ON idx_token(rid, pid);

CREATE TABLE IF NOT EXISTS idx_text (pid INTEGER NOT NULL, norm TEXT NOT NULL, rid INTEGER NOT NULL,
  PRIMARY KEY (pid, norm, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_text_rid ON idx_text(rid, pid);

CREATE TABLE IF NOT EXISTS idx_ref (pid INTEGER NOT NULL, tid TEXT NOT NULL, ttype TEXT NOT NULL, rid INTEGER NOT NULL,
  PRIMARY KEY (pid, tid, ttype, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_ref_rid ON idx_ref(rid, pid);

CREATE TABLE IF NOT EXISTS idx_date (pid INTEGER NOT NULL, lo INTEGER NOT NULL, hi INTEGER NOT NULL, rid INTEGER NOT NULL,
  PRIMARY KEY (pid, lo, hi, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_date_hi ON idx_date(pid, hi);
CREATE INDEX IF NOT EXISTS idx_date_rid ON idx_date(rid, pid);

CREATE TABLE IF NOT EXISTS idx_string (pid INTEGER NOT NULL, norm TEXT NOT NULL, raw TEXT NOT NULL, rid INTEGER NOT NULL,
  PRIMARY KEY (pid, norm, raw, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_string_rid ON idx_string(rid, pid);

CREATE TABLE IF NOT EXISTS idx_number (pid INTEGER NOT NULL, lo REAL NOT NULL, hi REAL NOT NULL, rid INTEGER NOT NULL,
  PRIMARY KEY (pid, lo, hi, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_number_rid ON idx_number(rid, pid);

CREATE TABLE IF NOT EXISTS idx_quantity (pid INTEGER NOT NULL, val REAL NOT NULL, sys TEXT NOT NULL, code TEXT NOT NULL,
  unit TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (pid, val, sys, code, unit, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_quantity_rid ON idx_quantity(rid, pid);

CREATE TABLE IF NOT EXISTS idx_uri (pid INTEGER NOT NULL, val TEXT NOT NULL, rid INTEGER NOT NULL,
  PRIMARY KEY (pid, val, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_uri_rid ON idx_uri(rid, pid);

-- Patient-compartment membership (R4 CompartmentDefinition "patient"), written with the index rows: the access
-- policy scopes searches with it in SQL. Provenance and Task without a patient of their own inherit their
-- target's / focus's patients at write time.
CREATE TABLE IF NOT EXISTS compartment (patient TEXT NOT NULL, rid INTEGER NOT NULL,
  PRIMARY KEY (patient, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS compartment_rid ON compartment(rid, patient);
`;

/**
 * Sets pragmas and creates the schema if needed.
 * @returns true when existing index rows were written by another INDEX_VERSION and must be rebuilt.
 */
export function initSchema(db: Database.Database): boolean {
  db.pragma('page_size = 8192'); // before WAL: only effective on a new database
  if (db.name !== ':memory:') {
    db.pragma('journal_mode = WAL');
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = OFF');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536'); // 64 MB page cache
  db.pragma('temp_store = MEMORY');
  const stored = db.pragma('user_version', { simple: true }) as number;
  db.exec(DDL);
  db.exec('CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const indexVersion = db
    .prepare("SELECT value FROM store_meta WHERE key = 'index_version'")
    .pluck()
    .get() as string | undefined;
  const hasResources = db.prepare('SELECT 1 FROM resources LIMIT 1').get() !== undefined;
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  if (stored !== 0 && stored !== SCHEMA_VERSION) {
    throw new Error(`FHIR store schema version ${stored} is not supported (expected ${SCHEMA_VERSION})`);
  }
  return hasResources && indexVersion !== String(INDEX_VERSION);
}

/** Records that the index rows match INDEX_VERSION. */
export function markIndexed(db: Database.Database): void {
  db.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('index_version', ?)").run(
    String(INDEX_VERSION),
  );
}

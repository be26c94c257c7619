/**
 * oidc-provider storage adapter on the server's SQLite database: sessions, interactions, codes, access
 * and refresh tokens, grants and replay-detection entries survive a restart (single process).
 * Interface: https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js
 */
import type Database from 'better-sqlite3';
import type { Adapter, AdapterPayload } from 'oidc-provider';

import { immediateWrites, type SerializeWrites } from './serialized-writes';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS oidc_model (
  model TEXT NOT NULL,
  id TEXT NOT NULL,
  payload TEXT NOT NULL,
  grant_id TEXT,
  user_code TEXT,
  uid TEXT,
  expires_at INTEGER,
  PRIMARY KEY (model, id)
);
CREATE INDEX IF NOT EXISTS oidc_model_grant ON oidc_model (grant_id);
CREATE INDEX IF NOT EXISTS oidc_model_uid ON oidc_model (model, uid);
CREATE INDEX IF NOT EXISTS oidc_model_expires ON oidc_model (expires_at);
`;

interface Row {
  payload: string;
  expires_at: number | null;
}

/** Returns the adapter factory oidc-provider's `adapter` option expects. */
export function sqliteAdapterFactory(
  db: Database.Database,
  serialize: SerializeWrites = immediateWrites,
): new (model: string) => Adapter {
  db.exec(SCHEMA);
  const upsert = db.prepare(
    `INSERT INTO oidc_model (model, id, payload, grant_id, user_code, uid, expires_at)
     VALUES (@model, @id, @payload, @grantId, @userCode, @uid, @expiresAt)
     ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
       user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at`,
  );
  const byId = db.prepare('SELECT payload, expires_at FROM oidc_model WHERE model = ? AND id = ?');
  const byUid = db.prepare('SELECT payload, expires_at FROM oidc_model WHERE model = ? AND uid = ?');
  const byUserCode = db.prepare(
    'SELECT payload, expires_at FROM oidc_model WHERE model = ? AND user_code = ?',
  );
  const destroy = db.prepare('DELETE FROM oidc_model WHERE model = ? AND id = ?');
  const revokeGrant = db.prepare('DELETE FROM oidc_model WHERE grant_id = ?');
  const purge = db.prepare('DELETE FROM oidc_model WHERE expires_at IS NOT NULL AND expires_at < ?');
  let lastPurge = 0;

  function live(row: Row | undefined): AdapterPayload | undefined {
    if (!row || (row.expires_at !== null && row.expires_at <= Date.now())) {
      return undefined;
    }
    return JSON.parse(row.payload) as AdapterPayload;
  }

  return class SqliteAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const now = Date.now();
      await serialize(() => {
        if (now - lastPurge > 60_000) {
          lastPurge = now;
          purge.run(now);
        }
        upsert.run({
          model: this.model,
          id,
          payload: JSON.stringify(payload),
          grantId: payload.grantId ?? null,
          userCode: payload.userCode ?? null,
          uid: payload.uid ?? null,
          expiresAt: expiresIn ? now + expiresIn * 1000 : null,
        });
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return live(byId.get(this.model, id) as Row | undefined);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return live(byUserCode.get(this.model, userCode) as Row | undefined);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return live(byUid.get(this.model, uid) as Row | undefined);
    }

    async consume(id: string): Promise<void> {
      const payload = await this.find(id);
      if (payload) {
        const row = byId.get(this.model, id) as Row;
        await serialize(() =>
          upsert.run({
            model: this.model,
            id,
            payload: JSON.stringify({ ...payload, consumed: Math.floor(Date.now() / 1000) }),
            grantId: payload.grantId ?? null,
            userCode: payload.userCode ?? null,
            uid: payload.uid ?? null,
            expiresAt: row.expires_at,
          }),
        );
      }
    }

    async destroy(id: string): Promise<void> {
      await serialize(() => destroy.run(this.model, id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await serialize(() => revokeGrant.run(grantId));
    }
  };
}

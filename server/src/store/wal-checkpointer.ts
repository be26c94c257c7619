/**
 * Checkpoints the database's write-ahead log on a worker thread, off the event loop.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000 pages, on the connection that
 * committed: here the one connection every request shares, so about every fiftieth audited search of a whole
 * program (each appends ~170 KB of audit rows) stalled the server for the 100–300 ms it takes to copy 8 MB back
 * into the database file. With `wal_autocheckpoint = 0` on that connection, a second connection on a worker thread
 * runs `PRAGMA wal_checkpoint(PASSIVE)` whenever the WAL has grown past a threshold. PASSIVE never waits for
 * readers or writers (https://www.sqlite.org/pragma.html#pragma_wal_checkpoint, https://www.sqlite.org/wal.html
 * "Checkpointing"): it copies what it can, and the next writer restarts the WAL from its beginning once a
 * checkpoint has caught up, so the file stays bounded. `close()` stops the worker before the repository's own
 * TRUNCATE checkpoint.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface WalCheckpointerOptions {
  /** How often the worker looks at the WAL's size (default 250 ms). */
  readonly intervalMs?: number;
  /** Checkpoint once the WAL file is larger than this (default 4 MiB, half of SQLite's automatic 1,000 pages of 8 KiB). */
  readonly thresholdBytes?: number;
}

// CommonJS, evaluated in the worker: no loader or TypeScript involved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
const walSize = () => { try { return statSync(workerData.path + '-wal').size; } catch { return 0; } };
const timer = setInterval(() => {
  if (walSize() <= workerData.thresholdBytes) return;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private stopping = false;

  /** `path`: the database file, already open in WAL mode with `wal_autocheckpoint = 0` on the main connection. */
  constructor(path: string, options: WalCheckpointerOptions = {}) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        path,
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        intervalMs: options.intervalMs ?? 250,
        thresholdBytes: options.thresholdBytes ?? 4 * 1024 * 1024,
      },
    });
    this.worker.on('message', (message: { error?: string }) => {
      // SQLITE_BUSY and the like: the next round tries again; the main connection's data is never at risk.
      if (message.error) console.warn(`WAL checkpoint: ${message.error}`);
    });
    this.worker.on('error', (err) => console.warn(`WAL checkpointer stopped: ${err.message}`));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.unref();
  }

  /** Stops the worker and closes its connection (at once if it has already stopped). */
  close(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.worker.ref(); // until it has exited: the caller awaits that
      this.worker.postMessage('stop');
    }
    return this.exited;
  }
}

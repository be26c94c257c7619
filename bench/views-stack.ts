// bench:views' processes: the embedded FHIR server on a fresh demo clinic (a child process whose request log is
// read for the server's own times) and the production build behind scripts/serve-dist.mjs; both stopped and the
// temp dir removed on exit, also on failure or a signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { until } from './views-client';
import type { Seeded } from './views-report';

export interface StackPorts {
  readonly fhir: number;
  readonly app: number;
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () => reject(new Error(`port ${port} is in use (bench:views needs it)`)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
export function cleanUpNow(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
/** Stops the children and removes the temp dirs when the process exits or is interrupted. */
export function installCleanup(): void {
  process.on('exit', cleanUpNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      cleanUpNow();
      process.exit(130);
    });
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  children.delete(child);
}

interface LogLine {
  readonly method?: string;
  readonly route?: string;
  readonly interaction?: string;
  readonly ms?: number;
  /** Epoch ms when the line was logged (pino). */
  readonly time?: number;
}

export interface Stack {
  readonly dir: string;
  readonly dbPath: string;
  readonly fhirBase: string;
  readonly appUrl: string;
  /** The server's "request completed" lines for /fhir routes, in order. */
  readonly log: LogLine[];
  readonly seeded: Seeded;
  stopServers(): Promise<void>;
  /** Removes the temp dir (the database); call after stopServers. */
  removeDir(): void;
}

async function waitFor(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the server exited (${child.exitCode}) before ${url} came up`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Starts both on `ports` (every port in `reserved` must be free: the benchmark's in-process apps use the rest). */
export async function startStack(
  patients: number,
  ports: StackPorts,
  reserved: readonly number[],
  buildDir: string,
): Promise<Stack> {
  for (const port of reserved) await assertPortFree(port);
  const dir = mkdtempSync(join(tmpdir(), 'waypoint-bench-views-'));
  tempDirs.add(dir);
  const dbPath = join(dir, 'waypoint.db');
  const appUrl = `http://127.0.0.1:${ports.app}`;
  const log: LogLine[] = [];
  const seeded: Seeded = {};
  const server = spawn(process.execPath, ['scripts/run-ts.mjs', 'server/src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(ports.fhir),
      WAYPOINT_DB: dbPath,
      WAYPOINT_PUBLIC_URL: appUrl,
      WAYPOINT_DEMO_PATIENTS: String(patients),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(server);
  createInterface({ input: server.stdout }).on('line', (line) => {
    if (!line.includes('"request completed"')) return;
    try {
      const entry = JSON.parse(line) as LogLine;
      if (entry.route?.startsWith('/fhir')) log.push(entry);
    } catch {
      // not a log line
    }
  });
  createInterface({ input: server.stderr }).on('line', (line) => {
    const loaded = /Demo clinic loaded: (\d+) resources in ([\d.]+) s/.exec(line);
    if (loaded) {
      seeded.resources = Number(loaded[1]);
      seeded.loadSeconds = Number(loaded[2]);
    }
    const derived = /Derived state computed in ([\d.]+) s/.exec(line);
    if (derived) seeded.deriveSeconds = Number(derived[1]);
    if (!line.includes('oidc-provider WARNING')) console.error(`  [server] ${line}`);
  });
  const abandon = async (error: unknown): Promise<never> => {
    await Promise.all([...children].map(stopChild));
    rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
    throw error;
  };
  await waitFor(`http://127.0.0.1:${ports.fhir}/fhir/metadata`, 45 * 60_000, server).catch(abandon);
  // serve-dist also forwards the sign-in (the issuer is the app's origin): without a build it serves a stub page.
  const built = existsSync(join(buildDir, 'index.html'));
  if (!built) writeFileSync(join(dir, 'index.html'), '<!doctype html><title>no build</title>');
  const dist = spawn(process.execPath, ['scripts/serve-dist.mjs'], {
    env: {
      ...process.env,
      PORT: String(ports.app),
      FHIR_SERVER: `http://127.0.0.1:${ports.fhir}`,
      DIST: built ? buildDir : dir,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(dist);
  await waitFor(`${appUrl}/`, 30_000, dist).catch(abandon);
  return {
    dir,
    dbPath,
    fhirBase: `http://127.0.0.1:${ports.fhir}/fhir`,
    appUrl,
    log,
    seeded,
    async stopServers() {
      await Promise.all([stopChild(dist), stopChild(server)]);
    },
    removeDir() {
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    },
  };
}

/**
 * The server's own time (its log) of the first request of kind `what` logged at or after `since` (epoch ms,
 * taken before sending it). The line is stamped when the reply has been written, so an earlier request's line
 * that reaches the pipe late is never taken for this one.
 */
export async function serverTime(log: readonly LogLine[], since: number, what: string): Promise<number> {
  const find = () => log.find((l) => l.interaction === what && (l.time ?? 0) >= since);
  await until(() => find() !== undefined);
  return find()?.ms ?? NaN;
}

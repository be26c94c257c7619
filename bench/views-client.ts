// The client side of bench:views' real path: HTTP on loopback with gzip as a browser sends it, a view loaded as the
// SPA loads it (one batch, then every next page), the rows the SPA would build, and sign-in once per role through
// the SMART authorization-code + PKCE flow.
import { Agent, request } from 'node:http';
import { gunzipSync } from 'node:zlib';

import type { Bundle, Resource } from '@medplum/fhirtypes';

import {
  caseloadRowFromDerived,
  derivedRowInputs,
  summaryFacts,
  summaryListsPractitioner,
} from '../clinical/index';
import { adherenceRows } from '../clinical/workspaces/adherence';
import { type AuthTestServer, signIn } from '../server/test/auth/auth-harness';
import { toQueryString } from './legacy-caseload';

/** Every demo account's local-only password (server/src/demo/README.md). */
export const DEMO_PASSWORD = 'waypoint-demo';
/** The demo accounts measured (the peer specialist is on every care team of a 240-patient clinic). */
export const COUNSELOR = 'counselor1';
export const PEER = 'peer1';
export const COORDINATOR = 'coordinator1';
export const SUPERVISOR = 'supervisor1';
/** Access tokens live 15 minutes: sign in again after this long. */
const TOKEN_REUSE_MS = 10 * 60_000;

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

export interface Exchange {
  readonly status: number;
  /** Body bytes as sent (gzip when the server compressed). */
  readonly wireBytes: number;
  readonly rawBytes: number;
  readonly body: string;
  /** Request start → last body byte, on the client. */
  readonly ms: number;
}

export function exchange(
  url: string,
  method: 'GET' | 'POST' | 'PUT',
  token: string,
  body?: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          accept: 'application/fhir+json',
          'accept-encoding': 'gzip',
          authorization: `Bearer ${token}`,
          ...(body !== undefined
            ? { 'content-type': 'application/fhir+json', 'content-length': Buffer.byteLength(body) }
            : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const elapsed = performance.now() - started;
          const wire = Buffer.concat(chunks);
          const raw = res.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
          resolve({
            status: res.statusCode ?? 0,
            wireBytes: wire.length,
            rawBytes: raw.length,
            body: raw.toString('utf8'),
            ms: elapsed,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface ViewLoad {
  /** The batch plus every next page. */
  readonly requests: number;
  readonly wireBytes: number;
  readonly rawBytes: number;
  /** Request start → last body byte of the last response (the batch or its last next page). */
  readonly wireMs: number;
  /** Request start → every response decoded and parsed (Node's gunzip, UTF-8 decode and JSON.parse). */
  readonly ms: number;
  readonly resources: Resource[];
}

/** A search of a batch: a resource type and its parameters in order (ViewSearch, a page's own searches). */
export interface Search {
  readonly resourceType: string;
  readonly params: readonly (readonly [string, string | number | boolean])[];
}

/**
 * A view as the SPA loads it (FhirClient.searchBatch): one batch of the searches, then the `next` pages of each
 * search in turn, the searches in parallel.
 */
export async function loadView(
  fhirBase: string,
  token: string,
  searches: readonly Search[],
): Promise<ViewLoad> {
  const started = performance.now();
  const batch: Bundle = {
    resourceType: 'Bundle',
    type: 'batch',
    entry: searches.map((s) => ({
      request: { method: 'GET', url: `${s.resourceType}?${toQueryString(s.params)}` },
    })),
  };
  const first = await exchange(fhirBase, 'POST', token, JSON.stringify(batch));
  let lastByte = started + first.ms;
  if (first.status !== 200) throw new Error(`batch: HTTP ${first.status} ${first.body.slice(0, 300)}`);
  const response = JSON.parse(first.body) as Bundle;
  if ((response.entry ?? []).length !== searches.length) throw new Error('batch: short response');
  let requests = 1;
  let wireBytes = first.wireBytes;
  let rawBytes = first.rawBytes;
  const resources: Resource[] = [];
  await Promise.all(
    (response.entry ?? []).map(async (entry, i) => {
      const status = Number.parseInt(entry.response?.status ?? '', 10);
      if (!(status >= 200 && status < 300) || entry.resource?.resourceType !== 'Bundle') {
        const why = JSON.stringify(entry.response?.outcome ?? entry.resource ?? {}).slice(0, 300);
        throw new Error(`${searches[i]?.resourceType} search: ${entry.response?.status} ${why}`);
      }
      let page: Bundle = entry.resource;
      for (let pages = 1; ; pages++) {
        for (const e of page.entry ?? []) if (e.resource) resources.push(e.resource);
        const next = page.link?.find((l) => l.relation === 'next')?.url;
        if (!next || pages >= 100) break;
        const pageStarted = performance.now();
        const more = await exchange(new URL(next, `${fhirBase}/`).href, 'GET', token);
        lastByte = Math.max(lastByte, pageStarted + more.ms);
        requests++;
        wireBytes += more.wireBytes;
        rawBytes += more.rawBytes;
        if (more.status !== 200) throw new Error(`next page: HTTP ${more.status} ${more.body.slice(0, 300)}`);
        page = JSON.parse(more.body) as Bundle;
      }
    }),
  );
  return {
    requests,
    wireBytes,
    rawBytes,
    wireMs: lastByte - started,
    ms: performance.now() - started,
    resources,
  };
}

/** The rows the SPA's caseload selector builds (active episode; for a caseload, the practitioner's team). */
export function rowsOf(resources: readonly Resource[], practitioner: string | undefined): string[] {
  const asOf = new Date().toISOString();
  const ids: string[] = [];
  for (const input of derivedRowInputs(resources)) {
    if (practitioner && !summaryListsPractitioner(input.summary, practitioner)) continue;
    if (!summaryFacts(input.summary).episodeActive) continue;
    if (caseloadRowFromDerived(input, asOf)) ids.push(input.patient.id ?? '');
  }
  return ids;
}

/**
 * The rows the coordinator's Adherence grid builds from the program's summaries (no assessments or Flags: adherence
 * reads neither), as `coordination.feature` does.
 */
export function adherenceRowsOf(resources: readonly Resource[]): string[] {
  return adherenceRows(resources, new Date().toISOString()).map((row) => row.patientId);
}

/** Closes the kept-alive sockets. */
export function closeClient(): void {
  agent.destroy();
}

/** Waits (up to 3 s) for a condition that a log line or a hook makes true just after a response. */
export async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
}

// ---- sign-in once per role (SMART authorization code + PKCE over HTTP) ----------------------------------

export interface RoleSession {
  readonly token: string;
  /** `Practitioner/<id>` from the id token's fhirUser claim. */
  readonly practitioner: string;
  readonly at: number;
}

export function sessions(issuerOrigin: string) {
  const cache = new Map<string, RoleSession>();
  const server = {
    auth: { issuer: `${issuerOrigin}/auth` },
    fhirUrl: `${issuerOrigin}/fhir`,
  } as unknown as AuthTestServer;
  return async (username: string): Promise<RoleSession> => {
    const cached = cache.get(username);
    if (cached && Date.now() - cached.at < TOKEN_REUSE_MS) return cached;
    const session = await signIn(server, username, { password: DEMO_PASSWORD });
    const claims = JSON.parse(Buffer.from(session.idToken.split('.')[1] ?? '', 'base64url').toString()) as {
      fhirUser?: string;
    };
    const practitioner = /(Practitioner\/[^/]+)$/.exec(claims.fhirUser ?? '')?.[1];
    if (!practitioner) throw new Error(`${username}: no Practitioner in the id token's fhirUser`);
    const fresh = { token: session.accessToken, practitioner, at: Date.now() };
    cache.set(username, fresh);
    return fresh;
  };
}

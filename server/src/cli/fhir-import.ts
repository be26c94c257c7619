// Loads FHIR JSON files into any FHIR R4 server through its REST API: transaction and batch Bundles are
// POSTed to the base as they are, single resources are PUT to <type>/<id> (POSTed when they have no id).
// Order: definitional resources first (Medication, Organization, Location, Practitioner, …, Patient),
// then batch Bundles (e.g. Synthea provider bundles with ifNoneExist), then transaction Bundles (which may
// use conditional references to what the batches created), then every other single resource.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';

import { referenceParts } from '../../../clinical/fhir/reference';

export interface ImportOptions {
  /** FHIR base URL, e.g. http://127.0.0.1:8080/fhir */
  readonly server: string;
  /** Extra request headers, e.g. `authorization` (called before every request, so tokens can refresh). */
  readonly headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Parallel requests for single resources (bundles always go one at a time). Default 4. */
  readonly concurrency?: number;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  readonly done: number;
  readonly total: number;
  readonly file: string;
  readonly resources: number;
  readonly failures: number;
}

export interface ImportFailure {
  readonly file: string;
  /** Bundle entry index, when the failure is one entry of a batch. */
  readonly entry?: number;
  readonly resourceType?: string;
  readonly status: number;
  readonly reason: string;
}

export interface ImportSummary {
  readonly files: number;
  readonly resourcesByType: Record<string, number>;
  readonly failures: ImportFailure[];
  readonly elapsedMs: number;
}

type Item =
  | {
      readonly kind: 'bundle';
      readonly file: string;
      readonly bundle: Bundle;
      readonly type: 'batch' | 'transaction';
    }
  | { readonly kind: 'resource'; readonly file: string; readonly resource: Resource };

/** Types other resources point at; loaded first so relative references resolve as soon as they are written. */
const FOUNDATION_TYPES = [
  'Organization',
  'Location',
  'Practitioner',
  'PractitionerRole',
  'HealthcareService',
  'Medication',
  'Substance',
  'Device',
  'Patient',
  'RelatedPerson',
  'Group',
];

export async function importFhir(paths: readonly string[], options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const base = options.server.replace(/\/+$/, '');
  const files = (await Promise.all(paths.map((p) => listJsonFiles(p)))).flat();
  const failures: ImportFailure[] = [];
  const resourcesByType: Record<string, number> = {};
  const items: Item[] = [];

  for (const file of files) {
    try {
      const json = JSON.parse(await readFile(file, 'utf8')) as Resource;
      if (typeof json?.resourceType !== 'string') {
        throw new Error('not a FHIR resource (no resourceType)');
      }
      if (json.resourceType === 'Bundle' && (json.type === 'transaction' || json.type === 'batch')) {
        items.push({ kind: 'bundle', file, bundle: json, type: json.type });
      } else {
        items.push({ kind: 'resource', file, resource: json });
      }
    } catch (err) {
      failures.push({ file, status: 0, reason: `unreadable: ${(err as Error).message}` });
    }
  }

  const rank = (item: Item): number => {
    if (item.kind === 'bundle') {
      return item.type === 'batch' ? 1 : 2;
    }
    const foundation = FOUNDATION_TYPES.indexOf(item.resource.resourceType);
    return foundation >= 0 ? foundation / 100 : 3;
  };
  const ordered = items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.index - b.index);

  let done = 0;
  const count = (type: string): void => {
    resourcesByType[type] = (resourcesByType[type] ?? 0) + 1;
  };
  const progress = (file: string): void => {
    done++;
    options.onProgress?.({
      done,
      total: ordered.length,
      file,
      resources: Object.values(resourcesByType).reduce((a, b) => a + b, 0),
      failures: failures.length,
    });
  };

  const send = (method: string, url: string, body: unknown): Promise<HttpResult> =>
    request(base, options, method, url, body);

  // Items of equal rank form a group: bundles go one by one, single resources of a group in parallel.
  let i = 0;
  while (i < ordered.length) {
    const groupRank = rank(ordered[i].item);
    const group: Item[] = [];
    for (; i < ordered.length && rank(ordered[i].item) === groupRank; i++) {
      group.push(ordered[i].item);
    }
    await forEachLimited(group, group[0].kind === 'bundle' ? 1 : (options.concurrency ?? 4), async (item) => {
      if (item.kind === 'bundle') {
        await importBundle(item, send, count, failures);
      } else {
        await importResource(item, send, count, failures);
      }
      progress(item.file);
    });
  }

  return { files: files.length, resourcesByType, failures, elapsedMs: performance.now() - started };
}

interface HttpResult {
  readonly status: number;
  readonly body: Resource | undefined;
}

/** The one place requests are made: every request gets the same headers (and later, a token). */
async function request(
  base: string,
  options: ImportOptions,
  method: string,
  url: string,
  body: unknown,
): Promise<HttpResult> {
  const headers = {
    accept: 'application/fhir+json',
    'content-type': 'application/fhir+json',
    ...(await options.headers?.()),
  };
  const response = await fetch(url ? `${base}/${url}` : base, {
    method,
    headers,
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Resource | undefined;
  try {
    parsed = text ? (JSON.parse(text) as Resource) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed };
}

async function importBundle(
  item: Extract<Item, { kind: 'bundle' }>,
  send: (method: string, url: string, body: unknown) => Promise<HttpResult>,
  count: (type: string) => void,
  failures: ImportFailure[],
): Promise<void> {
  const entries = item.bundle.entry ?? [];
  let result: HttpResult;
  try {
    result = await send('POST', '', item.bundle);
  } catch (err) {
    failures.push({ file: item.file, status: 0, reason: `request failed: ${(err as Error).message}` });
    return;
  }
  const response = result.body as Bundle | undefined;
  if (result.status >= 300 || response?.resourceType !== 'Bundle') {
    failures.push({ file: item.file, status: result.status, reason: describe(result.body) });
    return;
  }
  (response.entry ?? []).forEach((entry: BundleEntry, index: number) => {
    const status = Number.parseInt(entry.response?.status ?? '0', 10);
    const resourceType = typeOf(entry, entries[index]);
    if (status >= 200 && status < 300) {
      count(resourceType ?? 'unknown');
    } else {
      failures.push({
        file: item.file,
        entry: index,
        resourceType,
        status,
        reason: describe(entry.response?.outcome ?? entry.resource),
      });
    }
  });
}

async function importResource(
  item: Extract<Item, { kind: 'resource' }>,
  send: (method: string, url: string, body: unknown) => Promise<HttpResult>,
  count: (type: string) => void,
  failures: ImportFailure[],
): Promise<void> {
  const { resource } = item;
  try {
    const result = resource.id
      ? await send('PUT', `${resource.resourceType}/${encodeURIComponent(resource.id)}`, resource)
      : await send('POST', resource.resourceType, resource);
    if (result.status >= 200 && result.status < 300) {
      count(resource.resourceType);
    } else {
      failures.push({
        file: item.file,
        resourceType: resource.resourceType,
        status: result.status,
        reason: describe(result.body),
      });
    }
  } catch (err) {
    failures.push({
      file: item.file,
      resourceType: resource.resourceType,
      status: 0,
      reason: `request failed: ${(err as Error).message}`,
    });
  }
}

function typeOf(responseEntry: BundleEntry, requestEntry: BundleEntry | undefined): string | undefined {
  const location = responseEntry.response?.location;
  return (
    responseEntry.resource?.resourceType ??
    requestEntry?.resource?.resourceType ??
    referenceParts(location)?.type
  );
}

function describe(body: Resource | undefined): string {
  if (body?.resourceType === 'OperationOutcome') {
    const issues = (body as OperationOutcome).issue ?? [];
    return (
      issues
        .map((i) =>
          [i.details?.text ?? i.diagnostics ?? i.code, i.expression?.join(', ')].filter(Boolean).join(' at '),
        )
        .join('; ') || 'error'
    );
  }
  return body ? `unexpected ${body.resourceType}` : 'no response body';
}

async function listJsonFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) {
    return [path];
  }
  const names = (await readdir(path)).sort();
  const nested = await Promise.all(
    names.map(async (name) => {
      const child = join(path, name);
      const childInfo = await stat(child);
      if (childInfo.isDirectory()) {
        return listJsonFiles(child);
      }
      return name.endsWith('.json') ? [child] : [];
    }),
  );
  return nested.flat();
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** A plain-text summary, one line per type and per failure. */
export function formatSummary(summary: ImportSummary, cwd: string = process.cwd()): string {
  const total = Object.values(summary.resourcesByType).reduce((a, b) => a + b, 0);
  const lines = [
    `Imported ${total} resources from ${summary.files} files in ${(summary.elapsedMs / 1000).toFixed(1)} s` +
      (summary.failures.length ? `, ${summary.failures.length} failures` : ''),
  ];
  for (const [type, n] of Object.entries(summary.resourcesByType).sort((a, b) => b[1] - a[1])) {
    lines.push(`  ${type.padEnd(28)} ${String(n).padStart(7)}`);
  }
  for (const f of summary.failures) {
    const where = `${relative(cwd, f.file)}${f.entry !== undefined ? ` entry ${f.entry}` : ''}`;
    lines.push(
      `  FAILED ${where}${f.resourceType ? ` (${f.resourceType})` : ''}: ${f.status || 'no response'} ${f.reason}`,
    );
  }
  return lines.join('\n');
}

// Server storage/search benchmark (issue #3). Not a test: prints a table.
//   npm run bench:server -- [--sizes 50000,1000000] [--iterations 40]
// For each size: bulk-loads a generated clinic into a fresh SqliteRepository (a temp file), then measures
// (a) one patient's Observations by code sorted by date, (b) a counselor's caseload with _include/_revinclude
// (store only — no HTTP, no token, no access policy; bench/views.ts measures the real path),
// (c) a 5-search batch for one patient chart (through FhirRouter), (d) Observation?_summary=count.
// At sizes ≤ 50,000 the same queries also run against fhir-router's MemoryRepository for comparison.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { parseSearchRequest } from '@medplum/core';
import type { FhirRepository } from '@medplum/fhir-router';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';
import type { Bundle } from '@medplum/fhirtypes';

import { initFhirDefinitions } from '../server/src/store/definitions';
import { SqliteRepository } from '../server/src/store/sqlite-repository';
import { type ClinicShape, clinicShape, counselorId, generateClinic, patientId } from './server-clinic';

/** A full collection before reading RSS (the V8 flag set at run time, not on the command line). */
function collectGarbage(): void {
  setFlagsFromString('--expose_gc');
  (runInNewContext('gc') as () => void)();
}

interface Args {
  sizes: number[];
  iterations: number;
  memoryLimit: number;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(name + '='))?.split('=')[1];
  };
  return {
    sizes: (get('--sizes') ?? '50000,1000000').split(',').map(Number),
    iterations: Number(get('--iterations') ?? 40),
    memoryLimit: Number(get('--memory-limit') ?? 50000),
  };
}

type QueryName = 'a' | 'b' | 'c' | 'd';
const QUERY_LABELS: Record<QueryName, string> = {
  a: "(a) patient's Observations by code, sorted by date",
  // The store alone: what the real caseload costs over HTTP with a user token and the policy is bench:views.
  b: '(b) store only — no HTTP, no token, no policy; see bench:views for the real path',
  c: '(c) 5-search batch for one patient chart',
  d: '(d) Observation?_summary=count',
};

interface Query {
  readonly name: QueryName;
  run(repo: FhirRepository, router: FhirRouter, i: number): Promise<number>;
}

/** Each query returns the number of entries it got, so the benchmark can check they are not empty. */
function queries(shape: ClinicShape): Query[] {
  const patient = (i: number): string => patientId((i * 7919) % shape.patients);
  return [
    {
      name: 'a',
      run: async (repo, _router, i) =>
        entries(
          await repo.search(
            parseSearchRequest(
              `Observation?subject=Patient/${patient(i)}&code=http://loinc.org|59673-4&_sort=-date&_count=50`,
            ),
          ),
        ),
    },
    {
      name: 'b',
      run: async (repo, _router, i) =>
        entries(
          await repo.search(
            parseSearchRequest(
              `CareTeam?participant=Practitioner/${counselorId(i % shape.counselors)}&status=active` +
                '&_include=CareTeam:subject&_revinclude:iterate=EpisodeOfCare:patient&_count=100',
            ),
          ),
        ),
    },
    {
      name: 'c',
      run: async (repo, router, i) => {
        const p = patient(i);
        const batch: Bundle = {
          resourceType: 'Bundle',
          type: 'batch',
          entry: [
            `Observation?subject=Patient/${p}&_sort=-date&_count=20`,
            `MedicationRequest?subject=Patient/${p}&status=active`,
            `Encounter?subject=Patient/${p}&_sort=-date&_count=10`,
            `EpisodeOfCare?patient=Patient/${p}&_include=EpisodeOfCare:care-manager`,
            `CareTeam?subject=Patient/${p}`,
          ].map((url) => ({ request: { method: 'GET', url } })),
        };
        const [outcome, result] = await router.handleRequest(
          {
            method: 'POST',
            url: '',
            pathname: '',
            body: batch,
            params: {},
            query: {},
            config: { transactions: true },
          },
          repo,
        );
        if (outcome.issue?.[0]?.severity === 'error') {
          throw new Error(JSON.stringify(outcome));
        }
        return ((result as Bundle).entry ?? []).reduce((n, e) => n + entries(e.resource as Bundle), 0);
      },
    },
    {
      name: 'd',
      run: async (repo) => (await repo.search(parseSearchRequest('Observation?_summary=count'))).total ?? 0,
    },
  ];
}

function entries(bundle: Bundle | undefined): number {
  return bundle?.entry?.length ?? 0;
}

interface Stats {
  p50: number;
  p95: number;
  results: number;
}

async function measure(repo: FhirRepository, query: Query, iterations: number): Promise<Stats> {
  const router = new FhirRouter();
  await query.run(repo, router, 10_000); // warm-up
  const times: number[] = [];
  let results = 0;
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    results += await query.run(repo, router, i);
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const pick = (q: number): number =>
    times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] as number;
  return { p50: pick(0.5), p95: pick(0.95), results: results / iterations };
}

async function benchSize(size: number, args: Args, dir: string): Promise<void> {
  const shape = clinicShape(size);
  const file = join(dir, `clinic-${size}.db`);
  const repo = new SqliteRepository(file, { validate: false });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let loaded = 0;
  for (const batch of generateClinic(shape)) {
    loaded += await repo.bulkLoad(batch);
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const loadCpuSeconds = (cpu.user + cpu.system) / 1e6;
  repo.database.pragma('wal_checkpoint(TRUNCATE)');
  collectGarbage();
  const rss = process.memoryUsage().rss;
  const dbBytes = fileSize(file) + fileSize(file + '-wal');

  console.log(
    `\n## ${loaded.toLocaleString('en-US')} resources (${shape.patients} patients, ${shape.counselors} counselors)`,
  );
  console.log(
    `bulk load: ${loadSeconds.toFixed(1)} s = ${Math.round(loaded / loadSeconds).toLocaleString('en-US')} resources/s ` +
      `(CPU ${loadCpuSeconds.toFixed(1)} s = ${Math.round(loaded / loadCpuSeconds).toLocaleString('en-US')} resources per CPU-second; ` +
      `load average ${loadavg()[0]?.toFixed(1)})`,
  );
  console.log(`RSS after load: ${mb(rss)} MB; database file: ${mb(dbBytes)} MB`);

  const sqlite: Partial<Record<QueryName, Stats>> = {};
  for (const q of queries(shape)) {
    sqlite[q.name] = await measure(repo, q, args.iterations);
  }

  let memory: Partial<Record<QueryName, Stats>> | undefined;
  if (size <= args.memoryLimit) {
    const mem = new MemoryRepository();
    await mem.withSeeding(async () => {
      for (const batch of generateClinic(shape)) {
        for (const resource of batch) {
          await mem.createResource(resource, { assignedId: true });
        }
      }
    });
    memory = {};
    for (const q of queries(shape)) {
      memory[q.name] = await measure(mem, q, Math.max(5, Math.round(args.iterations / 8)));
    }
  }

  console.log('');
  console.log(
    memory
      ? '| query | SQLite p50 | SQLite p95 | Memory p50 | Memory p95 | p50 ratio | entries |'
      : '| query | SQLite p50 | SQLite p95 | entries |',
  );
  console.log(memory ? '|---|---:|---:|---:|---:|---:|---:|' : '|---|---:|---:|---:|');
  for (const name of ['a', 'b', 'c', 'd'] as QueryName[]) {
    const s = sqlite[name] as Stats;
    const m = memory?.[name];
    const cells = [QUERY_LABELS[name], ms(s.p50), ms(s.p95)];
    if (m) {
      cells.push(ms(m.p50), ms(m.p95), `${Math.round(m.p50 / s.p50)}×`);
    }
    cells.push(name === 'd' ? `total ${s.results}` : s.results.toFixed(0));
    console.log(`| ${cells.join(' | ')} |`);
  }
  await repo.close();
  rmSync(file, { force: true });
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
const ms = (v: number): string => `${v.toFixed(2)} ms`;

const args = parseArgs(process.argv.slice(2));
initFhirDefinitions();
console.log(`# Waypoint server benchmark — ${new Date().toISOString()}`);
console.log(
  `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg()[0]?.toFixed(1)}`,
);
const dir = mkdtempSync(join(tmpdir(), 'waypoint-bench-'));
try {
  for (const size of args.sizes) {
    await benchSize(size, args, dir);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

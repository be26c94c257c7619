/**
 * The demo clinic at server start: definitions always (idempotent), and on an empty database the generated
 * clinic, bulk-loaded with progress. Later starts find patients and do nothing more.
 */
import type { FhirRepository } from '@medplum/fhir-router';
import type { Resource } from '@medplum/fhirtypes';

import { todayIso } from './clock';
import { type DefinitionsReport, ensureClinicDefinitions } from './definitions-loader';
import { clinicSettings, DEFAULT_PATIENTS, DEFAULT_SEED, generateClinicBatches } from './generate';

export { ensureClinicDefinitions } from './definitions-loader';
export { DEFAULT_PATIENTS, DEFAULT_SEED, generateClinic } from './generate';
export { DEMO_PASSWORD, demoStaff } from './staff';

/** A repository that can load many resources at once, keeping their ids (SqliteRepository). */
export interface BulkLoader {
  bulkLoad(resources: readonly Resource[], options?: { chunkSize?: number }): Promise<number>;
}

export interface DemoProgress {
  readonly phase: 'definitions' | 'generating' | 'done';
  readonly patientsDone: number;
  readonly patients: number;
  readonly resources: number;
}

export interface EnsureDemoClinicOptions {
  /** Generator seed (default and `'demo'`: {@link DEFAULT_SEED}); `'none'` loads the definitions only. */
  readonly seed?: string;
  /** The clinic's today, YYYY-MM-DD (default: today's UTC date). */
  readonly asOf?: string;
  readonly patients?: number;
  readonly onProgress?: (progress: DemoProgress) => void;
}

export interface DemoClinicReport {
  readonly definitions: DefinitionsReport;
  /** False when the database already held patients (or seeding was disabled). */
  readonly seeded: boolean;
  readonly resources: number;
  readonly millis: number;
}

function hasBulkLoad(repo: FhirRepository): repo is FhirRepository & BulkLoader {
  return typeof (repo as Partial<BulkLoader>).bulkLoad === 'function';
}

/** Loads the definitions, then the demo clinic unless the database already holds a Patient. */
export async function ensureDemoClinic(
  repo: FhirRepository,
  options: EnsureDemoClinicOptions = {},
): Promise<DemoClinicReport> {
  const started = performance.now();
  const seed = options.seed === undefined || options.seed === 'demo' ? DEFAULT_SEED : options.seed;
  const settings = clinicSettings({
    seed,
    patients: options.patients ?? DEFAULT_PATIENTS,
    asOf: options.asOf ?? todayIso(),
  });
  const report = (definitions: DefinitionsReport, seeded: boolean, resources: number) => ({
    definitions,
    seeded,
    resources,
    millis: Math.round(performance.now() - started),
  });
  options.onProgress?.({ phase: 'definitions', patientsDone: 0, patients: settings.patients, resources: 0 });
  const definitions = await ensureClinicDefinitions(repo);
  if (seed === 'none') return report(definitions, false, 0);
  const existing = await repo.search({ resourceType: 'Patient', count: 1 });
  if ((existing.entry?.length ?? 0) > 0) return report(definitions, false, 0);

  let resources = 0;
  let patientsDone = -1; // the first batch is the staff
  let pending: Resource[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    if (hasBulkLoad(repo)) await repo.bulkLoad(pending);
    else for (const r of pending) await repo.createResource(r, { assignedId: true });
    resources += pending.length;
    pending = [];
  };
  for (const batch of generateClinicBatches(settings)) {
    pending.push(...batch);
    patientsDone++;
    if (pending.length >= 5000) {
      await flush();
      options.onProgress?.({ phase: 'generating', patientsDone, patients: settings.patients, resources });
    }
  }
  await flush();
  options.onProgress?.({
    phase: 'done',
    patientsDone: settings.patients,
    patients: settings.patients,
    resources,
  });
  return report(definitions, true, resources);
}

/** A one-line progress bar for a terminal (stderr), e.g. for the server's first start and the CLI. */
export function progressBar(write: (text: string) => void = (t) => process.stderr.write(t)) {
  let last = '';
  return (p: DemoProgress) => {
    const width = 30;
    const fraction = p.patients === 0 ? 1 : Math.max(0, p.patientsDone) / p.patients;
    const filled = Math.round(fraction * width);
    const line =
      p.phase === 'definitions'
        ? 'Loading clinic definitions…'
        : `Demo clinic [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.max(0, p.patientsDone)}/${p.patients} patients, ${p.resources} resources`;
    if (line === last) return;
    last = line;
    write(`\r${line}${p.phase === 'done' ? '\n' : ''}`);
  };
}

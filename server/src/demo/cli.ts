/**
 * Demo-clinic command line.
 *   npm run demo:generate -- [--patients N] [--seed S] [--as-of YYYY-MM-DD] [--out file.ndjson | --db path]
 *     Generates the clinic: as NDJSON (one resource per line, definitions first) or into a SQLite database
 *     (default: WAYPOINT_DB or data/waypoint.db; refused if it already holds patients).
 *   npm run demo:reset -- [--patients N] [--seed S] [--as-of YYYY-MM-DD] [--db path]
 *     Deletes the database file and loads the definitions and a fresh demo clinic.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { clinicDefinitions } from '../../../clinical/templates/index';
import { initFhirDefinitions } from '../store/definitions';
import { SqliteRepository } from '../store/sqlite-repository';
import { todayIso } from './clock';
import { DEFAULT_PATIENTS, DEFAULT_SEED, generateClinicBatches } from './generate';
import { ensureDemoClinic, progressBar } from './index';

const USAGE = `usage: demo:generate [--patients N] [--seed S] [--as-of YYYY-MM-DD] [--out file.ndjson | --db path]
       demo:reset [--patients N] [--seed S] [--as-of YYYY-MM-DD] [--db path]`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      patients: { type: 'string' },
      seed: { type: 'string' },
      'as-of': { type: 'string' },
      out: { type: 'string' },
      db: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || (command !== 'generate' && command !== 'reset')) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const patients = values.patients === undefined ? DEFAULT_PATIENTS : Number(values.patients);
  const seed = values.seed ?? DEFAULT_SEED;
  const asOf = values['as-of'] ?? todayIso();
  const started = performance.now();

  if (command === 'generate' && values.out) {
    const out = resolve(values.out);
    mkdirSync(dirname(out), { recursive: true });
    const stream = createWriteStream(out);
    let count = 0;
    const write = async (line: string) => {
      if (!stream.write(line)) await once(stream, 'drain');
    };
    for (const r of clinicDefinitions()) {
      await write(`${JSON.stringify(r)}\n`);
      count++;
    }
    for (const batch of generateClinicBatches({ patients, seed, asOf })) {
      await write(batch.map((r) => JSON.stringify(r)).join('\n') + '\n');
      count += batch.length;
    }
    stream.end();
    await once(stream, 'finish');
    console.error(
      `Wrote ${count} resources to ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return;
  }

  const dbPath = resolve(values.db ?? process.env['WAYPOINT_DB'] ?? 'data/waypoint.db');
  if (command === 'reset') {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  } else if (existsSync(dbPath)) {
    console.error(
      `${dbPath} exists; it will be kept if it already holds patients (use demo:reset to rebuild).`,
    );
  }
  mkdirSync(dirname(dbPath), { recursive: true });
  initFhirDefinitions();
  const repo = new SqliteRepository(dbPath, { validate: false });
  try {
    const report = await ensureDemoClinic(repo, { seed, asOf, patients, onProgress: progressBar() });
    console.error(
      report.seeded
        ? `Loaded ${report.resources} resources (${patients} patients, seed ${seed}, as of ${asOf}) into ${dbPath} in ${(report.millis / 1000).toFixed(1)} s`
        : `${dbPath} already holds patients: definitions checked (${report.definitions.created} created, ${report.definitions.updated} updated), nothing generated.`,
    );
  } finally {
    await repo.close();
  }
}

await main(process.argv.slice(2));

// bench:views on the bench database, in-process, once the server has stopped: the access policy's cost (the same
// batch on two Fastify apps over one SqliteRepository, one with the SMART auth plugin as main.ts builds it, one
// open) and the deriver (Deriver.derive per patient, a whole-clinic sweep where nothing changed).
import type { Reference, Resource } from '@medplum/fhirtypes';
import type { FastifyInstance } from 'fastify';

import { caseloadSearches } from '../clinical/index';
import { buildApp } from '../server/src/app';
import { createSmartAuth } from '../server/src/auth/smart-auth';
import { Deriver, type DeriverSource } from '../server/src/derive/deriver';
import { StoreDeriverSource } from '../server/src/derive/store-source';
import { initFhirDefinitions } from '../server/src/store/definitions';
import { SqliteRepository } from '../server/src/store/sqlite-repository';
import { loadView, rowsOf, sessions, until } from './views-client';

export interface InProcessSettings {
  readonly iterations: number;
  readonly warmup: number;
  /** Ports of the app with auth and of the open app. */
  readonly ports: { readonly withAuth: number; readonly open: number };
  /** Patients re-derived one by one. */
  readonly deriveSample: number;
  readonly onError: (what: string, error: unknown) => void;
}

export interface PolicyFigures {
  readonly role: string;
  /** Resources returned with the policy / by the open app. */
  readonly resources: readonly [number, number];
  /** Rows built from each (the same patients when the policy hides nothing a row needs). */
  readonly rows: readonly [number, number];
  readonly sameRows: boolean;
  readonly withClient: number[];
  readonly openClient: number[];
  readonly withServer: number[];
  readonly openServer: number[];
}

export interface DeriveFigures {
  readonly deriveMs: number[];
  readonly deriveWritten: number;
  readonly sweepSeconds: number;
  readonly sweepPatients: number;
  readonly sweepWritten: number;
  readonly sweepFailures: number;
}

/** Counts what the deriver writes (the resources handed to `write`). */
class CountingSource implements DeriverSource {
  written = 0;
  constructor(private readonly inner: DeriverSource) {}
  load(patientId: string) {
    return this.inner.load(patientId);
  }
  write(resources: readonly Resource[], provenance: (written: readonly Reference[]) => Resource) {
    this.written += resources.length;
    return this.inner.write(resources, provenance);
  }
  patientIds() {
    return this.inner.patientIds();
  }
}

/** Hooks recording each /fhir request's server time (reply.elapsedTime), as the server's own log does. */
function timing(sink: number[]) {
  return (app: FastifyInstance) => {
    app.addHook('onResponse', async (request, reply) => {
      if (request.url.startsWith('/fhir')) sink.push(reply.elapsedTime);
    });
  };
}

export async function measureInProcess(
  dbPath: string,
  roles: readonly string[],
  settings: InProcessSettings,
): Promise<{ policy: PolicyFigures[]; derive?: DeriveFigures }> {
  const { iterations, warmup, ports, onError } = settings;
  initFhirDefinitions();
  const repository = new SqliteRepository(dbPath, { validate: false });
  const apps: FastifyInstance[] = [];
  const policy: PolicyFigures[] = [];
  let derive: DeriveFigures | undefined;
  try {
    const origin = `http://127.0.0.1:${ports.withAuth}`;
    const auth = await createSmartAuth({
      db: repository.database,
      serializeWrites: (write) => repository.exclusive(write),
      publicUrl: origin,
      store: repository,
    });
    const withTimes: number[] = [];
    const openTimes: number[] = [];
    const withAuth = await buildApp({
      repository,
      plugins: [auth.plugin, timing(withTimes)],
      extendCapabilityStatement: auth.extendCapabilityStatement,
    });
    const open = await buildApp({ repository, plugins: [timing(openTimes)] });
    apps.push(withAuth, open);
    await withAuth.listen({ port: ports.withAuth, host: '127.0.0.1' });
    await open.listen({ port: ports.open, host: '127.0.0.1' });
    const session = sessions(origin);
    const openBase = `http://127.0.0.1:${ports.open}/fhir`;
    for (const role of roles) {
      try {
        const { token, practitioner } = await session(role);
        // The same batch on both: caseloadSearches scope themselves (performer, the care-team `_has` chain),
        // so the open app returns the same patients; with auth the policy adds its own scope on top.
        const searches = caseloadSearches(practitioner);
        const figures = {
          role,
          withClient: [] as number[],
          openClient: [] as number[],
          withServer: [] as number[],
          openServer: [] as number[],
        };
        let withRows: string[] = [];
        let openRows: string[] = [];
        let resources: [number, number] = [0, 0];
        for (let i = 0; i < warmup + iterations; i++) {
          // Alternate, so drift on a shared machine hits both alike.
          const withMark = withTimes.length;
          const w = await loadView(`${origin}/fhir`, token, searches);
          const openMark = openTimes.length;
          const o = await loadView(openBase, 'no-token', searches);
          // onResponse runs once the reply is written: the client may have read it a moment earlier.
          await until(
            () => withTimes.length >= withMark + w.requests && openTimes.length >= openMark + o.requests,
          );
          if (i >= warmup) {
            figures.withClient.push(w.wireMs);
            figures.openClient.push(o.wireMs);
            figures.withServer.push(withTimes[withMark] ?? NaN);
            figures.openServer.push(openTimes[openMark] ?? NaN);
          }
          withRows = rowsOf(w.resources, practitioner).sort();
          openRows = rowsOf(o.resources, practitioner).sort();
          resources = [w.resources.length, o.resources.length];
        }
        policy.push({
          ...figures,
          resources,
          rows: [withRows.length, openRows.length],
          sameRows: withRows.join() === openRows.join(),
        });
      } catch (error) {
        onError(`policy overhead (${role})`, error);
      }
    }
    await Promise.all(apps.map((app) => app.close()));
    apps.length = 0;

    try {
      derive = await measureDerivation(repository, settings.deriveSample);
    } catch (error) {
      onError('in-process derivation', error);
    }
  } finally {
    await Promise.all(apps.map((app) => app.close()));
    await repository.close();
  }
  return { policy, ...(derive ? { derive } : {}) };
}

/** Patients derived, outside the sample, before the timed ones. */
const DERIVE_WARMUP = 30;

async function measureDerivation(repository: SqliteRepository, size: number): Promise<DeriveFigures> {
  const ids = await repository.patientIds();
  const step = Math.max(1, Math.floor(ids.length / size));
  const sample = ids.filter((_, i) => i % step === 0).slice(0, size);
  const source = new CountingSource(new StoreDeriverSource(repository));
  const deriver = new Deriver(source);
  try {
    // Warm up on 30 patients outside the sample: the embedded server's deriver is warm from its start-up
    // sweep, this process is new (with 5, the sample's p95 at 240 patients was JIT warm-up: 40 ms instead of 12).
    for (const id of ids.filter((_, i) => i % step === 1).slice(0, DERIVE_WARMUP))
      await deriver.derive(id, 'time-passed');
    source.written = 0;
    const deriveMs: number[] = [];
    for (const id of sample) {
      const started = performance.now();
      await deriver.derive(id, 'time-passed');
      deriveMs.push(performance.now() - started);
    }
    const deriveWritten = source.written;
    // The whole clinic again, nothing changed since the first sweep (except the UDS screens posted above,
    // already derived by their writes): reads and rules only.
    const sweepSource = new CountingSource(new StoreDeriverSource(repository));
    let sweepFailures = 0;
    const sweeper = new Deriver(sweepSource, { onError: () => sweepFailures++ });
    const started = performance.now();
    await sweeper.sweep('time-passed');
    const sweepSeconds = (performance.now() - started) / 1000;
    sweeper.stop();
    return {
      deriveMs,
      deriveWritten,
      sweepSeconds,
      sweepPatients: ids.length,
      sweepWritten: sweepSource.written,
      sweepFailures,
    };
  } finally {
    deriver.stop();
  }
}

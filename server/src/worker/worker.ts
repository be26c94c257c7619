/**
 * The clinical deriver as a standalone worker against any FHIR R4 server, over HTTP only (docs/derived-state.md):
 * it derives every patient once, then whichever patients' records change (found by polling `_lastUpdated`, or
 * pushed by rest-hook Subscriptions with polling as a safety net), and, through the deriver's own clock, every
 * patient whose answer time alone changes. The same Deriver as in the embedded server; only the source differs.
 */
import type { Reference, Resource } from '@medplum/fhirtypes';

import { type Clock, systemClock } from '../derive/clock';
import { Deriver, type DeriverSource } from '../derive/deriver';
import { systemAuth, type WorkerAuthOptions } from './access-token';
import { ChangeMapper, ChangePoller, WATCHED_TYPES } from './changes';
import { FhirClient, FhirHttpError } from './fhir-client';
import { HttpDeriverSource, type HttpSourceOptions } from './http-source';
import { NotificationListener, notificationSecret, subscribe, type SubscriptionSet } from './subscriptions';

export interface WorkerOptions extends HttpSourceOptions {
  /** FHIR base URL. */
  readonly server: string;
  /** How the worker gets its token; `none` for an open server. */
  readonly auth: Omit<WorkerAuthOptions, 'baseUrl'> | 'none';
  /** Seconds between polls (default 15). With Subscriptions: the safety-net poll, at least every 5 minutes. */
  readonly pollSeconds?: number;
  /** Public URL of this worker's notification endpoint: create rest-hook Subscriptions and listen on its port. */
  readonly subscribe?: string;
  /** Interface the listener binds (default all). */
  readonly listenHost?: string;
  readonly clock?: Clock;
  readonly fetch?: typeof fetch;
  /** One line per event: counts and durations only. */
  readonly log?: (line: string) => void;
}

export interface SweepReport {
  readonly patients: number;
  readonly written: number;
  readonly failed: number;
  readonly ms: number;
}

/** With Subscriptions, polling only catches what a notification missed. */
const SAFETY_NET_POLL_SECONDS = 300;

export class DeriverWorker {
  readonly client: FhirClient;
  readonly source: HttpDeriverSource;
  readonly deriver: Deriver;
  private readonly counting: CountingSource;
  private readonly poller: ChangePoller;
  private readonly mapper: ChangeMapper;
  private readonly log: (line: string) => void;
  private readonly clock: Clock;
  private failures = 0;
  private rulesDevice: Promise<void> | undefined;
  private subscriptions: SubscriptionSet | undefined;
  private listener: NotificationListener | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private polling: Promise<ReadonlySet<string>> | undefined;
  private pollAgain = false;
  private stopped = false;
  private resolveStopped: (() => void) | undefined;

  constructor(private readonly options: WorkerOptions) {
    this.log = options.log ?? ((line) => console.error(line));
    this.clock = options.clock ?? systemClock;
    this.client = new FhirClient({
      baseUrl: options.server,
      ...(options.auth === 'none' ? {} : { auth: systemAuth({ ...options.auth, baseUrl: options.server }) }),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.source = new HttpDeriverSource(this.client, options);
    this.counting = new CountingSource(this.source);
    this.deriver = new Deriver(this.counting, {
      clock: this.clock,
      onError: (_patientId, error) => {
        this.failures++;
        this.log(`derivation failed: ${describe(error)}`);
      },
    });
    this.poller = new ChangePoller(this.client, options.pageSize ? { pageSize: options.pageSize } : {});
    this.mapper = new ChangeMapper(this.client, options.pageSize);
  }

  /** Derives every patient on the server once (changed facts are written, unchanged ones are not). */
  async sweep(): Promise<SweepReport> {
    const started = Date.now();
    const before = this.counters();
    this.rulesDevice ??= this.source.ensureRulesDevice().catch((err: unknown) => {
      this.rulesDevice = undefined;
      throw err;
    });
    await this.rulesDevice;
    const patients = (await this.source.patientIds()).length;
    await this.deriver.sweep('rules-changed');
    const report = this.since(before, patients, started);
    this.log(
      `swept ${report.patients} patients: ${report.written} resources written, ${report.failed} failed, in ${seconds(report.ms)}`,
    );
    return report;
  }

  /** One poll for changes; resolves once the changed patients are derived, with their ids. */
  poll(): Promise<ReadonlySet<string>> {
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    this.polling = this.pollOnce().finally(() => {
      this.polling = undefined;
      if (this.pollAgain && !this.stopped) {
        this.pollAgain = false;
        void this.poll().catch(() => undefined);
      }
    });
    return this.polling;
  }

  /**
   * The worker's life: watermarks at the server's clock, a sweep of every patient, Subscriptions if asked for,
   * then polls until `stop()`. Resolves when stopped.
   */
  async run(): Promise<void> {
    await this.poller.start();
    await this.sweep();
    if (this.options.subscribe) await this.startSubscriptions(this.options.subscribe);
    const stoppedPromise = new Promise<void>((resolve) => (this.resolveStopped = resolve));
    this.schedulePoll();
    await stoppedPromise;
  }

  /** Stops polling and listening, deletes the Subscriptions, and waits for a derivation under way. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.deriver.stop();
    await this.listener?.close();
    try {
      await this.subscriptions?.remove();
    } catch (err) {
      this.log(`could not delete the Subscriptions: ${describe(err)}`);
    }
    await this.polling?.catch(() => undefined);
    await this.deriver.idle();
    this.resolveStopped?.();
  }

  /** Creates the Subscriptions and starts the listener on the public URL's port. */
  async startSubscriptions(publicUrl: string, port?: number): Promise<number> {
    const url = new URL(publicUrl);
    const authorization = notificationSecret();
    this.listener = new NotificationListener(
      this.client,
      this.mapper,
      {
        onPatients: (patients) => {
          this.log(`notified: ${patients.size} patients`);
          this.deriver.notify(patients);
        },
        onUnplaced: () => void this.poll().catch(() => undefined),
      },
      {
        port: port ?? Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
        ...(this.options.listenHost ? { host: this.options.listenHost } : {}),
        authorization,
        basePath: url.pathname,
      },
    );
    const bound = await this.listener.listen();
    this.subscriptions = await subscribe(this.client, publicUrl, WATCHED_TYPES, authorization);
    this.log(`subscribed: ${this.subscriptions.ids.length} Subscriptions, listening on port ${bound}`);
    return bound;
  }

  private async pollOnce(): Promise<ReadonlySet<string>> {
    const started = Date.now();
    const changed = await this.poller.poll();
    const patients = changed.length > 0 ? await this.mapper.patientsOf(changed) : new Set<string>();
    if (patients.size > 0) {
      const before = this.counters();
      this.deriver.notify(patients);
      await this.deriver.settled();
      const report = this.since(before, patients.size, started);
      this.log(
        `poll: ${changed.length} changes, ${patients.size} patients derived, ${report.written} resources written, in ${seconds(report.ms)}`,
      );
    }
    return patients;
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    const every = this.options.pollSeconds ?? 15;
    const interval = this.options.subscribe ? Math.max(every, SAFETY_NET_POLL_SECONDS) : every;
    this.pollTimer = setTimeout(() => {
      this.poll()
        .catch((err: unknown) => this.log(`poll failed: ${describe(err)}`))
        .finally(() => this.schedulePoll());
    }, interval * 1000);
  }

  private counters(): { written: number; failed: number } {
    return { written: this.counting.written, failed: this.failures };
  }

  private since(before: { written: number; failed: number }, patients: number, started: number): SweepReport {
    return {
      patients,
      written: this.counting.written - before.written,
      failed: this.failures - before.failed,
      ms: Date.now() - started,
    };
  }
}

/** Counts what the deriver writes, for the logs. */
class CountingSource implements DeriverSource {
  written = 0;

  constructor(private readonly inner: DeriverSource) {}

  load(patientId: string): Promise<readonly Resource[]> {
    return this.inner.load(patientId);
  }

  async write(
    resources: readonly Resource[],
    provenance: (written: readonly Reference[]) => Resource,
  ): Promise<void> {
    await this.inner.write(resources, provenance);
    this.written += resources.length;
  }

  patientIds(): Promise<readonly string[]> {
    return this.inner.patientIds();
  }
}

/** An error for the log: its class, and the operation and status of a FHIR failure (no message: it may quote data). */
export function describe(error: unknown): string {
  if (error instanceof FhirHttpError) return `${error.name} ${error.operation} ${error.status}`;
  return error instanceof Error ? error.name : 'error';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Runs the clinical rules where the data is (docs/derived-state.md): whenever a patient's record changes and
 * whenever time alone changes an answer, it derives that patient's RiskAssessment, Flags and caseload summary
 * (clinical/derived) and writes what changed, with a Provenance naming the rules. The same runner serves the
 * embedded server (in-process, after each commit) and the standalone worker (over HTTP): only the
 * DeriverSource differs.
 */
import type { Reference, Resource } from '@medplum/fhirtypes';

import {
  derivationProvenance,
  type DerivationReason,
  deriveState,
  groupByPatient,
  isDerived,
  sameDerivedContent,
} from '../../../clinical/index';
import { type Clock, systemClock } from './clock';

/** Where the deriver reads a patient's record and writes the derived resources. */
export interface DeriverSource {
  /** The patient's record: the Patient, its compartment, referenced Medications and its derived resources. */
  load(patientId: string): Promise<readonly Resource[]>;
  /**
   * Writes changed derived resources (their ids are set) and the Provenance built from what was written,
   * atomically where the server allows it.
   */
  write(
    resources: readonly Resource[],
    provenance: (written: readonly Reference[]) => Resource,
  ): Promise<void>;
  /** Every patient id, for the sweep. */
  patientIds(): Promise<readonly string[]>;
}

export interface DeriveOutcome {
  readonly patientId: string;
  /** Derived resources written (0 when nothing changed). */
  readonly written: number;
  readonly nextReviewAt?: string;
}

export interface DeriverOptions {
  readonly clock?: Clock;
  /** Told about failures (class and patient id only: messages may quote data). */
  readonly onError?: (patientId: string, error: unknown) => void;
}

interface Job {
  readonly patientId: string;
  readonly reason: DerivationReason;
}

export class Deriver {
  private readonly clock: Clock;
  /** Patients whose record changed: derived before anything else, and awaited by `settled()`. */
  private readonly urgent = new Map<string, DerivationReason>();
  /** Patients due by the clock or the sweep. */
  private readonly routine = new Map<string, DerivationReason>();
  private readonly reviewAt = new Map<string, number>();
  private running: Promise<void> | undefined;
  private current: string | undefined;
  private cancelTimer: (() => void) | undefined;
  private timerAt = Infinity;
  private stopped = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly source: DeriverSource,
    private readonly options: DeriverOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** The record of these patients changed: derive them next (the caller may await `settled()`). */
  notify(patientIds: Iterable<string>): void {
    for (const id of patientIds) {
      this.routine.delete(id);
      this.urgent.set(id, 'record-changed');
    }
    this.kick();
  }

  /** Resolves once every patient notified so far has been derived. */
  settled(): Promise<void> {
    if (this.urgent.size === 0 && (this.current === undefined || !this.currentIsUrgent)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Derives every patient (first start, a new rules version, a restart after time passed). */
  async sweep(reason: DerivationReason = 'rules-changed'): Promise<void> {
    for (const id of await this.source.patientIds()) {
      if (!this.urgent.has(id)) this.routine.set(id, reason);
    }
    this.kick();
    await this.idle();
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
  }

  /** Derives one patient now and writes what changed. */
  async derive(patientId: string, reason: DerivationReason): Promise<DeriveOutcome> {
    const resources = await this.source.load(patientId);
    const record = groupByPatient(resources.filter((r) => !isDerived(r))).get(patientId);
    if (!record) {
      this.reviewAt.delete(patientId);
      return { patientId, written: 0 };
    }
    const stored = resources.filter((r) => isDerived(r));
    const byKey = new Map(stored.map((r) => [`${r.resourceType}/${r.id ?? ''}`, r]));
    const now = this.clock.now();
    const set = deriveState(record, new Date(now).toISOString(), stored);
    const candidates: Resource[] = [set.summary, set.risk, ...set.flags, ...set.weekly];
    const changed = candidates.filter(
      (r) => !sameDerivedContent(r, byKey.get(`${r.resourceType}/${r.id ?? ''}`)),
    );
    if (changed.length > 0) {
      const recorded = new Date(now).toISOString();
      await this.source.write(changed, (written) => derivationProvenance(written, recorded, reason));
    }
    this.reviewAt.set(patientId, Date.parse(set.nextReviewAt));
    return { patientId, written: changed.length, nextReviewAt: set.nextReviewAt };
  }

  private get currentIsUrgent(): boolean {
    return this.current !== undefined && this.currentUrgent;
  }

  private currentUrgent = false;

  private kick(): void {
    if (this.stopped || this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      this.release();
      this.arm();
    });
  }

  private next(): (Job & { urgent: boolean }) | undefined {
    for (const [queue, urgent] of [
      [this.urgent, true],
      [this.routine, false],
    ] as const) {
      const first = queue.entries().next();
      if (!first.done) {
        const [patientId, reason] = first.value;
        queue.delete(patientId);
        return { patientId, reason, urgent };
      }
    }
    return undefined;
  }

  private async drain(): Promise<void> {
    for (let job = this.next(); job && !this.stopped; job = this.next()) {
      this.current = job.patientId;
      this.currentUrgent = job.urgent;
      try {
        await this.derive(job.patientId, job.reason);
      } catch (err) {
        this.options.onError?.(job.patientId, err);
      } finally {
        this.current = undefined;
        this.currentUrgent = false;
      }
      if (this.urgent.size === 0) this.release();
      // Let requests interleave with a long sweep.
      if (!job.urgent) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private release(): void {
    if (this.urgent.size > 0 || this.currentIsUrgent) return;
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((resolve) => resolve());
  }

  /** Sets the one timer to the earliest review time. */
  private arm(): void {
    if (this.stopped) return;
    let earliest = Infinity;
    for (const at of this.reviewAt.values()) if (at < earliest) earliest = at;
    if (earliest === Infinity || earliest === this.timerAt) return;
    this.cancelTimer?.();
    this.timerAt = earliest;
    this.cancelTimer = this.clock.setTimer(earliest - this.clock.now(), () => {
      this.timerAt = Infinity;
      this.cancelTimer = undefined;
      this.queueDue();
    });
  }

  private queueDue(): void {
    const now = this.clock.now();
    for (const [id, at] of this.reviewAt) {
      if (at <= now && !this.urgent.has(id)) {
        this.routine.set(id, 'time-passed');
        this.reviewAt.delete(id);
      }
    }
    if (this.routine.size > 0) this.kick();
    else this.arm();
  }
}

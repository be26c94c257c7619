/**
 * The server's clinical business rules as one repository wrapper (docs/architecture.md): the rules that no
 * caller — user or system client — may break, answered with 422 and an OperationOutcome that says why. Each
 * rule sees a write before it happens and, in a transaction, every write of the transaction before COMMIT, so
 * a failed check rolls the whole transaction back:
 * - note signing (rules/note-signing.ts): a signed note changes only by an amendment with its signature;
 * - contingency-management rewards (rules/cm-rewards.ts): only a verified negative screen, once.
 * - Task owners (rules/task-owner.ts): a Practitioner of the clinic.
 * A write outside a transaction that a rule must check atomically (read, check, write) is run in its own
 * transaction, so concurrent writers are serialized by the store.
 */
import type { WithId } from '@medplum/core';
import { OperationOutcomeError } from '@medplum/core';
import type {
  CreateResourceOptions,
  DeleteResourceOptions,
  FhirRepository,
  TransactionOptions,
  UpdateResourceOptions,
} from '@medplum/fhir-router';
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';

import { DelegatingRepository } from '../store/delegating-repository';

/** 422 with a business-rule issue naming the element when there is one. */
export function ruleViolation(text: string, expression?: string): OperationOutcomeError {
  const outcome: OperationOutcome = {
    resourceType: 'OperationOutcome',
    // The id @medplum/core maps to 422 Unprocessable Entity.
    id: 'business-rule',
    issue: [
      {
        severity: 'error',
        code: 'business-rule',
        details: { text },
        ...(expression ? { expression: [expression] } : {}),
      },
    ],
  };
  return new OperationOutcomeError(outcome);
}

/** What a rule sees of one write. */
export interface WriteContext {
  /** The repository inside the current transaction (reads see the transaction's own writes). */
  readonly repo: FhirRepository;
  /** True inside a FHIR transaction (several writes that commit together). */
  readonly inTransaction: boolean;
  /** Per-transaction scratch space of each rule, keyed by the rule. */
  readonly state: Map<WriteRule, unknown>;
  /** The server's clock. */
  readonly now: () => number;
}

export interface WriteRule {
  /** Whether this write needs its own transaction when it is not in one (read-check-write must be atomic). */
  needsTransaction?(resource: Resource): boolean;
  /** Before a create or update; `existing` is the stored current version, if any. Throw ruleViolation to refuse. */
  beforeWrite?(ctx: WriteContext, resource: Resource, existing: Resource | undefined): Promise<void>;
  /** After a create or update succeeded (to remember what the end of the transaction must check). */
  afterWrite?(ctx: WriteContext, written: Resource, existing: Resource | undefined): Promise<void>;
  beforeDelete?(ctx: WriteContext, existing: Resource): Promise<void>;
  /** At the end of a transaction, before COMMIT (or right after a single write). Throw to roll back. */
  beforeCommit?(ctx: WriteContext): Promise<void>;
}

export interface BusinessRulesOptions {
  readonly now?: () => number;
}

/** Reads pass through; a patch is checked as the update it becomes (DelegatingRepository.patchResource). */
export class BusinessRulesRepository extends DelegatingRepository {
  private readonly now: () => number;

  constructor(
    inner: FhirRepository,
    private readonly rules: readonly WriteRule[],
    options: BusinessRulesOptions = {},
    /** @internal the open transaction's context */
    private readonly tx?: WriteContext,
  ) {
    super(inner);
    this.now = options.now ?? Date.now;
  }

  override async createResource<T extends Resource>(
    resource: T,
    options?: CreateResourceOptions,
  ): Promise<WithId<T>> {
    return this.guardedWrite(resource, undefined, (repo) => repo.createResource(resource, options));
  }

  override async updateResource<T extends Resource>(
    resource: T,
    options?: UpdateResourceOptions,
  ): Promise<WithId<T>> {
    return this.guardedWrite(resource, resource.id, (repo) => repo.updateResource(resource, options));
  }

  override async deleteResource(
    resourceType: string,
    id: string,
    options?: DeleteResourceOptions,
  ): Promise<void> {
    const run = async (ctx: WriteContext): Promise<void> => {
      const existing = await ctx.repo.readResource(resourceType, id).catch(() => undefined);
      if (existing) {
        for (const rule of this.rules) await rule.beforeDelete?.(ctx, existing);
      }
      await ctx.repo.deleteResource(resourceType, id, options);
    };
    if (this.tx) return run(this.tx);
    return run(this.context(this.inner, false));
  }

  private async guardedWrite<T extends Resource>(
    resource: T,
    id: string | undefined,
    write: (repo: FhirRepository) => Promise<WithId<T>>,
  ): Promise<WithId<T>> {
    const once = async (ctx: WriteContext): Promise<WithId<T>> => {
      const existing = id
        ? await ctx.repo.readResource(resource.resourceType, id).catch(() => undefined)
        : undefined;
      for (const rule of this.rules) await rule.beforeWrite?.(ctx, resource, existing);
      const written = await write(ctx.repo);
      for (const rule of this.rules) await rule.afterWrite?.(ctx, written, existing);
      return written;
    };
    if (this.tx) return once(this.tx);
    if (this.rules.some((r) => r.needsTransaction?.(resource))) {
      return this.inner.withTransaction(
        async (txRepo) => {
          const ctx = this.context(txRepo, true);
          const written = await once(ctx);
          for (const rule of this.rules) await rule.beforeCommit?.(ctx);
          return written;
        },
        { resourceTypes: [resource.resourceType] },
      );
    }
    const ctx = this.context(this.inner, false);
    const written = await once(ctx);
    for (const rule of this.rules) await rule.beforeCommit?.(ctx);
    return written;
  }

  private context(repo: FhirRepository, inTransaction: boolean): WriteContext {
    return { repo, inTransaction, state: new Map(), now: this.now };
  }

  override async withTransaction<TResult>(
    callback: (txRepo: this) => Promise<TResult>,
    options: TransactionOptions,
  ): Promise<TResult> {
    if (this.tx) {
      // Nested (a savepoint): the outermost transaction checks at its end.
      return super.withTransaction(callback, options);
    }
    return this.inner.withTransaction(async (txRepo) => {
      const ctx = this.context(txRepo, true);
      const result = await callback(this.inTransaction(txRepo, ctx));
      for (const rule of this.rules) await rule.beforeCommit?.(ctx);
      return result;
    }, options);
  }

  /** A nested transaction's repository: the same transaction context, over the savepoint's repository. */
  protected wrap(txRepo: FhirRepository): this {
    return this.inTransaction(txRepo, { ...this.tx!, repo: txRepo });
  }

  private inTransaction(txRepo: FhirRepository, ctx: WriteContext): this {
    return new BusinessRulesRepository(txRepo, this.rules, { now: this.now }, ctx) as this;
  }
}

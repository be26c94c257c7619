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
import type { Operation, SearchRequest, WithId } from '@medplum/core';
import { OperationOutcomeError } from '@medplum/core';
import type {
  CreateResourceOptions,
  DeleteResourceOptions,
  ReadHistoryOptions,
  RepositoryMode,
  SearchOptions,
  TransactionOptions,
  UpdateResourceOptions,
} from '@medplum/fhir-router';
import { FhirRepository } from '@medplum/fhir-router';
import type { Bundle, OperationOutcome, Parameters, Reference, Resource } from '@medplum/fhirtypes';

import { applyFhirPatch } from '../store/patch';
import { hasTypeHistory, type TypeHistoryReader } from '../store/validating-repository';

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

export class BusinessRulesRepository extends FhirRepository implements TypeHistoryReader {
  private readonly now: () => number;

  constructor(
    private readonly inner: FhirRepository,
    private readonly rules: readonly WriteRule[],
    options: BusinessRulesOptions = {},
    /** @internal the open transaction's context */
    private readonly tx?: WriteContext,
  ) {
    super();
    this.now = options.now ?? Date.now;
  }

  setMode(mode: RepositoryMode): void {
    this.inner.setMode(mode);
  }

  generateId(): string {
    return this.inner.generateId();
  }

  async createResource<T extends Resource>(resource: T, options?: CreateResourceOptions): Promise<WithId<T>> {
    return this.guardedWrite(resource, undefined, (repo) => repo.createResource(resource, options));
  }

  async updateResource<T extends Resource>(resource: T, options?: UpdateResourceOptions): Promise<WithId<T>> {
    return this.guardedWrite(resource, resource.id, (repo) => repo.updateResource(resource, options));
  }

  async patchResource<T extends Resource>(
    resourceType: T['resourceType'],
    id: string,
    patch: Operation[] | Parameters,
    options?: UpdateResourceOptions,
  ): Promise<WithId<T>> {
    // The rules check the patched resource, as an update.
    const current = await this.inner.readResource<T>(resourceType, id);
    return this.updateResource(applyFhirPatch(current, patch), {
      ...options,
      ifMatch: options?.ifMatch ?? current.meta?.versionId,
    });
  }

  async deleteResource(resourceType: string, id: string, options?: DeleteResourceOptions): Promise<void> {
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

  async withTransaction<TResult>(
    callback: (txRepo: this) => Promise<TResult>,
    options: TransactionOptions,
  ): Promise<TResult> {
    if (this.tx) {
      // Nested (a savepoint): the outermost transaction checks at its end.
      return this.inner.withTransaction(
        (txRepo) =>
          callback(
            new BusinessRulesRepository(
              txRepo,
              this.rules,
              { now: this.now },
              { ...this.tx!, repo: txRepo },
            ) as this,
          ),
        options,
      );
    }
    return this.inner.withTransaction(async (txRepo) => {
      const ctx = this.context(txRepo, true);
      const result = await callback(
        new BusinessRulesRepository(txRepo, this.rules, { now: this.now }, ctx) as this,
      );
      for (const rule of this.rules) await rule.beforeCommit?.(ctx);
      return result;
    }, options);
  }

  // ---- reads pass through ------------------------------------------------------------------------------

  readResource<T extends Resource>(resourceType: string, id: string): Promise<WithId<T>> {
    return this.inner.readResource(resourceType, id);
  }

  readReference<T extends Resource>(reference: Reference<T>): Promise<WithId<T>> {
    return this.inner.readReference(reference);
  }

  readReferences<T extends Resource>(references: readonly Reference<T>[]): Promise<(T | Error)[]> {
    return this.inner.readReferences(references);
  }

  readHistory<T extends Resource>(
    resourceType: string,
    id: string,
    options?: ReadHistoryOptions,
  ): Promise<Bundle<WithId<T>>> {
    return this.inner.readHistory(resourceType, id, options);
  }

  readVersion<T extends Resource>(resourceType: string, id: string, vid: string): Promise<WithId<T>> {
    return this.inner.readVersion(resourceType, id, vid);
  }

  readTypeHistory<T extends Resource>(
    resourceType: string,
    options?: ReadHistoryOptions & { since?: string },
  ): Promise<Bundle<WithId<T>>> {
    if (!hasTypeHistory(this.inner)) {
      throw ruleViolation('Type history is not supported');
    }
    return this.inner.readTypeHistory(resourceType, options);
  }

  search<T extends Resource>(
    searchRequest: SearchRequest<T>,
    options?: SearchOptions,
  ): Promise<Bundle<WithId<T>>> {
    return this.inner.search(searchRequest, options);
  }

  searchByReference<T extends Resource>(
    searchRequest: SearchRequest<T>,
    referenceField: string,
    references: string[],
  ): Promise<Record<string, WithId<T>[]>> {
    return this.inner.searchByReference(searchRequest, referenceField, references);
  }
}

// The common part of the repository wrappers (ValidatingRepository, BusinessRulesRepository, PolicyRepository):
// each wraps another FhirRepository and states only what it changes.
import type { Operation, SearchRequest, WithId } from '@medplum/core';
import { badRequest, OperationOutcomeError } from '@medplum/core';
import {
  type CreateResourceOptions,
  type DeleteResourceOptions,
  FhirRepository,
  type ReadHistoryOptions,
  type RepositoryMode,
  type SearchOptions,
  type TransactionOptions,
  type UpdateResourceOptions,
} from '@medplum/fhir-router';
import type { Bundle, Parameters, Reference, Resource } from '@medplum/fhirtypes';

import { applyFhirPatch } from './patch';

/** Type-level history (`GET [type]/_history`), which FhirRepository does not define; stores may add it. */
export interface TypeHistoryReader {
  readTypeHistory<T extends Resource>(
    resourceType: string,
    options?: ReadHistoryOptions & { since?: string },
  ): Promise<Bundle<WithId<T>>>;
}

export function hasTypeHistory(repo: FhirRepository): repo is FhirRepository & TypeHistoryReader {
  return typeof (repo as Partial<TypeHistoryReader>).readTypeHistory === 'function';
}

/**
 * A wrapper around another repository: the mode and ids are the inner one's, and a transaction runs in the inner
 * repository's transaction, its repository wrapped again (`wrap`). The data interactions stay abstract, so a
 * wrapper that must check each of them (the access policy, deny by default) cannot leave one out; the ones that
 * pass most of them through extend DelegatingRepository.
 */
export abstract class RepositoryWrapper extends FhirRepository {
  constructor(protected readonly inner: FhirRepository) {
    super();
  }

  /** This wrapper over a transaction's repository (the inner repository's `txRepo`). */
  protected abstract wrap(txRepo: FhirRepository): this;

  /** Every call handed to the inner repository runs through this; a wrapper may translate its errors. */
  protected run<R>(call: () => Promise<R>): Promise<R> {
    return call();
  }

  setMode(mode: RepositoryMode): void {
    this.inner.setMode(mode);
  }

  generateId(): string {
    return this.inner.generateId();
  }

  withTransaction<TResult>(
    callback: (txRepo: this) => Promise<TResult>,
    options: TransactionOptions,
  ): Promise<TResult> {
    return this.run(() =>
      this.inner.withTransaction(
        (txRepo) => callback(txRepo === this.inner ? this : this.wrap(txRepo)),
        options,
      ),
    );
  }

  // conditionalCreate/Update/Delete/Patch are deliberately NOT delegated: FhirRepository's versions run through
  // this.withTransaction → this.search/createResource/updateResource, so a wrapper's rules hold for them too.
  // (MemoryRepository overrides conditionalCreate with a version that would bypass them.)

  /**
   * A JSON Patch / FHIRPath Patch is applied here (not in the store) and written with this wrapper's
   * updateResource, so its write rules see the patched resource. The update is conditioned on the version that
   * was patched, so a concurrent writer makes it fail with 412 instead of being silently overwritten.
   */
  async patchResource<T extends Resource>(
    resourceType: T['resourceType'],
    id: string,
    patch: Operation[] | Parameters,
    options?: UpdateResourceOptions,
  ): Promise<WithId<T>> {
    const current = await this.readForPatch<T>(resourceType, id);
    return this.updateResource(applyFhirPatch(current, patch), {
      ...options,
      ifMatch: options?.ifMatch ?? current.meta?.versionId,
    });
  }

  /** The current version a patch applies to (a wrapper checks here what a patch needs beyond the update). */
  protected abstract readForPatch<T extends Resource>(resourceType: string, id: string): Promise<WithId<T>>;
}

/** A wrapper that hands every interaction to the inner repository (through `run`) unless it overrides it. */
export abstract class DelegatingRepository extends RepositoryWrapper implements TypeHistoryReader {
  createResource<T extends Resource>(resource: T, options?: CreateResourceOptions): Promise<WithId<T>> {
    return this.run(() => this.inner.createResource(resource, options));
  }

  updateResource<T extends Resource>(resource: T, options?: UpdateResourceOptions): Promise<WithId<T>> {
    return this.run(() => this.inner.updateResource(resource, options));
  }

  protected readForPatch<T extends Resource>(resourceType: string, id: string): Promise<WithId<T>> {
    return this.run(() => this.inner.readResource<T>(resourceType, id));
  }

  deleteResource(resourceType: string, id: string, options?: DeleteResourceOptions): Promise<void> {
    return this.run(() => this.inner.deleteResource(resourceType, id, options));
  }

  readResource<T extends Resource>(resourceType: string, id: string): Promise<WithId<T>> {
    return this.run(() => this.inner.readResource(resourceType, id));
  }

  readReference<T extends Resource>(reference: Reference<T>): Promise<WithId<T>> {
    return this.run(() => this.inner.readReference(reference));
  }

  readReferences<T extends Resource>(references: readonly Reference<T>[]): Promise<(T | Error)[]> {
    return this.run(() => this.inner.readReferences(references));
  }

  readHistory<T extends Resource>(
    resourceType: string,
    id: string,
    options?: ReadHistoryOptions,
  ): Promise<Bundle<WithId<T>>> {
    return this.run(() => this.inner.readHistory(resourceType, id, options));
  }

  readVersion<T extends Resource>(resourceType: string, id: string, vid: string): Promise<WithId<T>> {
    return this.run(() => this.inner.readVersion(resourceType, id, vid));
  }

  /** 400 when the inner repository keeps no type history (a rejected promise, like every other failure). */
  async readTypeHistory<T extends Resource>(
    resourceType: string,
    options?: ReadHistoryOptions & { since?: string },
  ): Promise<Bundle<WithId<T>>> {
    const inner = this.inner;
    if (!hasTypeHistory(inner)) {
      throw new OperationOutcomeError(badRequest('Type history is not supported by this store'));
    }
    return this.run(() => inner.readTypeHistory(resourceType, options));
  }

  search<T extends Resource>(
    searchRequest: SearchRequest<T>,
    options?: SearchOptions,
  ): Promise<Bundle<WithId<T>>> {
    return this.run(() => this.inner.search(searchRequest, options));
  }

  searchByReference<T extends Resource>(
    searchRequest: SearchRequest<T>,
    referenceField: string,
    references: string[],
  ): Promise<Record<string, WithId<T>[]>> {
    return this.run(() => this.inner.searchByReference(searchRequest, referenceField, references));
  }
}

// A FhirRepository decorator that applies the server's write rules in front of any store:
// every create/update/patch is validated against the R4 base definitions (@medplum/core validateResource,
// then the required bindings it does not check: server/src/validation), and conditional references
// (`Practitioner?identifier=…`) in the written resource are resolved to literal references first.
// Because it sits at the repository level, the same rules hold for single interactions and for every
// entry of a batch or transaction (which FhirRouter runs on the repository handed to withTransaction's
// callback; that repository is wrapped too).
import type { SearchRequest, WithId } from '@medplum/core';
import {
  getReferenceString,
  normalizeOperationOutcome,
  OperationOutcomeError,
  parseSearchRequest,
  validateResource,
} from '@medplum/core';
import type { CreateResourceOptions, FhirRepository, UpdateResourceOptions } from '@medplum/fhir-router';
import type { OperationOutcome, Reference, Resource } from '@medplum/fhirtypes';

import { assertRequiredBindings } from '../validation/required-bindings';
import { DelegatingRepository } from './delegating-repository';

/** code `exception` makes getStatus() answer 500. */
const INTERNAL_ERROR: OperationOutcome = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'exception', details: { text: 'Internal server error' } }],
};

/** `Type?search` — a conditional reference (FHIR R4 http.html#trules). */
const CONDITIONAL_REFERENCE = /^[A-Z][A-Za-z]+\?.+/;

/**
 * Every interaction is passed to the store (patches applied here, so the patched result is validated as an
 * update); store failures that are not FHIR outcomes become a generic 500.
 */
export class ValidatingRepository extends DelegatingRepository {
  /**
   * @param inner - the store
   * @param onInternalError - told about store failures that are not FHIR outcomes (for logging); the
   *   client only gets a generic 500, since FhirRouter would otherwise answer 400 with the error text.
   */
  constructor(
    inner: FhirRepository,
    private readonly onInternalError?: (error: unknown) => void,
  ) {
    super(inner);
  }

  protected override async run<R>(call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof OperationOutcomeError) {
        throw err;
      }
      this.onInternalError?.(err);
      throw new OperationOutcomeError(INTERNAL_ERROR);
    }
  }

  protected wrap(txRepo: FhirRepository): this {
    return new ValidatingRepository(txRepo, this.onInternalError) as this;
  }

  override async createResource<T extends Resource>(
    resource: T,
    options?: CreateResourceOptions,
  ): Promise<WithId<T>> {
    return super.createResource(await this.prepareWrite(resource), options);
  }

  override async updateResource<T extends Resource>(
    resource: T,
    options?: UpdateResourceOptions,
  ): Promise<WithId<T>> {
    return super.updateResource(await this.prepareWrite(resource), options);
  }

  /** Resolves conditional references, then validates; throws an OperationOutcomeError (400/412). */
  private async prepareWrite<T extends Resource>(resource: T): Promise<T> {
    const prepared = await this.resolveConditionalReferences(resource);
    validateResource(prepared);
    assertRequiredBindings(prepared);
    return prepared;
  }

  private async resolveConditionalReferences<T extends Resource>(resource: T): Promise<T> {
    const paths: string[] = [];
    collectConditionalReferences(resource, resource.resourceType, paths);
    if (paths.length === 0) {
      return resource;
    }
    const copy = structuredClone(resource);
    const resolved = new Map<string, string>();
    for (const path of paths) {
      const holder = pathGet(copy, path) as Reference;
      const query = holder.reference as string;
      let literal = resolved.get(query);
      if (!literal) {
        literal = await this.resolveOne(query, `${path}.reference`);
        resolved.set(query, literal);
      }
      holder.reference = literal;
    }
    return copy;
  }

  private async resolveOne(query: string, expression: string): Promise<string> {
    let search: SearchRequest;
    try {
      search = parseSearchRequest(query);
    } catch (err) {
      throw new OperationOutcomeError(normalizeOperationOutcome(err));
    }
    const matches = await this.searchResources({ ...search, count: 2, offset: 0, sortRules: undefined });
    if (matches.length !== 1) {
      const problem = matches.length === 0 ? 'matches no resource' : 'matches more than one resource';
      throw new OperationOutcomeError(
        conditionalReferenceFailed(`Conditional reference ${query} ${problem}`, expression),
      );
    }
    return getReferenceString(matches[0]) as string;
  }
}

function conditionalReferenceFailed(text: string, expression: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    id: 'precondition-failed', // getStatus() → 412
    issue: [{ severity: 'error', code: 'processing', details: { text }, expression: [expression] }],
  };
}

/** Collects the FHIRPath-like location of every `{ reference: 'Type?query' }` in a resource. */
function collectConditionalReferences(value: unknown, path: string, out: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => collectConditionalReferences(item, `${path}[${index}]`, out));
    return;
  }
  if (value === null || typeof value !== 'object') {
    return;
  }
  const record = value as Record<string, unknown>;
  const reference = record['reference'];
  if (typeof reference === 'string' && CONDITIONAL_REFERENCE.test(reference)) {
    out.push(path);
  }
  for (const [key, child] of Object.entries(record)) {
    if (key !== 'reference' && typeof child === 'object') {
      collectConditionalReferences(child, `${path}.${key}`, out);
    }
  }
}

/** Follows a path produced by collectConditionalReferences (first segment is the resource type). */
function pathGet(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const segment of path.split('.').slice(1)) {
    const match = /^([^[]+)((?:\[\d+\])*)$/.exec(segment) as RegExpExecArray;
    current = (current as Record<string, unknown>)[match[1]];
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) {
      current = (current as unknown[])[Number(index[1])];
    }
  }
  return current;
}

/**
 * The access policy, as a FhirRepository wrapper created per request (the way Medplum applies an
 * AccessPolicy in its Repository and HAPI its AuthorizationInterceptor). Deny by default.
 *
 * - SMART scopes: every operation needs the matching permission letter for its type (403).
 * - Reads: a resource outside the caller's patients answers 404, so existence does not leak.
 * - Searches: the allowed patients are enforced by the store in SQL (its patient-compartment table, kept at
 *   write time), so `total`, paging and `_summary=count` stay exact; over a store without that index they are
 *   pushed into the query as parameters (`subject=Patient/a,Patient/b`, `_id=…`). A user's Task search is
 *   scoped in SQL too: their patients' compartments or Tasks they own or requested. CareTeam, Provenance and
 *   Device (shared when about no patient, or readable through their target), and Task over a store without the
 *   index, are filtered after the query instead: their `total` counts the unfiltered matches, and a page may
 *   hold fewer entries than `_count`.
 *   `_include`/`_revinclude` entries are always filtered, as are history bundles.
 * - Which patients a resource belongs to is read from the store's compartment index where there is one (no
 *   FHIRPath per returned resource); versions other than the current one are evaluated from their content.
 * - Roles that do not read note bodies (care coordinators, peer specialists) get QuestionnaireResponses
 *   without their answers (meta.security REDACTED), except the measures allow-listed in clinical/.
 * - Writes: only of the role's types, only inside the caller's patients; Provenance and AuditEvent
 *   are never updated or deleted. Batch and transaction entries run through this same wrapper
 *   (FhirRouter hands each entry to it; transactions get a wrapped transaction repository).
 * - Break-glass widens reads (not writes) to every patient; the request is audited as high priority.
 */
import type { SearchRequest, WithId } from '@medplum/core';
import {
  badRequest,
  forbidden,
  normalizeOperationOutcome,
  notFound,
  OperationOutcomeError,
  Operator,
  parseSearchRequest,
} from '@medplum/core';
import type {
  CreateResourceOptions,
  DeleteResourceOptions,
  FhirRepository,
  ReadHistoryOptions,
  SearchOptions,
  UpdateResourceOptions,
} from '@medplum/fhir-router';
import type {
  AuditEvent,
  Bundle,
  BundleEntry,
  CareTeam,
  Device,
  OperationOutcome,
  Provenance,
  Reference,
  Resource,
  Task,
} from '@medplum/fhirtypes';

import { isDerived } from '../../../clinical/derived/derived-codes';
import { referenceParts } from '../../../clinical/fhir/reference';
import type { AuditLog } from '../audit/audit-log';
import { auditSearchBundle, auditSearchOf } from '../audit/audit-search';
import type { Permission } from '../auth/smart-scopes';
import {
  type CompartmentIndex,
  isPatientCompartmentType,
  patientIdOfReference,
  patientIdsOf,
  patientSearchParam,
} from '../store/compartment';
import { RepositoryWrapper } from '../store/delegating-repository';
import type { ScopedSearchOptions } from '../store/sqlite-repository';
import { auditReach } from './audit-access';
import type { PatientScope, Principal } from './principal';
import {
  IMMUTABLE_TYPES,
  mustRedact,
  redactNote,
  roleMayWrite,
  SHARED_TYPES,
  type WriteKind,
} from './role-rules';

/**
 * Types whose readability does not follow from the compartment alone (supervision CareTeams and Devices without
 * a patient are shared, a Task its owner reads, a Provenance follows its target): filtered after the query,
 * except a user's Task search over the compartment index (see `taskScope`).
 */
const POST_FILTERED = new Set(['CareTeam', 'Provenance', 'Task', 'Device']);

export interface AccessContext {
  readonly principal: Principal;
  /** The caller's own patients (writes, and reads without break-glass). */
  readonly scope: PatientScope;
  /** Set when the request carries a valid X-Break-Glass-Reason: reads are widened to every patient. */
  readonly breakGlassReason?: string;
  /** The audit trail, for AuditEvent reads (served from the audit table). */
  readonly audit?: AuditLog;
  /** Filled with the `Patient/<id>` references whose data this request disclosed or changed (for audit). */
  readonly disclosed: Set<string>;
  /**
   * The store's compartment index, when the store under `inner` keeps one and honours
   * `ScopedSearchOptions.compartment`. Without it the policy falls back to FHIRPath and query parameters.
   */
  readonly compartments?: CompartmentIndex;
}

/** Where the access policy reads a resource's patients from (see `patientsOf`). */
type CompartmentSource = 'index' | 'content' | ReadonlyMap<string, readonly string[]>;

function deny(outcome: OperationOutcome, text?: string): never {
  throw new OperationOutcomeError(
    text ? { ...outcome, issue: [{ ...outcome.issue[0], details: { text } }] } : outcome,
  );
}

/**
 * Every data interaction is checked here (RepositoryWrapper leaves them abstract); the mode, ids and
 * transactions are the inner repository's, a transaction's repository wrapped with the same access context.
 */
export class PolicyRepository extends RepositoryWrapper {
  constructor(
    inner: FhirRepository,
    private readonly ctx: AccessContext,
  ) {
    super(inner);
  }

  protected wrap(txRepo: FhirRepository): this {
    return new PolicyRepository(txRepo, this.ctx) as this;
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private requirePermission(resourceType: string, permission: Permission): void {
    if (!this.ctx.principal.permissions.allows(resourceType, permission)) {
      deny(forbidden, `The access token's scopes do not allow '${permission}' on ${resourceType}`);
    }
  }

  private get readsAll(): boolean {
    return this.ctx.scope.all || this.ctx.breakGlassReason !== undefined;
  }

  private mayReadPatient(id: string): boolean {
    return this.readsAll || (!this.ctx.scope.all && this.ctx.scope.patientIds.has(id));
  }

  private mayWritePatient(id: string): boolean {
    return this.ctx.scope.all || this.ctx.scope.patientIds.has(id);
  }

  private get roles(): ReadonlySet<string> {
    return this.ctx.principal.kind === 'user' ? this.ctx.principal.roles : new Set();
  }

  /**
   * The patients a resource belongs to, from where `from` says: `index`, the store's compartment index (the
   * resource is the stored current version: a read, a search match or include); a lookup of the index done for
   * a whole Bundle at once; `content`, FHIRPath on the resource itself (an older version, a write's body).
   */
  private patientsOf(resource: Resource, from: CompartmentSource): readonly string[] {
    const index = this.ctx.compartments;
    if (from !== 'content' && index && resource.id) {
      return typeof from === 'string'
        ? index.compartmentOf(resource.resourceType, resource.id)
        : (from.get(`${resource.resourceType}/${resource.id}`) ?? []);
    }
    return patientIdsOf(resource);
  }

  /** Whether the caller may see this resource (depth limits Provenance/Task indirection). */
  private async canRead(resource: Resource, depth = 0, from: CompartmentSource = 'index'): Promise<boolean> {
    const type = resource.resourceType;
    if (type === 'AuditEvent') {
      return this.mayReadAudit();
    }
    if (
      SHARED_TYPES.has(type) ||
      (type === 'CareTeam' && !(resource as CareTeam).subject) ||
      (type === 'Device' && !(resource as Device).patient)
    ) {
      return true;
    }
    if (this.ctx.principal.kind === 'system' && this.ctx.scope.all) {
      return true;
    }
    if (this.readsAll && isPatientCompartmentType(type)) {
      return true;
    }
    if (type === 'Task' && this.isMyTask(resource as Task)) {
      return true;
    }
    const ids = this.patientsOf(resource, from);
    if (ids.length > 0) {
      return ids.some((id) => this.mayReadPatient(id));
    }
    if (depth > 0) {
      return false;
    }
    if (type === 'Provenance') {
      return this.anyReadable((resource as Provenance).target ?? [], depth);
    }
    if (type === 'Task') {
      // About a patient through what it points at (a co-sign request's note), never through a shared resource:
      // the store's compartment index makes the same inference, so a search and a read agree.
      return this.anyReadable(
        [(resource as Task).focus].filter((r): r is Reference => !!r),
        depth,
        true,
      );
    }
    return false;
  }

  /** A work item assigned to or requested by the caller (readable whatever it is about). */
  private isMyTask(task: Task): boolean {
    const me =
      this.ctx.principal.kind === 'user' ? `Practitioner/${this.ctx.principal.practitionerId}` : undefined;
    return me !== undefined && (task.owner?.reference === me || task.requester?.reference === me);
  }

  /** Whether any target is readable (`throughPatients`: only by being about a patient the caller may read). */
  private async anyReadable(
    references: readonly Reference[],
    depth: number,
    throughPatients = false,
  ): Promise<boolean> {
    for (const reference of references) {
      const patientId = patientIdOfReference(reference.reference);
      if (patientId) {
        if (this.mayReadPatient(patientId)) return true;
        continue;
      }
      const parts = referenceParts(reference.reference);
      if (!parts) continue;
      try {
        const target = await this.inner.readResource(parts.type, parts.id);
        if (throughPatients) {
          if (this.patientsOf(target, 'index').some((id) => this.mayReadPatient(id))) return true;
        } else if (await this.canRead(target, depth + 1)) {
          return true;
        }
      } catch {
        // a dangling or deleted target grants nothing
      }
    }
    return false;
  }

  private mayReadAudit(): boolean {
    return auditReach(this.ctx.principal, this.ctx.scope).kind !== 'none';
  }

  /** What the caller receives: notes redacted for coordinators; disclosed patients noted for audit. */
  private present<T extends Resource>(resource: T, from: CompartmentSource = 'index'): T {
    for (const id of this.patientsOf(resource, from)) {
      this.ctx.disclosed.add(`Patient/${id}`);
    }
    if (this.ctx.principal.kind === 'user' && mustRedact(this.ctx.principal.roles, resource)) {
      return redactNote(resource);
    }
    return resource;
  }

  private async checkWrite(resource: Resource, kind: WriteKind): Promise<void> {
    const type = resource.resourceType;
    if (type === 'AuditEvent') {
      deny(forbidden, 'AuditEvents are written by the server only');
    }
    if (IMMUTABLE_TYPES.has(type) && kind !== 'create') {
      deny(forbidden, `${type} is append-only: it cannot be updated or deleted`);
    }
    const { principal } = this.ctx;
    if (principal.kind === 'system') {
      return;
    }
    if (isDerived(resource)) {
      // Assessments, alerts and summaries say what the rules computed: no person writes or removes them.
      deny(forbidden, `${type} resources tagged "derived" are written by the clinical rules only`);
    }
    if (!roleMayWrite(principal.roles, resource, kind)) {
      deny(forbidden, `Your role does not ${kind} ${type} resources`);
    }
    if (!(await this.inWriteScope(resource))) {
      deny(forbidden, `${type} is outside your patients`);
    }
  }

  /** Every patient the resource points to is one of the caller's (conditional Patient references resolved). */
  private async inWriteScope(resource: Resource): Promise<boolean> {
    const ids = new Set(patientIdsOf(resource));
    for (const conditional of conditionalPatientReferences(resource)) {
      const matches = await this.inner.searchResources({ ...parseSearchRequest(conditional), count: 2 });
      if (matches.length !== 1) return false;
      ids.add((matches[0] as Resource & { id: string }).id);
    }
    if (ids.size > 0) {
      return [...ids].every((id) => this.mayWritePatient(id));
    }
    const writeCtx = new PolicyRepository(this.inner, { ...this.ctx, breakGlassReason: undefined });
    if (resource.resourceType === 'Provenance') {
      const targets = (resource as Provenance).target ?? [];
      return targets.length > 0 && (await writeCtx.allReadable(targets));
    }
    if (resource.resourceType === 'Task') {
      const task = resource as Task;
      const links = [task.focus, task.for].filter((r): r is Reference => !!r);
      return links.length > 0 && (await writeCtx.allReadable(links));
    }
    return false;
  }

  private async allReadable(references: readonly Reference[]): Promise<boolean> {
    for (const reference of references) {
      if (!(await this.anyReadable([reference], 0))) return false;
    }
    return true;
  }

  // ---- FhirRepository --------------------------------------------------------------------------------

  async createResource<T extends Resource>(resource: T, options?: CreateResourceOptions): Promise<WithId<T>> {
    this.requirePermission(resource.resourceType, 'c');
    await this.checkWrite(resource, 'create');
    return this.present(await this.inner.createResource(resource, options));
  }

  async readResource<T extends Resource>(resourceType: string, id: string): Promise<WithId<T>> {
    this.requirePermission(resourceType, 'r');
    if (resourceType === 'AuditEvent') {
      return this.readAuditEvent(id) as unknown as WithId<T>;
    }
    const resource = await this.inner.readResource<T>(resourceType, id);
    if (!(await this.canRead(resource))) {
      deny(notFound);
    }
    return this.present(resource);
  }

  async readReference<T extends Resource>(reference: Reference<T>): Promise<WithId<T>> {
    const parts = referenceParts(reference.reference);
    if (!parts) {
      deny(badRequest('Invalid reference'));
    }
    return this.readResource<T>(parts.type, parts.id);
  }

  async readReferences<T extends Resource>(references: readonly Reference<T>[]): Promise<(T | Error)[]> {
    return Promise.all(
      references.map((r) =>
        this.readReference(r).catch((err: unknown) =>
          err instanceof Error ? err : new OperationOutcomeError(normalizeOperationOutcome(err)),
        ),
      ),
    );
  }

  async readHistory<T extends Resource>(
    resourceType: string,
    id: string,
    options?: ReadHistoryOptions,
  ): Promise<Bundle<WithId<T>>> {
    this.requirePermission(resourceType, 'r');
    if (resourceType === 'AuditEvent') {
      deny(notFound);
    }
    const history = await this.inner.readHistory<T>(resourceType, id, options);
    // Decide on the newest version we can see (a deleted resource's entries may have no resource).
    const newest = history.entry?.find((e) => e.resource)?.resource;
    if (!newest || !(await this.canRead(newest, 0, 'content'))) {
      deny(notFound);
    }
    const entry: BundleEntry<WithId<T>>[] = [];
    for (const e of history.entry ?? []) {
      if (!e.resource) {
        entry.push(e);
      } else if (await this.canRead(e.resource, 0, 'content')) {
        entry.push({ ...e, resource: this.present(e.resource, 'content') });
      }
    }
    return { ...history, entry };
  }

  async readVersion<T extends Resource>(resourceType: string, id: string, vid: string): Promise<WithId<T>> {
    this.requirePermission(resourceType, 'r');
    if (resourceType === 'AuditEvent') {
      return this.readAuditEvent(id) as unknown as WithId<T>;
    }
    const resource = await this.inner.readVersion<T>(resourceType, id, vid);
    if (!(await this.canRead(resource, 0, 'content'))) {
      deny(notFound);
    }
    return this.present(resource, 'content');
  }

  async updateResource<T extends Resource>(resource: T, options?: UpdateResourceOptions): Promise<WithId<T>> {
    this.requirePermission(resource.resourceType, 'u');
    let existing: Resource | undefined;
    if (resource.id) {
      existing = await this.inner.readResource(resource.resourceType, resource.id).catch(() => undefined);
    }
    if (existing && !(await this.canRead(existing))) {
      deny(notFound);
    }
    if (existing) {
      // The old version must be in scope for writing too (break-glass never grants writes).
      await this.checkWrite(existing, 'update');
    }
    await this.checkWrite(resource, existing ? 'update' : 'create');
    return this.present(await this.inner.updateResource(resource, options));
  }

  async deleteResource(resourceType: string, id: string, options?: DeleteResourceOptions): Promise<void> {
    this.requirePermission(resourceType, 'd');
    if (IMMUTABLE_TYPES.has(resourceType)) {
      deny(forbidden, `${resourceType} is append-only: it cannot be updated or deleted`);
    }
    const existing = await this.inner.readResource(resourceType, id);
    if (!(await this.canRead(existing))) {
      deny(notFound);
    }
    await this.checkWrite(existing, 'delete');
    await this.inner.deleteResource(resourceType, id, options);
  }

  /** Patched here (RepositoryWrapper.patchResource), so the update re-checks the patched result. */
  protected async readForPatch<T extends Resource>(resourceType: string, id: string): Promise<WithId<T>> {
    this.requirePermission(resourceType, 'u');
    if (IMMUTABLE_TYPES.has(resourceType)) {
      deny(forbidden, `${resourceType} is append-only: it cannot be updated or deleted`);
    }
    const current = await this.inner.readResource<T>(resourceType, id);
    if (!(await this.canRead(current))) {
      deny(notFound);
    }
    return current;
  }

  async search<T extends Resource>(
    searchRequest: SearchRequest<T>,
    options?: SearchOptions,
  ): Promise<Bundle<WithId<T>>> {
    const { resourceType } = searchRequest;
    if (searchRequest.types && searchRequest.types.length > 0) {
      for (const type of searchRequest.types) this.requirePermission(type, 's');
      if (!this.ctx.scope.all) {
        deny(forbidden, 'Searching across resource types is limited to system clients');
      }
      return this.filterBundle(await this.inner.search(searchRequest, options), true);
    }
    this.requirePermission(resourceType, 's');
    if (resourceType === 'AuditEvent') {
      return this.searchAuditEvents(searchRequest) as Bundle<WithId<T>>;
    }
    if (this.ctx.compartments) {
      const tasks = resourceType === 'Task' ? this.taskScope() : undefined;
      const compartment = tasks ? tasks.compartment : this.compartmentScope(resourceType);
      if (compartment === null) {
        return { resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] } as Bundle<WithId<T>>;
      }
      const scopedOptions: ScopedSearchOptions = {
        ...options,
        ...(compartment ? { compartment } : {}),
        ...(tasks ? { orReferencing: tasks.orReferencing } : {}),
        lazy: true,
      };
      const bundle = await this.inner.search(searchRequest, scopedOptions);
      // Matches are exact (scoped in SQL, or readable by everyone) except the post-filtered types.
      return this.filterBundle(bundle, !POST_FILTERED.has(resourceType) || this.readsAll || !!tasks);
    }
    const scoped = this.scopeSearch(searchRequest);
    if (!scoped) {
      return { resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] } as Bundle<WithId<T>>;
    }
    const pushed = scoped !== searchRequest || this.readsAll || SHARED_TYPES.has(resourceType);
    const bundle = await this.inner.search(scoped, options);
    return this.filterBundle(bundle, pushed && (!!searchRequest.fields || !!searchRequest.summary));
  }

  async searchByReference<T extends Resource>(
    searchRequest: SearchRequest<T>,
    referenceField: string,
    references: string[],
  ): Promise<Record<string, WithId<T>[]>> {
    this.requirePermission(searchRequest.resourceType, 's');
    const scoped = this.scopeSearch(searchRequest);
    if (!scoped) {
      return Object.fromEntries(references.map((r) => [r, []]));
    }
    const found = await this.inner.searchByReference(scoped, referenceField, references);
    const result: Record<string, WithId<T>[]> = {};
    for (const [reference, resources] of Object.entries(found)) {
      const visible: WithId<T>[] = [];
      for (const resource of resources) {
        if (await this.canRead(resource)) visible.push(this.present(resource));
      }
      result[reference] = visible;
    }
    return result;
  }

  /**
   * A user's Task search, scoped in SQL as `canRead` decides (so totals and pages are exact): Tasks in their
   * patients' compartments (a co-sign request inherits its note's) or owned or requested by them. Undefined
   * for callers who read every patient.
   */
  private taskScope(): Pick<Required<ScopedSearchOptions>, 'compartment' | 'orReferencing'> | undefined {
    const { principal, scope } = this.ctx;
    if (this.readsAll || scope.all || principal.kind !== 'user') {
      return undefined;
    }
    return {
      compartment: [...scope.patientIds],
      orReferencing: {
        params: ['owner', 'requester'],
        reference: `Practitioner/${principal.practitionerId}`,
      },
    };
  }

  /**
   * The compartment restriction the store applies to a search of this type: undefined = none (shared types,
   * reads of every patient, post-filtered types); null = nothing can match; else the allowed patient ids.
   */
  private compartmentScope(type: string): readonly string[] | undefined | null {
    if (SHARED_TYPES.has(type) || this.readsAll || POST_FILTERED.has(type)) {
      return undefined;
    }
    if (!isPatientCompartmentType(type) || this.ctx.scope.all) {
      return this.ctx.scope.all ? undefined : null;
    }
    return this.ctx.scope.patientIds.size > 0 ? [...this.ctx.scope.patientIds] : null;
  }

  /**
   * Adds the allowed-patient constraint to a search; undefined when nothing can match (no patients,
   * or a type that is neither shared nor patient-linked).
   */
  private scopeSearch<T extends Resource>(request: SearchRequest<T>): SearchRequest<T> | undefined {
    const type = request.resourceType;
    if (SHARED_TYPES.has(type) || this.readsAll || POST_FILTERED.has(type)) {
      return request;
    }
    if (!isPatientCompartmentType(type)) {
      return undefined;
    }
    const param = patientSearchParam(type);
    const ids = this.ctx.scope.all ? [] : [...this.ctx.scope.patientIds];
    if (!param || ids.length === 0) {
      return undefined;
    }
    const value = param === '_id' ? ids.join(',') : ids.map((id) => `Patient/${id}`).join(',');
    return {
      ...request,
      filters: [...(request.filters ?? []), { code: param, operator: Operator.EQUALS, value }],
    };
  }

  /**
   * Drops what the caller may not see (always for included entries; for matches unless the query
   * itself was constrained and `_elements`/`_summary` removed the fields the check needs) and redacts.
   */
  private async filterBundle<T extends Resource>(
    bundle: Bundle<T>,
    trustMatches: boolean,
  ): Promise<Bundle<T>> {
    const entries: BundleEntry<T>[] = [];
    let droppedMatches = 0;
    const from = this.bundleCompartments(bundle);
    for (const entry of bundle.entry ?? []) {
      const resource = entry.resource;
      if (!resource) continue;
      const isMatch = (entry.search?.mode ?? 'match') === 'match';
      if (resource.resourceType === 'OperationOutcome') {
        entries.push(entry);
        continue;
      }
      const typeReadable = this.ctx.principal.permissions.allows(resource.resourceType, 'r') || isMatch;
      const visible = typeReadable && ((isMatch && trustMatches) || (await this.canRead(resource, 0, from)));
      if (visible) {
        entries.push({ ...entry, resource: this.present(resource, from) });
      } else if (isMatch) {
        droppedMatches++;
      }
    }
    const result: Bundle<T> = { ...bundle, entry: entries };
    if (droppedMatches > 0 && typeof bundle.total === 'number') {
      result.total = Math.max(0, bundle.total - droppedMatches);
    }
    return result;
  }

  /** The compartments of a Bundle's resources in one index lookup (`index` per resource without an index). */
  private bundleCompartments(bundle: Bundle): CompartmentSource {
    const index = this.ctx.compartments;
    if (!index) return 'index';
    const keys = (bundle.entry ?? []).flatMap(({ resource }) =>
      resource?.id ? [{ resourceType: resource.resourceType, id: resource.id }] : [],
    );
    return index.compartmentsOf(keys);
  }

  // ---- AuditEvent (served read-only from the audit table, scoped by audit-access.ts) ------------------

  private readAuditEvent(id: string): AuditEvent {
    const reach = auditReach(this.ctx.principal, this.ctx.scope);
    const event =
      reach.kind === 'none'
        ? undefined
        : this.ctx.audit?.read(id, reach.kind === 'within' ? reach.references : undefined);
    if (!event) {
      deny(notFound);
    }
    return event;
  }

  private searchAuditEvents(request: SearchRequest): Bundle {
    // The parameters are checked first: a caller who may read nothing still learns that a query is wrong.
    const search = auditSearchOf(request);
    const reach = auditReach(this.ctx.principal, this.ctx.scope);
    if (reach.kind === 'none' || !this.ctx.audit) {
      return auditSearchBundle(request, search, { events: [], total: 0, hasNext: false });
    }
    const within = reach.kind === 'within' ? { within: reach.references } : {};
    return auditSearchBundle(request, search, this.ctx.audit.search({ ...search, ...within }));
  }
}

/** `Patient?identifier=…` references in a resource (resolved by the store on write). */
function conditionalPatientReferences(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    value.forEach((v) => conditionalPatientReferences(v, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'reference' && typeof child === 'string' && child.startsWith('Patient?')) {
        out.push(child);
      } else if (typeof child === 'object') {
        conditionalPatientReferences(child, out);
      }
    }
  }
  return out;
}

/**
 * The deriver's source over FHIR R4 REST, for any server (docs/derived-state.md): reads a patient's record in a
 * few round trips (`Patient/$everything` where the server offers it, else one batch of per-type searches, then
 * every `next` page) and writes the derived resources with their Provenance in transactions.
 */
import { randomUUID } from 'node:crypto';

import type {
  Bundle,
  BundleEntry,
  CapabilityStatement,
  CapabilityStatementRestResource,
  Identifier,
  Reference,
  Resource,
} from '@medplum/fhirtypes';

import {
  MEDICATION_HOLDER_TYPES,
  patientRecordSearches,
  type RecordSearch,
} from '../../../clinical/fhir/record-query';
import {
  DERIVED_SYSTEM,
  derivedId,
  isDerived,
  referenceKey,
  referenceVersion,
  resourceKey,
  RULES_DEVICE_ID,
  rulesDevice,
} from '../../../clinical/index';
import type { DeriverSource } from '../derive/deriver';
import { entryError, type FhirClient, FhirHttpError } from './fhir-client';

export interface HttpSourceOptions {
  /** `_count` of every search (servers cap it; `next` links are followed whatever it is). Default 1000. */
  readonly pageSize?: number;
  /** Write by conditional update on the identifier even where the server accepts client-assigned ids. */
  readonly preferConditionalUpdate?: boolean;
  /** Use the per-type searches even where the server offers `Patient/$everything`. */
  readonly preferSearches?: boolean;
}

/**
 * Beyond the record's searches (clinical/fhir/record-query.ts): Provenance about the Patient itself. The
 * Provenance and co-signature Tasks of the patient's notes come through the QuestionnaireResponse search.
 */
const WORKER_SEARCHES = (patientId: string): RecordSearch[] => [
  { resourceType: 'Provenance', params: [['patient', `Patient/${patientId}`]] },
];

/**
 * Derived resources per transaction. Every write of ours is an update, and Medplum's router (the embedded
 * server's and Medplum's) refuses a transaction of more than 50 updates; one with a conditional update needs
 * serializable isolation and is capped at 8 entries (7 resources and the Provenance). A patient's first
 * derivation (up to two years of weekly assessments) is therefore written in several transactions, each with
 * its own Provenance; should one fail, the next derivation compares with what was stored and writes the rest.
 */
const RESOURCES_PER_TRANSACTION = { update: 50, conditional: 7 } as const;

/** Patients whose server-assigned ids are remembered between load and write (the deriver does one at a time). */
const REMEMBERED_PATIENTS = 64;

export class HttpDeriverSource implements DeriverSource {
  private readonly pageSize: number;
  /**
   * Per recently loaded patient, the derived resources the server keeps under another id than the rules give
   * them (`Type/ruleId` → the server's id): a server that assigned ids itself. Kept for the next write only.
   */
  private readonly serverIds = new Map<string, Map<string, string>>();

  constructor(
    private readonly client: FhirClient,
    private readonly options: HttpSourceOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 1000;
  }

  async load(patientId: string): Promise<readonly Resource[]> {
    const caps = await this.client.capabilities();
    const found =
      supportsEverything(caps) && !this.options.preferSearches
        ? await this.everything(patientId)
        : (await this.client.batchSearch(this.searches(caps, patientId))).flat();
    const resources = dedupe(found);
    resources.push(...(await this.missingMedications(resources)));
    const serverIds = new Map<string, string>();
    const presented = resources.map((r) => asDerivedById(r, serverIds));
    this.serverIds.delete(patientId);
    if (serverIds.size > 0) this.serverIds.set(patientId, serverIds);
    while (this.serverIds.size > REMEMBERED_PATIENTS) {
      this.serverIds.delete(this.serverIds.keys().next().value as string);
    }
    return presented;
  }

  async write(
    resources: readonly Resource[],
    provenance: (written: readonly Reference[]) => Resource,
  ): Promise<void> {
    const caps = await this.client.capabilities();
    const planned = resources.map((r) => this.entryFor(r, caps));
    const size = planned.some((p) => p.conditional)
      ? RESOURCES_PER_TRANSACTION.conditional
      : RESOURCES_PER_TRANSACTION.update;
    for (let i = 0; i < planned.length; i += size) {
      const chunk = planned.slice(i, i + size);
      if (supportsTransaction(caps)) await this.transaction(chunk, provenance);
      else await this.batch(chunk, provenance);
    }
  }

  /**
   * Makes sure the rules Device exists (the performer of every RiskAssessment, the agent of every derivation
   * Provenance): servers that check references on write (HAPI FHIR by default) refuse a reference to a Device
   * they do not hold. The embedded server loads it with the clinic definitions; elsewhere the worker writes it.
   */
  async ensureRulesDevice(): Promise<void> {
    try {
      await this.client.read('Device', RULES_DEVICE_ID);
      return;
    } catch (err) {
      if (!(err instanceof FhirHttpError) || (err.status !== 404 && err.status !== 410)) throw err;
    }
    const device = rulesDevice();
    const identifier = device.identifier?.[0];
    const token = `${escapeToken(identifier?.system ?? '')}|${escapeToken(identifier?.value ?? '')}`;
    const same = await this.client.searchAll(`Device?identifier=${encodeURIComponent(token)}&_elements=id`);
    if (same.length > 0) return; // kept under an id the server assigned
    const { entry } = this.entryFor(device, await this.client.capabilities());
    await this.client.request('PUT', entry.request?.url ?? '', entry.resource);
  }

  async patientIds(): Promise<readonly string[]> {
    const patients = await this.client.searchAll(`Patient?_elements=id&_count=${this.pageSize}`);
    return [...new Set(patients.filter((p) => p.resourceType === 'Patient').map((p) => p.id as string))];
  }

  /**
   * One patient's record as R4 searches (each parameter defined by R4 for its type:
   * hl7.org/fhir/R4/searchparameter-registry.html), `_count` set to the page size; refuses a parameter the
   * server says it lacks.
   */
  private searches(caps: CapabilityStatement, patientId: string): string[] {
    return [...patientRecordSearches(patientId), ...WORKER_SEARCHES(patientId)].map(
      ({ resourceType, params }) => {
        const declared = restResource(caps, resourceType)?.searchParam;
        for (const [name] of params) {
          if (!name.startsWith('_') && declared?.length && !declared.some((p) => p.name === name)) {
            throw new Error(
              `The server does not support the search ${resourceType}?${name} (CapabilityStatement)`,
            );
          }
        }
        const query = new URLSearchParams(
          params.filter(([name]) => name !== '_count').map(([n, v]) => [n, v]),
        );
        query.set('_count', String(this.pageSize));
        return `${resourceType}?${query.toString()}`;
      },
    );
  }

  /**
   * `$everything` returns the patient compartment and what it references (Medications), every page of it.
   * Provenance of the patient's notes and Tasks on them are outside the R4 Patient compartment: they come
   * from the same QuestionnaireResponse search as in the batch.
   */
  private async everything(patientId: string): Promise<Resource[]> {
    const id = encodeURIComponent(patientId);
    const [everything, notes] = await Promise.all([
      this.client.searchAll(`Patient/${id}/$everything?_count=${this.pageSize}`),
      this.client.searchAll(
        `QuestionnaireResponse?patient=${id}&_count=${this.pageSize}&_revinclude=Provenance:target&_revinclude=Task:focus`,
      ),
    ]);
    return [...everything, ...notes];
  }

  /** Medications referenced by the MAT resources but not included by the server, read in one batch. */
  private async missingMedications(resources: readonly Resource[]): Promise<Resource[]> {
    const have = new Set(resources.map(resourceKey));
    const wanted = new Set<string>();
    for (const r of resources) {
      if (!(MEDICATION_HOLDER_TYPES as readonly string[]).includes(r.resourceType)) continue;
      const key = referenceKey((r as { medicationReference?: Reference }).medicationReference?.reference);
      if (key?.startsWith('Medication/') && !have.has(key)) wanted.add(key);
    }
    if (wanted.size === 0) return [];
    const response = await this.client.bundle(
      'batch',
      [...wanted].map((url) => ({ request: { method: 'GET', url } })),
    );
    // A dangling reference reads as 404: the order is then read by its own coding or text.
    return (response.entry ?? [])
      .map((e) => e.resource)
      .filter((r): r is Resource => r?.resourceType === 'Medication');
  }

  private entryFor(resource: Resource, caps: CapabilityStatement): PlannedEntry {
    const type = resource.resourceType;
    const { meta, ...rest } = resource;
    const body = {
      ...rest,
      meta: {
        ...(meta?.tag ? { tag: meta.tag } : {}),
        ...(meta?.security ? { security: meta.security } : {}),
      },
    } as Resource;
    const identifier = derivedIdentifierOf(resource);
    const patientId = referenceKey((resource as { subject?: Reference }).subject?.reference)?.slice(
      'Patient/'.length,
    );
    const serverId = this.serverIds.get(patientId ?? '')?.get(`${type}/${resource.id ?? ''}`);
    // Client-assigned ids where the server takes them; else (or when told to) a conditional update on the
    // identifier. A resource the server already keeps under its own id is updated under that id.
    const conditional =
      identifier?.value !== undefined &&
      (this.options.preferConditionalUpdate === true ||
        (restResource(caps, type)?.updateCreate !== true && serverId === undefined));
    if (conditional) {
      // The server finds the resource by its identifier (or creates it, assigning the id): no id in the body.
      const { id: _id, ...withoutId } = body;
      const fullUrl = `urn:uuid:${randomUUID()}`;
      const token = `${escapeToken(identifier.system ?? '')}|${escapeToken(identifier.value ?? '')}`;
      return {
        conditional: true,
        target: fullUrl,
        entry: {
          fullUrl,
          resource: withoutId as Resource,
          request: { method: 'PUT', url: `${type}?identifier=${encodeURIComponent(token)}` },
        },
      };
    }
    const id = serverId ?? resource.id;
    if (!id) throw new Error(`A derived ${type} without an id or identifier cannot be written`);
    return {
      conditional: false,
      target: `${type}/${id}`,
      entry: {
        fullUrl: `${this.client.baseUrl}/${type}/${id}`,
        resource: { ...body, id } as Resource,
        request: { method: 'PUT', url: `${type}/${encodeURIComponent(id)}` },
      },
    };
  }

  /**
   * One transaction: the derived resources and a Provenance whose targets point at them. The targets are
   * unversioned: the versions are only known once the transaction has answered (the embedded server's
   * in-process source names exact versions). Conditional entries are referenced by their urn:uuid fullUrl,
   * which the server replaces with the id it resolved or assigned.
   */
  private async transaction(
    chunk: readonly PlannedEntry[],
    provenance: (written: readonly Reference[]) => Resource,
  ): Promise<void> {
    const signed = provenance(chunk.map((p) => ({ reference: p.target })));
    await this.client.bundle('transaction', [
      ...chunk.map((p) => p.entry),
      {
        fullUrl: `urn:uuid:${randomUUID()}`,
        resource: signed,
        request: { method: 'POST', url: 'Provenance' },
      },
    ]);
  }

  /**
   * Servers without transactions get a batch. A batch is not atomic and its entries cannot reference each
   * other, so the Provenance follows it, naming the versions the batch wrote (from each entry's location);
   * an entry that failed is reported after the Provenance of the others is written.
   */
  private async batch(
    chunk: readonly PlannedEntry[],
    provenance: (written: readonly Reference[]) => Resource,
  ): Promise<void> {
    const response: Bundle = await this.client.bundle(
      'batch',
      chunk.map((p) => p.entry),
    );
    const written: Reference[] = [];
    let failure: FhirHttpError | undefined;
    chunk.forEach((p, i) => {
      const entry = response.entry?.[i];
      const error = entryError(entry, `PUT ${p.entry.resource?.resourceType ?? ''}`);
      if (error) {
        failure ??= error;
        return;
      }
      written.push({ reference: writtenReference(entry, p) });
    });
    if (written.length > 0) {
      await this.client.request('POST', 'Provenance', provenance(written));
    }
    if (failure) throw failure;
  }
}

interface PlannedEntry {
  readonly conditional: boolean;
  /** How the Provenance names this resource inside the transaction. */
  readonly target: string;
  readonly entry: BundleEntry;
}

/** `Type/id/_history/v` from a batch entry's location (or resource), else the planned reference. */
function writtenReference(entry: BundleEntry | undefined, planned: PlannedEntry): string {
  const location = entry?.response?.location;
  const key = referenceKey(location) ?? (entry?.resource ? resourceKey(entry.resource) : undefined);
  const version = referenceVersion(location) ?? entry?.resource?.meta?.versionId;
  if (!key) return planned.target;
  return version ? `${key}/_history/${version}` : key;
}

/**
 * A derived resource as the rules know it: under the id its identifier gives (derivedId), which is how the
 * deriver compares it with what it computes. A server that assigns its own ids keeps it under another one,
 * noted in `serverIds`.
 */
function asDerivedById(resource: Resource, serverIds: Map<string, string>): Resource {
  if (!isDerived(resource) || resource.resourceType === 'Provenance') return resource;
  const value = derivedIdentifierOf(resource)?.value;
  if (value === undefined) return resource;
  const ruleId = derivedId(value);
  if (resource.id === ruleId) return resource;
  if (resource.id) serverIds.set(`${resource.resourceType}/${ruleId}`, resource.id);
  return { ...resource, id: ruleId };
}

function derivedIdentifierOf(resource: Resource): Identifier | undefined {
  return ((resource as { identifier?: Identifier[] }).identifier ?? []).find(
    (i) => i.system === DERIVED_SYSTEM.identifier && i.value !== undefined,
  );
}

/** FHIR search escaping of a token part (`\`, `|`, `$`, `,`: hl7.org/fhir/R4/search.html#escaping). */
function escapeToken(value: string): string {
  return value.replace(/[\\|$,]/g, (c) => `\\${c}`);
}

/** One copy per Type/id, the newest (a resource found by two searches, or on two pages). */
function dedupe(resources: readonly Resource[]): Resource[] {
  const byKey = new Map<string, Resource>();
  for (const r of resources) {
    if (!r.id) continue;
    const key = resourceKey(r);
    const seen = byKey.get(key);
    if (!seen || (r.meta?.lastUpdated ?? '') > (seen.meta?.lastUpdated ?? '')) byKey.set(key, r);
  }
  return [...byKey.values()];
}

function restResource(caps: CapabilityStatement, type: string): CapabilityStatementRestResource | undefined {
  return caps.rest?.find((r) => r.mode === 'server')?.resource?.find((r) => r.type === type);
}

/** `Patient/$everything` advertised on the Patient resource (operation name `everything`). */
export function supportsEverything(caps: CapabilityStatement): boolean {
  return (restResource(caps, 'Patient')?.operation ?? []).some(
    (op) =>
      op.name === 'everything' ||
      op.name === '$everything' ||
      /Patient-everything$/.test(op.definition ?? ''),
  );
}

/** Transactions unless the server lists its system interactions without `transaction`. */
export function supportsTransaction(caps: CapabilityStatement): boolean {
  const interactions = caps.rest?.find((r) => r.mode === 'server')?.interaction;
  return interactions === undefined || interactions.some((i) => i.code === 'transaction');
}

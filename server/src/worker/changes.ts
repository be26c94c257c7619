/**
 * Which patients' records changed on the server, for the worker to derive them again: a resource that changed
 * is mapped to its patients (ChangeMapper), and changes are found by polling `_lastUpdated` (ChangePoller) or
 * pushed by the server through Subscriptions (subscriptions.ts). Resources the rules wrote themselves (tagged
 * `derived`) are never a change, so the worker's own writes do not wake it.
 */
import type { Bundle, Reference, Resource } from '@medplum/fhirtypes';

import { isDerived, MEDICATION_HOLDER_TYPES, referenceKey, resourceKey } from '../../../clinical/index';
import { entryError, type FhirClient } from './fhir-client';

/**
 * The types whose resources the rules read (the record searches of http-source.ts, plus shared Medications
 * and the Tasks on notes). RiskAssessment and Flag are left out: the rules read only their own.
 */
export const WATCHED_TYPES = [
  'Patient',
  'EpisodeOfCare',
  'CareTeam',
  'Appointment',
  'Encounter',
  'MedicationRequest',
  'MedicationAdministration',
  'MedicationDispense',
  'MedicationStatement',
  'Medication',
  'Observation',
  'DiagnosticReport',
  'QuestionnaireResponse',
  'Provenance',
  'Task',
  'Consent',
] as const;

/** Maps changed resources to the ids of the patients whose record they are part of. */
export class ChangeMapper {
  constructor(
    private readonly client: FhirClient,
    private readonly pageSize = 1000,
  ) {}

  /**
   * The patients of these resources. A resource that names no patient itself is followed one step: a
   * Provenance to its targets, a Task to its focus, an Observation or note to its Encounter (one batch of
   * reads); a Medication to the orders, dispenses … that use it (one batch of searches).
   */
  async patientsOf(resources: readonly Resource[]): Promise<Set<string>> {
    const patients = new Set<string>();
    const follow = new Set<string>();
    const medications: string[] = [];
    for (const resource of resources) {
      if (isDerived(resource)) continue;
      const direct = directPatients(resource);
      direct.forEach((p) => patients.add(p));
      if (direct.length > 0) continue;
      if (resource.resourceType === 'Medication' && resource.id) medications.push(resource.id);
      for (const key of linkedKeys(resource)) follow.add(key);
    }
    if (follow.size > 0) {
      const response = await this.client.bundle(
        'batch',
        [...follow].map((url) => ({ request: { method: 'GET', url } })),
      );
      for (const entry of response.entry ?? []) {
        // A target that is gone (404) or unreadable names no patient.
        if (entry.resource && !entryError(entry, 'GET')) {
          directPatients(entry.resource).forEach((p) => patients.add(p));
        }
      }
    }
    if (medications.length > 0) {
      const ids = medications.map((id) => `Medication/${id}`).join(',');
      const holders = await this.client.batchSearch(
        MEDICATION_HOLDER_TYPES.map(
          (type) => `${type}?medication=${encodeURIComponent(ids)}&_elements=subject&_count=${this.pageSize}`,
        ),
      );
      for (const r of holders.flat()) directPatients(r).forEach((p) => patients.add(p));
    }
    return patients;
  }
}

/** Patient ids a resource names as its subject, patient, beneficiary, participant or target. */
export function directPatients(resource: Resource): string[] {
  if (resource.resourceType === 'Patient') return resource.id ? [resource.id] : [];
  const r = resource as Resource & {
    subject?: Reference;
    patient?: Reference;
    for?: Reference;
    participant?: { actor?: Reference }[];
    target?: Reference[];
  };
  const refs: (Reference | undefined)[] = [r.subject, r.patient, r.for];
  if (resource.resourceType === 'Appointment') refs.push(...(r.participant ?? []).map((p) => p.actor));
  if (resource.resourceType === 'Provenance') refs.push(...(r.target ?? []));
  const ids = new Set<string>();
  for (const ref of refs) {
    const key = referenceKey(ref?.reference);
    if (key?.startsWith('Patient/')) ids.add(key.slice('Patient/'.length));
  }
  return [...ids];
}

/** What a resource without a patient of its own belongs through (Type/id keys, unversioned). */
function linkedKeys(resource: Resource): string[] {
  const r = resource as Resource & {
    target?: Reference[];
    focus?: Reference;
    encounter?: Reference;
    context?: Reference;
  };
  const refs =
    resource.resourceType === 'Provenance'
      ? (r.target ?? [])
      : resource.resourceType === 'Task'
        ? [r.focus, r.encounter]
        : [r.encounter, resource.resourceType.startsWith('Medication') ? r.context : undefined];
  return refs
    .map((ref) => referenceKey(ref?.reference))
    .filter((k): k is string => k !== undefined && !k.startsWith('urn:'));
}

export interface ChangePollerOptions {
  readonly pageSize?: number;
  /**
   * How far each watermark trails the newest change seen, so that a write committed late with an earlier
   * `lastUpdated` (a long transaction, a clock step) is still found. Changes seen twice are skipped.
   */
  readonly overlapMs?: number;
  readonly types?: readonly string[];
}

/**
 * Polls `[type]?_lastUpdated=gt<watermark>` for every watched type in one batch and follows every `next` page.
 * Each type's watermark becomes the newest `meta.lastUpdated` seen (never later than the server's clock when it
 * answered), minus the overlap; what was already seen inside the overlap is skipped by Type/id/version.
 */
export class ChangePoller {
  private readonly pageSize: number;
  private readonly overlapMs: number;
  private readonly types: readonly string[];
  private readonly watermarks = new Map<string, number>();
  /** `Type/id/version` → lastUpdated (ms) of the changes seen after the watermarks. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly client: FhirClient,
    options: ChangePollerOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 1000;
    this.overlapMs = options.overlapMs ?? 5_000;
    this.types = options.types ?? WATCHED_TYPES;
  }

  /** Starts every watermark at the server's current time (call before the first sweep). */
  async start(): Promise<void> {
    const response = await this.client.request('GET', 'metadata');
    const at = serverTime(response.headers) - this.overlapMs;
    for (const type of this.types) this.watermarks.set(type, at);
  }

  /** The resources changed since the last poll (not seen before, not derived). */
  async poll(): Promise<Resource[]> {
    if (this.watermarks.size === 0) await this.start();
    const since = this.types.map((type) => this.watermarks.get(type) ?? 0);
    const response = await this.client.request<Bundle>(
      'POST',
      '',
      {
        resourceType: 'Bundle',
        type: 'batch',
        entry: this.types.map((type, i) => ({
          request: {
            method: 'GET',
            url:
              `${type}?_lastUpdated=${encodeURIComponent(`gt${new Date(since[i] ?? 0).toISOString()}`)}` +
              `&_sort=_lastUpdated&_count=${this.pageSize}`,
          },
        })),
      },
      'POST batch',
    );
    const answeredAt = serverTime(response.headers);
    const pages = await Promise.all(
      this.types.map(async (type, i) => {
        const entry = response.body.entry?.[i];
        const error = entryError(entry, `GET ${type}`);
        if (error) throw error;
        const bundle = entry?.resource as Bundle | undefined;
        return bundle?.resourceType === 'Bundle' ? this.client.rest(bundle) : [];
      }),
    );
    const changed: Resource[] = [];
    this.types.forEach((type, i) => {
      let newest = -Infinity;
      for (const resource of pages[i] ?? []) {
        if (resource.resourceType !== type) continue; // an _include a server added
        const updated = Date.parse(resource.meta?.lastUpdated ?? '');
        if (Number.isFinite(updated)) newest = Math.max(newest, updated);
        const key = `${resourceKey(resource)}/${resource.meta?.versionId ?? resource.meta?.lastUpdated ?? ''}`;
        if (this.seen.has(key)) continue;
        this.seen.set(key, Number.isFinite(updated) ? updated : answeredAt);
        if (!isDerived(resource)) changed.push(resource);
      }
      const upTo = Math.min(Number.isFinite(newest) ? newest : answeredAt, answeredAt) - this.overlapMs;
      this.watermarks.set(type, Math.max(this.watermarks.get(type) ?? -Infinity, upTo));
    });
    const oldest = Math.min(...this.watermarks.values());
    for (const [key, at] of this.seen) if (at <= oldest) this.seen.delete(key);
    return changed;
  }
}

/** The server's clock from its Date header (whole seconds), else ours. */
function serverTime(headers: Headers): number {
  const date = Date.parse(headers.get('date') ?? '');
  return Number.isFinite(date) ? date : Date.now();
}

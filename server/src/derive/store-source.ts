/**
 * The deriver's source inside the embedded server: reads a patient's compartment from the store in one indexed
 * query and writes the derived resources and their Provenance in one store transaction.
 */
import type { Reference, Resource } from '@medplum/fhirtypes';

import { MEDICATION_HOLDER_TYPES, referenceKey } from '../../../clinical/index';
import type { SqliteRepository } from '../store/sqlite-repository';
import type { DeriverSource } from './deriver';

const MEDICATION_HOLDERS: ReadonlySet<string> = new Set(MEDICATION_HOLDER_TYPES);

export class StoreDeriverSource implements DeriverSource {
  constructor(private readonly store: SqliteRepository) {}

  async load(patientId: string): Promise<readonly Resource[]> {
    const resources = await this.store.compartmentResources(patientId);
    const medications = new Set<string>();
    for (const r of resources) {
      if (!MEDICATION_HOLDERS.has(r.resourceType)) continue;
      const key = referenceKey((r as { medicationReference?: Reference }).medicationReference?.reference);
      if (key?.startsWith('Medication/')) medications.add(key.slice('Medication/'.length));
    }
    for (const id of medications) {
      try {
        resources.push(await this.store.readResource('Medication', id));
      } catch {
        // a dangling medication reference: the order is read by its own coding or text
      }
    }
    return resources;
  }

  async write(
    resources: readonly Resource[],
    provenance: (written: readonly Reference[]) => Resource,
  ): Promise<void> {
    await this.store.withTransaction(
      async (tx) => {
        const written: Reference[] = [];
        for (const resource of resources) {
          const stored = await tx.updateResource(resource);
          written.push({
            reference: `${stored.resourceType}/${stored.id}/_history/${stored.meta?.versionId ?? '1'}`,
          });
        }
        await tx.createResource(provenance(written));
      },
      { resourceTypes: [...new Set(resources.map((r) => r.resourceType)), 'Provenance'] },
    );
  }

  patientIds(): Promise<readonly string[]> {
    return this.store.patientIds();
  }
}

import type { Reference, Resource } from '@medplum/fhirtypes';

/**
 * Reference handling that tolerates what real servers return: relative ("Patient/1"), absolute
 * ("https://x/fhir/Patient/1"), versioned ("Patient/1/_history/3") and urn:uuid references.
 */

const TYPED = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;

/** "Type/id" of a reference string, without base URL or version; urn:uuid kept as is; undefined for '#x'. */
export function referenceKey(reference: string | undefined): string | undefined {
  if (!reference || reference.startsWith('#')) return undefined;
  if (reference.startsWith('urn:')) return reference;
  const m = TYPED.exec(reference);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/** The version id in a versioned reference ("…/_history/3" → "3"). */
export function referenceVersion(reference: string | undefined): string | undefined {
  if (!reference) return undefined;
  return TYPED.exec(reference)?.[3];
}

/** "Type/id" of a resource. */
export function resourceKey(resource: Resource): string {
  return `${resource.resourceType}/${resource.id ?? ''}`;
}

/** A plain relative reference to a resource (the evidence form used by risk points and alerts). */
export function referenceTo(resource: Resource): Reference {
  return { reference: resourceKey(resource) };
}

/** The referenced key if the reference points at the given resource type. */
export function keyOfType(ref: Reference | undefined, type: string): string | undefined {
  const key = referenceKey(ref?.reference);
  return key?.startsWith(`${type}/`) ? key : undefined;
}

/** Unique references, in first-seen order. */
export function uniqueReferences(refs: readonly Reference[]): Reference[] {
  const seen = new Set<string>();
  const out: Reference[] = [];
  for (const r of refs) {
    const k = r.reference ?? '';
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(r);
  }
  return out;
}

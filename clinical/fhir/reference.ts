import type { Reference, Resource } from '@medplum/fhirtypes';

/**
 * Reference handling that tolerates what real servers return: relative ("Patient/1"), absolute
 * ("https://x/fhir/Patient/1"), versioned ("Patient/1/_history/3") and urn:uuid references.
 */

const TYPED = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;

/** A literal reference taken apart: `https://x/fhir/Patient/1/_history/3`. */
export interface ReferenceParts {
  /** `Patient` */
  readonly type: string;
  /** `1` */
  readonly id: string;
  /** `3`, for a versioned reference */
  readonly version?: string;
  /**
   * What stands before `/Type/id` (`https://x/fhir`) in a reference that is not relative; undefined for a
   * relative one.
   */
  readonly base?: string;
}

/**
 * Type, id, version and base of a literal reference (relative, absolute or versioned); undefined for
 * contained (`#x`), `urn:` and conditional references and for anything else that ends in no `Type/id`.
 * The one parser of reference strings: server and SPA use it (or the helpers below) too.
 */
export function referenceParts(reference: string | undefined): ReferenceParts | undefined {
  const m = reference ? TYPED.exec(reference) : null;
  if (!reference || !m) return undefined;
  const relative = m.index === 0 && !m[0].startsWith('/');
  return {
    type: m[1] as string,
    id: m[2] as string,
    ...(m[3] ? { version: m[3] } : {}),
    ...(relative ? {} : { base: reference.slice(0, m.index) }),
  };
}

/** "Type/id" of a reference string, without base URL or version; urn:uuid kept as is; undefined for '#x'. */
export function referenceKey(reference: string | undefined): string | undefined {
  if (!reference || reference.startsWith('#')) return undefined;
  if (reference.startsWith('urn:')) return reference;
  const parts = referenceParts(reference);
  return parts ? `${parts.type}/${parts.id}` : undefined;
}

/** The version id in a versioned reference ("…/_history/3" → "3"). */
export function referenceVersion(reference: string | undefined): string | undefined {
  return referenceParts(reference)?.version;
}

/** "Type/id" of a resource. */
export function resourceKey(resource: Resource): string {
  return `${resource.resourceType}/${resource.id ?? ''}`;
}

/** A plain relative reference to a resource (the evidence form used by risk points and alerts). */
export function referenceTo(resource: Resource): Reference {
  return { reference: resourceKey(resource) };
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

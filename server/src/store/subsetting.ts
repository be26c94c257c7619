// _elements and _summary: return a subset of each matched resource (FHIR R4 §3.1.1.5.9 / §3.1.1.5.8).
import type { Resource } from '@medplum/fhirtypes';

import { getMandatoryElements, getSummaryElements } from './search-params';

const SUBSETTED = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'subsetted',
};

const ALWAYS_KEPT = new Set(['resourceType', 'id', 'meta']);

/** Applies `_elements` (top-level names) and/or `_summary` (true | text | data) to a resource. */
export function subsetResource(
  resource: Resource,
  elements: readonly string[] | undefined,
  summary: 'true' | 'text' | 'data' | undefined,
): Resource {
  if (!elements?.length && !summary) {
    return resource;
  }
  const mandatory = getMandatoryElements(resource.resourceType);
  let keep: (key: string) => boolean;
  if (elements?.length) {
    const wanted = elements.map((e) => e.trim().split('.')[0] as string).filter(Boolean);
    keep = (key) => wanted.some((w) => key === w || isChoiceOf(key, w));
  } else if (summary === 'true') {
    const summaryNames = getSummaryElements(resource.resourceType);
    keep = (key) => summaryNames.has(key) || [...summaryNames].some((w) => isChoiceOf(key, w));
  } else if (summary === 'text') {
    keep = (key) => key === 'text';
  } else {
    keep = (key) => key !== 'text';
  }
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (
      ALWAYS_KEPT.has(key) ||
      mandatory.has(key) ||
      [...mandatory].some((m) => isChoiceOf(key, m)) ||
      keep(key)
    ) {
      result[key] = value;
    }
  }
  const meta = { ...(resource.meta ?? {}) };
  meta.tag = [...(meta.tag ?? []).filter((t) => t.code !== SUBSETTED.code), SUBSETTED];
  result['meta'] = meta;
  return result as unknown as Resource;
}

function isChoiceOf(key: string, base: string): boolean {
  return key.length > base.length && key.startsWith(base) && /[A-Z]/.test(key.charAt(base.length));
}

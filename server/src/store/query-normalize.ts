// Query-string normalization the HTTP layer applies before @medplum/core's parseSearchRequest, which drops a
// reference parameter's `:[type]` modifier (`subject:Patient=123` would otherwise search any type with id 123).
import { getResourceTypes, getSearchParameters } from '@medplum/core';

type Query = Record<string, string | string[] | undefined>;

/**
 * Rewrites `param:Type=id1,id2` to `param=Type/id1,Type/id2` for reference parameters of `resourceType`; every other
 * key is kept as is. Returns a new object.
 */
export function rewriteReferenceTypeModifiers(resourceType: string, query: Query): Query {
  const params = getSearchParameters(resourceType) ?? {};
  const types = new Set<string>(getResourceTypes());
  const result: Query = {};
  const add = (key: string, value: string | string[] | undefined): void => {
    const existing = result[key];
    if (existing === undefined) {
      result[key] = value;
    } else {
      result[key] = [
        ...(Array.isArray(existing) ? existing : [existing]),
        ...(Array.isArray(value) ? value : [value ?? '']),
      ];
    }
  };
  for (const [key, value] of Object.entries(query)) {
    const m = /^([^:.]+):([A-Z][A-Za-z]+)$/.exec(key);
    if (m && params[m[1] as string]?.type === 'reference' && types.has(m[2] as string)) {
      const type = m[2] as string;
      const prefix = (v: string): string =>
        v
          .split(',')
          .map((part) => (part.includes('/') ? part : `${type}/${part}`))
          .join(',');
      add(
        m[1] as string,
        Array.isArray(value) ? value.map(prefix) : value === undefined ? undefined : prefix(value),
      );
    } else {
      add(key, value);
    }
  }
  return result;
}

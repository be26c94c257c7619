// Extracts the search-index rows of one resource, at write time, from the SearchParameter FHIRPath expressions.
import type { TypedValue } from '@medplum/core';
import { convertToSearchableTokens, evalFhirPathTyped, toTypedValue } from '@medplum/core';
import type {
  Address,
  HumanName,
  Period,
  Quantity,
  Range,
  Reference,
  Resource,
  Timing,
} from '@medplum/fhirtypes';

import { referenceParts } from '../../../clinical/fhir/reference';
import { type InstantRange, parseDateRange, periodRange } from './date-range';
import { getIndexedParams, type IndexedParam, presentRoots, type SimplePath } from './search-params';
import { normalizeText } from './text-normalize';

/** A system marker used to separate display/text tokens from codes while extracting tokens. */
const TEXT_SYSTEM = '\u0000text';

export interface IndexRows {
  token: [code: string, system: string, value: string][];
  text: [code: string, text: string][];
  reference: [code: string, targetType: string, targetId: string][];
  date: [code: string, start: number, end: number][];
  string: [code: string, normalized: string, raw: string][];
  number: [code: string, low: number, high: number][];
  quantity: [code: string, value: number, system: string, unitCode: string, unit: string][];
  uri: [code: string, value: string][];
}

/**
 * Splits a reference string into [type, id]; canonical/absolute non-FHIR URLs become ['', url]. A reference
 * counts as a FHIR literal reference when it is relative or its base is an http(s) URL (`ftp://x/Patient/1`,
 * `/Patient/1` and `foo/Patient/1` are URLs, not references): the index rows depend on exactly this.
 */
export function splitReference(reference: string): [string, string] {
  const parts = referenceParts(reference);
  if (parts && (parts.base === undefined || /^https?:\/\//.test(parts.base))) {
    return [parts.type, parts.id];
  }
  const bar = reference.indexOf('|');
  return ['', bar > 0 ? reference.slice(0, bar) : reference];
}

/** Computes every index row of a resource. Rows are de-duplicated per parameter. */
export function computeIndexRows(resource: Resource): IndexRows {
  const rows: IndexRows = {
    token: [],
    text: [],
    reference: [],
    date: [],
    string: [],
    number: [],
    quantity: [],
    uri: [],
  };
  const params = getIndexedParams(resource.resourceType);
  const present = presentRoots(resource);
  const typed = [toTypedValue(resource)];
  for (const param of params.values()) {
    if (param.code.endsWith(':identifier')) {
      continue; // filled together with the reference parameter
    }
    if (param.roots && !param.roots.some((r) => present.has(r))) {
      continue;
    }
    let values: TypedValue[];
    try {
      values = param.simplePaths
        ? walkPaths(resource, param.simplePaths)
        : evalFhirPathTyped(param.expression, typed);
    } catch {
      continue; // an expression that fails on unusual data must not block the write
    }
    if (values.length > 0) {
      addRows(rows, param, values);
    }
  }
  return dedupe(rows);
}

/** Collects the values at plain member paths (arrays flattened), as FHIRPath member navigation would. */
function walkPaths(resource: Resource, paths: readonly SimplePath[]): TypedValue[] {
  const result: TypedValue[] = [];
  for (const path of paths) {
    let current: unknown[] = [resource];
    const last = path.segments.length - 1;
    for (let i = 0; i <= last && current.length > 0; i++) {
      const segment = path.segments[i] as string;
      const next: unknown[] = [];
      for (const item of current) {
        const obj = item as Record<string, unknown>;
        if (i === last && path.choices) {
          for (const type of path.choices) {
            const value = obj[segment + type.charAt(0).toUpperCase() + type.slice(1)];
            if (value !== undefined && value !== null) {
              result.push({ type, value });
            }
          }
          continue;
        }
        const value = obj[segment];
        if (Array.isArray(value)) {
          next.push(...value);
        } else if (value !== undefined && value !== null) {
          next.push(value);
        }
      }
      current = next;
    }
    if (path.choices) {
      continue;
    }
    for (const value of current) {
      if (path.referenceType && !isReferenceTo((value as Reference).reference, path.referenceType)) {
        continue;
      }
      result.push({ type: path.type as string, value });
    }
  }
  return result;
}

/** What FHIRPath `resolve() is T` decides for a reference string, without resolving it. */
function isReferenceTo(reference: string | undefined, type: string): boolean {
  return (
    !!reference &&
    (reference.startsWith(type + '/') ||
      reference.startsWith(type + '?') ||
      reference.includes('/' + type + '/'))
  );
}

function addRows(rows: IndexRows, param: IndexedParam, values: TypedValue[]): void {
  const code = param.code;
  switch (param.kind) {
    case 'token':
      for (const token of convertToSearchableTokens(values, { textSearchSystem: TEXT_SYSTEM })) {
        if (token.system === TEXT_SYSTEM) {
          if (token.value) {
            rows.text.push([code, normalizeText(token.value)]);
          }
        } else {
          rows.token.push([code, token.system ?? '', token.value ?? '']);
        }
      }
      break;
    case 'reference':
      for (const { value } of values) {
        if (typeof value === 'string') {
          rows.reference.push([code, ...splitReference(value)]);
        } else if (value && typeof value === 'object') {
          const ref = value as Reference & { resourceType?: string; id?: string };
          if (ref.reference) {
            rows.reference.push([code, ...splitReference(ref.reference)]);
          } else if (ref.resourceType && ref.id) {
            rows.reference.push([code, ref.resourceType, ref.id]);
          }
          if (ref.identifier && (ref.identifier.system || ref.identifier.value)) {
            rows.token.push([code + ':identifier', ref.identifier.system ?? '', ref.identifier.value ?? '']);
          }
        }
      }
      break;
    case 'date':
      for (const { value } of values) {
        for (const range of toDateRanges(value)) {
          rows.date.push([code, range.start, range.end]);
        }
      }
      break;
    case 'string':
      for (const { value } of values) {
        for (const s of toStrings(value)) {
          const normalized = normalizeText(s);
          if (normalized) {
            rows.string.push([code, normalized, s]);
          }
        }
      }
      break;
    case 'number':
      for (const { value } of values) {
        if (typeof value === 'number') {
          rows.number.push([code, value, value]);
        } else if (value && typeof value === 'object') {
          const range = value as Range;
          if (range.low?.value !== undefined || range.high?.value !== undefined) {
            rows.number.push([code, range.low?.value ?? -Infinity, range.high?.value ?? Infinity]);
          }
        }
      }
      break;
    case 'quantity':
      for (const { value } of values) {
        if (typeof value === 'number') {
          rows.quantity.push([code, value, '', '', '']);
        } else if (value && typeof value === 'object' && typeof (value as Quantity).value === 'number') {
          const q = value as Quantity;
          rows.quantity.push([code, q.value as number, q.system ?? '', q.code ?? '', q.unit ?? '']);
        }
      }
      break;
    case 'uri':
      for (const { value } of values) {
        if (typeof value === 'string' && value) {
          rows.uri.push([code, value]);
        }
      }
      break;
  }
}

function toDateRanges(value: unknown): InstantRange[] {
  if (typeof value === 'string') {
    const r = parseDateRange(value);
    return r ? [r] : [];
  }
  if (!value || typeof value !== 'object') {
    return [];
  }
  const period = value as Period;
  if (period.start !== undefined || period.end !== undefined) {
    const r = periodRange(period.start, period.end);
    return r ? [r] : [];
  }
  const timing = value as Timing;
  const result: InstantRange[] = [];
  for (const event of timing.event ?? []) {
    const r = parseDateRange(event);
    if (r) {
      result.push(r);
    }
  }
  const bounds = timing.repeat?.boundsPeriod;
  if (bounds) {
    const r = periodRange(bounds.start, bounds.end);
    if (r) {
      result.push(r);
    }
  }
  return result;
}

function toStrings(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (!value || typeof value !== 'object') {
    return [];
  }
  const result: string[] = [];
  const name = value as HumanName;
  const address = value as Address;
  const push = (s: unknown): void => {
    if (typeof s === 'string' && s) {
      result.push(s);
    }
  };
  if ('family' in name || 'given' in name || 'prefix' in name || 'suffix' in name) {
    push(name.text);
    push(name.family);
    name.given?.forEach(push);
    name.prefix?.forEach(push);
    name.suffix?.forEach(push);
    push([...(name.given ?? []), name.family].filter(Boolean).join(' '));
  } else if ('line' in address || 'city' in address || 'postalCode' in address || 'country' in address) {
    push(address.text);
    address.line?.forEach(push);
    push(address.city);
    push(address.district);
    push(address.state);
    push(address.postalCode);
    push(address.country);
  } else {
    push((value as { text?: string }).text);
    for (const coding of (value as { coding?: { display?: string }[] }).coding ?? []) {
      push(coding.display);
    }
  }
  return result;
}

function dedupe(rows: IndexRows): IndexRows {
  for (const key of Object.keys(rows) as (keyof IndexRows)[]) {
    const list = rows[key] as unknown[][];
    if (list.length > 1) {
      const seen = new Set<string>();
      (rows as unknown as Record<string, unknown[][]>)[key] = list.filter((row) => {
        const k = row.join('\u0001');
        if (seen.has(k)) {
          return false;
        }
        seen.add(k);
        return true;
      });
    }
  }
  return rows;
}

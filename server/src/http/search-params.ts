// Sorts the parameters of a search request into those the server understands and those it does not,
// so the HTTP layer can honour `Prefer: handling=strict` (400) or lenient handling (ignore + report).
// The check is against what the store says it supports (StoreCapabilities), before the request reaches
// the repository, so it behaves the same whatever store is behind it.
import type { SearchParameter } from '@medplum/fhirtypes';

export type Query = Record<string, string | string[] | undefined>;

export interface IgnoredParameter {
  readonly name: string;
  readonly reason: string;
}

/** Parameters that control the result rather than filter it (FHIR R4 search.html#return). */
const RESULT_PARAMETERS = new Set([
  '_count',
  '_offset',
  '_sort',
  '_total',
  '_summary',
  '_elements',
  '_include',
  '_revinclude',
  '_format',
  '_pretty',
  '_cursor',
]);

/** Modifiers supported per search parameter type (plus `:[type]` on references). */
const MODIFIERS: Record<string, ReadonlySet<string>> = {
  string: new Set(['missing', 'exact', 'contains']),
  token: new Set(['missing', 'not', 'text', 'of-type']),
  reference: new Set(['missing', 'identifier']),
  date: new Set(['missing']),
  number: new Set(['missing']),
  quantity: new Set(['missing']),
  uri: new Set(['missing', 'below', 'above']),
};

/** What the check needs to know about the store. */
export interface SearchSupport {
  isSupportedType(resourceType: string): boolean;
  /** The definition of a search parameter the store evaluates on a type ('Resource' for common ones). */
  searchParameter(resourceType: string, code: string): SearchParameter | undefined;
}

export interface PartitionedQuery {
  readonly supported: Query;
  readonly ignored: IgnoredParameter[];
}

/** @param resourceTypes - the searched type, or for a system search the `_type` list (empty = any type) */
export function partitionSearchQuery(
  resourceTypes: readonly string[],
  query: Query,
  support: SearchSupport,
): PartitionedQuery {
  const supported: Query = {};
  const ignored: IgnoredParameter[] = [];
  for (const [name, value] of Object.entries(query)) {
    const reason = checkParameter(resourceTypes, name, support);
    if (reason) {
      ignored.push({ name, reason });
    } else {
      supported[name] = value;
    }
  }
  return { supported, ignored };
}

function checkParameter(types: readonly string[], name: string, support: SearchSupport): string | undefined {
  const [base, ...modifiers] = name.split(':');
  if (RESULT_PARAMETERS.has(base) || (base === '_type' && types.length !== 1)) {
    return undefined;
  }
  if (base === '_has') {
    return checkHas(name, support);
  }
  if (name.includes('.')) {
    return checkChain(types, name, support);
  }
  if (modifiers.length > 1) {
    return 'more than one modifier';
  }
  const params = lookup(support, types, base);
  if (params.length === 0) {
    return `unknown search parameter '${base}'`;
  }
  const modifier = modifiers[0];
  if (modifier !== undefined && !params.every((p) => modifierAllowed(p, modifier, support))) {
    return `modifier ':${modifier}' is not supported on '${base}'`;
  }
  return undefined;
}

/** `_has:Observation:patient:code` (one level). */
function checkHas(name: string, support: SearchSupport): string | undefined {
  const parts = name.split(':');
  if (parts.length !== 4) {
    return '_has must be _has:Type:reference:parameter (one level)';
  }
  const [, type, referenceParam, param] = parts;
  if (!support.isSupportedType(type)) {
    return `unknown resource type '${type}' in _has`;
  }
  if (support.searchParameter(type, referenceParam)?.type !== 'reference') {
    return `'${referenceParam}' is not a reference search parameter of ${type}`;
  }
  if (!support.searchParameter(type, param)) {
    return `unknown search parameter '${param}' on ${type}`;
  }
  return undefined;
}

/**
 * `subject:Patient.name` or `subject.name` (one level; the target type must be unambiguous); the chained parameter
 * may be a one-level `_has` (`patient._has:CareTeam:patient:participant`).
 */
function checkChain(types: readonly string[], name: string, support: SearchSupport): string | undefined {
  const [head, ...rest] = name.split('.');
  if (rest.length !== 1) {
    return 'only one level of chaining is supported';
  }
  const [code, targetType] = head.split(':');
  const params = lookup(support, types, code);
  if (params.length === 0 || params.some((p) => p.type !== 'reference')) {
    return `'${code}' is not a reference search parameter`;
  }
  let target = targetType;
  if (target === undefined) {
    const targets = new Set(params.flatMap((p) => p.target ?? []));
    if (targets.size !== 1) {
      return `'${code}' may refer to several types; name one, e.g. ${code}:${[...targets][0] ?? 'Patient'}.${rest[0]}`;
    }
    target = [...targets][0];
  }
  if (!support.isSupportedType(target)) {
    return `unknown resource type '${target}' in chain`;
  }
  if (rest[0].startsWith('_has:')) {
    // `patient._has:CareTeam:patient:participant`: a reverse chain on the chain's target.
    const hasReason = checkHas(rest[0], support);
    if (hasReason) {
      return hasReason;
    }
    const [, hasType, hasReference] = rest[0].split(':');
    const hasTargets = support.searchParameter(hasType, hasReference)?.target ?? [];
    return hasTargets.some((t) => t === target)
      ? undefined
      : `${hasType}.${hasReference} cannot refer to ${target} (the target of '${code}')`;
  }
  const [chained, modifier] = rest[0].split(':');
  const chainedParam = support.searchParameter(target, chained);
  if (!chainedParam) {
    return `unknown search parameter '${chained}' on ${target}`;
  }
  if (modifier !== undefined && !modifierAllowed(chainedParam, modifier, support)) {
    return `modifier ':${modifier}' is not supported on '${chained}'`;
  }
  return undefined;
}

function modifierAllowed(param: SearchParameter, modifier: string, support: SearchSupport): boolean {
  if (MODIFIERS[param.type]?.has(modifier)) {
    return true;
  }
  return param.type === 'reference' && support.isSupportedType(modifier);
}

/** The definitions of a code on each searched type; empty if any type lacks it. */
function lookup(support: SearchSupport, types: readonly string[], code: string): SearchParameter[] {
  const searched = types.length > 0 ? types : ['Resource'];
  const params = searched.map((type) => support.searchParameter(type, code));
  return params.every((p) => p !== undefined) ? (params as SearchParameter[]) : [];
}

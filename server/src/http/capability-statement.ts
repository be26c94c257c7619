// The CapabilityStatement served at /fhir/metadata, generated from what the server really does:
// the resource types the store holds, the search parameters it indexes for each, the include and
// revinclude paths those parameters allow, and the interactions the HTTP layer routes.
import { getResourceTypes, getSearchParameters } from '@medplum/core';
import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceSearchParam,
  SearchParameter,
} from '@medplum/fhirtypes';

import type { SearchSupport } from './search-params';

/** What the storage behind the HTTP layer supports. */
export interface StoreCapabilities {
  readonly resourceTypes: readonly string[];
  /** The search parameters the store can evaluate for a type (excluding result parameters like _count). */
  searchParameters(resourceType: string): readonly SearchParameter[];
  /** Whether `GET [type]/_history` is supported. */
  readonly typeHistory: boolean;
}

/** Types that are never stored as such (Bundle is, but only as a document/collection resource). */
const NOT_STORED = new Set(['Parameters', 'OperationOutcome']);

/** Medplum-server parameters that mean nothing here. */
const MEDPLUM_INTERNAL = new Set(['_compartment', '_project', '_account']);

/** Capabilities of a store that evaluates every indexed R4 SearchParameter (e.g. MemoryRepository). */
export function defaultStoreCapabilities(): StoreCapabilities {
  return {
    resourceTypes: getResourceTypes().filter((t) => !NOT_STORED.has(t)),
    searchParameters: (type) =>
      Object.values(getSearchParameters(type) ?? {}).filter(
        (p) => !MEDPLUM_INTERNAL.has(p.code as string) && p.type !== 'composite' && p.type !== 'special',
      ),
    typeHistory: false,
  };
}

/** The plain-data shape a store may report (SqliteRepository.getCapabilities()). */
export interface IndexedStoreCapabilities {
  readonly resourceTypes: readonly string[];
  readonly searchParams: Readonly<
    Record<
      string,
      readonly { name: string; type: string; definition?: string; targets?: readonly string[] }[]
    >
  >;
}

/** Adapts a store's own capability report, completing each parameter from the indexed R4 definitions. */
export function fromIndexedStore(caps: IndexedStoreCapabilities, typeHistory: boolean): StoreCapabilities {
  return {
    resourceTypes: caps.resourceTypes,
    typeHistory,
    searchParameters: (type) =>
      (caps.searchParams[type] ?? []).map(
        (p): SearchParameter =>
          getSearchParameters(type)?.[p.name] ?? {
            resourceType: 'SearchParameter',
            code: p.name,
            name: p.name,
            status: 'active',
            url: p.definition ?? `urn:waypoint:search-parameter:${type}-${p.name}`,
            description: p.name,
            base: [type as SearchParameter['base'][number]],
            type: p.type as SearchParameter['type'],
            ...(p.targets ? { target: [...p.targets] as SearchParameter['target'] } : {}),
          },
      ),
  };
}

/** Lookups over a StoreCapabilities, cached per type; 'Resource' finds the parameters common to all types. */
export function searchSupport(store: StoreCapabilities): SearchSupport {
  const types = new Set(store.resourceTypes);
  const byType = new Map<string, Map<string, SearchParameter>>();
  const paramsOf = (type: string): Map<string, SearchParameter> => {
    let params = byType.get(type);
    if (!params) {
      params = new Map(store.searchParameters(type).map((p) => [p.code as string, p]));
      byType.set(type, params);
    }
    return params;
  };
  return {
    isSupportedType: (type) => types.has(type),
    searchParameter: (type, code) => {
      if (type !== 'Resource') {
        return types.has(type) ? paramsOf(type).get(code) : undefined;
      }
      const [anyType] = types;
      const param = anyType ? paramsOf(anyType).get(code) : undefined;
      return param?.base?.some((b) => b === ('Resource' as string)) ? param : undefined;
    },
  };
}

export interface CapabilityStatementOptions {
  readonly software: { name: string; version: string };
  readonly batch: boolean;
  readonly transaction: boolean;
}

const SEARCH_PARAM_TYPES = new Set([
  'number',
  'date',
  'string',
  'token',
  'reference',
  'composite',
  'quantity',
  'uri',
  'special',
]);

export function buildCapabilityStatement(
  store: StoreCapabilities,
  options: CapabilityStatementOptions,
): CapabilityStatement {
  const types = [...store.resourceTypes].sort();
  const paramsByType = new Map(types.map((t) => [t, [...store.searchParameters(t)]]));

  const revIncludes = new Map<string, Set<string>>();
  for (const [source, params] of paramsByType) {
    for (const param of params) {
      if (param.type !== 'reference') {
        continue;
      }
      for (const target of param.target ?? []) {
        if (paramsByType.has(target)) {
          let set = revIncludes.get(target);
          if (!set) {
            set = new Set();
            revIncludes.set(target, set);
          }
          set.add(`${source}:${param.code}`);
        }
      }
    }
  }

  const resource: CapabilityStatementRestResource[] = types.map((type) => {
    const params = paramsByType.get(type) ?? [];
    return {
      type: type as CapabilityStatementRestResource['type'],
      profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
      interaction: [
        { code: 'read' },
        { code: 'vread' },
        { code: 'update' },
        { code: 'patch' },
        { code: 'delete' },
        { code: 'history-instance' },
        ...(store.typeHistory ? [{ code: 'history-type' as const }] : []),
        { code: 'create' },
        { code: 'search-type' },
      ],
      versioning: 'versioned-update',
      readHistory: true,
      updateCreate: true,
      conditionalCreate: true,
      conditionalRead: 'not-supported',
      conditionalUpdate: true,
      conditionalDelete: 'single',
      referencePolicy: ['literal', 'local'],
      searchInclude: params
        .filter((p) => p.type === 'reference')
        .map((p) => `${type}:${p.code}`)
        .sort(),
      searchRevInclude: [...(revIncludes.get(type) ?? [])].sort(),
      searchParam: params
        .filter((p) => SEARCH_PARAM_TYPES.has(p.type))
        .map((p): CapabilityStatementRestResourceSearchParam => ({
          name: p.code as string,
          definition: p.url,
          type: p.type,
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  });

  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    publisher: 'Waypoint',
    kind: 'instance',
    software: options.software,
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json', 'application/json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        documentation: 'Waypoint embedded FHIR R4 server. Search accepts Prefer: handling=strict|lenient.',
        resource,
        interaction: [
          ...(options.transaction ? [{ code: 'transaction' as const }] : []),
          ...(options.batch ? [{ code: 'batch' as const }] : []),
        ],
        searchParam: [
          { name: '_count', type: 'number', documentation: 'Page size (default 50, max 1000)' },
          { name: '_offset', type: 'number', documentation: 'Paging offset' },
          { name: '_sort', type: 'string', documentation: 'Comma-separated sort keys, - for descending' },
          { name: '_total', type: 'token', documentation: 'accurate | none' },
          { name: '_summary', type: 'token', documentation: 'count | true' },
          { name: '_elements', type: 'string', documentation: 'Comma-separated element names' },
          { name: '_include', type: 'special', documentation: 'Type:param[:target], with :iterate' },
          { name: '_revinclude', type: 'special', documentation: 'Type:param[:target], with :iterate' },
        ],
      },
    ],
  };
}

// Which search parameters the store indexes, per resource type, and how to extract their values.
// Computed once per resource type from the SearchParameters indexed in @medplum/core's global schema
// (R4 base, US Core and Medplum bundles; see definitions.ts).
import type { FhirPathAtom } from '@medplum/core';
import {
  getExpressionsForResourceType,
  getResourceTypes,
  getSearchParameterDetails,
  getSearchParameters,
  tryGetDataType,
} from '@medplum/core';
import type { SearchParameter } from '@medplum/fhirtypes';

/** The index table family a search parameter is stored in. */
export type IndexKind = 'token' | 'reference' | 'date' | 'string' | 'number' | 'quantity' | 'uri';

export interface IndexedParam {
  /** The search parameter code, e.g. `subject`; derived `subject:identifier` for reference identifiers. */
  readonly code: string;
  readonly kind: IndexKind;
  readonly searchParam: SearchParameter;
  /** The parameter's FHIRPath expression narrowed to this resource type. */
  readonly expression: FhirPathAtom;
  /**
   * Top-level element names the expression reads (choice types by their base name, e.g. `value`).
   * When none of them is present in a resource, the expression is not evaluated. Undefined = always evaluate.
   */
  readonly roots: readonly string[] | undefined;
  /** Possible target resource types of a reference parameter. */
  readonly targets: readonly string[];
  /**
   * Fast path: when the expression is a union of plain member paths (`Observation.code | Observation.component.code`)
   * ending in elements of one FHIR type, the values are collected by walking the JSON instead of running FHIRPath.
   */
  readonly simplePaths?: readonly SimplePath[];
}

/** A plain member path and the FHIR type of what it ends in (see IndexedParam.simplePaths). */
export interface SimplePath {
  readonly segments: readonly string[];
  /** The type of the values; for a choice element, `choices` lists the candidate types instead. */
  readonly type?: string;
  readonly choices?: readonly string[];
  /** `.where(resolve() is T)`: keep only references to T. */
  readonly referenceType?: string;
}

/** Parameters served from columns of the resources table rather than index tables. */
export const COLUMN_PARAMS = new Set(['_id', '_lastUpdated']);

/** Medplum-internal parameters that mean nothing on this server. */
const EXCLUDED_PARAMS = new Set(['_compartment', '_project', '_account']);

const plans = new Map<string, ReadonlyMap<string, IndexedParam>>();

/**
 * The search parameters indexed for a resource type, by code. Composite and special parameters are not indexed
 * (and therefore reported as unsupported by search).
 */
export function getIndexedParams(resourceType: string): ReadonlyMap<string, IndexedParam> {
  let plan = plans.get(resourceType);
  if (!plan) {
    plan = buildPlan(resourceType);
    plans.set(resourceType, plan);
  }
  return plan;
}

/**
 * The codes of the parameters that may be indexed for a resource type (incl. derived `<ref>:identifier`), computed
 * without parsing any expression: cheap enough to run for every resource type when the database opens.
 */
export function getIndexableCodes(resourceType: string): string[] {
  const codes: string[] = [];
  for (const [code, searchParam] of Object.entries(getSearchParameters(resourceType) ?? {})) {
    if (
      COLUMN_PARAMS.has(code) ||
      EXCLUDED_PARAMS.has(code) ||
      !searchParam.expression ||
      !toKind(searchParam.type)
    ) {
      continue;
    }
    codes.push(code);
    if (searchParam.type === 'reference') {
      codes.push(code + ':identifier');
    }
  }
  return codes;
}

function buildPlan(resourceType: string): Map<string, IndexedParam> {
  const result = new Map<string, IndexedParam>();
  for (const [code, searchParam] of Object.entries(getSearchParameters(resourceType) ?? {})) {
    if (COLUMN_PARAMS.has(code) || EXCLUDED_PARAMS.has(code) || !searchParam.expression) {
      continue;
    }
    const kind = toKind(searchParam.type);
    if (!kind) {
      continue;
    }
    let expression: FhirPathAtom;
    let details;
    try {
      details = getSearchParameterDetails(resourceType, searchParam);
      expression = details.parsedExpression;
    } catch {
      continue; // an expression @medplum/core cannot type for this resource type is not indexed
    }
    const roots = findRoots(resourceType, searchParam.expression);
    const targets = details.referenceTargetTypes ?? searchParam.target ?? [];
    const simple = findSimplePaths(resourceType, searchParam.expression, details.elementDefinitions);
    result.set(code, { code, kind, searchParam, expression, roots, targets, ...simple });
    if (kind === 'reference') {
      // Logical references (Reference.identifier) are searchable with the :identifier modifier.
      result.set(code + ':identifier', {
        code: code + ':identifier',
        kind: 'token',
        searchParam,
        expression,
        roots,
        targets,
      });
    }
  }
  return result;
}

function toKind(type: SearchParameter['type']): IndexKind | undefined {
  switch (type) {
    case 'token':
    case 'reference':
    case 'date':
    case 'string':
    case 'number':
    case 'quantity':
    case 'uri':
      return type;
    default:
      return undefined; // composite, special
  }
}

function findSimplePaths(
  resourceType: string,
  expression: string,
  elements: readonly { path: string; type?: readonly { code: string }[] }[] | undefined,
): { simplePaths?: SimplePath[] } {
  const types = new Set((elements ?? []).flatMap((e) => (e.type ?? []).map((t) => t.code)));
  const choice = elements?.length === 1 && elements[0]?.path.endsWith('[x]');
  const member = `${resourceType}((?:\\.[a-z][A-Za-z0-9]*)+)`;
  const ofType = new RegExp(`^\\(?${member}\\.ofType\\(([A-Za-z]+)\\)\\)?$`);
  const whereIs = new RegExp(`^${member}\\.where\\(\\(?resolve\\(\\) is ([A-Z][A-Za-z]+)\\)?\\)$`);
  const plain = new RegExp(`^${member}$`);
  const paths: SimplePath[] = [];
  try {
    for (const atom of getExpressionsForResourceType(resourceType, expression)) {
      const text = atom.toString().trim();
      let m: RegExpExecArray | null;
      if ((m = ofType.exec(text))) {
        const segments = (m[1] as string).slice(1).split('.');
        const type = m[2] as string;
        segments.push(segments.pop() + type.charAt(0).toUpperCase() + type.slice(1));
        paths.push({ segments, type });
      } else if ((m = whereIs.exec(text))) {
        paths.push({
          segments: (m[1] as string).slice(1).split('.'),
          type: 'Reference',
          referenceType: m[2] as string,
        });
      } else if ((m = plain.exec(text)) && types.size === 1) {
        paths.push({ segments: (m[1] as string).slice(1).split('.'), type: [...types][0] as string });
      } else if (m && choice) {
        paths.push({ segments: (m[1] as string).slice(1).split('.'), choices: [...types] });
      } else {
        return {};
      }
    }
  } catch {
    return {};
  }
  return paths.length > 0 ? { simplePaths: paths } : {};
}

function findRoots(resourceType: string, expression: string): string[] | undefined {
  const roots = new Set<string>();
  let atoms;
  try {
    atoms = getExpressionsForResourceType(resourceType, expression);
  } catch {
    return undefined;
  }
  const pattern = new RegExp(`(?:^|[^A-Za-z])${resourceType}\\.([a-z][A-Za-z0-9]*)`, 'g');
  for (const atom of atoms) {
    const text = atom.toString();
    for (const m of text.matchAll(pattern)) {
      roots.add(m[1] as string);
    }
  }
  return roots.size > 0 ? [...roots] : undefined;
}

/**
 * The element names present in a resource, plus the base names of choice elements (`valueQuantity` → `value`),
 * for the cheap "could this expression produce anything" test.
 */
export function presentRoots(resource: object): Set<string> {
  const present = new Set<string>();
  for (const key of Object.keys(resource)) {
    present.add(key);
    for (let i = 1; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c >= 65 && c <= 90) {
        present.add(key.slice(0, i));
      }
    }
  }
  return present;
}

let supportedTypes: { readonly list: readonly string[]; readonly set: ReadonlySet<string> } | undefined;

function supported() {
  if (supportedTypes) return supportedTypes;
  const list = getResourceTypes();
  // Known once the FHIR definitions are loaded (initFhirDefinitions); an empty list is not kept.
  if (list.length > 0) supportedTypes = { list, set: new Set(list) };
  return { list, set: new Set(list) };
}

/** All concrete R4 resource types (the store accepts and indexes every one of them). */
export function getSupportedResourceTypes(): readonly string[] {
  return supported().list;
}

/** Whether the store accepts this resource type (a Set lookup: every search asks). */
export function isSupportedResourceType(resourceType: string): boolean {
  return supported().set.has(resourceType);
}

/** Top-level element names flagged isSummary in the R4 StructureDefinition of a resource type. */
export function getSummaryElements(resourceType: string): ReadonlySet<string> {
  return tryGetDataType(resourceType)?.summaryProperties ?? new Set();
}

/** Top-level element names with min ≥ 1 (kept by _elements and _summary). */
export function getMandatoryElements(resourceType: string): ReadonlySet<string> {
  return tryGetDataType(resourceType)?.mandatoryProperties ?? new Set();
}

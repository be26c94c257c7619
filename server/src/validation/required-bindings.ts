// Required bindings (FHIR R4 terminologies.html#required): an element bound with strength `required`
// SHALL hold a code from its value set. @medplum/core's validateResource checks structure and
// cardinality but not bindings, so this module checks them for every write.
//
// For each type (resource, data type, backbone element) a plan is built once, on first use, from the
// indexed R4 definitions (@medplum/core getDataType): JSON property → the element's FHIRPath segment,
// its required binding (with the value set's codes, see value-sets.ts) and the type to walk into. A
// check then walks only the properties the resource has. What is checked and what is skipped:
// server/src/validation/README.md.
import type { InternalSchemaElement } from '@medplum/core';
import { getAllDataTypes, getDataType, isResourceType, OperationOutcomeError } from '@medplum/core';
import type {
  CodeableConcept,
  Coding,
  OperationOutcome,
  OperationOutcomeIssue,
  Resource,
} from '@medplum/fhirtypes';

import type { AllowedCodes, ValueSetCodes } from './value-sets';
import { canonicalUrl, isEnumerable, Terminology } from './value-sets';

type BindingKind = 'code' | 'Coding' | 'CodeableConcept';

interface ElementRule {
  /** FHIRPath segment: `status`, or `value.ofType(Quantity)` for one type of a choice element. */
  readonly segment: string;
  readonly binding?: { readonly kind: BindingKind; readonly allowed: AllowedCodes };
  /** The complex type to walk into; `Resource` means the item's own resourceType. */
  readonly childType?: string;
}

/** JSON property name → rule, for the properties that need a check or hold complex values. */
type TypePlan = ReadonlyMap<string, ElementRule>;

/** Primitive types a binding can constrain by its value (R4 binds only `code`; profiles may bind these). */
const CODED_PRIMITIVES = new Set(['code', 'string', 'uri', 'url', 'canonical']);

/** How many allowed codes a message lists before `…`. */
const PREVIEW = 6;

const plans = new Map<string, TypePlan>();
/** The codes of every value set a required binding names, by URL without version. */
let requiredValueSets: Map<string, ValueSetCodes> | undefined;

/** Every required-binding violation in a resource (contained and nested resources included). */
export function requiredBindingIssues(resource: Resource): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  const plan = planFor(resource.resourceType);
  if (plan) {
    walk(resource as unknown as Record<string, unknown>, plan, resource.resourceType, issues);
  }
  return issues;
}

/** Throws an OperationOutcomeError (HTTP 400) listing every violation, if there is any. */
export function assertRequiredBindings(resource: Resource): void {
  const issues = requiredBindingIssues(resource);
  if (issues.length > 0) {
    const outcome: OperationOutcome = { resourceType: 'OperationOutcome', issue: issues };
    throw new OperationOutcomeError(outcome);
  }
}

function planFor(type: string): TypePlan | undefined {
  let plan = plans.get(type);
  if (!plan) {
    let schema;
    try {
      schema = getDataType(type);
    } catch {
      return undefined; // unknown type: validateResource reports it
    }
    plan = buildPlan(schema.elements);
    plans.set(type, plan);
  }
  return plan;
}

function buildPlan(elements: Record<string, InternalSchemaElement>): TypePlan {
  const plan = new Map<string, ElementRule>();
  for (const [name, element] of Object.entries(elements)) {
    const choice = name.endsWith('[x]');
    const base = choice ? name.slice(0, -3) : name;
    for (const { code: type } of element.type) {
      const key = choice ? base + type.charAt(0).toUpperCase() + type.slice(1) : base;
      const segment = choice ? `${base}.ofType(${type})` : base;
      const binding = requiredBinding(element, type);
      const childType = /^[A-Z]/.test(type) ? type : undefined;
      if (binding || childType) {
        plan.set(key, { segment, binding, childType });
      }
    }
  }
  return plan;
}

function requiredBinding(element: InternalSchemaElement, type: string): ElementRule['binding'] {
  const { binding } = element;
  if (binding?.strength !== 'required' || !binding.valueSet) {
    return undefined;
  }
  const kind: BindingKind | undefined = CODED_PRIMITIVES.has(type)
    ? 'code'
    : type === 'Coding' || type === 'CodeableConcept'
      ? type
      : undefined;
  if (!kind) {
    return undefined;
  }
  const codes = requiredValueSetCodes(binding.valueSet);
  // A value set that cannot be enumerated offline is not checked (README lists them and why).
  return isEnumerable(codes) ? { kind, allowed: codes } : undefined;
}

/**
 * The codes of a value set named by a required binding. On first use, every such value set of the
 * indexed definitions is expanded at once (~0.5 s) and the terminology files are let go: only the code
 * sets stay in memory. A value set first named later (a type indexed since) is expanded on its own.
 */
function requiredValueSetCodes(valueSet: string): ValueSetCodes {
  if (!requiredValueSets) {
    const terminology = new Terminology();
    requiredValueSets = new Map();
    for (const schema of Object.values(getAllDataTypes())) {
      for (const element of Object.values(schema.elements)) {
        const { binding } = element;
        if (binding?.strength === 'required' && binding.valueSet) {
          const url = canonicalUrl(binding.valueSet);
          if (!requiredValueSets.has(url)) {
            requiredValueSets.set(url, terminology.expand(url));
          }
        }
      }
    }
  }
  const url = canonicalUrl(valueSet);
  let codes = requiredValueSets.get(url);
  if (!codes) {
    codes = new Terminology().expand(url);
    requiredValueSets.set(url, codes);
  }
  return codes;
}

function walk(value: Record<string, unknown>, plan: TypePlan, path: string, issues: OperationOutcomeIssue[]) {
  for (const key in value) {
    const rule = plan.get(key);
    if (!rule) {
      continue;
    }
    const child = value[key];
    if (Array.isArray(child)) {
      for (let i = 0; i < child.length; i++) {
        visit(child[i], rule, `${path}.${rule.segment}[${i}]`, issues);
      }
    } else {
      visit(child, rule, `${path}.${rule.segment}`, issues);
    }
  }
}

function visit(value: unknown, rule: ElementRule, path: string, issues: OperationOutcomeIssue[]): void {
  if (value === null || value === undefined) {
    return; // a primitive array's gap, paired with `_element` extensions
  }
  if (rule.binding) {
    const problem = bindingProblem(value, rule.binding.kind, rule.binding.allowed);
    if (problem) {
      issues.push({
        severity: 'error',
        code: 'code-invalid',
        details: { text: `${path}: ${problem} ${describe(rule.binding.allowed)}` },
        expression: [path],
      });
    }
  }
  if (rule.childType && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    let type = rule.childType;
    if (type === 'Resource') {
      const resourceType = record['resourceType'];
      if (typeof resourceType !== 'string' || !isResourceType(resourceType)) {
        return;
      }
      type = resourceType;
    }
    const plan = planFor(type);
    if (plan) {
      walk(record, plan, path, issues);
    }
  }
}

/** Why a value breaks the binding (completed by the value set's description), or undefined. */
function bindingProblem(value: unknown, kind: BindingKind, allowed: AllowedCodes): string | undefined {
  switch (kind) {
    case 'code':
      return typeof value !== 'string' || allowed.codes.has(value) ? undefined : `'${value}' is not in`;
    case 'Coding': {
      const coding = value as Coding;
      if (isEmptyCoding(coding) || codingAllowed(coding, allowed)) {
        return undefined;
      }
      return `${quoteCoding(coding)} is not in`;
    }
    case 'CodeableConcept': {
      const concept = value as CodeableConcept;
      const codings = (concept.coding ?? []).filter((c) => !isEmptyCoding(c));
      if (codings.length === 0 && concept.text === undefined) {
        return undefined; // only extensions (e.g. data-absent-reason): no value to check
      }
      if (codings.some((coding) => codingAllowed(coding, allowed))) {
        return undefined;
      }
      if (codings.length === 0) {
        return `a concept given only as text ('${concept.text}') has no coding from`;
      }
      return `no coding (${codings.map(quoteCoding).join(', ')}) is in`;
    }
  }
}

function codingAllowed(coding: Coding, allowed: AllowedCodes): boolean {
  if (coding.code === undefined) {
    return false;
  }
  return coding.system === undefined
    ? allowed.codes.has(coding.code)
    : allowed.codings.has(`${coding.system}|${coding.code}`);
}

/** A Coding with nothing to check (only id/extension). */
function isEmptyCoding(coding: Coding): boolean {
  return coding.code === undefined && coding.system === undefined && coding.display === undefined;
}

function quoteCoding(coding: Coding): string {
  const code = coding.code ?? `(no code${coding.display ? `, display '${coding.display}'` : ''})`;
  return `'${coding.system ? `${coding.system}|` : ''}${code}'`;
}

function describe(allowed: AllowedCodes): string {
  const shown = allowed.ordered.slice(0, PREVIEW).join(', ');
  const more = allowed.ordered.length > PREVIEW ? ', …' : '';
  return `the required value set ${canonicalUrl(allowed.url)} (${shown}${more})`;
}

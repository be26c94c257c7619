import type {
  Coding,
  Device,
  Identifier,
  Observation,
  ObservationComponent,
  Provenance,
  Reference,
} from '@medplum/fhirtypes';

import { RISK_MODEL_V1 } from '../risk/risk-model.config';
import { SUD_SECURITY_LABELS, WAYPOINT_BASE } from '../terminology';

/**
 * What the clinical rules write back as FHIR (docs/derived-state.md): the names, codes and identifiers that
 * make a derived resource recognisable to any client, and the version of the rules that wrote it.
 */

/**
 * Version of the derivation rules (which facts the caseload summary holds, which alerts become Flags, how a
 * RiskAssessment carries its points). The relapse-risk model has its own version (RISK_MODEL_V1.version).
 * Bump this when the derived resources change shape or meaning: every patient is then derived again.
 */
export const DERIVATION_VERSION = '1.1.0';

export const DERIVED_SYSTEM = {
  /** meta.tag on every derived resource: `derived`; RiskAssessments also `current` or `weekly`. */
  tag: `${WAYPOINT_BASE}/CodeSystem/derived`,
  /** Identifier system of derived resources (one logical resource per value). */
  identifier: `${WAYPOINT_BASE}/derived`,
  /** Flag.code: the alert rules (clinical/alerts). */
  alert: `${WAYPOINT_BASE}/CodeSystem/alert`,
  /** Codes of the caseload summary Observation and its components. */
  fact: `${WAYPOINT_BASE}/CodeSystem/caseload-fact`,
  /** Provenance.policy: the rules that derived the targets. */
  rules: `${WAYPOINT_BASE}/rules/clinical-derivation`,
} as const;

export const DERIVED_TAG = { derived: 'derived', current: 'current', weekly: 'weekly' } as const;

export const DERIVED_EXTENSION = {
  /** RiskAssessment: the points score (valueInteger). */
  riskScore: `${WAYPOINT_BASE}/StructureDefinition/risk-score`,
  /** RiskAssessment: up / down / same against 7 days earlier (valueCode). */
  riskTrend: `${WAYPOINT_BASE}/StructureDefinition/risk-trend`,
  /** RiskAssessment: one point — rule (valueCode), points (valueInteger), reason (valueString), evidence (valueReference ×n). */
  riskPoint: `${WAYPOINT_BASE}/StructureDefinition/risk-point`,
  /** Flag: safety / high / warning / info (valueCode). */
  alertSeverity: `${WAYPOINT_BASE}/StructureDefinition/alert-severity`,
  /** Flag: the sentence with dates that explains the alert (valueString). */
  alertDetail: `${WAYPOINT_BASE}/StructureDefinition/alert-detail`,
  /** Observation.component: the words the row shows for the fact (valueString). */
  factLabel: `${WAYPOINT_BASE}/StructureDefinition/fact-label`,
  /** Observation.component: the date a fact refers to (valueDateTime), e.g. of one craving rating. */
  factDate: `${WAYPOINT_BASE}/StructureDefinition/fact-date`,
  /** FHIR R4 core: a Flag's supporting record. */
  flagDetail: 'http://hl7.org/fhir/StructureDefinition/flag-detail',
  /** FHIR R4 core: a Flag's priority (flag-priority-code PN / PL / PM / PH). */
  flagPriority: 'http://hl7.org/fhir/StructureDefinition/flag-priority',
} as const;

/** The rules as a Device: the performer of every RiskAssessment and the agent of every derivation Provenance. */
export const RULES_DEVICE_ID = `waypoint-rules-${DERIVATION_VERSION.replaceAll('.', '-')}`;

export const RULES_DEVICE_REFERENCE: Reference<Device> = {
  reference: `Device/${RULES_DEVICE_ID}`,
  display: `Waypoint clinical rules ${DERIVATION_VERSION}`,
};

/** The Device resource for the rules (loaded with the clinic definitions; any client can read what wrote a fact). */
export function rulesDevice(): Device {
  return {
    resourceType: 'Device',
    id: RULES_DEVICE_ID,
    status: 'active',
    identifier: [{ system: DERIVED_SYSTEM.identifier, value: `rules.${DERIVATION_VERSION}` }],
    deviceName: [{ name: 'Waypoint clinical rules', type: 'manufacturer-name' }],
    type: { text: 'Clinical decision support rules (software)' },
    version: [
      { type: { text: 'derivation rules' }, value: DERIVATION_VERSION },
      { type: { text: RISK_MODEL_V1.display }, value: RISK_MODEL_V1.version },
    ],
    note: [
      {
        text:
          'Computes relapse-risk assessments, alerts (Flags) and caseload summaries from the patient record. ' +
          'Decision support, not a diagnosis.',
      },
    ],
  };
}

/** meta of a derived resource: its tags and the same 42 CFR Part 2 labels as the record it comes from. */
export function derivedMeta(...tags: string[]): { tag: Coding[]; security: Coding[] } {
  return {
    tag: [DERIVED_TAG.derived, ...tags].map((code) => ({ system: DERIVED_SYSTEM.tag, code })),
    security: SUD_SECURITY_LABELS.map(({ system, code }) => ({ system, code })),
  };
}

/** The identifier of a derived resource. */
export function derivedIdentifier(value: string): Identifier {
  return { system: DERIVED_SYSTEM.identifier, value };
}

/**
 * A FHIR id for a derived resource, from its identifier value: the value itself when it is a valid id
 * (≤ 64 of A-Z a-z 0-9 - .), else a short stable hash of it, so the same logical resource always has the
 * same id and writing it twice is an update.
 */
export function derivedId(value: string): string {
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(value)) return value;
  // FNV-1a 64-bit over UTF-16 code units, hex: stable across runtimes, no crypto API needed.
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < value.length; i++) {
    hash ^= BigInt(value.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `${value.slice(0, 40).replace(/[^A-Za-z0-9\-.]/g, '-')}-${hash.toString(16).padStart(16, '0')}`;
}

/** True when a resource was written by the derivation rules (tagged `derived`). */
export function isDerived(resource: { meta?: { tag?: Coding[] } }): boolean {
  return (resource.meta?.tag ?? []).some(
    (t) => t.system === DERIVED_SYSTEM.tag && t.code === DERIVED_TAG.derived,
  );
}

/** True when a derived resource carries this tag (`current` / `weekly`). */
export function hasDerivedTag(resource: { meta?: { tag?: Coding[] } }, code: string): boolean {
  return (resource.meta?.tag ?? []).some((t) => t.system === DERIVED_SYSTEM.tag && t.code === code);
}

/** Why a derivation ran (Provenance.reason text). */
export type DerivationReason = 'record-changed' | 'time-passed' | 'rules-changed';

const REASON_TEXT: Record<DerivationReason, string> = {
  'record-changed': 'The patient record changed',
  'time-passed': 'Time alone changed a fact (a supply ran out, a week passed, a note became overdue)',
  'rules-changed': 'Derived with the current rules (first derivation, or after a change of rules version)',
};

/**
 * The Provenance written with every set of derived resources: targets = what was written (versioned where the
 * server reports versions), agent = the rules Device, policy = the rules and model versions.
 */
export function derivationProvenance(
  targets: readonly Reference[],
  recorded: string,
  reason: DerivationReason,
): Provenance {
  return {
    resourceType: 'Provenance',
    meta: derivedMeta(),
    target: targets.map((t) => ({ ...t })),
    recorded,
    policy: [
      `${DERIVED_SYSTEM.rules}|${DERIVATION_VERSION}`,
      `${WAYPOINT_BASE}/rules/${RISK_MODEL_V1.modelId}|${RISK_MODEL_V1.version}`,
    ],
    activity: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'UPDATE' }],
    },
    reason: [{ text: REASON_TEXT[reason] }],
    agent: [
      {
        type: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
              code: 'performer',
            },
          ],
        },
        who: { ...RULES_DEVICE_REFERENCE },
      },
    ],
  };
}

/**
 * `read`, computed once per resource object: resources are not mutated once read, and views read the same derived
 * resource per row and per column.
 */
export function oncePerResource<R extends object, T>(read: (resource: R) => T): (resource: R) => T {
  const cache = new WeakMap<R, T>();
  return (resource) => {
    if (cache.has(resource)) return cache.get(resource) as T;
    const value = read(resource);
    cache.set(resource, value);
    return value;
  };
}

/**
 * One fact of a derived Observation: the `caseload-fact` code, the value, the words a view shows for it
 * (`fact-label`) and the date it refers to (`fact-date`). Code displays live in the CodeSystem: repeated in every
 * component, they would be a third of a summary.
 */
export function factComponent(
  code: string,
  value: Omit<ObservationComponent, 'code'>,
  label?: string,
  date?: string,
): ObservationComponent {
  const extension = [
    ...(label !== undefined ? [{ url: DERIVED_EXTENSION.factLabel, valueString: label }] : []),
    ...(date !== undefined ? [{ url: DERIVED_EXTENSION.factDate, valueDateTime: date }] : []),
  ];
  return {
    ...(extension.length > 0 ? { extension } : {}),
    code: { coding: [{ system: DERIVED_SYSTEM.fact, code }] },
    ...value,
  };
}

/**
 * A derived Observation's components by fact code (`caseload-fact` system), in their order: built once per
 * resource object, so reading the 40–80 facts of a summary is one pass rather than one scan per fact — on a
 * 1,000-patient program view, that pass is most of the reading time.
 */
export const factComponents: (
  observation: Observation,
) => ReadonlyMap<string, readonly ObservationComponent[]> = oncePerResource((observation: Observation) => {
  const index = new Map<string, ObservationComponent[]>();
  for (const component of observation.component ?? []) {
    const code = component.code.coding?.find((c) => c.system === DERIVED_SYSTEM.fact)?.code;
    if (code === undefined) continue;
    const list = index.get(code);
    if (list) list.push(component);
    else index.set(code, [component]);
  }
  return index;
});

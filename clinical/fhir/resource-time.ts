import type {
  DiagnosticReport,
  MedicationAdministration,
  MedicationDispense,
  Observation,
} from '@medplum/fhirtypes';

import { toMillis } from './fhir-date';

/**
 * When a clinical fact happened, per resource type. These are the times compared with "as of":
 * anything after as-of is treated as not yet known.
 */

export function observationTime(obs: Observation): number | undefined {
  return toMillis(obs.effectiveDateTime ?? obs.effectiveInstant ?? obs.effectivePeriod?.start ?? obs.issued);
}

export function reportTime(report: DiagnosticReport): number | undefined {
  return toMillis(report.effectiveDateTime ?? report.effectivePeriod?.start ?? report.issued);
}

export function administrationTime(admin: MedicationAdministration): number | undefined {
  return toMillis(admin.effectiveDateTime ?? admin.effectivePeriod?.start);
}

export function dispenseTime(dispense: MedicationDispense): number | undefined {
  return toMillis(dispense.whenHandedOver ?? dispense.whenPrepared);
}

/** Observation statuses that carry no usable result. */
export function isVoidStatus(status: string | undefined): boolean {
  return status === 'entered-in-error' || status === 'cancelled';
}

import type { Flag, Reference } from '@medplum/fhirtypes';

import type { Alert, AlertId, AlertSeverity } from '../alerts/patient-alerts';
import {
  DERIVED_EXTENSION,
  DERIVED_SYSTEM,
  derivedId,
  derivedIdentifier,
  derivedMeta,
  RULES_DEVICE_REFERENCE,
} from './derived-codes';

/**
 * An alert as a Flag (one logical Flag per alert rule per patient; status active while the alert holds,
 * inactive with period.end once it no longer does). The evidence is linked with the FHIR core extension
 * `flag-detail` (the pattern the EU and IPS profiles use), the severity with the core `flag-priority`
 * (PH safety, PM high, PL warning, PN info) and a Waypoint `alert-severity`; the label is `code.text`, the
 * sentence with dates `alert-detail` and the narrative.
 */

const CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/flag-category';
const PRIORITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/flag-priority-code';

/** flag-category of each alert rule (R4 value set flag-category). */
const CATEGORY: Record<AlertId, 'safety' | 'lab' | 'drug' | 'behavioral' | 'admin'> = {
  'phq9-item9': 'safety',
  'uds-fentanyl': 'safety',
  'uds-unexpected-opioid': 'lab',
  'mat-gap': 'drug',
  'mat-missed-dose': 'drug',
  'mat-stopped': 'drug',
  'mat-supply-ending': 'drug',
  'missed-sessions': 'behavioral',
  'note-unsigned': 'admin',
  'cosign-waiting': 'admin',
  'part2-consent': 'admin',
};

const PRIORITY: Record<AlertSeverity, string> = { safety: 'PH', high: 'PM', warning: 'PL', info: 'PN' };

/** Names of the alert rules (the alert CodeSystem's displays). */
export const ALERT_DISPLAY: Record<AlertId, string> = {
  'phq9-item9': 'PHQ-9 item 9 (self-harm) positive',
  'uds-fentanyl': 'Urine drug screen positive for fentanyl (overdose risk)',
  'uds-unexpected-opioid': 'Urine drug screen positive for a non-prescribed opioid',
  'mat-gap': 'Medication for OUD: gap in supply or doses',
  'mat-missed-dose': 'Medication for OUD: observed dose missed',
  'mat-stopped': 'Medication for OUD stopped',
  'mat-supply-ending': 'Medication for OUD: supply ending within 3 days',
  'missed-sessions': 'Counseling sessions missed in a row',
  'note-unsigned': 'Session notes unsigned',
  'cosign-waiting': 'Note co-signature waiting',
  'part2-consent': '42 CFR Part 2 consent missing or revoked',
};

const SEVERITIES: readonly AlertSeverity[] = ['safety', 'high', 'warning', 'info'];

export function flagIdentifierValue(patientId: string, alertId: string): string {
  return `flag.${alertId}.${patientId}`;
}

/**
 * The Flag for an alert that holds as of `asOf`. `since` is when it started holding (kept from the stored Flag
 * while it stays active; as-of for a new one).
 */
export function activeFlag(alert: Alert, patientId: string, since: string): Flag {
  const identifier = flagIdentifierValue(patientId, alert.id);
  return {
    resourceType: 'Flag',
    id: derivedId(identifier),
    meta: derivedMeta(),
    identifier: [derivedIdentifier(identifier)],
    status: 'active',
    category: [{ coding: [{ system: CATEGORY_SYSTEM, code: CATEGORY[alert.id] }] }],
    code: {
      coding: [{ system: DERIVED_SYSTEM.alert, code: alert.id, display: ALERT_DISPLAY[alert.id] }],
      text: alert.label,
    },
    subject: { reference: `Patient/${patientId}` },
    period: { start: since },
    author: RULES_DEVICE_REFERENCE as Flag['author'],
    extension: [
      { url: DERIVED_EXTENSION.alertSeverity, valueCode: alert.severity },
      {
        url: DERIVED_EXTENSION.flagPriority,
        valueCodeableConcept: { coding: [{ system: PRIORITY_SYSTEM, code: PRIORITY[alert.severity] }] },
      },
      { url: DERIVED_EXTENSION.alertDetail, valueString: alert.detail },
      ...alert.evidence.map((reference) => ({
        url: DERIVED_EXTENSION.flagDetail,
        valueReference: { ...reference },
      })),
    ],
  };
}

/** A stored active Flag whose alert no longer holds: inactive, its period closed at `asOf`. */
export function closedFlag(flag: Flag, asOf: string): Flag {
  const { meta: _meta, ...rest } = flag;
  return { ...rest, meta: derivedMeta(), status: 'inactive', period: { ...flag.period, end: asOf } };
}

/** Reads back the alert an active derived Flag carries; undefined when it is not one of ours. */
export function alertFromFlag(flag: Flag): Alert | undefined {
  const code = flag.code.coding?.find((c) => c.system === DERIVED_SYSTEM.alert)?.code as AlertId | undefined;
  const ext = flag.extension ?? [];
  const severity = ext.find((e) => e.url === DERIVED_EXTENSION.alertSeverity)?.valueCode as
    AlertSeverity | undefined;
  if (!code || !(code in CATEGORY) || !severity || !SEVERITIES.includes(severity)) {
    return undefined;
  }
  return {
    id: code,
    severity,
    label: flag.code.text ?? ALERT_DISPLAY[code],
    detail: ext.find((e) => e.url === DERIVED_EXTENSION.alertDetail)?.valueString ?? '',
    evidence: ext
      .filter((e) => e.url === DERIVED_EXTENSION.flagDetail)
      .map((e) => e.valueReference)
      .filter((r): r is Reference => !!r),
  };
}

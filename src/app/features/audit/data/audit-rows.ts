import type { AuditEvent, Coding } from '@medplum/fhirtypes';

import { referenceKey, referenceParts } from '../../../../../clinical/fhir/reference';
import { ACTION_LABELS, type AuditAction, type AuditOutcome, OUTCOME_LABELS } from './audit-view';

/**
 * One row of the audit report from one AuditEvent, read as the embedded server writes them (docs/audit.md) and as
 * R4 defines them for other servers: who (the requesting agent), which patients (entities with role 1 Patient, or
 * any `Patient/…` reference), what (action, event type and subtype, the resource acted on), the outcome, and the
 * two things a supervisor must see at a glance: break-glass access and failed sign-ins.
 */

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const REST = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const PRIORITY = 'http://waypoint.health/fhir/CodeSystem/audit-priority';

export interface AuditPatient {
  /** `Patient/<id>`. */
  readonly reference: string;
  /** The patient's name when the caller can read it; null otherwise (outside their team). */
  readonly name: string | null;
}

export interface AuditRow {
  readonly id: string;
  /** ISO instant. */
  readonly recorded: string;
  /** The user's name (or the client, or "unauthenticated (user name)"). */
  readonly user: string;
  /** The account's user name (`altId`), when recorded. */
  readonly username: string | null;
  readonly userReference: string | null;
  readonly patients: readonly AuditPatient[];
  readonly action: string;
  readonly event: string;
  readonly outcome: string;
  /** E.g. "HTTP 404", "invalid credentials". */
  readonly outcomeDetail: string | null;
  readonly failure: boolean;
  /** The reason given, when the access was a break-glass. */
  readonly breakGlassReason: string | null;
  readonly failedSignIn: boolean;
}

const has = (codings: readonly Coding[] | undefined, system: string, code: string) =>
  (codings ?? []).some((c) => c.system === system && c.code === code);

const RESTFUL_WORDS: Readonly<Record<string, string>> = {
  read: 'read',
  vread: 'read version',
  'history-instance': 'history',
  'history-type': 'history',
  'search-type': 'search',
  'search-system': 'search',
  create: 'create',
  update: 'update',
  patch: 'patch',
  delete: 'delete',
  batch: 'batch',
  transaction: 'transaction',
  operation: 'operation',
  capabilities: 'capabilities',
};

export function isBreakGlass(event: AuditEvent): string | null {
  const purpose = [...(event.purposeOfEvent ?? []), ...(event.agent ?? []).flatMap((a) => a.purposeOfUse ?? [])];
  const btg = purpose.find((p) => has(p.coding, ACT_REASON, 'BTG'));
  if (btg) return btg.text?.trim() || 'no reason recorded';
  return has(event.meta?.tag, PRIORITY, 'high') ? 'no reason recorded' : null;
}

export function isFailedSignIn(event: AuditEvent): boolean {
  return (
    event.type.system === DCM &&
    event.type.code === '110114' &&
    has(event.subtype, DCM, '110122') &&
    event.outcome !== undefined &&
    event.outcome !== '0'
  );
}

function eventText(event: AuditEvent): string {
  const type = event.type;
  const subtype = event.subtype?.[0];
  if (type.system === DCM && type.code === '110114') {
    // A failed sign-in is marked beside it ("Failed sign-in", with an icon).
    return has(event.subtype, DCM, '110123') ? 'Sign-out' : 'Sign-in';
  }
  if (type.system === DCM && type.code === '110106') {
    return `Export: ${subtype?.display ?? subtype?.code ?? 'data'}`;
  }
  if (type.system === REST || type.code === 'rest') {
    const words = RESTFUL_WORDS[subtype?.code ?? ''] ?? subtype?.code ?? 'request';
    const target = (event.entity ?? []).find((e) => e.role?.code === '4' || e.role?.code === '24');
    const targetType =
      referenceParts(target?.what?.reference)?.type ?? (target?.role?.code === '24' ? target.name : undefined);
    return targetType && targetType !== 'system' ? `${words} ${targetType}` : words;
  }
  return type.display ?? subtype?.display ?? type.code ?? 'Event';
}

function requestor(event: AuditEvent) {
  return event.agent.find((a) => a.requestor) ?? event.agent[0];
}

/** The patients an event names, in its order, each once. */
export function eventPatients(event: AuditEvent): string[] {
  const out = new Set<string>();
  for (const entity of event.entity ?? []) {
    const key = referenceKey(entity.what?.reference);
    if (key?.startsWith('Patient/')) out.add(key);
  }
  return [...out];
}

export function auditRow(
  event: AuditEvent,
  names: { readonly practitioners: ReadonlyMap<string, string>; readonly patients: ReadonlyMap<string, string> },
): AuditRow {
  const agent = requestor(event);
  const userReference = referenceKey(agent?.who?.reference) ?? null;
  const user =
    (userReference ? names.practitioners.get(userReference) : undefined) ??
    agent?.who?.display ??
    agent?.who?.identifier?.value ??
    userReference ??
    'Unknown';
  const outcome = (event.outcome ?? '0') as AuditOutcome;
  return {
    id: event.id ?? '',
    recorded: event.recorded,
    user,
    username: agent?.altId ?? null,
    userReference,
    patients: eventPatients(event).map((reference) => ({
      reference,
      name: names.patients.get(reference) ?? null,
    })),
    action: ACTION_LABELS[(event.action ?? 'E') as AuditAction]?.split(' (')[0] ?? event.action ?? '',
    event: eventText(event),
    outcome: OUTCOME_LABELS[outcome]?.split(' (')[0] ?? outcome,
    outcomeDetail: event.outcomeDesc ?? null,
    failure: outcome !== '0',
    breakGlassReason: isBreakGlass(event),
    failedSignIn: isFailedSignIn(event),
  };
}

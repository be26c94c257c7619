/**
 * Builders for the AuditEvents Waypoint records (FHIR R4 AuditEvent; coding after the FHIR
 * audit-event-type / restful-interaction / DICOM codes, as HAPI and Medplum use them).
 */
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Coding } from '@medplum/fhirtypes';

const AUDIT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const RESTFUL = 'http://hl7.org/fhir/restful-interaction';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const AUDIT_ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
/** Local: marks events a supervisor must review (break-glass). R4 AuditEvent has no severity element. */
export const AUDIT_PRIORITY_SYSTEM = 'http://waypoint.health/fhir/CodeSystem/audit-priority';

/** Who acted: a signed-in practitioner or a system client. */
export type AuditActor =
  | {
      readonly kind: 'user';
      readonly practitionerId: string;
      readonly display?: string;
      readonly username?: string;
    }
  | { readonly kind: 'system'; readonly clientId: string }
  | { readonly kind: 'anonymous'; readonly username?: string };

/** The actor for a staff account or a signed-in user. */
export function userActor(user: {
  readonly practitionerId: string;
  readonly displayName: string;
  readonly username: string;
}): AuditActor {
  return {
    kind: 'user',
    practitionerId: user.practitionerId,
    display: user.displayName,
    username: user.username,
  };
}

export type Outcome = '0' | '4' | '8' | '12';

export function outcomeForStatus(status: number): Outcome {
  if (status < 400) return '0';
  if (status < 500) return '4';
  return '8';
}

function agent(actor: AuditActor, ip: string | undefined, clientId?: string): AuditEventAgent {
  const network = ip ? { address: ip, type: '2' as const } : undefined;
  let who: AuditEventAgent['who'] & object;
  switch (actor.kind) {
    case 'user':
      who = { reference: `Practitioner/${actor.practitionerId}`, display: actor.display };
      break;
    case 'system':
      who = { identifier: { system: 'urn:waypoint:client', value: actor.clientId }, display: actor.clientId };
      break;
    case 'anonymous':
      who = { display: actor.username ? `unauthenticated (${actor.username})` : 'unauthenticated' };
      break;
  }
  return {
    who,
    altId: actor.kind === 'user' ? actor.username : undefined,
    requestor: true,
    network,
    ...(clientId && actor.kind === 'user' ? { policy: [`urn:waypoint:client:${clientId}`] } : {}),
  };
}

/** The `source` of every AuditEvent this server writes. */
export const AUDIT_SOURCE: AuditEvent['source'] = {
  observer: { display: 'Waypoint FHIR server' },
  type: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
      code: '4',
      display: 'Application Server',
    },
  ],
};

const ACTIONS: Record<string, AuditEvent['action']> = {
  read: 'R',
  vread: 'R',
  'history-instance': 'R',
  'history-type': 'R',
  'search-type': 'E',
  'search-system': 'E',
  create: 'C',
  update: 'U',
  patch: 'U',
  delete: 'D',
  batch: 'E',
  transaction: 'E',
  operation: 'E',
};

export interface RestAuditInput {
  readonly actor: AuditActor;
  readonly clientId?: string;
  readonly ip?: string;
  /** FHIR restful-interaction code: read, vread, search-type, create, update, patch, delete, batch, transaction… */
  readonly interaction: string;
  readonly resourceType?: string;
  /** Reference of the resource acted on (read, update, delete, create). */
  readonly target?: string;
  /** Names of the search parameters used; never their values. */
  readonly searchParams?: readonly string[];
  /** Patients whose records were disclosed by the response (from the access policy). */
  readonly patients?: readonly string[];
  readonly status: number;
  readonly breakGlassReason?: string;
  readonly recorded?: Date;
}

export function restAuditEvent(input: RestAuditInput): AuditEvent {
  const entity: AuditEventEntity[] = [];
  if (input.target) {
    entity.push({
      what: { reference: input.target },
      type: { system: AUDIT_ENTITY_TYPE, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
    });
  }
  if (input.searchParams) {
    entity.push({
      type: { system: AUDIT_ENTITY_TYPE, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE, code: '24', display: 'Query' },
      name: input.resourceType ?? 'system',
      description: `${input.resourceType ?? ''}?${[...input.searchParams].sort().join('&')}`,
    });
  }
  for (const patient of input.patients ?? []) {
    if (patient === input.target) continue;
    entity.push({
      what: { reference: patient },
      type: { system: AUDIT_ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
    });
  }
  const subtype: Coding = { system: RESTFUL, code: input.interaction };
  return withBreakGlass(
    {
      resourceType: 'AuditEvent',
      type: { system: AUDIT_TYPE, code: 'rest', display: 'RESTful Operation' },
      subtype: [subtype],
      action: ACTIONS[input.interaction] ?? 'E',
      recorded: (input.recorded ?? new Date()).toISOString(),
      outcome: outcomeForStatus(input.status),
      outcomeDesc: `HTTP ${input.status}`,
      agent: [agent(input.actor, input.ip, input.clientId)],
      source: AUDIT_SOURCE,
      entity: entity.length ? entity : undefined,
    },
    input.breakGlassReason,
  );
}

function withBreakGlass(event: AuditEvent, reason: string | undefined): AuditEvent {
  if (!reason) {
    return event;
  }
  const [first, ...rest] = event.agent;
  return {
    ...event,
    meta: {
      tag: [{ system: AUDIT_PRIORITY_SYSTEM, code: 'high', display: 'High priority: break-glass access' }],
    },
    purposeOfEvent: [
      { coding: [{ system: ACT_REASON, code: 'BTG', display: 'break the glass' }], text: reason },
    ],
    agent: [
      { ...first, purposeOfUse: [{ coding: [{ system: ACT_REASON, code: 'BTG' }], text: reason }] },
      ...rest,
    ],
  } as AuditEvent;
}

export type AuthEventKind = 'login' | 'login-failed' | 'logout' | 'token';

export interface AuthAuditInput {
  readonly kind: AuthEventKind;
  readonly actor: AuditActor;
  /**
   * A failed sign-in: the staff account its user name names, if any. It becomes an entity (role 11
   * Security User Entity), so the attempt is found by that practitioner's reference (docs/audit.md) while the
   * agent stays unauthenticated.
   */
  readonly account?: { readonly practitionerId: string; readonly displayName: string };
  readonly clientId?: string;
  readonly ip?: string;
  readonly detail?: string;
  readonly recorded?: Date;
}

/** Sign-in, failed sign-in, sign-out (DICOM 110114 User Authentication / 110122 Login / 110123 Logout). */
export function authAuditEvent(input: AuthAuditInput): AuditEvent {
  const logout = input.kind === 'logout';
  const entity: AuditEventEntity[] = [];
  if (input.clientId) {
    entity.push({
      what: { identifier: { system: 'urn:waypoint:client', value: input.clientId } },
      name: input.clientId,
    });
  }
  if (input.account && input.kind === 'login-failed') {
    entity.push({
      what: { reference: `Practitioner/${input.account.practitionerId}`, display: input.account.displayName },
      type: { system: AUDIT_ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '11', display: 'Security User Entity' },
    });
  }
  return {
    resourceType: 'AuditEvent',
    type: { system: DCM, code: '110114', display: 'User Authentication' },
    subtype: [
      logout
        ? { system: DCM, code: '110123', display: 'Logout' }
        : { system: DCM, code: '110122', display: 'Login' },
    ],
    action: 'E',
    recorded: (input.recorded ?? new Date()).toISOString(),
    outcome: input.kind === 'login-failed' ? '4' : '0',
    outcomeDesc: input.detail,
    agent: [agent(input.actor, input.ip, input.clientId)],
    source: AUDIT_SOURCE,
    entity: entity.length ? entity : undefined,
  };
}

/**
 * `POST /fhir/Patient/:id/$record-export`: a client tells the server it is about to export (print) a patient's
 * chart, and the server records it in the audit trail. Clients can never write AuditEvents themselves (the
 * policy refuses it), so the export is recorded here, by the server, for the signed-in user.
 *
 * - Needs a user's token (a system client exports nothing through a browser: 403) that may read the patient:
 *   the read goes through the request's PolicyRepository, so a patient outside the user's scope answers 404
 *   (existence does not leak) and a break-glass reason widens it as for any read.
 * - Writes one AuditEvent: type DICOM 110106 "Export"; action `R`, as DICOM PS3.15 A.5.3.8 specifies for
 *   Export (data read out of the system onto media); subtype the operation (`record-export`); entity = the
 *   patient (role 1 Patient); a second agent for the destination (DCM 110154 "Destination Media": the printed
 *   copy); purposeOfEvent = the medium (`print`); break-glass requests carry their reason and the high-priority
 *   tag, like every other break-glass event.
 * - Answers a Parameters resource naming the AuditEvent written.
 *
 * Like every `/fhir` request, the call itself is also recorded by the audit trail as an `operation`.
 */
import { OperationOutcomeError } from '@medplum/core';
import type { AuditEvent, AuditEventAgent, OperationOutcome, Parameters } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { AccessContext } from '../policy/policy-repository';
import { AUDIT_PRIORITY_SYSTEM, AUDIT_SOURCE } from './audit-events';
import type { AuditLog } from './audit-log';

export const RECORD_EXPORT_OPERATION = 'record-export';
export const RECORD_EXPORT_PATH = `/fhir/Patient/:id/$${RECORD_EXPORT_OPERATION}`;

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const AUDIT_ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
/** Local: the operation that recorded an export, and its medium (no standard code for "printed by a browser"). */
export const EXPORT_OPERATION_SYSTEM = 'http://waypoint.health/fhir/CodeSystem/audit-operation';
export const EXPORT_MEDIUM_SYSTEM = 'http://waypoint.health/fhir/CodeSystem/export-medium';
const MEDIA = { print: 'Printed copy (browser print)' } as const;
type Medium = keyof typeof MEDIA;

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** A FHIR JSON answer (shared by the export routes). */
export function send(reply: FastifyReply, status: number, body: OperationOutcome | Parameters): FastifyReply {
  return reply.code(status).header('content-type', 'application/fhir+json; charset=utf-8').send(body);
}

export function outcome(code: OperationOutcome['issue'][number]['code'], text: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] };
}

function mediumOf(body: unknown): Medium | undefined {
  const parameters = body as Parameters | undefined;
  if (parameters === undefined || parameters === null) return 'print';
  if (parameters.resourceType !== 'Parameters') return undefined;
  const value = parameters.parameter?.find((p) => p.name === 'medium')?.valueCode ?? 'print';
  return value in MEDIA ? (value as Medium) : undefined;
}

/** Who recorded an export, and from where (the agent of both export events). */
export interface Exporter {
  readonly practitionerId: string;
  readonly display?: string;
  readonly username?: string;
  readonly clientId?: string;
  readonly ip?: string;
}

export interface ExportAuditInput extends Exporter {
  readonly patientId: string;
  readonly medium: Medium;
  readonly breakGlassReason?: string;
  readonly recorded?: Date;
}

/** The AuditEvent of one export of a patient's chart (see the file comment for the codes). */
export function exportAuditEvent(input: ExportAuditInput): AuditEvent {
  const user: AuditEventAgent = {
    who: { reference: `Practitioner/${input.practitionerId}`, display: input.display },
    altId: input.username,
    requestor: true,
    ...(input.ip ? { network: { address: input.ip, type: '2' as const } } : {}),
    ...(input.clientId ? { policy: [`urn:waypoint:client:${input.clientId}`] } : {}),
    ...(input.breakGlassReason
      ? { purposeOfUse: [{ coding: [{ system: ACT_REASON, code: 'BTG' }], text: input.breakGlassReason }] }
      : {}),
  };
  const destination: AuditEventAgent = {
    type: { coding: [{ system: DCM, code: '110154', display: 'Destination Media' }] },
    who: { display: MEDIA[input.medium] },
    requestor: false,
  };
  return {
    resourceType: 'AuditEvent',
    ...(input.breakGlassReason
      ? {
          meta: {
            tag: [
              { system: AUDIT_PRIORITY_SYSTEM, code: 'high', display: 'High priority: break-glass access' },
            ],
          },
        }
      : {}),
    type: { system: DCM, code: '110106', display: 'Export' },
    subtype: [
      { system: EXPORT_OPERATION_SYSTEM, code: RECORD_EXPORT_OPERATION, display: 'Patient chart export' },
    ],
    action: 'R',
    recorded: (input.recorded ?? new Date()).toISOString(),
    outcome: '0',
    outcomeDesc: `Chart of Patient/${input.patientId} exported: ${MEDIA[input.medium]}`,
    purposeOfEvent: [
      { coding: [{ system: EXPORT_MEDIUM_SYSTEM, code: input.medium, display: MEDIA[input.medium] }] },
      ...(input.breakGlassReason
        ? [
            {
              coding: [{ system: ACT_REASON, code: 'BTG', display: 'break the glass' }],
              text: input.breakGlassReason,
            },
          ]
        : []),
    ],
    agent: [user, destination],
    source: AUDIT_SOURCE,
    entity: [
      {
        what: { reference: `Patient/${input.patientId}` },
        type: { system: AUDIT_ENTITY_TYPE, code: '1', display: 'Person' },
        role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
      },
    ],
  };
}

/** What an export route is given. */
export interface ExportRouteOptions {
  /** The audit trail the export is written to (the SMART auth's). */
  readonly audit: AuditLog;
}

/**
 * The signed-in staff member asking to record an export, as the access context and the Exporter of its event;
 * undefined once the refusal is sent (401 without a session, 403 for a system client).
 */
export function exportingStaff(
  request: FastifyRequest,
  reply: FastifyReply,
): { access: AccessContext; exporter: Exporter } | undefined {
  const access = request.waypointAccess;
  if (!access) {
    send(reply, 401, outcome('login', 'Authentication required'));
    return undefined;
  }
  const principal = access.principal;
  if (principal.kind !== 'user') {
    send(reply, 403, outcome('forbidden', 'Exports are recorded for signed-in staff only'));
    return undefined;
  }
  const exporter: Exporter = {
    practitionerId: principal.practitionerId,
    display: principal.displayName,
    username: principal.username,
    clientId: principal.clientId,
    ip: request.ip,
  };
  return { access, exporter };
}

/** The answer to a recorded export: the AuditEvent it wrote. */
export function sendRecorded(reply: FastifyReply, stored: AuditEvent): FastifyReply {
  return send(reply, 200, {
    resourceType: 'Parameters',
    parameter: [{ name: 'auditEvent', valueReference: { reference: `AuditEvent/${stored.id ?? ''}` } }],
  });
}

/** The route as an app plugin for `buildApp({ plugins })`, after the SMART auth plugin (it reads its access context). */
export function recordExportRoute(options: ExportRouteOptions): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    app.post(RECORD_EXPORT_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
      const { id } = request.params as { id: string };
      const staff = exportingStaff(request, reply);
      if (!staff) {
        return reply;
      }
      if (!FHIR_ID.test(id)) {
        return send(reply, 400, outcome('invalid', 'Invalid Patient id'));
      }
      const medium = mediumOf(request.body);
      if (!medium) {
        return send(reply, 400, outcome('invalid', 'The body must be a Parameters resource; medium: print'));
      }
      try {
        await request.fhirRepository.readResource('Patient', id);
      } catch (error) {
        if (error instanceof OperationOutcomeError) {
          const code = error.outcome.issue?.[0]?.code;
          if (code === 'not-found' || code === 'deleted') {
            return send(reply, 404, outcome('not-found', 'The record was not found'));
          }
        }
        throw error;
      }
      const stored = await options.audit.record(
        exportAuditEvent({
          ...staff.exporter,
          patientId: id,
          medium,
          breakGlassReason: staff.access.breakGlassReason,
        }),
      );
      return sendRecorded(reply, stored);
    });
  };
}

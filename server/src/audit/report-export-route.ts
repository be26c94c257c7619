/**
 * `POST /fhir/AuditEvent/$report-export`: a client tells the server that it exports the audit report (the SPA
 * builds the CSV from `GET /fhir/AuditEvent?…`), and the server records the export in the audit trail, which
 * clients never write themselves. The report is a disclosure of who saw which patient: ONC 45 CFR
 * 170.315(d)(2)/(d)(3) expect it to be audited like any other export. docs/audit.md shows a call.
 *
 * - Body: a Parameters resource with `query` (valueString, required: the report's search, `AuditEvent?…` or
 *   its query string), `rows` (valueInteger, optional: how many rows the file holds) and `format` (valueCode,
 *   optional: `csv`, the default and only format).
 * - Needs a signed-in user who may read the audit trail (a supervisor: 403 otherwise; system clients export
 *   nothing through a browser: 403). The query is checked like the search itself (400 naming what it cannot
 *   answer), so the recorded filters are the ones the report really applied.
 * - Writes one AuditEvent: type DICOM 110106 "Export", action `R` (DICOM PS3.15 A.5.3.8: data read out of the
 *   system), subtype `report-export`, agents the user (requestor) and the destination (DCM 110154 "Destination
 *   Media": a CSV file), purposeOfEvent the medium `csv`; entities: the query (role 24 Query: `query` is the
 *   base64 of the query string, `description` the search, one `detail` per filter), each patient filtered on
 *   (role 1 Patient) and each user filtered on (role 6 User), so the export shows in those people's trail too.
 * - Answers a Parameters resource naming the AuditEvent written.
 */
import { OperationOutcomeError, parseSearchRequest } from '@medplum/core';
import type { AuditEvent, AuditEventEntity, Parameters } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { referenceKey } from '../../../clinical/fhir/reference';
import { auditReach } from '../policy/audit-access';
import { AUDIT_SOURCE } from './audit-events';
import { auditSearchOf } from './audit-search';
import {
  EXPORT_MEDIUM_SYSTEM,
  EXPORT_OPERATION_SYSTEM,
  type Exporter,
  exportingStaff,
  type ExportRouteOptions,
  outcome,
  send,
  sendRecorded,
} from './export-route';

export const REPORT_EXPORT_PATH = '/fhir/AuditEvent/$report-export';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const AUDIT_ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const CSV = 'CSV file (audit report)';

export interface ReportExportInput extends Exporter {
  /** The report's query string, without `AuditEvent?`. */
  readonly query: string;
  readonly rows?: number;
  readonly recorded?: Date;
}

/** The query string of `AuditEvent?a=b`, `?a=b` or `a=b`; undefined for another resource type. */
function queryString(value: string): string | undefined {
  const trimmed = value.trim();
  const mark = trimmed.indexOf('?');
  if (mark < 0) return trimmed.includes('=') || trimmed === '' ? trimmed : undefined;
  const path = trimmed.slice(0, mark).replace(/\/+$/, '');
  if (path !== '' && path !== 'AuditEvent' && !path.endsWith('/AuditEvent')) return undefined;
  return trimmed.slice(mark + 1);
}

/** The AuditEvent of one export of the audit report (see the file comment for the codes). */
export function reportExportAuditEvent(input: ReportExportInput): AuditEvent {
  const params = [...new URLSearchParams(input.query)];
  const people = (names: readonly string[], type: string) =>
    params
      .filter(([name]) => names.includes(name.split(':')[0] as string))
      .flatMap(([, value]) =>
        value
          .split(',')
          .map((v) => (v.includes('/') ? referenceKey(v) : `${type}/${v}`))
          .filter((r): r is string => r?.startsWith(`${type}/`) === true),
      );
  const entity: AuditEventEntity[] = [
    {
      type: { system: AUDIT_ENTITY_TYPE, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE, code: '24', display: 'Query' },
      name: 'AuditEvent',
      description: `AuditEvent?${input.query}`,
      query: Buffer.from(input.query, 'utf8').toString('base64'),
      detail: params.map(([name, value]) => ({ type: name, valueString: value })),
    },
    ...[...new Set(people(['patient', 'entity'], 'Patient'))].map((reference): AuditEventEntity => ({
      what: { reference },
      type: { system: AUDIT_ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
    })),
    ...[...new Set(people(['agent'], 'Practitioner'))].map((reference): AuditEventEntity => ({
      what: { reference },
      type: { system: AUDIT_ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '6', display: 'User' },
    })),
  ];
  const rows = input.rows === undefined ? '' : `: ${input.rows} row${input.rows === 1 ? '' : 's'}`;
  return {
    resourceType: 'AuditEvent',
    type: { system: DCM, code: '110106', display: 'Export' },
    subtype: [{ system: EXPORT_OPERATION_SYSTEM, code: 'report-export', display: 'Audit report export' }],
    action: 'R',
    recorded: (input.recorded ?? new Date()).toISOString(),
    outcome: '0',
    outcomeDesc: `Audit report exported as CSV${rows}`,
    purposeOfEvent: [{ coding: [{ system: EXPORT_MEDIUM_SYSTEM, code: 'csv', display: CSV }] }],
    agent: [
      {
        who: { reference: `Practitioner/${input.practitionerId}`, display: input.display },
        altId: input.username,
        requestor: true,
        ...(input.ip ? { network: { address: input.ip, type: '2' as const } } : {}),
        ...(input.clientId ? { policy: [`urn:waypoint:client:${input.clientId}`] } : {}),
      },
      {
        type: { coding: [{ system: DCM, code: '110154', display: 'Destination Media' }] },
        who: { display: CSV },
        requestor: false,
      },
    ],
    source: AUDIT_SOURCE,
    entity,
  };
}

/** The body's query, rows and format, or the words of a 400. */
function readBody(body: unknown): { query: string; rows?: number } | { error: string } {
  const parameters = body as Parameters | undefined;
  if (!parameters || parameters.resourceType !== 'Parameters') {
    return { error: 'The body must be a Parameters resource with query (and optionally rows, format)' };
  }
  const find = (name: string) => parameters.parameter?.find((p) => p.name === name);
  const raw = find('query')?.valueString;
  const query = raw === undefined ? undefined : queryString(raw);
  if (query === undefined) {
    return { error: 'Parameter query (valueString) must be the report’s AuditEvent search' };
  }
  const rows = find('rows');
  if (rows && (!Number.isInteger(rows.valueInteger) || (rows.valueInteger ?? -1) < 0)) {
    return { error: 'Parameter rows must be a valueInteger of 0 or more' };
  }
  const format = find('format');
  if (format && format.valueCode !== 'csv') return { error: 'Parameter format: csv is the only format' };
  return { query, ...(rows?.valueInteger !== undefined ? { rows: rows.valueInteger } : {}) };
}

/** The route as an app plugin for `buildApp({ plugins })`, after the SMART auth plugin (it reads its access context). */
export function reportExportRoute(options: ExportRouteOptions): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    app.post(REPORT_EXPORT_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
      const staff = exportingStaff(request, reply);
      if (!staff) {
        return reply;
      }
      if (auditReach(staff.access.principal, staff.access.scope).kind === 'none') {
        return send(reply, 403, outcome('forbidden', 'Your role does not read the audit trail'));
      }
      const body = readBody(request.body);
      if ('error' in body) {
        return send(reply, 400, outcome('invalid', body.error));
      }
      try {
        auditSearchOf(parseSearchRequest(`AuditEvent?${body.query}`));
      } catch (error) {
        if (error instanceof OperationOutcomeError) {
          return send(reply, 400, error.outcome);
        }
        throw error;
      }
      const stored = await options.audit.record(
        reportExportAuditEvent({
          ...staff.exporter,
          query: body.query,
          ...(body.rows !== undefined ? { rows: body.rows } : {}),
        }),
      );
      return sendRecorded(reply, stored);
    });
  };
}

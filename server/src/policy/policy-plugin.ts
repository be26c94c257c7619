/**
 * The access policy of the FHIR API: an authenticated request reads and writes through its own
 * PolicyRepository, which wraps the app's repository with the caller's principal and patient scope.
 * Runs after bearer authentication (server/src/auth/authenticate.ts); a request without
 * `request.authentication` (the public paths) keeps the app's repository.
 */
import type { FastifyInstance } from 'fastify';

import type { AuditLog } from '../audit/audit-log';
import type { CompartmentIndex } from '../store/compartment';
import { type AccessContext, PolicyRepository } from './policy-repository';

declare module 'fastify' {
  interface FastifyRequest {
    /** The access context of this request's PolicyRepository (what it disclosed is read by the audit). */
    waypointAccess?: AccessContext;
  }
}

export interface AccessPolicyOptions {
  /** Serves AuditEvent reads and searches. */
  readonly audit: AuditLog;
  /** The store's patient-compartment index, when it keeps one: searches are then scoped in SQL. */
  readonly compartments?: CompartmentIndex;
}

export function accessPolicy(options: AccessPolicyOptions): (app: FastifyInstance) => void {
  return (app) => {
    app.addHook('onRequest', async (request) => {
      const authentication = request.authentication;
      if (!authentication) return;
      const access: AccessContext = {
        ...authentication,
        audit: options.audit,
        disclosed: new Set(),
        ...(options.compartments ? { compartments: options.compartments } : {}),
      };
      request.waypointAccess = access;
      request.fhirRepository = new PolicyRepository(request.fhirRepository, access);
    });
  };
}

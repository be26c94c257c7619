/**
 * Which part of the audit trail a caller may read (docs/audit.md). Deny by default:
 * - system clients (SMART Backend Services, e.g. an auditor's tooling): every event;
 * - supervisors: the events that name, as an agent or an entity, themselves, a practitioner they supervise
 *   (the members of their supervision CareTeam, as the patient scope reads them), or a patient of their
 *   team (their patient scope). A failed sign-in names the account it tried as an entity, so a failed
 *   sign-in as a team member is theirs; one with a user name that matches no account names nobody and is
 *   read by system clients only. Break-glass does not widen it: it is for care, not for audit;
 * - every other role (counselors, care coordinators, prescribers, peer specialists): nothing (an empty
 *   search, 404 on read).
 */
import type { PatientScope, Principal } from './principal';

export type AuditReach =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  /** Only events naming one of these references (`Practitioner/…`, `Patient/…`). */
  | { readonly kind: 'within'; readonly references: readonly string[] };

export function auditReach(principal: Principal, scope: PatientScope): AuditReach {
  if (principal.kind === 'system') return { kind: 'all' };
  if (!principal.roles.has('supervisor')) return { kind: 'none' };
  if (scope.all) return { kind: 'all' };
  return {
    kind: 'within',
    references: [
      `Practitioner/${principal.practitionerId}`,
      ...(scope.supervisees ?? []),
      ...[...scope.patientIds].map((id) => `Patient/${id}`),
    ],
  };
}

// Type-only: a runtime import would pull the shared terminology module into the initial bundle.
import type { StaffRole } from '../../../../../clinical/terminology';

/** Roles as the server names them (PractitionerRole.code / the `waypoint_role` claim). */
export type WaypointRole = StaffRole;

export interface SessionUser {
  /** Display name, e.g. "Dana Whitfield". */
  readonly name: string;
  /** Unknown when the server does not tell (another SMART server); the UI then shows no role. */
  readonly role?: WaypointRole;
  /** The `fhirUser` claim as a relative reference, e.g. `Practitioner/123`. */
  readonly fhirUser?: string;
}

export const ROLE_LABELS: Readonly<Record<WaypointRole, string>> = {
  counselor: 'Counselor',
  supervisor: 'Supervisor',
  'care-coordinator': 'Care coordinator',
  prescriber: 'Prescriber',
  'peer-specialist': 'Peer specialist',
};

export function isWaypointRole(value: unknown): value is WaypointRole {
  return typeof value === 'string' && Object.hasOwn(ROLE_LABELS, value);
}

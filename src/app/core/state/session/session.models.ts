/** Roles as the server names them (PractitionerRole.code / the `waypoint_role` claim). */
export type WaypointRole = 'counselor' | 'supervisor' | 'care-coordinator';

export interface SessionUser {
  /** Display name, e.g. "Dana Whitfield". */
  readonly name: string;
  /** Unknown when the server does not tell (another SMART server); the UI then shows no role. */
  readonly role?: WaypointRole;
  /** The `fhirUser` claim: a relative reference such as `Practitioner/123`. */
  readonly fhirUser?: string;
}

export const ROLE_LABELS: Readonly<Record<WaypointRole, string>> = {
  counselor: 'Counselor',
  supervisor: 'Supervisor',
  'care-coordinator': 'Care coordinator',
};

export function isWaypointRole(value: unknown): value is WaypointRole {
  return typeof value === 'string' && Object.hasOwn(ROLE_LABELS, value);
}

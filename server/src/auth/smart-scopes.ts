/**
 * SMART App Launch 2.x resource scopes (and their 1.x equivalents), parsed into a permission set.
 *
 * v2: `<context>/<ResourceType|*>.<cruds>` where the permission letters appear in the order c, r, u, d, s
 * (e.g. `user/Patient.rs`, `user/QuestionnaireResponse.cru`, `system/*.rs`).
 * v1: `<context>/<ResourceType|*>.<read|write|*>` (read = rs, write = cud, * = cruds).
 * https://build.fhir.org/ig/HL7/smart-app-launch/scopes-and-launch-context.html
 *
 * Scopes with query constraints (`user/Observation.rs?category=laboratory`) are recognised but grant
 * nothing: the server does not evaluate them, and granting the unconstrained scope would be wider than
 * what was asked for.
 */
import { getResourceTypes } from '@medplum/core';

export type ScopeContext = 'patient' | 'user' | 'system';
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';

export const PERMISSION_ORDER: readonly Permission[] = ['c', 'r', 'u', 'd', 's'];

export interface ResourceScope {
  readonly context: ScopeContext;
  /** A resource type, or `*` for all. */
  readonly resourceType: string;
  readonly permissions: ReadonlySet<Permission>;
  /** True for a SMART v1 form (`.read`, `.write`, `.*`). */
  readonly v1: boolean;
}

const SCOPE_RE = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]+)\.(read|write|\*|[cruds]+)$/;
const V1_PERMISSIONS: Record<string, Permission[]> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
};

/** Parses one SMART resource scope; undefined when the string is not one (e.g. `openid`) or is malformed. */
export function parseResourceScope(scope: string): ResourceScope | undefined {
  const match = SCOPE_RE.exec(scope);
  if (!match) {
    return undefined;
  }
  const [, context, resourceType, perms] = match as unknown as [string, ScopeContext, string, string];
  const v1 = perms in V1_PERMISSIONS;
  let permissions: Permission[];
  if (v1) {
    permissions = V1_PERMISSIONS[perms] ?? [];
  } else {
    // v2 letters must be unique and in c, r, u, d, s order.
    let last = -1;
    permissions = [];
    for (const letter of perms as string) {
      const index = PERMISSION_ORDER.indexOf(letter as Permission);
      if (index <= last) {
        return undefined;
      }
      last = index;
      permissions.push(letter as Permission);
    }
  }
  if (resourceType !== '*' && !isKnownResourceType(resourceType)) {
    return undefined;
  }
  return { context, resourceType, permissions: new Set(permissions), v1 };
}

let resourceTypes: ReadonlySet<string> | undefined;
function isKnownResourceType(resourceType: string): boolean {
  resourceTypes ??= new Set(getResourceTypes());
  // Before the definitions are indexed the list is empty: accept any well-formed name then.
  return resourceTypes.size === 0 || resourceTypes.has(resourceType);
}

/** The resource permissions granted by a space-separated scope string, for one launch context. */
export class PermissionSet {
  private readonly byType = new Map<string, Set<Permission>>();
  readonly scopes: readonly ResourceScope[];

  constructor(scope: string | undefined, context: ScopeContext) {
    this.scopes = (scope ?? '')
      .split(' ')
      .filter((s) => s !== '')
      .map(parseResourceScope)
      .filter((s): s is ResourceScope => s !== undefined && s.context === context);
    for (const s of this.scopes) {
      const set = this.byType.get(s.resourceType) ?? new Set<Permission>();
      s.permissions.forEach((p) => set.add(p));
      this.byType.set(s.resourceType, set);
    }
  }

  allows(resourceType: string, permission: Permission): boolean {
    return !!this.byType.get(resourceType)?.has(permission) || !!this.byType.get('*')?.has(permission);
  }

  get isEmpty(): boolean {
    return this.byType.size === 0;
  }
}

/**
 * Every resource scope a client may be granted in one context, in v2 and v1 forms, for the
 * authorization server's resource-server scope list (oidc-provider matches scopes exactly).
 */
export function allResourceScopes(context: ScopeContext): string[] {
  const types = ['*', ...getResourceTypes()];
  const combos: string[] = [];
  for (let mask = 1; mask < 32; mask++) {
    combos.push(PERMISSION_ORDER.filter((_, i) => mask & (1 << i)).join(''));
  }
  combos.push('read', 'write', '*');
  return types.flatMap((t) => combos.map((c) => `${context}/${t}.${c}`));
}

import type { WaypointRole } from '../state/session/session.models';

/**
 * Which sections each role uses, written once: the navigation shows only these, the `''` route and the
 * post-sign-in landing go to the role's home, and a page of another role's section shows "not available for your
 * role" (role-access.ts). The server still decides what data each user may read; this only keeps the app to the
 * work of the role.
 */

export type Section = 'caseload' | 'notes' | 'cosign' | 'supervision' | 'coordination' | 'audit';

export interface NavLink {
  readonly section: Section;
  readonly path: string;
  readonly label: string;
  /** Material Symbols ligature. */
  readonly icon: string;
}

/** Every section, in navigation order. */
export const NAV_LINKS: readonly NavLink[] = [
  { section: 'caseload', path: '/caseload', label: 'My caseload', icon: 'groups' },
  { section: 'notes', path: '/notes', label: 'My unsigned notes', icon: 'edit_note' },
  { section: 'supervision', path: '/supervision', label: 'Supervision', icon: 'supervisor_account' },
  { section: 'cosign', path: '/notes/cosign', label: 'Co-sign queue', icon: 'approval' },
  { section: 'coordination', path: '/coordination', label: 'Coordination', icon: 'medication' },
  { section: 'audit', path: '/audit', label: 'Audit report', icon: 'policy' },
];

/** The sections of each role, its home first. */
export const ROLE_SECTIONS: Readonly<Record<WaypointRole, readonly Section[]>> = {
  counselor: ['caseload', 'notes'],
  supervisor: ['supervision', 'cosign', 'audit'],
  'care-coordinator': ['coordination'],
  prescriber: ['caseload', 'notes'],
  'peer-specialist': ['caseload'],
};

/**
 * Pages outside the navigation that a role reaches from its sections: a supervisor opens a counselor's caseload
 * (`/caseload/practitioners/:id`) from Supervision. Patient charts and notes (`/patients/…`) are open to every
 * role (the server answers for each patient).
 */
const DRILL_DOWNS: Readonly<Partial<Record<WaypointRole, readonly Section[]>>> = {
  supervisor: ['caseload'],
};

const ALL_SECTIONS: readonly Section[] = NAV_LINKS.map((l) => l.section);

/** The sections a role uses; every section when the server did not say the role (another SMART server). */
export function sectionsFor(role: WaypointRole | undefined): readonly Section[] {
  return role ? ROLE_SECTIONS[role] : ALL_SECTIONS;
}

export function navLinksFor(role: WaypointRole | undefined): NavLink[] {
  const sections = new Set(sectionsFor(role));
  return NAV_LINKS.filter((l) => sections.has(l.section));
}

/** Where the role starts: the first of its sections. */
export function homePathFor(role: WaypointRole | undefined): string {
  const home = sectionsFor(role)[0] ?? 'caseload';
  return NAV_LINKS.find((l) => l.section === home)?.path ?? '/caseload';
}

export function navLink(section: Section): NavLink {
  return NAV_LINKS.find((l) => l.section === section) as NavLink;
}

/**
 * The section a path belongs to (`/caseload/practitioners/x` → caseload, `/notes/cosign` → cosign); undefined for
 * pages every role may open (patient charts and their notes, unknown paths).
 */
export function sectionOfPath(path: string): Section | undefined {
  const segments = path.split(/[?#]/, 1)[0]?.split('/').filter(Boolean) ?? [];
  const [first, second] = segments;
  switch (first) {
    case 'caseload':
      return 'caseload';
    case 'notes':
      return second === 'cosign' ? 'cosign' : 'notes';
    case 'supervision':
    case 'coordination':
    case 'audit':
      return first;
    default:
      return undefined;
  }
}

/** Whether the role may open the page at `path` (the pages of its sections, and their drill-downs). */
export function mayOpen(role: WaypointRole | undefined, path: string): boolean {
  const section = sectionOfPath(path);
  if (!section || !role) return true;
  if (ROLE_SECTIONS[role].includes(section)) return true;
  // A drill-down is a page below the section's own path (`/caseload/practitioners/x`, not `/caseload`).
  const own = navLink(section).path;
  const below = path.split(/[?#]/, 1)[0]?.replace(/\/+$/, '') !== own;
  return below && (DRILL_DOWNS[role] ?? []).includes(section);
}

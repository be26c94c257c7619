export interface NavLink {
  readonly path: string;
  readonly label: string;
  /** Material Symbols ligature. */
  readonly icon: string;
}

export const NAV_LINKS: readonly NavLink[] = [
  { path: '/caseload', label: 'My caseload', icon: 'groups' },
  { path: '/supervision', label: 'Supervision', icon: 'supervisor_account' },
  { path: '/coordination', label: 'Coordination', icon: 'medication' },
  { path: '/audit', label: 'Audit', icon: 'policy' },
];

export interface NavLink {
  readonly path: string;
  readonly label: string;
  /** Material Symbols ligature. */
  readonly icon: string;
}

export const NAV_LINKS: readonly NavLink[] = [
  { path: '/caseload', label: 'My caseload', icon: 'groups' },
  { path: '/notes', label: 'My unsigned notes', icon: 'edit_note' },
  { path: '/notes/cosign', label: 'Co-sign queue', icon: 'approval' },
  { path: '/supervision', label: 'Supervision', icon: 'supervisor_account' },
  { path: '/coordination', label: 'Coordination', icon: 'medication' },
  { path: '/audit', label: 'Audit', icon: 'policy' },
];

import { homePathFor, mayOpen, navLinksFor, sectionOfPath } from './nav-links';

describe('navigation by role', () => {
  const labels = (role: Parameters<typeof navLinksFor>[0]) => navLinksFor(role).map((l) => l.label);

  it('shows each role only the sections it uses, its home first', () => {
    expect(labels('counselor')).toEqual(['My caseload', 'My unsigned notes']);
    expect(labels('supervisor')).toEqual(['Supervision', 'Co-sign queue', 'Audit report']);
    expect(labels('care-coordinator')).toEqual(['Coordination']);
    expect(labels('prescriber')).toEqual(['My caseload', 'My unsigned notes']);
    expect(labels('peer-specialist')).toEqual(['My caseload']);
  });

  it('shows every section when the server does not name a role (another SMART server)', () => {
    expect(labels(undefined)).toEqual([
      'My caseload',
      'My unsigned notes',
      'Supervision',
      'Co-sign queue',
      'Coordination',
      'Audit report',
    ]);
  });

  it('sends each role home: counselor → caseload, supervisor → supervision, coordinator → coordination', () => {
    expect(homePathFor('counselor')).toBe('/caseload');
    expect(homePathFor('supervisor')).toBe('/supervision');
    expect(homePathFor('care-coordinator')).toBe('/coordination');
    expect(homePathFor('prescriber')).toBe('/caseload');
    expect(homePathFor(undefined)).toBe('/caseload');
  });

  it('names the section of a path, none for patient pages', () => {
    expect(sectionOfPath('/caseload/practitioners/c1?filter=high-risk')).toBe('caseload');
    expect(sectionOfPath('/notes/cosign')).toBe('cosign');
    expect(sectionOfPath('/notes')).toBe('notes');
    expect(sectionOfPath('/audit?patient=p1')).toBe('audit');
    expect(sectionOfPath('/patients/p1/notes/n1')).toBeUndefined();
    expect(sectionOfPath('/')).toBeUndefined();
  });

  it("refuses another role's pages, allows a supervisor's drill-down into a counselor's caseload", () => {
    expect(mayOpen('counselor', '/audit')).toBeFalse();
    expect(mayOpen('counselor', '/supervision')).toBeFalse();
    expect(mayOpen('counselor', '/notes/cosign')).toBeFalse();
    expect(mayOpen('counselor', '/caseload?filter=high-risk')).toBeTrue();
    expect(mayOpen('supervisor', '/caseload/practitioners/c1')).toBeTrue();
    expect(mayOpen('supervisor', '/caseload')).toBeFalse();
    expect(mayOpen('supervisor', '/caseload/')).toBeFalse();
    expect(mayOpen('supervisor', '/notes')).toBeFalse();
    expect(mayOpen('care-coordinator', '/caseload/practitioners/c1')).toBeFalse();
    expect(mayOpen('care-coordinator', '/coordination/tasks')).toBeTrue();
    for (const role of ['counselor', 'supervisor', 'care-coordinator'] as const) {
      expect(mayOpen(role, '/patients/p1')).withContext(role).toBeTrue();
      expect(mayOpen(role, '/patients/p1/notes/n1')).withContext(role).toBeTrue();
    }
    expect(mayOpen(undefined, '/audit')).toBeTrue();
  });
});

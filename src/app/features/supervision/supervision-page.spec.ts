import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type {
  Bundle,
  BundleEntry,
  CareTeam,
  Practitioner,
  QuestionnaireResponse,
  Resource,
  Task,
} from '@medplum/fhirtypes';
import { Store } from '@ngrx/store';

import { deriveState } from '../../../../clinical/derived/derive';
import { groupByPatient } from '../../../../clinical/fhir/patient-record';
import { COSIGN_TASK_CODE, IDENTIFIER_SYSTEM, LOCAL_SYSTEM } from '../../../../clinical/terminology';
import { provideRootState } from '../../core/state/root-state';
import { AuthActions } from '../../core/state/session/session.actions';
import { selectUser } from '../../core/state/session/session.feature';
import { CLOCK } from '../../core/time/clock';
import { aCaseloadPatient, aSearchBundle, COUNSELOR, FIXED_NOW } from '../../testing/fhir-builders';

@Component({ template: '<h1>Caseload</h1>', changeDetection: ChangeDetectionStrategy.OnPush })
class CaseloadStub {}

const SUPERVISOR = 'Practitioner/supervisor-1';
const ROBIN = 'Practitioner/counselor-2';

/** A caseload patient of another counselor: the same record with Robin as care manager and on the care team. */
function ofRobin(resources: Resource[]): Resource[] {
  return resources.map((r) => {
    if (r.resourceType === 'EpisodeOfCare') return { ...r, careManager: { reference: ROBIN } };
    if (r.resourceType === 'CareTeam') return { ...r, participant: [{ member: { reference: ROBIN } }] };
    return r;
  });
}

const RAW: Resource[] = [
  // Casey: a patient with fentanyl positives in each of the last 3 weeks (6 points: high, and a safety alert),
  // and one with 3 negative weeks (low).
  ...aCaseloadPatient('p1', { family: 'Rivera', given: 'Sam', fentanylWeeks: 3 }),
  ...aCaseloadPatient('p2', { family: 'Okafor', given: 'Ada' }),
  // Robin: a low-risk patient with a PHQ-9 item 9 answer (a safety alert, no risk points).
  ...ofRobin(aCaseloadPatient('p3', { family: 'Lee', given: 'Kim', phq9Item9: 2 })),
];

const TEAM: CareTeam = {
  resourceType: 'CareTeam',
  id: 'team-1',
  status: 'active',
  identifier: [{ system: IDENTIFIER_SYSTEM.team, value: 'supervision-supervisor1' }],
  participant: [
    {
      role: [{ coding: [{ system: LOCAL_SYSTEM.role, code: 'supervisor' }] }],
      member: { reference: SUPERVISOR },
    },
    {
      role: [{ coding: [{ system: LOCAL_SYSTEM.role, code: 'counselor' }] }],
      member: { reference: COUNSELOR },
    },
    { role: [{ coding: [{ system: LOCAL_SYSTEM.role, code: 'counselor' }] }], member: { reference: ROBIN } },
  ],
};
const practitioner = (reference: string, given: string, family: string): Practitioner => ({
  resourceType: 'Practitioner',
  id: reference.split('/')[1],
  name: [{ given: [given], family }],
});
const NOTE: QuestionnaireResponse = {
  resourceType: 'QuestionnaireResponse',
  id: 'note-9',
  status: 'completed',
  subject: { reference: 'Patient/p3' },
};
const COSIGN: Task = {
  resourceType: 'Task',
  id: 'task-9',
  status: 'requested',
  intent: 'order',
  code: { coding: [{ system: LOCAL_SYSTEM.task, code: COSIGN_TASK_CODE }] },
  focus: { reference: 'QuestionnaireResponse/note-9' },
  for: { reference: 'Patient/p3' },
  owner: { reference: SUPERVISOR },
  requester: { reference: ROBIN, display: 'Robin Adeyemi' },
  authoredOn: '2026-03-14T09:30:00.000Z',
};

const ok = (entry: BundleEntry[]): BundleEntry => ({
  response: { status: '200 OK' },
  resource: { ...aSearchBundle([]), entry },
});
const match = (resource: Resource): BundleEntry => ({ resource, search: { mode: 'match' } });
const include = (resource: Resource): BundleEntry => ({ resource, search: { mode: 'include' } });
const failedEntry: BundleEntry = {
  response: { status: '500 Internal Server Error' },
  resource: {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'exception', details: { text: 'The store is unavailable' } }],
  },
};

/** The overview's four entries, as a server with derived state answers them for RAW (deriveState as of now). */
function overviewEntries(): BundleEntry[] {
  const summaries: BundleEntry[] = [];
  const risks: BundleEntry[] = [];
  const flags: BundleEntry[] = [];
  for (const [, record] of groupByPatient(RAW)) {
    const derived = deriveState(record, FIXED_NOW, []);
    summaries.push(match(derived.summary), include(record.patient));
    risks.push(match(derived.risk));
    flags.push(...derived.flags.filter((f) => f.status === 'active').map(match));
  }
  const careTeams = [
    match(TEAM),
    include(practitioner(COUNSELOR, 'Casey', 'Nguyen')),
    include(practitioner(ROBIN, 'Robin', 'Adeyemi')),
  ];
  return [ok(summaries), ok(risks), ok(flags), ok(careTeams)];
}
const queueEntry = (): BundleEntry =>
  ok([match(COSIGN), include(NOTE), include(RAW.find((r) => r.id === 'p3') as Resource)]);
const batch = (entry: BundleEntry[]): Bundle => ({ resourceType: 'Bundle', type: 'batch-response', entry });

describe('SupervisionPage', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;

  beforeEach(async () => {
    // MockStore overrides in other specs stay on the shared memoized selector unless cleared: start clean.
    selectUser.clearResult();
    selectUser.release();
    TestBed.configureTestingModule({
      providers: [
        provideRouter(
          [
            { path: 'supervision', loadChildren: () => import('./supervision.routes') },
            { path: 'caseload/practitioners/:practitionerId', component: CaseloadStub },
          ],
          withComponentInputBinding(),
        ),
        provideRootState(),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: CLOCK, useValue: () => new Date(FIXED_NOW) },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    TestBed.inject(Store).dispatch(
      AuthActions.signedIn({ user: { name: 'Dana Whitfield', role: 'supervisor', fhirUser: SUPERVISOR } }),
    );
    harness = await RouterTestingHarness.create();
  });

  afterEach(() => http.verify());

  const page = (): HTMLElement => harness.routeNativeElement as HTMLElement;
  /** An element's words as a reader gets them: icon ligatures (aria-hidden) left out. */
  const text = (el: Element | null | undefined): string => {
    if (!el) return '';
    const copy = el.cloneNode(true) as Element;
    copy.querySelectorAll('mat-icon').forEach((icon) => icon.remove());
    return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
  };
  /** Each body row of the team table: its cells' words. */
  const teamRows = (): string[][] =>
    Array.from(page().querySelectorAll('wp-team-table tbody tr')).map((tr) =>
      Array.from(tr.children).map((cell) => text(cell)),
    );

  /** Opens the page; the one FHIR request it sends. */
  async function open(url = '/supervision'): Promise<TestRequest> {
    await harness.navigateByUrl(url);
    return http.expectOne({ method: 'POST', url: '/fhir' });
  }

  async function flush(request: TestRequest, response: Bundle): Promise<void> {
    request.flush(response);
    await harness.fixture.whenStable();
  }

  it('loads the whole page in one batch: derived resources, the supervision teams and the co-sign queue', async () => {
    const request = await open();
    const sent = JSON.parse(request.request.body as string) as Bundle;
    expect(sent.type).toBe('batch');
    expect((sent.entry ?? []).map((e) => e.request?.url?.split('?')[0])).toEqual([
      'Observation',
      'RiskAssessment',
      'Flag',
      'CareTeam',
      'Task',
    ]);
    const careTeamSearch = decodeURIComponent(sent.entry?.[3]?.request?.url ?? '');
    expect(careTeamSearch).toContain(`identifier=${IDENTIFIER_SYSTEM.team}|`);
    expect(careTeamSearch).toContain(`participant=${SUPERVISOR}`);
    expect(careTeamSearch).toContain('_include=CareTeam:participant');
    await flush(request, batch([...overviewEntries(), queueEntry()]));
    expect(text(page().querySelector('h1'))).toBe('Supervision');
  });

  it("shows one row per supervised counselor with the figures of their patients' derived facts", async () => {
    await flush(await open(), batch([...overviewEntries(), queueEntry()]));

    // Counselor, patients, high, moderate, low, ≤ 24 h, ≤ 72 h, unsigned, overdue, co-sign, attendance, safety.
    expect(teamRows()).toEqual([
      [
        'Casey Nguyen: open caseload',
        '2',
        '1',
        '0',
        '1',
        '—no notes',
        '—no notes',
        '0',
        '0',
        '0',
        '—no sessions held',
        '1',
      ],
      [
        'Robin Adeyemi: open caseload',
        '1',
        '0',
        '0',
        '1',
        '—no notes',
        '—no notes',
        '0',
        '0',
        '0',
        '—no sessions held',
        '1',
      ],
    ]);
    const team = Array.from(page().querySelectorAll('wp-team-table tfoot tr > *')).map((c) => text(c));
    expect(team.slice(0, 5)).toEqual(['Team (3 patients)', '3', '1', '0', '2']);

    const links = Array.from(page().querySelectorAll('wp-team-table tbody th a')).map((a) =>
      a.getAttribute('href'),
    );
    expect(links).toEqual(['/caseload/practitioners/counselor-1', '/caseload/practitioners/counselor-2']);
    expect(text(page().querySelector('.as-of'))).toBe('2 counselors · 3 patients · as of 16 Mar 2026, 12:00');
  });

  it('beside the table, the risk bands per counselor as a chart with the same counts in a table', async () => {
    await flush(await open(), batch([...overviewEntries(), queueEntry()]));
    const chart = page().querySelector('wp-chart.risk-chart');
    expect(chart?.querySelector('canvas')?.getAttribute('aria-label')).toBe(
      'Patients by current relapse-risk band, per counselor',
    );
    const rows = Array.from(chart?.querySelectorAll('table tbody tr') ?? []).map((tr) =>
      Array.from(tr.children).map((c) => text(c)),
    );
    expect(rows).toEqual([
      ['Casey Nguyen', '1', '0', '1'],
      ['Robin Adeyemi', '0', '0', '1'],
    ]);
    expect(Array.from(chart?.querySelectorAll('table thead th') ?? []).map((c) => text(c))).toEqual([
      'Counselor',
      'High risk',
      'Moderate risk',
      'Low risk',
    ]);
  });

  it('lists the co-sign queue with the patient and the counselor who asked', async () => {
    await flush(await open(), batch([...overviewEntries(), queueEntry()]));
    const queue = page().querySelector('wp-cosign-queue-table tbody tr');
    expect(Array.from(queue?.children ?? []).map((c) => text(c))).toEqual([
      'Sat 14 Mar 2026, 09:30',
      'Session note',
      'Kim Lee',
      'Robin Adeyemi',
    ]);
    expect(queue?.querySelector('a')?.getAttribute('href')).toBe('/patients/p3/notes/note-9');
  });

  it('sorts by a column from its header, keeps the sort in the URL and restores it on reload', async () => {
    await flush(await open(), batch([...overviewEntries(), queueEntry()]));
    const header = Array.from(page().querySelectorAll('wp-team-table thead th')).find((th) =>
      text(th).startsWith('Low'),
    ) as HTMLElement;
    expect(header.getAttribute('aria-sort')).toBe('none');
    (header.querySelector('.mat-sort-header-container') as HTMLElement).click();
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/supervision?sort=low:desc');
    expect(header.getAttribute('aria-sort')).toBe('descending');
    // Both have one low-risk patient: ties by name.
    expect(teamRows().map((r) => r[0])).toEqual([
      'Casey Nguyen: open caseload',
      'Robin Adeyemi: open caseload',
    ]);

    const patients = Array.from(page().querySelectorAll('wp-team-table thead th')).find((th) =>
      text(th).startsWith('Patients'),
    ) as HTMLElement;
    (patients.querySelector('.mat-sort-header-container') as HTMLElement).click();
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/supervision?sort=caseload:desc');
    expect(teamRows().map((r) => r[0])).toEqual([
      'Casey Nguyen: open caseload',
      'Robin Adeyemi: open caseload',
    ]);
    (patients.querySelector('.mat-sort-header-container') as HTMLElement).click();
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/supervision?sort=caseload:asc');
    expect(patients.getAttribute('aria-sort')).toBe('ascending');
    expect(teamRows().map((r) => r[0])).toEqual([
      'Robin Adeyemi: open caseload',
      'Casey Nguyen: open caseload',
    ]);
  });

  it('opens sorted as the URL says', async () => {
    await flush(await open('/supervision?sort=caseload:asc'), batch([...overviewEntries(), queueEntry()]));
    expect(teamRows().map((r) => r[1])).toEqual(['1', '2']);
  });

  it('a failed overview search fails its panels only, and Retry re-runs only the overview', async () => {
    const request = await open();
    const [summaries, risks, , careTeams] = overviewEntries();
    await flush(request, batch([summaries!, risks!, failedEntry, careTeams!, queueEntry()]));

    const alerts = Array.from(page().querySelectorAll('[role="alert"]')).map((a) => text(a));
    expect(alerts).toEqual([
      'Team overview could not be loaded: The store is unavailable',
      'Team risk trend, last 12 weeks could not be loaded: The store is unavailable',
    ]);
    expect(page().querySelector('wp-team-table')).toBeNull();
    expect(page().querySelectorAll('wp-cosign-queue-table tbody tr').length).toBe(1);

    const retry = Array.from(page().querySelectorAll('button')).find(
      (b) => text(b) === 'Retry',
    ) as HTMLButtonElement;
    retry.click();
    const again = http.expectOne({ method: 'POST', url: '/fhir' });
    expect(
      ((JSON.parse(again.request.body as string) as Bundle).entry ?? []).map(
        (e) => e.request?.url?.split('?')[0],
      ),
    ).toEqual(['Observation', 'RiskAssessment', 'Flag', 'CareTeam']);
    again.flush(batch(overviewEntries()));
    await harness.fixture.whenStable();
    expect(page().querySelectorAll('[role="alert"]').length).toBe(0);
    expect(teamRows().length).toBe(2);
  });
});

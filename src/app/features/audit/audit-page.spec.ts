import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type {
  AuditEvent,
  Bundle,
  BundleEntry,
  CareTeam,
  Parameters,
  Patient,
  Resource,
} from '@medplum/fhirtypes';
import { Store } from '@ngrx/store';

import { IDENTIFIER_SYSTEM, LOCAL_SYSTEM } from '../../../../clinical/terminology';
import { provideRootState } from '../../core/state/root-state';
import { AuthActions } from '../../core/state/session/session.actions';
import { selectUser } from '../../core/state/session/session.feature';
import { CLOCK } from '../../core/time/clock';
import { aPatient, aSearchBundle, FIXED_NOW } from '../../testing/fhir-builders';
import { localMidnight } from './data/audit-view';

const SUPERVISOR = 'Practitioner/supervisor-1';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

const restEvent = (
  id: string,
  opts: {
    who: string;
    display: string;
    patient?: string;
    subtype?: string;
    target?: string;
    outcome?: AuditEvent['outcome'];
    breakGlass?: string;
    recorded: string;
  },
): AuditEvent => ({
  resourceType: 'AuditEvent',
  id,
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
  subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: opts.subtype ?? 'read' }],
  action: 'R',
  recorded: opts.recorded,
  outcome: opts.outcome ?? '0',
  outcomeDesc: opts.outcome === '4' ? 'HTTP 404' : 'HTTP 200',
  agent: [
    {
      who: { reference: opts.who, display: opts.display },
      altId: opts.display.split(' ')[0]?.toLowerCase(),
      requestor: true,
      ...(opts.breakGlass
        ? {
            purposeOfUse: [
              {
                coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'BTG' }],
                text: opts.breakGlass,
              },
            ],
          }
        : {}),
    },
  ],
  source: { observer: { display: 'Waypoint FHIR server' } },
  ...(opts.breakGlass
    ? {
        meta: { tag: [{ system: 'http://waypoint.health/fhir/CodeSystem/audit-priority', code: 'high' }] },
        purposeOfEvent: [
          {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'BTG' }],
            text: opts.breakGlass,
          },
        ],
      }
    : {}),
  entity: [
    ...(opts.target ? [{ what: { reference: opts.target }, role: { code: '4' } }] : []),
    ...(opts.patient ? [{ what: { reference: opts.patient }, role: { code: '1' } }] : []),
  ],
});

const READ_CHART = restEvent('e1', {
  who: 'Practitioner/counselor-1',
  display: 'Casey Nguyen',
  target: 'Patient/p1',
  recorded: '2026-03-16T09:15:00.000Z',
});
const BREAK_GLASS = restEvent('e2', {
  who: 'Practitioner/counselor-1',
  display: 'Casey Nguyen',
  target: 'Patient/outsider',
  breakGlass: 'Crisis call from the ER, patient unconscious',
  recorded: '2026-03-15T22:40:00.000Z',
});
const FAILED_SIGN_IN: AuditEvent = {
  resourceType: 'AuditEvent',
  id: 'e3',
  type: { system: DCM, code: '110114', display: 'User Authentication' },
  subtype: [{ system: DCM, code: '110122', display: 'Login' }],
  action: 'E',
  recorded: '2026-03-14T07:02:00.000Z',
  outcome: '4',
  outcomeDesc: 'invalid credentials',
  agent: [{ who: { display: 'unauthenticated (counselor1)' }, requestor: true }],
  source: { observer: { display: 'Waypoint FHIR server' } },
  entity: [{ what: { reference: 'Practitioner/counselor-1' }, role: { code: '11' } }],
};

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
      member: { reference: 'Practitioner/counselor-1' },
    },
  ],
};
const PATIENTS: Patient[] = [
  aPatient({ id: 'p1', name: [{ given: ['Sam'], family: 'Rivera' }] }),
  // A right-to-left name: shown isolated (<bdi>) so it cannot reorder the cells around it.
  aPatient({ id: 'p2', name: [{ given: ['ليلى'], family: 'حداد' }] }),
];

const ok = (entry: BundleEntry[], links: Bundle['link'] = []): BundleEntry => ({
  response: { status: '200 OK' },
  resource: { ...aSearchBundle([]), link: links, entry },
});
const match = (resource: Resource): BundleEntry => ({ resource, search: { mode: 'match' } });
const include = (resource: Resource): BundleEntry => ({ resource, search: { mode: 'include' } });
const NEXT = 'http://localhost:9876/fhir/AuditEvent?_count=50&_offset=50&_sort=-date';

function firstBatch(events: AuditEvent[], options: { next?: string; total?: number } = {}): Bundle {
  const eventsEntry = ok(events.map(match), options.next ? [{ relation: 'next', url: options.next }] : []);
  (eventsEntry.resource as Bundle).total = options.total ?? events.length;
  return {
    resourceType: 'Bundle',
    type: 'batch-response',
    entry: [
      eventsEntry,
      ok([
        match(TEAM),
        include({
          resourceType: 'Practitioner',
          id: 'supervisor-1',
          name: [{ given: ['Dana'], family: 'Whitfield' }],
        }),
        include({
          resourceType: 'Practitioner',
          id: 'counselor-1',
          name: [{ given: ['Casey'], family: 'Nguyen' }],
        }),
      ]),
      ok(PATIENTS.map(match)),
    ],
  };
}

describe('AuditPage', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;

  beforeEach(async () => {
    // MockStore overrides in other specs stay on the shared memoized selector unless cleared: start clean.
    selectUser.clearResult();
    selectUser.release();
    TestBed.configureTestingModule({
      providers: [
        provideRouter(
          [{ path: 'audit', loadChildren: () => import('./audit.routes') }],
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
  const text = (el: Element | null | undefined): string => {
    if (!el) return '';
    const copy = el.cloneNode(true) as Element;
    copy.querySelectorAll('mat-icon').forEach((icon) => icon.remove());
    return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
  };
  const rows = (): string[][] =>
    Array.from(page().querySelectorAll('table.events tbody tr')).map((tr) =>
      Array.from(tr.children).map((td) => text(td)),
    );
  const stable = () => harness.fixture.whenStable();
  /** A batch entry's or a form body's parameters. */
  const paramsOf = (query: string): [string, string][] => {
    const out: [string, string][] = [];
    new URLSearchParams(query).forEach((value, name) => out.push([name, value]));
    return out;
  };

  /** The request once the page has sent it (a dialog closes with an animation first). */
  async function sent(method: string, url: string): Promise<TestRequest> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const [found] = http.match({ method, url });
      if (found) return found;
      await stable();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return http.expectOne({ method, url });
  }

  async function open(url = '/audit'): Promise<TestRequest> {
    await harness.navigateByUrl(url);
    return http.expectOne({ method: 'POST', url: '/fhir' });
  }

  function batchEntries(request: TestRequest): string[] {
    return ((JSON.parse(request.request.body as string) as Bundle).entry ?? []).map(
      (e) => e.request?.url ?? '',
    );
  }

  async function openWithEvents(
    url = '/audit',
    events = [READ_CHART, BREAK_GLASS, FAILED_SIGN_IN],
  ): Promise<void> {
    (await open(url)).flush(firstBatch(events));
    await stable();
  }

  it('asks for the last 7 days, newest first, with the names of the team and its patients, in one batch', async () => {
    const request = await open();
    const [events, team, patients] = batchEntries(request);
    expect(events?.startsWith('AuditEvent?')).toBeTrue();
    expect(paramsOf(events!.split('?')[1]!)).toEqual([
      ['date', `ge${localMidnight('2026-03-10')}`],
      ['date', `lt${localMidnight('2026-03-17')}`],
      ['_sort', '-date'],
      ['_count', '50'],
      ['_total', 'accurate'],
    ]);
    expect(team?.startsWith('CareTeam?')).toBeTrue();
    expect(decodeURIComponent(team!)).toContain('_include=CareTeam:participant');
    // Only the names, a page as large as views ask for (the patients are every one in the caller's scope).
    expect(patients?.startsWith('Patient?')).toBeTrue();
    expect(paramsOf(patients!.split('?')[1]!)).toContain(['_elements', 'name']);
    request.flush(firstBatch([READ_CHART]));
    await stable();
    expect(text(page().querySelector('h1'))).toBe('Audit report');
  });

  it('lists the events with user and patient names, break-glass and failed sign-ins marked in words', async () => {
    await openWithEvents();
    expect(rows().map((r) => r[0])).toEqual([
      jasmine.stringContaining('16 Mar 2026'),
      jasmine.stringContaining('15 Mar 2026'),
      jasmine.stringContaining('14 Mar 2026'),
    ]);
    expect(rows().map((r) => r.slice(1))).toEqual([
      ['Casey Nguyencasey', 'Sam Rivera', 'Read', 'read Patient', 'Success HTTP 200'],
      [
        'Casey Nguyencasey',
        'Patient/outsider (not on your team)',
        'Read',
        'read Patient Break-glass: Crisis call from the ER, patient unconscious',
        'Success HTTP 200',
      ],
      [
        'unauthenticated (counselor1)',
        '—',
        'Execute',
        'Sign-in Failed sign-in',
        'Minor failure invalid credentials',
      ],
    ]);
    const flagged = Array.from(page().querySelectorAll('table.events tbody tr.flagged'));
    expect(flagged.length).toBe(2);
    expect(Array.from(flagged[0]!.querySelectorAll('mat-icon')).map((i) => i.textContent)).toContain(
      'emergency',
    );
    expect(page().querySelector('table.events bdi')?.textContent).toBe('Casey Nguyen');
    expect(text(page().querySelector('.count'))).toBe('3 events');
  });

  it('filters by patient: the choice goes into the URL and the server search', async () => {
    await openWithEvents();
    const loader = TestbedHarnessEnvironment.loader(harness.fixture);
    const patient = await loader.getHarness(MatSelectHarness.with({ selector: '.patient mat-select' }));
    await patient.open();
    await patient.clickOptions({ text: 'Sam Rivera' });
    await stable();
    expect(TestBed.inject(Router).url).toBe('/audit?patient=Patient%2Fp1');

    const search = http.expectOne({ method: 'POST', url: '/fhir/AuditEvent/_search' });
    expect(paramsOf(search.request.body as string)).toContain(['patient', 'Patient/p1']);
    search.flush(aSearchBundle([READ_CHART], { total: 1 }));
    await stable();
    expect(rows().length).toBe(1);
  });

  it('opens with the filters of the URL (a reload keeps them) and asks the server for them', async () => {
    const request = await open('/audit?patient=Patient/p1&action=R&outcome=0&user=Practitioner/counselor-1');
    const [events] = batchEntries(request);
    const params = paramsOf(events!.split('?')[1]!);
    expect(params).toContain(['agent', 'Practitioner/counselor-1']);
    expect(params).toContain(['patient', 'Patient/p1']);
    expect(params).toContain(['action', 'R']);
    expect(params).toContain(['outcome', '0']);
    request.flush(firstBatch([READ_CHART]));
    await stable();
    const loader = TestbedHarnessEnvironment.loader(harness.fixture);
    const patient = await loader.getHarness(MatSelectHarness.with({ selector: '.patient mat-select' }));
    expect(await patient.getValueText()).toBe('Sam Rivera');
  });

  it('filters by a range of days from the date fields', async () => {
    await openWithEvents();
    const from = page().querySelector('input[type="date"]') as HTMLInputElement;
    from.value = '2026-03-01';
    from.dispatchEvent(new Event('change'));
    await stable();
    expect(TestBed.inject(Router).url).toBe('/audit?from=2026-03-01&to=2026-03-16');
    const search = http.expectOne({ method: 'POST', url: '/fhir/AuditEvent/_search' });
    expect(paramsOf(search.request.body as string)).toContain(['date', `ge${localMidnight('2026-03-01')}`]);
    search.flush(aSearchBundle([]));
    await stable();
    expect(rows()).toEqual([['No events match this range and these filters.']]);
  });

  it('sorts by any column through the server, shown with aria-sort', async () => {
    await openWithEvents();
    const header = (label: string) =>
      Array.from(page().querySelectorAll('table.events thead th')).find(
        (th) => text(th) === label,
      ) as HTMLElement;
    expect(header('Time').getAttribute('aria-sort')).toBe('descending');
    (header('User').querySelector('.mat-sort-header-container') as HTMLElement).click();
    await stable();
    expect(TestBed.inject(Router).url).toBe('/audit?sort=agent');
    let search = http.expectOne({ method: 'POST', url: '/fhir/AuditEvent/_search' });
    expect(paramsOf(search.request.body as string)).toContain(['_sort', 'agent']);
    search.flush(aSearchBundle([FAILED_SIGN_IN, READ_CHART]));
    await stable();
    expect(header('User').getAttribute('aria-sort')).toBe('ascending');
    expect(header('Time').getAttribute('aria-sort')).toBe('none');

    const event = header('Event').querySelector('.mat-sort-header-container') as HTMLElement;
    event.click();
    await stable();
    expect(TestBed.inject(Router).url).toBe('/audit?sort=event');
    http.expectOne({ method: 'POST', url: '/fhir/AuditEvent/_search' }).flush(aSearchBundle([]));
    await stable();
    event.click();
    await stable();
    expect(TestBed.inject(Router).url).toBe('/audit?sort=-event');
    search = http.expectOne({ method: 'POST', url: '/fhir/AuditEvent/_search' });
    expect(paramsOf(search.request.body as string)).toContain(['_sort', '-type,-subtype']);
    search.flush(aSearchBundle([]));
    await stable();
  });

  it('loads more events from the next link', async () => {
    (await open()).flush(firstBatch([READ_CHART], { next: NEXT, total: 2 }));
    await stable();
    expect(text(page().querySelector('.count'))).toBe('1 of 2 events');
    const more = Array.from(page().querySelectorAll('button')).find(
      (b) => text(b) === 'Load more',
    ) as HTMLElement;
    more.click();
    http.expectOne({ method: 'GET', url: NEXT }).flush(aSearchBundle([BREAK_GLASS]));
    await stable();
    expect(rows().length).toBe(2);
    expect(text(page().querySelector('.count'))).toBe('2 events');
    expect(Array.from(page().querySelectorAll('button')).some((b) => text(b) === 'Load more')).toBeFalse();
  });

  it('shows a failed search in the panel, and Retry asks again', async () => {
    (await open()).flush({
      resourceType: 'Bundle',
      type: 'batch-response',
      entry: [
        {
          response: { status: '400 Bad Request' },
          resource: {
            resourceType: 'OperationOutcome',
            issue: [
              { severity: 'error', code: 'invalid', details: { text: 'AuditEvent search cannot sort by x' } },
            ],
          },
        },
        ok([]),
        ok([]),
      ],
    });
    await stable();
    expect(text(page().querySelector('[role="alert"]'))).toBe(
      'Events could not be loaded: AuditEvent search cannot sort by x',
    );
    (Array.from(page().querySelectorAll('button')).find((b) => text(b) === 'Retry') as HTMLElement).click();
    const again = http.expectOne({ method: 'POST', url: '/fhir' });
    expect(batchEntries(again).length).toBe(3);
    again.flush(firstBatch([READ_CHART]));
    await stable();
    expect(page().querySelector('[role="alert"]')).toBeNull();
    expect(rows().length).toBe(1);
  });

  it('exports CSV behind the Part 2 notice, recorded by the server before the file is made', async () => {
    await openWithEvents('/audit?patient=Patient/p1');
    const created: Blob[] = [];
    spyOn(URL, 'createObjectURL').and.callFake((blob: Blob | MediaSource) => {
      created.push(blob as Blob);
      return 'blob:audit';
    });
    spyOn(URL, 'revokeObjectURL');
    const clicks = spyOn(HTMLAnchorElement.prototype, 'click');

    const loader = TestbedHarnessEnvironment.documentRootLoader(harness.fixture);
    await (await loader.getHarness(MatButtonHarness.with({ text: /Export CSV/ }))).click();
    const dialog = await loader.getHarness(MatDialogHarness);
    expect(await dialog.getText()).toContain('42 CFR part 2 — prohibition on re-disclosure');
    expect(await dialog.getText()).toContain(
      'A general authorization for the release of medical or other information is NOT sufficient',
    );
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Export CSV' }))).click();
    await stable();

    const all = await sent('POST', '/fhir/AuditEvent/_search');
    expect(paramsOf(all.request.body as string)).toContain(['_count', '1000']);
    const cell = restEvent('e9', {
      who: 'Practitioner/counselor-1',
      display: '=HYPERLINK("http://x")',
      target: 'Patient/p1',
      recorded: '2026-03-16T10:00:00.000Z',
    });
    all.flush(aSearchBundle([READ_CHART, cell]));
    expect(created.length).withContext('no file before the server records the export').toBe(0);

    const recorded = http.expectOne({ method: 'POST', url: '/fhir/AuditEvent/$report-export' });
    const body = JSON.parse(recorded.request.body as string) as Parameters;
    const param = (name: string) => body.parameter?.find((p) => p.name === name);
    expect(param('query')?.valueString).toContain('patient=Patient%2Fp1');
    expect(param('query')?.valueString?.startsWith('AuditEvent?date=ge')).toBeTrue();
    expect(param('rows')?.valueInteger).toBe(2);
    expect(param('format')?.valueCode).toBe('csv');
    recorded.flush({
      resourceType: 'Parameters',
      parameter: [{ name: 'auditEvent', valueReference: { reference: 'AuditEvent/x' } }],
    });
    await stable();

    expect(clicks).toHaveBeenCalledTimes(1);
    const csv = await created[0]!.text();
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'Time (UTC),User,User name,User reference,Patients,Patient references,Action,Event,Outcome,Outcome detail,Break-glass reason,Failed sign-in,AuditEvent id',
    );
    expect(lines[1]).toBe(
      '2026-03-16T09:15:00.000Z,Casey Nguyen,casey,Practitioner/counselor-1,Sam Rivera,Patient/p1,Read,read Patient,Success,HTTP 200,,,e1',
    );
    // A name that a spreadsheet would run as a formula is quoted and neutralised.
    expect(lines[2]).toContain(`"'=hyperlink(""http://x"")"`);
    expect(text(page().querySelector('.status'))).toBe(
      'Exported 2 events; the export is recorded in the audit trail.',
    );
  });

  it('makes no file when the server does not record the export', async () => {
    await openWithEvents();
    spyOn(URL, 'createObjectURL').and.returnValue('blob:audit');
    const clicks = spyOn(HTMLAnchorElement.prototype, 'click');
    const loader = TestbedHarnessEnvironment.documentRootLoader(harness.fixture);
    await (await loader.getHarness(MatButtonHarness.with({ text: /Export CSV/ }))).click();
    const dialog = await loader.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Export CSV' }))).click();
    await stable();
    (await sent('POST', '/fhir/AuditEvent/_search')).flush(aSearchBundle([READ_CHART]));
    http.expectOne({ method: 'POST', url: '/fhir/AuditEvent/$report-export' }).flush(
      {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'forbidden', details: { text: 'Not allowed' } }],
      },
      { status: 403, statusText: 'Forbidden' },
    );
    await stable();
    expect(clicks).not.toHaveBeenCalled();
    expect(text(page().querySelector('.status'))).toBe(
      'The export was not recorded, so no file was made: Not allowed',
    );
  });
});

import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import type {
  MatChart,
  SessionListFacts,
  UdsChart,
  UdsSubstanceRow,
} from '../../../../../clinical/chart/chart-facts';
import type { RiskView } from '../data/chart-view';
import { MatPanel } from './mat-panel';
import { RiskPanel } from './risk-panel';
import { SessionsPanel } from './sessions-panel';
import { UdsPanel } from './uds-panel';

const RISK: RiskView = {
  score: 5,
  band: 'moderate',
  trend: 'same',
  modelId: 'waypoint-relapse-risk',
  modelVersion: '1.0.0',
  points: [
    {
      ruleId: 'uds-opioid-positive',
      points: 2,
      reason: 'Urine drug screen 14 Mar 2026 positive for fentanyl — not prescribed.',
      targets: ['ev-Observation-o1', 'chart-uds'],
      where: 'Urine drug screens',
    },
    {
      ruleId: 'mat-gap',
      points: 3,
      reason: 'MAT gap (methadone): no dose since 10 Mar 2026.',
      targets: ['chart-mat-strip', 'chart-mat'],
      where: 'Medication (MAT)',
    },
  ],
  history: [
    { ms: Date.parse('2026-03-08T23:59:59Z'), score: 2, band: 'low', live: false },
    { ms: Date.parse('2026-03-16T12:00:00Z'), score: 5, band: 'moderate', live: true },
  ],
};

describe('chart panels', () => {
  beforeEach(() => TestBed.configureTestingModule({ providers: [provideRouter([])] }));

  it('Relapse risk: each point is a button naming its panel; Enter or a click selects it', async () => {
    const fixture = TestBed.createComponent(RiskPanel);
    fixture.componentRef.setInput('risk', RISK);
    fixture.componentRef.setInput('window', { range: 'episode', from: '2026-02-01', to: '2026-03-16' });
    const selected: string[] = [];
    fixture.componentInstance.selected.subscribe((p) => selected.push(p.ruleId));
    await fixture.whenStable();
    const el: HTMLElement = fixture.nativeElement;
    const buttons = Array.from(el.querySelectorAll<HTMLButtonElement>('ul.points button'));
    expect(buttons.length).toBe(2);
    expect(buttons[0]!.textContent).toContain('positive for fentanyl — not prescribed.');
    expect(buttons[0]!.textContent).toContain('Show in Urine drug screens');
    expect(buttons[1]!.textContent).toContain('+3');
    expect(buttons[1]!.textContent).toContain('Show in Medication (MAT)');
    buttons[1]!.click();
    expect(selected).toEqual(['mat-gap']);
    expect(el.textContent).toContain('Decision support, not a diagnosis.');
    expect(el.textContent).toContain('waypoint-relapse-risk 1.0.0');
    // The risk-over-time table: stored weeks and the live point, with the band in words.
    const rows = Array.from(el.querySelectorAll('tbody tr')).map((tr) =>
      Array.from(tr.children).map((c) => c.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['8 Mar 2026', '2 (low)'],
      ['16 Mar 2026', '5 (moderate, live today)'],
    ]);
  });

  it('Urine drug screens: results in words (expected, prominent, not tested) and the negative streak', async () => {
    const entry = (result: 'positive' | 'negative' | 'not-tested', extra: object = {}) => ({
      date: '2026-03-14T09:00:00Z',
      day: '2026-03-14',
      result,
      expected: false,
      prominent: false,
      evidence: result === 'not-tested' ? [] : [{ reference: `Observation/${result}` }],
      ...extra,
    });
    const rows: UdsSubstanceRow[] = [
      {
        substance: 'fentanyl',
        label: 'fentanyl',
        group: 'opioid',
        entries: [entry('positive', { prominent: true, evidence: [{ reference: 'Observation/o1' }] })],
        positives: 1,
        unexpectedPositives: 1,
      },
      {
        substance: 'buprenorphine',
        label: 'buprenorphine',
        group: 'mat',
        entries: [entry('positive', { expected: true })],
        positives: 1,
        unexpectedPositives: 0,
      },
      {
        substance: 'cocaine',
        label: 'cocaine',
        group: 'stimulant',
        entries: [entry('not-tested')],
        positives: 0,
        unexpectedPositives: 0,
      },
    ] as UdsSubstanceRow[];
    const uds = {
      asOf: '2026-03-16',
      window: { range: 'episode', from: '2026-02-01', to: '2026-03-16' },
      screens: [
        {
          date: '2026-03-14T09:00:00Z',
          day: '2026-03-14',
          report: null,
          evidence: [],
          expectedPositives: [],
          unexpectedPositives: [],
        },
      ],
      substances: rows,
      future: [],
      negativeStreak: {
        weeks: 0,
        since: null,
        brokenBy: { reason: 'positive', weekFrom: null, weekTo: null, evidence: [] },
        evidence: [],
        definition: 'Weeks in a row with only negative screens.',
      },
      prescribed: ['buprenorphine'],
    } as unknown as UdsChart;
    const fixture = TestBed.createComponent(UdsPanel);
    fixture.componentRef.setInput('uds', uds);
    fixture.componentRef.setInput('highlight', 'ev-Observation-o1');
    await fixture.whenStable();
    const el: HTMLElement = fixture.nativeElement;
    const cells = Array.from(el.querySelectorAll('td')).map((td) => td.getAttribute('aria-label'));
    expect(cells).toEqual(['positive', 'positive, expected (prescribed)', 'not tested']);
    const fentanyl = el.querySelector('#ev-Observation-o1');
    expect(fentanyl?.classList).toContain('highlight');
    expect(fentanyl?.classList).toContain('prominent-cell');
    expect(el.textContent).toContain('0 weeks negative');
    expect(el.textContent).toContain('its positives are expected, not use');
  });

  it('Medication (MAT): the dose strip says each day in words and takes the highlight of a MAT point', async () => {
    const pdc = {
      windowDays: 30,
      from: null,
      to: '2026-03-16',
      denominatorDays: 0,
      coveredDays: 0,
      pdc: null,
      adherent: null,
      threshold: 0.8,
    };
    const mat = {
      asOf: '2026-03-16',
      status: { kind: 'gap', label: 'gap', detail: 'No dose since 10 Mar 2026.', evidence: [] },
      current: null,
      orders: [],
      strip: {
        from: '2026-03-15',
        to: '2026-03-16',
        days: [
          { date: '2026-03-15', kind: 'missed', label: 'no dose recorded', evidence: [] },
          { date: '2026-03-16', kind: 'today', label: 'today, not known yet', evidence: [] },
        ],
        observed: 0,
        takeHome: 0,
        missed: 1,
      },
      dispenses: [],
      supplyRemainingDays: null,
      suppliedThrough: null,
      pdc30: pdc,
      pdc90: { ...pdc, windowDays: 90 },
      gaps: [],
      stops: [],
      nextInjection: null,
      takeHome: null,
    } as unknown as MatChart;
    const fixture = TestBed.createComponent(MatPanel);
    fixture.componentRef.setInput('mat', mat);
    fixture.componentRef.setInput('highlight', 'chart-mat-strip');
    await fixture.whenStable();
    const el: HTMLElement = fixture.nativeElement;
    const days = Array.from(el.querySelectorAll('ol.strip li')).map((li) => li.getAttribute('aria-label'));
    expect(days).toEqual(['Sun 15 Mar: no dose recorded', 'Mon 16 Mar: today, not known yet']);
    expect(el.querySelector('#chart-mat-strip')?.classList).toContain('highlight');
    expect(el.textContent).toContain('MAT gap');
  });

  it('Sessions and notes: attendance with note status chips and a link to each note', async () => {
    const sessions = {
      asOf: '2026-03-16',
      sessions: [
        {
          session: { reference: 'Appointment/a1' },
          encounter: { reference: 'Encounter/e1' },
          start: '2026-03-12T15:00:00Z',
          status: 'attended',
          cancelledBy: null,
          notes: [
            {
              note: { reference: 'QuestionnaireResponse/n1' },
              status: 'draft',
              label: 'draft',
              questionnaire: 'http://waypoint.health/fhir/Questionnaire/cbt-thought-record',
              authored: null,
              author: null,
              signedAt: null,
              cosignedAt: null,
              task: null,
              returnReason: null,
            },
          ],
        },
        {
          session: { reference: 'Appointment/a2' },
          encounter: null,
          start: '2026-03-05T15:00:00Z',
          status: 'no-show',
          cancelledBy: null,
          notes: [],
        },
      ],
      attended: 1,
      noShow: 1,
      cancelled: 0,
      upcoming: 0,
      otherNotes: [],
    } as unknown as SessionListFacts;
    const fixture = TestBed.createComponent(SessionsPanel);
    fixture.componentRef.setInput('sessions', sessions);
    fixture.componentRef.setInput('patientId', 'p1');
    await fixture.whenStable();
    const el: HTMLElement = fixture.nativeElement;
    expect(el.textContent).toContain('1 attended · 1 no-show');
    const link = el.querySelector<HTMLAnchorElement>('a[href="/patients/p1/notes/n1"]');
    expect(link?.textContent?.trim()).toBe('cbt thought record');
    expect(el.querySelector('#ev-Appointment-a2')?.textContent).toContain('no-show');
  });
});

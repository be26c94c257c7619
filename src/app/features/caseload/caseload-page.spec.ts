import type { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatButtonToggleGroupHarness } from '@angular/material/button-toggle/testing';
import { MatChipListboxHarness } from '@angular/material/chips/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatMenuHarness } from '@angular/material/menu/testing';
import { provideRouter, Router } from '@angular/router';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { MockStore } from '@ngrx/store/testing';

import type { CaseloadRow } from '../../../../clinical/caseload/caseload-row';
import { selectUser } from '../../core/state/session/session.feature';
import { aCaseloadRow } from '../../testing/caseload-rows';
import { COUNSELOR } from '../../testing/fhir-builders';
import { provideMockStoreForSpec } from '../../testing/mock-store';
import { CaseloadPage } from './caseload-page';
import { applyCaseloadView, type CaseloadView, DEFAULT_VIEW } from './data/caseload-view';
import { CaseloadPageActions } from './state/caseload.actions';
import {
  selectError,
  selectLoaded,
  selectLoading,
  selectRows,
  selectView,
  selectVisible,
} from './state/caseload.feature';

const safetyAlert = {
  id: 'phq9-item9' as const,
  severity: 'safety' as const,
  label: 'Safety: PHQ-9 item 9 positive',
  detail: 'Self-harm item answered 2 of 3.',
  evidence: [],
};

const ROWS: CaseloadRow[] = [
  aCaseloadRow({
    patientId: 'p1',
    name: 'Sam Rivera',
    risk: {
      score: 7,
      band: 'high',
      trend: 'up',
      points: [
        {
          ruleId: 'mat-gap',
          points: 3,
          reason: 'MAT gap (buprenorphine): no dose since 9 Mar 2026.',
          evidence: [],
        },
        {
          ruleId: 'uds-opioid-positive',
          points: 2,
          reason: 'Urine drug screen positive for fentanyl.',
          evidence: [],
        },
        {
          ruleId: 'uds-missing',
          points: 2,
          reason: 'No urine drug screen for opioids in the week.',
          evidence: [],
        },
      ],
    },
    lastUds: { date: '2026-03-15', flags: ['fentanyl +'], label: 'positive' },
  }),
  aCaseloadRow({ patientId: 'p2', name: 'Ada Okafor', alerts: [safetyAlert] }),
];

describe('CaseloadPage', () => {
  let fixture: ComponentFixture<CaseloadPage>;
  let store: MockStore;
  let loader: HarnessLoader;
  let dispatched: string[];

  function setState(state: {
    rows?: CaseloadRow[];
    view?: CaseloadView;
    loading?: boolean;
    error?: OperationOutcome | null;
  }): void {
    const rows = state.rows ?? [];
    const view = state.view ?? DEFAULT_VIEW;
    store.overrideSelector(selectRows, rows);
    store.overrideSelector(selectView, view);
    store.overrideSelector(selectVisible, applyCaseloadView(rows, view));
    store.overrideSelector(selectLoading, state.loading ?? false);
    store.overrideSelector(selectLoaded, !state.loading || rows.length > 0);
    store.overrideSelector(selectError, state.error ?? null);
    store.refreshState();
  }

  async function create(state: Parameters<typeof setState>[0], stable = true): Promise<void> {
    TestBed.configureTestingModule({
      imports: [CaseloadPage],
      providers: [
        provideRouter([]),
        provideMockStoreForSpec({
          selectors: [{ selector: selectUser, value: { name: 'Casey', fhirUser: COUNSELOR } }],
        }),
      ],
    });
    store = TestBed.inject(MockStore);
    localStorage.removeItem(`waypoint.caseload.layout.v2:${COUNSELOR}`);
    setState(state);
    dispatched = [];
    (spyOn(store, 'dispatch') as jasmine.Spy).and.callFake((action: { type: string }) => {
      dispatched.push(action.type);
    });
    fixture = TestBed.createComponent(CaseloadPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    if (stable) await fixture.whenStable();
  }

  /**
   * ag-grid renders rows asynchronously, and a row's cells over several animation frames: wait until `count` rows
   * have every column's cell rendered (the row ids in display order).
   */
  async function gridRows(count: number): Promise<string[]> {
    const root = fixture.nativeElement as HTMLElement;
    for (let attempt = 0; attempt < 200; attempt++) {
      await fixture.whenStable();
      const columns = root.querySelectorAll('.ag-header-cell[col-id]').length;
      // A row with a pinned column is in the DOM twice (pinned part and scrolling part): count cells per row id.
      const cells = new Map<string, number>();
      for (const cell of Array.from(
        root.querySelectorAll('.ag-row[row-id] [col-id]:has(wp-caseload-cell *)'),
      )) {
        const id = cell.closest('.ag-row')?.getAttribute('row-id') ?? '';
        cells.set(id, (cells.get(id) ?? 0) + 1);
      }
      const complete = [...cells].filter(([, n]) => columns > 0 && n >= columns).map(([id]) => id);
      if (complete.length >= count) return complete;
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    throw new Error(`expected ${count} rendered rows`);
  }

  /** ag-grid dispatches row events asynchronously: wait for the spy, not for a fixed time. */
  async function calls(spy: jasmine.Spy, count: number): Promise<void> {
    for (let attempt = 0; attempt < 100 && spy.calls.count() < count; attempt++) {
      await new Promise<void>((resolve) => setTimeout(resolve));
      await fixture.whenStable();
    }
  }

  it('asks for the caseload when opened', async () => {
    await create({ loading: true });
    expect(dispatched).toEqual([CaseloadPageActions.opened.type]);
  });

  it('asks as soon as the page is created, before the change detection that builds the grid', async () => {
    await create({ loading: true }, false);
    expect(dispatched).toEqual([CaseloadPageActions.opened.type]);
    expect(fixture.nativeElement.querySelector('wp-data-grid')).toBeNull();
  });

  it('shows skeleton rows while the first load runs', async () => {
    await create({ loading: true });
    const skeleton = fixture.nativeElement.querySelector('wp-caseload-skeleton') as HTMLElement;
    expect(skeleton.getAttribute('role')).toBe('status');
    expect(skeleton.textContent).toContain('Loading your caseload');
    // The grid is already built (its set-up overlaps the request) but invisible, inert and empty.
    const grid = fixture.nativeElement.querySelector('wp-data-grid') as HTMLElement;
    expect(getComputedStyle(grid).visibility).toBe('hidden');
    expect(grid.hasAttribute('inert')).toBeTrue();
    expect(grid.querySelectorAll('.ag-row').length).toBe(0);
  });

  it('shows the OperationOutcome inline with a Retry button', async () => {
    await create({
      loading: false,
      error: {
        resourceType: 'OperationOutcome',
        issue: [
          { severity: 'error', code: 'exception', details: { text: 'The FHIR server failed (HTTP 503)' } },
        ],
      },
    });
    store.overrideSelector(selectLoaded, false);
    store.refreshState();
    await fixture.whenStable();
    const alert = fixture.nativeElement.querySelector('[role="alert"]') as HTMLElement;
    expect(alert.textContent).toContain('The FHIR server failed (HTTP 503)');
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Retry' }))).click();
    expect(dispatched).toContain(CaseloadPageActions.retried.type);
  });

  it('says so when the counselor has no patients', async () => {
    await create({ rows: [] });
    expect(fixture.nativeElement.textContent).toContain('No patients in your caseload');
  });

  it('renders one grid row per patient, with risk as a word and unexpected UDS positives named', async () => {
    await create({ rows: ROWS });
    // Safety alert first, then by risk.
    expect(await gridRows(2)).toEqual(['p2', 'p1']);
    const text = (fixture.nativeElement.querySelector('.ag-root') as HTMLElement).textContent ?? '';
    expect(text).toContain('High 7');
    expect(text).toContain('fentanyl +');
    expect(text).toContain('Safety: PHQ-9 item 9 positive');
    expect(fixture.nativeElement.querySelector('.count').textContent).toContain('2 patients');
  });

  it('opens the risk points in a dialog that says it is decision support', async () => {
    await create({ rows: ROWS });
    await gridRows(2);
    const button = fixture.nativeElement.querySelector(
      'button[aria-label="Risk High 7, rising: show the points"]',
    ) as HTMLButtonElement;
    button.click();
    const dialog = await TestbedHarnessEnvironment.documentRootLoader(fixture).getHarness(MatDialogHarness);
    const text = await (await dialog.host()).text();
    expect(text).toContain('MAT gap (buprenorphine)');
    expect(text).toContain('+3');
    expect(text).toContain('Decision support, not a diagnosis');
    await dialog.close();
  });

  it('isolates a name with a right-to-left override (U+202E): the rest of the row reads as before', async () => {
    await create({ rows: [aCaseloadRow({ patientId: 'p1', name: '\u202Eevil', pronouns: 'she/her' })] });
    await gridRows(1);
    const cell = (column: string) =>
      fixture.nativeElement.querySelector(`.ag-row[row-id="p1"] [col-id="${column}"]`) as HTMLElement;
    const name = cell('patient').querySelector('bdi.primary') as HTMLElement;
    expect(name.textContent).toBe('\u202Eevil');
    // Laid out left to right: each character of the text after the name starts right of the one before.
    const leftToRight = (el: Element): boolean => {
      const node = Array.from(el.childNodes).find(
        (n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim(),
      );
      const text = node?.textContent ?? '';
      const start = text.search(/\S/);
      const lefts = Array.from({ length: text.trimEnd().length - start }, (_, i) => {
        const range = document.createRange();
        range.setStart(node as Node, start + i);
        range.setEnd(node as Node, start + i + 1);
        return range.getBoundingClientRect().left;
      });
      return lefts.length > 1 && lefts.every((x, i) => i === 0 || x > (lefts[i - 1] as number));
    };
    expect(leftToRight(cell('patient').querySelector('.secondary') as HTMLElement)).toBeTrue();
    expect(leftToRight(cell('track').querySelector('.primary') as HTMLElement)).toBeTrue();
    // The risk points dialog names the patient in isolation too.
    (cell('risk').querySelector('button') as HTMLButtonElement).click();
    const dialog = await TestbedHarnessEnvironment.documentRootLoader(fixture).getHarness(MatDialogHarness);
    const title = document.querySelector('.mat-mdc-dialog-title bdi') as HTMLElement;
    expect(title.textContent).toBe('\u202Eevil');
    await dialog.close();
  });

  it('opens the patient on row click and on Enter', async () => {
    await create({ rows: ROWS });
    const router = TestBed.inject(Router);
    const navigate = spyOn(router, 'navigate').and.resolveTo(true);
    await gridRows(2);
    const cell = (row: string, column: string) =>
      fixture.nativeElement.querySelector(`.ag-row[row-id="${row}"] [col-id="${column}"]`) as HTMLElement;
    cell('p1', 'track').click();
    await calls(navigate, 1);
    expect(navigate).toHaveBeenCalledWith(['/patients', 'p1'], { state: { caseloadUrl: '/' } });

    cell('p2', 'phq9').focus();
    cell('p2', 'phq9').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await calls(navigate, 2);
    expect(navigate).toHaveBeenCalledWith(['/patients', 'p2'], { state: { caseloadUrl: '/' } });
    expect(navigate).toHaveBeenCalledTimes(2);

    // Enter on the risk cell opens the points, not the patient.
    cell('p1', 'risk').focus();
    cell('p1', 'risk').dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }),
    );
    for (let attempt = 0; attempt < 100 && !document.querySelector('.mat-mdc-dialog-container'); attempt++) {
      await new Promise<void>((resolve) => setTimeout(resolve));
    }
    await calls(navigate, 3);
    const dialog = await TestbedHarnessEnvironment.documentRootLoader(fixture).getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Relapse risk — Sam Rivera');
    expect(navigate).toHaveBeenCalledTimes(2);
    await dialog.close();
  });

  it('Enter on an alerts cell with "+N more" opens the list of the other alerts, not the patient', async () => {
    const alert = (id: CaseloadRow['alerts'][number]['id'], label: string) => ({
      id,
      severity: 'warning' as const,
      label,
      detail: `${label}.`,
      evidence: [],
    });
    await create({
      rows: [
        aCaseloadRow({
          patientId: 'p1',
          alerts: [
            alert('mat-missed-dose', 'MAT dose missed (buprenorphine)'),
            alert('missed-sessions', '2 missed sessions in a row'),
            alert('note-unsigned', '1 note unsigned > 24 h'),
            alert('part2-consent', 'Part 2 consent missing'),
          ],
        }),
      ],
    });
    const navigate = spyOn(TestBed.inject(Router), 'navigate').and.resolveTo(true);
    await gridRows(1);
    const cell = fixture.nativeElement.querySelector('.ag-row[row-id="p1"] [col-id="alerts"]') as HTMLElement;
    cell.focus();
    cell.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    for (let attempt = 0; attempt < 100 && !document.querySelector('.mat-mdc-menu-panel'); attempt++) {
      await new Promise<void>((resolve) => setTimeout(resolve));
    }
    const menu = await TestbedHarnessEnvironment.documentRootLoader(fixture).getHarness(
      MatMenuHarness.with({ triggerText: '+2 more' }),
    );
    expect(await menu.isOpen()).toBeTrue();
    const items = await Promise.all((await menu.getItems()).map((i) => i.getText()));
    expect(items.join(' | ')).toContain('1 note unsigned > 24 h');
    expect(items.join(' | ')).toContain('Part 2 consent missing');
    await calls(navigate, 1);
    expect(navigate).not.toHaveBeenCalled();
    await menu.close();
  });

  it('turns quick filters, track and search into view changes (the URL holds them)', async () => {
    await create({ rows: ROWS });
    const chips = await loader.getHarness(
      MatChipListboxHarness.with({ selector: '[aria-label="Quick filters"]' }),
    );
    await chips.selectChips({ text: 'High risk' });
    const toggles = await loader.getHarness(MatButtonToggleGroupHarness);
    await (await toggles.getToggles({ text: 'DBT' }))[0]?.check();
    await (await loader.getHarness(MatInputHarness)).setValue('riv');
    const changes = (store.dispatch as jasmine.Spy).calls
      .allArgs()
      .map(([action]) => action as ReturnType<typeof CaseloadPageActions.filterChanged>)
      .filter((a) => a.type === CaseloadPageActions.filterChanged.type)
      .map((a) => a.change);
    expect(changes).toContain({ filters: ['high-risk'] });
    expect(changes).toContain({ track: 'DBT' });
    expect(changes).toContain({ q: 'riv' });
  });

  it('tells how many rows are shown only because of a safety alert', async () => {
    await create({ rows: ROWS, view: { ...DEFAULT_VIEW, filters: ['notes-due'] } });
    expect(fixture.nativeElement.textContent).toContain('always listed, whatever the quick filters');
    expect(fixture.nativeElement.textContent).toContain('1 shown for that reason');
    expect(fixture.nativeElement.querySelector('.count').textContent).toContain('1 of 2 patients');
  });

  it('hides a column from the Columns menu and keeps only column ids in localStorage', async () => {
    await create({ rows: ROWS });
    await gridRows(2);
    const menu = await loader.getHarness(MatMenuHarness.with({ triggerText: /Columns/ }));
    await menu.open();
    await menu.clickItem({ text: /Craving/ });
    await fixture.whenStable();
    const headers = () =>
      Array.from(
        fixture.nativeElement.querySelectorAll('.ag-header-cell-text') as NodeListOf<HTMLElement>,
      ).map((h) => h.textContent);
    for (let attempt = 0; attempt < 100 && headers().includes('Craving'); attempt++) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    expect(headers()).not.toContain('Craving');
    for (
      let attempt = 0;
      attempt < 100 && !localStorage.getItem(`waypoint.caseload.layout.v2:${COUNSELOR}`);
      attempt++
    ) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    const stored = localStorage.getItem(`waypoint.caseload.layout.v2:${COUNSELOR}`) ?? '';
    expect(
      (JSON.parse(stored) as { columnVisibility?: { hiddenColIds?: string[] } }).columnVisibility
        ?.hiddenColIds,
    ).toEqual(['craving']);
    expect(stored).not.toContain('Rivera');
    expect(stored).not.toContain('p1');
  });

  it('warns about 42 CFR Part 2 before exporting, and exports nothing on cancel', async () => {
    await create({ rows: ROWS });
    const createObjectURL = spyOn(URL, 'createObjectURL').and.callThrough();
    await (await loader.getHarness(MatButtonHarness.with({ text: /Export CSV/ }))).click();
    const root = TestbedHarnessEnvironment.documentRootLoader(fixture);
    const dialog = await root.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Export 2 patients as CSV?');
    expect(await dialog.getContentText()).toContain('42 CFR Part 2');
    await (await root.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
    expect(createObjectURL).not.toHaveBeenCalled();
  });
});

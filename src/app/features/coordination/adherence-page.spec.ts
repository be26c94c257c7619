import { TestBed } from '@angular/core/testing';
import { Store } from '@ngrx/store';

import { PROGRAM, programBatchResponse, programSummaryPage } from '../../testing/coordination-fixtures';
import { batchUrls, type CoordinationBed, coordinationBed } from './coordination-test-bed';
import { CoordinationPageActions } from './state/coordination.actions';

describe('Coordination: adherence grid', () => {
  let bed: CoordinationBed;

  afterEach(() => bed.http.verify());

  const rowIds = () =>
    [
      ...new Set(
        Array.from(bed.el().querySelectorAll('.ag-row[row-id]')).map((r) => r.getAttribute('row-id')),
      ),
    ].sort();
  const button = (name: string) =>
    Array.from(bed.el().querySelectorAll<HTMLButtonElement>('button')).find(
      // A pressed filter starts with its check mark icon.
      (b) => b.textContent?.trim().replace(/^check /, '') === name,
    );
  const status = () => bed.el().querySelector('[role="status"][aria-live="polite"]')?.textContent?.trim();

  async function open(url = '/coordination'): Promise<void> {
    bed = await coordinationBed(url);
    const request = bed.batch();
    // One batch: the program's summaries (adherence reads no risk or alerts), the open Tasks and the staff.
    expect(batchUrls(request).map((u) => u.split('?')[0])).toEqual([
      'Observation',
      'Task',
      'PractitionerRole',
    ]);
    request.flush(programBatchResponse());
    // ag-grid renders its rows, then each cell's component on a frame of its own: wait until every rendered cell
    // shows something (text, a link or an icon).
    await bed.until(() => {
      const cells = Array.from(bed.el().querySelectorAll<HTMLElement>('.ag-row[row-id] .ag-cell'));
      return cells.length > 0 &&
        cells.every(
          (c) => (c.textContent ?? '').trim() !== '' || c.querySelector('a, button, mat-icon') !== null,
        )
        ? true
        : null;
    }, 'every grid cell');
  }

  it('shows one row per program patient with the heading "Coordination" and the count in a live region', async () => {
    await open();
    expect(bed.el().querySelector('h1')?.textContent?.trim()).toBe('Coordination');
    expect(rowIds()).toEqual(['p1', 'p2', 'p3']);
    expect(status()).toBe('3 patients');
    const name = bed.el().querySelector<HTMLAnchorElement>('.ag-row[row-id="p1"] [col-id="patient"] a');
    expect(name?.getAttribute('href')).toBe('/patients/p1');
    expect(name?.querySelector('bdi')?.textContent).toBe('Ada Okafor');
    const supply = await bed.until(
      () => bed.el().querySelector('.ag-row[row-id="p1"] [col-id="supplyEnds"]')?.textContent?.trim() || null,
      'the supply cell',
    );
    expect(supply).toContain('17 Mar 2026');
    expect(supply).toContain('2 days left');
    // Each cell's component renders on its own frame: wait for this one's text rather than the row's.
    const missed = await bed.until(
      () => bed.el().querySelector('.ag-row[row-id="p2"] [col-id="missed"]')?.textContent?.trim() || null,
      'the missed-doses cell',
    );
    expect(missed).toBe('3 doses missed');
  });

  it('toggles quick filters (aria-pressed), combines them, and keeps them in the URL', async () => {
    await open();
    const supply = button('Supply ends ≤ 3 days') as HTMLButtonElement;
    expect(supply.getAttribute('aria-pressed')).toBe('false');
    supply.click();
    await bed.until(() => (bed.router.url.includes('filter=') ? true : null), 'the URL');
    expect(bed.router.url).toBe('/coordination?filter=supply-ending');
    await bed.until(() => (rowIds().length === 1 ? true : null), 'one row');
    expect(rowIds()).toEqual(['p1']);
    expect(button('Supply ends ≤ 3 days')?.getAttribute('aria-pressed')).toBe('true');
    expect(status()).toBe('1 of 3 patients');

    button('≥ 2 missed doses')?.click();
    await bed.until(() => (bed.router.url.includes('missed-doses') ? true : null), 'the URL');
    expect(bed.router.url).toBe('/coordination?filter=supply-ending,missed-doses');
    await bed.until(() => (status() === '0 of 3 patients' ? true : null), 'the count');
    expect(bed.el().textContent).toContain('No patient matches these filters');

    button('Supply ends ≤ 3 days')?.click();
    await bed.until(() => (rowIds().length === 1 ? rowIds() : null), 'one row');
    expect(bed.router.url).toBe('/coordination?filter=missed-doses');
    expect(rowIds()).toEqual(['p2']);
  });

  it('reads the filters from the URL on load (a reload keeps them)', async () => {
    await open('/coordination?filter=low-attendance,no-contact');
    expect(rowIds()).toEqual(['p3']);
    expect(button('Attendance < 50 %')?.getAttribute('aria-pressed')).toBe('true');
    expect(button('No contact 7 days')?.getAttribute('aria-pressed')).toBe('true');
    expect(button('Supply ends ≤ 3 days')?.getAttribute('aria-pressed')).toBe('false');
    expect(status()).toBe('1 of 3 patients');
  });

  it('links "Create task" to the form pre-filled with the patient and a reason from the row', async () => {
    await open();
    const hrefs = await bed.until(() => {
      const all = ['p1', 'p2', 'p3'].map(
        (id) =>
          bed.el().querySelector<HTMLAnchorElement>(`.ag-row[row-id="${id}"] [col-id="actions"] a`)?.href,
      );
      return all.every(Boolean) ? (all as string[]) : null;
    }, 'the links of every row');
    const link = (id: string) => new URL(hrefs[Number(id.slice(1)) - 1] as string);
    const ada = link('p1');
    expect(ada.pathname).toBe('/coordination/tasks/new');
    expect(ada.searchParams.get('patient')).toBe('p1');
    expect(ada.searchParams.get('description')).toBe('Supply ends 17 Mar 2026');
    expect(link('p2').searchParams.get('description')).toBe('Call about missed doses');
    expect(link('p2').searchParams.get('reason')).toBe('3 observed doses missed in the last 7 days');
    expect(link('p3').searchParams.get('description')).toBe('Call about missed sessions');
  });

  it('charts the program, or the patient of a selected row (in the URL)', async () => {
    await open();
    const panel = () => bed.el().querySelector('wp-panel');
    expect(panel()?.textContent).toContain('Whole program');
    const cell = bed.el().querySelector<HTMLElement>('.ag-row[row-id="p2"] [col-id="pdc"]');
    cell?.click();
    await bed.until(() => (bed.router.url.includes('chart=p2') ? true : null), 'the chart in the URL');
    await bed.until(() => (panel()?.textContent?.includes('Ben Ruiz') ? true : null), 'the patient chart');
    expect(panel()?.querySelector('table caption')?.textContent).toContain(
      'Weekly PDC and therapy attendance, Ben Ruiz',
    );
    expect(panel()?.textContent).toContain('Week of 9 Mar 2026: PDC 86 %, therapy attendance 50 %.');
  });

  it('shows a large program’s first page while the rest loads, then the whole count and the program chart', async () => {
    bed = await coordinationBed('/coordination');
    bed.batch().flush(programBatchResponse(PROGRAM.slice(0, 2), [], undefined, 'Observation?_offset=2'));
    await bed.until(() => (rowIds().length === 2 ? true : null), 'the first page’s rows');
    expect(rowIds()).toEqual(['p1', 'p2']);
    expect(status()).toBe('2 patients so far, loading the rest of the program…');
    expect(bed.el().querySelector('wp-panel')).withContext('no program chart over part of it').toBeNull();

    const page = await bed.request(
      (r) => r.method === 'GET' && r.url.endsWith('/fhir/Observation?_offset=2'),
      'the next page',
    );
    page.flush(programSummaryPage(PROGRAM.slice(2)));
    await bed.until(() => (status() === '3 patients' ? true : null), 'the whole count');
    expect(rowIds()).toEqual(['p1', 'p2', 'p3']);
    await bed.until(() => bed.el().querySelector('wp-panel'), 'the program chart');
    expect(bed.el().querySelector('wp-panel')?.textContent).toContain('Whole program');
  });

  it('a reload keeps the whole program on screen until the new one is whole, not its first page', async () => {
    await open();
    expect(rowIds()).toEqual(['p1', 'p2', 'p3']);
    TestBed.inject(Store).dispatch(CoordinationPageActions.programOpened());
    bed.batch().flush(programBatchResponse(PROGRAM.slice(0, 1), [], undefined, 'Observation?_offset=1'));
    const page = await bed.request(
      (r) => r.method === 'GET' && r.url.endsWith('/fhir/Observation?_offset=1'),
      'the next page',
    );
    expect(rowIds()).withContext('while the reload’s pages arrive').toEqual(['p1', 'p2', 'p3']);
    expect(status()).toBe('3 patients');
    page.flush(programSummaryPage(PROGRAM.slice(1, 2)));
    await bed.until(() => (status() === '2 patients' ? true : null), 'the reloaded count');
    expect(rowIds()).toEqual(['p1', 'p2']);
  });

  it('shows the server’s OperationOutcome when the program fails to load, and Retry loads again', async () => {
    bed = await coordinationBed('/coordination');
    bed.batch().flush(
      {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'exception', details: { text: 'Database is locked' } }],
      },
      { status: 503, statusText: 'Service Unavailable' },
    );
    const alert = await bed.until(() => bed.el().querySelector('[role="alert"]'), 'the error');
    expect(alert.textContent).toContain('Database is locked');
    button('Retry')?.click();
    bed.batch().flush(programBatchResponse());
    await bed.until(() => (rowIds().length === 3 ? true : null), 'rows after retry');
  });
});

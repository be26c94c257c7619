import { ChangeDetectionStrategy, Component, signal, viewChild } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';

import {
  DataGrid,
  type GridCellPart,
  type GridColumn,
  type GridDefinition,
  type GridSort,
  renderCellParts,
} from './data-grid';

interface Row {
  readonly id: string;
  readonly name: string;
  readonly week: number;
  readonly track: string;
}

const LAYOUT_KEY = 'waypoint.test.grid.layout';

@Component({
  imports: [DataGrid],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <wp-data-grid
      [grid]="grid"
      [rows]="rows()"
      [shown]="shown()"
      [sort]="sort()"
      [layoutKey]="layoutKey"
      (rowActivated)="activated.set($event)"
      (sortChange)="sortChanges.push($event)"
    />
  `,
})
class Host {
  readonly dataGrid = viewChild.required(DataGrid<Row>);
  readonly rows = signal<readonly Row[]>([
    { id: 'b', name: 'Sam Rivera', week: 3, track: 'CBT' },
    { id: 'a', name: 'Alex Chen', week: 11, track: 'DBT' },
  ]);
  readonly enterHandled: Row[] = [];
  readonly columns: GridColumn<Row>[] = [
    { id: 'name', header: 'Patient', width: 200, key: true, text: (r) => r.name },
    {
      id: 'week',
      header: 'Week',
      width: 100,
      text: (r) => `w ${r.week}`,
      onEnter: (row) => {
        this.enterHandled.push(row);
        return true;
      },
    },
    {
      id: 'track',
      header: 'Track',
      width: 100,
      text: (r) => r.track,
      // A plain cell: the grid renders these lines itself.
      parts: (r): GridCellPart[] => [
        { text: r.track, isolate: true },
        { text: `week ${r.week}`, secondary: true, ...(r.week > 10 ? { tone: 'bad' as const } : {}) },
      ],
    },
  ];
  readonly grid: GridDefinition<Row> = { label: 'Caseload', columns: this.columns, rowId: (row) => row.id };
  readonly sort = signal<GridSort | null>({ column: 'name', direction: 'asc' });
  readonly shown = signal(true);
  readonly layoutKey = LAYOUT_KEY;
  readonly activated = signal<Row | undefined>(undefined);
  readonly sortChanges: (GridSort | null)[] = [];
}

/** ag-grid renders asynchronously: wait for the condition rather than for a fixed time. */
async function until<T>(fixture: ComponentFixture<Host>, read: () => T | undefined | false): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    await fixture.whenStable();
    const value = read();
    if (value !== undefined && value !== false) return value;
    await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  }
  throw new Error('condition not met');
}

/** Row ids in display order (a pinned column renders each row twice: once per container). */
function rowIds(el: HTMLElement): string[] {
  const ids = Array.from(el.querySelectorAll('.ag-row[row-id]')).map((r) => r.getAttribute('row-id') ?? '');
  return [...new Set(ids)];
}

describe('DataGrid', () => {
  beforeEach(() => localStorage.removeItem(LAYOUT_KEY));
  afterEach(() => localStorage.removeItem(LAYOUT_KEY));

  it('shows the rows in the order it is given, with the sort indicator of that order', async () => {
    const fixture = TestBed.createComponent(Host);
    const el: HTMLElement = fixture.nativeElement;
    await until(fixture, () => rowIds(el).length === 2);
    expect(el.querySelector('ag-grid-angular')?.getAttribute('aria-label')).toBe('Caseload');
    const headers = Array.from(el.querySelectorAll('.ag-header-cell-text')).map((h) => h.textContent);
    expect(headers).toEqual(['Patient', 'Week', 'Track']);
    // "Sam Rivera" before "Alex Chen" although the indicator says name ascending: the feature owns the order.
    expect(rowIds(el)).toEqual(['b', 'a']);
    expect(el.querySelector('[col-id="name"][aria-sort]')?.getAttribute('aria-sort')).toBe('ascending');
  });

  it('is built before its rows are shown: headers ready, no rows, invisible and inert until shown', async () => {
    const fixture = TestBed.createComponent(Host);
    fixture.componentInstance.shown.set(false);
    const el: HTMLElement = fixture.nativeElement;
    await until(fixture, () => el.querySelectorAll('.ag-header-cell-text').length === 3);
    const host = el.querySelector('wp-data-grid') as HTMLElement;
    expect(rowIds(el)).toEqual([]);
    expect(getComputedStyle(host).visibility).toBe('hidden');
    expect(host.hasAttribute('inert')).toBeTrue();

    fixture.componentInstance.shown.set(true);
    await until(fixture, () => rowIds(el).length === 2);
    expect(rowIds(el)).toEqual(['b', 'a']);
    expect(getComputedStyle(host).visibility).toBe('visible');
    expect(host.hasAttribute('inert')).toBeFalse();
  });

  it('reports a header click as a sort change and leaves the order to the feature', async () => {
    const fixture = TestBed.createComponent(Host);
    const el: HTMLElement = fixture.nativeElement;
    await until(fixture, () => rowIds(el).length === 2);
    const header = el.querySelector<HTMLElement>('.ag-header-cell[col-id="week"] .ag-header-cell-label');
    header?.click();
    const changes = await until(
      fixture,
      () => fixture.componentInstance.sortChanges.length > 0 && fixture.componentInstance.sortChanges,
    );
    expect(changes[0]).toEqual({ column: 'week', direction: 'asc' });
    expect(rowIds(el)).toEqual(['b', 'a']);
  });

  it('activates a row on click and on Enter, except where the column handles Enter itself', async () => {
    const fixture = TestBed.createComponent(Host);
    const el: HTMLElement = fixture.nativeElement;
    await until(fixture, () => rowIds(el).length === 2);
    const cell = el.querySelector<HTMLElement>('.ag-row[row-id="a"] .ag-cell[col-id="name"]');
    cell?.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    cell?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect((await until(fixture, () => fixture.componentInstance.activated()))?.id).toBe('a');

    fixture.componentInstance.activated.set(undefined);
    cell?.focus();
    cell?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect((await until(fixture, () => fixture.componentInstance.activated()))?.id).toBe('a');

    fixture.componentInstance.activated.set(undefined);
    const week = el.querySelector<HTMLElement>('.ag-row[row-id="b"] .ag-cell[col-id="week"]');
    week?.focus();
    week?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await until(fixture, () => fixture.componentInstance.enterHandled.length > 0);
    expect(fixture.componentInstance.enterHandled.map((r) => r.id)).toEqual(['b']);
    expect(fixture.componentInstance.activated()).toBeUndefined();
  });

  it('keeps a hidden column hidden for the next grid with the same layout key (ids only in storage)', async () => {
    const first = TestBed.createComponent(Host);
    await until(first, () => rowIds(first.nativeElement).length === 2);
    first.componentInstance.dataGrid().setHidden('week', true);
    first.componentInstance.dataGrid().setHidden('name', true); // the key column cannot be hidden
    await until(first, () => localStorage.getItem(LAYOUT_KEY)?.includes('hiddenColIds'));
    expect(
      first.componentInstance
        .dataGrid()
        .layout()
        .map((c) => [c.id, c.hidden]),
    ).toEqual([
      ['name', false],
      ['week', true],
      ['track', false],
    ]);
    const stored = localStorage.getItem(LAYOUT_KEY) ?? '';
    expect(stored).not.toContain('Sam Rivera');
    first.destroy();

    const second = TestBed.createComponent(Host);
    const el: HTMLElement = second.nativeElement;
    await until(second, () => rowIds(el).length === 2);
    expect(el.querySelector('.ag-header-cell[col-id="week"]')).toBeNull();
    expect(el.querySelector('.ag-header-cell[col-id="name"]')).not.toBeNull();
  });

  it('renders a plain column as lines of text, re-rendered when the row changes', async () => {
    const fixture = TestBed.createComponent(Host);
    const el: HTMLElement = fixture.nativeElement;
    const cell = (id: string) =>
      el.querySelector<HTMLElement>(`.ag-row[row-id="${id}"] [col-id="track"] .wp-grid-cell`);
    const first = await until(fixture, () => cell('a') ?? undefined);
    expect(Array.from(first.children).map((c) => [c.tagName, c.className, c.textContent])).toEqual([
      ['BDI', 'primary', 'DBT'],
      ['SPAN', 'secondary bad', 'week 11'],
    ]);
    fixture.componentInstance.rows.set([
      { id: 'b', name: 'Sam Rivera', week: 3, track: 'CBT' },
      { id: 'a', name: 'Alex Chen', week: 12, track: 'REBT' },
    ]);
    const updated = await until(fixture, () =>
      cell('a')?.textContent === 'REBTweek 12' ? cell('a') : undefined,
    );
    expect(updated?.querySelector('.secondary')?.className).toBe('secondary bad');
    expect(cell('b')?.querySelector('.secondary')?.className).toBe('secondary');
  });
});

describe('renderCellParts', () => {
  it('writes words as text, never as markup', () => {
    const cell = renderCellParts(document, [
      { text: '<img src=x onerror=alert(1)>' },
      { text: 'muted', tone: 'muted' },
    ]);
    expect(cell.querySelector('img')).toBeNull();
    expect(cell.firstElementChild?.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(cell.lastElementChild?.className).toBe('muted');
  });
});

import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';

import { DataGrid, type GridColumn } from './data-grid';

interface Row {
  readonly id: string;
  readonly name: string;
  readonly week: number;
}

@Component({
  imports: [DataGrid],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <wp-data-grid
      label="Caseload"
      [rowData]="rows()"
      [columnDefs]="columns"
      [rowId]="rowId"
      [quickFilter]="filter()"
      (rowActivated)="activated.set($event)"
    />
  `,
})
class Host {
  readonly rows = signal<readonly Row[]>([
    { id: 'a', name: 'Sam Rivera', week: 3 },
    { id: 'b', name: 'Alex Chen', week: 11 },
  ]);
  readonly columns: GridColumn<Row>[] = [
    { field: 'name', headerName: 'Patient', filter: 'agTextColumnFilter' },
    { field: 'week', headerName: 'Week', filter: 'agNumberColumnFilter' },
  ];
  readonly rowId = (row: Row) => row.id;
  readonly filter = signal('');
  readonly activated = signal<Row | undefined>(undefined);
}

/** ag-grid renders rows asynchronously: wait for them rather than for a fixed time. */
async function rowsRendered(fixture: ComponentFixture<Host>, count: number): Promise<HTMLElement[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    await fixture.whenStable();
    const rows = Array.from(fixture.nativeElement.querySelectorAll('.ag-row')) as HTMLElement[];
    if (rows.length === count) {
      return rows;
    }
    await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  }
  throw new Error(`expected ${count} rendered rows`);
}

/** Row events are dispatched asynchronously by ag-grid: wait for the value, not for a fixed time. */
async function until<T>(fixture: ComponentFixture<Host>, read: () => T | undefined): Promise<T | undefined> {
  for (let attempt = 0; attempt < 100 && read() === undefined; attempt++) {
    await new Promise<void>((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  }
  return read();
}

describe('DataGrid', () => {
  it('renders rows and headers in a labelled, Material-themed grid', async () => {
    const fixture = TestBed.createComponent(Host);
    const rows = await rowsRendered(fixture, 2);
    const el: HTMLElement = fixture.nativeElement;
    expect(el.querySelector('ag-grid-angular')?.getAttribute('aria-label')).toBe('Caseload');
    const headers = Array.from(el.querySelectorAll('.ag-header-cell-text')).map((h) => h.textContent);
    expect(headers).toEqual(['Patient', 'Week']);
    expect(rows.map((r) => r.getAttribute('row-id'))).toEqual(['a', 'b']);
    expect(rows[0].textContent).toContain('Sam Rivera');
  });

  it('applies the quick filter and emits the activated row', async () => {
    const fixture = TestBed.createComponent(Host);
    await rowsRendered(fixture, 2);
    fixture.componentInstance.filter.set('chen');
    const [row] = await rowsRendered(fixture, 1);
    expect(row.textContent).toContain('Alex Chen');
    const cell = row.querySelector('.ag-cell') as HTMLElement;
    cell.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    cell.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect((await until(fixture, fixture.componentInstance.activated))?.id).toBe('b');

    fixture.componentInstance.activated.set(undefined);
    cell.focus();
    cell.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect((await until(fixture, fixture.componentInstance.activated))?.id)
      .withContext('Enter on a focused cell')
      .toBe('b');
  });
});

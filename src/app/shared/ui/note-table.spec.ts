import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { NoteColumn, NoteTable, type NoteTableRow } from './note-table';

interface Row extends NoteTableRow {
  readonly hours: number;
  readonly counselor: string;
}

@Component({
  imports: [NoteColumn, NoteTable],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <wp-note-table [rows]="rows()" caption="Notes to sign" empty="Nothing to sign.">
      <ng-template wpNoteColumn="Age" [wpNoteColumnOf]="rows()" let-r>{{ r.hours }} h</ng-template>
      <ng-template wpNoteColumn="Asked" wpNoteColumnAt="start" [wpNoteColumnOf]="rows()" let-r
        >#{{ r.noteId }}</ng-template
      >
      <ng-template wpNoteColumn="Counselor" [wpNoteColumnOf]="rows()" let-r
        ><bdi>{{ r.counselor }}</bdi></ng-template
      >
    </wp-note-table>
  `,
})
class Host {
  readonly rows = signal<readonly Row[]>([
    {
      noteId: 'n1',
      patientId: 'p1',
      patient: 'سارا أحمد',
      template: 'CBT session',
      hours: 30,
      counselor: 'Ana Ruiz',
    },
    {
      noteId: 'n2',
      patientId: 'p2',
      patient: 'Lee Park',
      template: 'DBT diary card',
      hours: 80,
      counselor: 'Tom Hale',
    },
  ]);
}

const texts = (cells: NodeListOf<Element>): string[] => Array.from(cells, (c) => c.textContent?.trim() ?? '');

describe('NoteTable', () => {
  beforeEach(() => TestBed.configureTestingModule({ providers: [provideRouter([])] }));

  it('shows the page’s columns around Note and Patient, each note linked and each name isolated', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const table: HTMLTableElement = fixture.nativeElement.querySelector('table');
    expect(table.caption?.textContent?.trim()).toBe('Notes to sign');
    expect(texts(table.querySelectorAll('thead th'))).toEqual([
      'Asked',
      'Note',
      'Patient',
      'Age',
      'Counselor',
    ]);
    const rows = table.querySelectorAll('tbody tr');
    expect(texts(rows[1].querySelectorAll('td'))).toEqual([
      '#n2',
      'DBT diary card',
      'Lee Park',
      '80 h',
      'Tom Hale',
    ]);
    expect(rows[0].querySelector('a')?.getAttribute('href')).toBe('/patients/p1/notes/n1');
    expect(rows[0].querySelectorAll('td')[2].querySelector('bdi')?.textContent).toBe('سارا أحمد');
  });

  it('says so across the whole table when there are no notes', async () => {
    const fixture = TestBed.createComponent(Host);
    fixture.componentInstance.rows.set([]);
    await fixture.whenStable();
    const cells = fixture.nativeElement.querySelectorAll('tbody td');
    expect(cells.length).toBe(1);
    expect(cells[0].textContent.trim()).toBe('Nothing to sign.');
    expect(cells[0].getAttribute('colspan')).toBe('5');
  });
});

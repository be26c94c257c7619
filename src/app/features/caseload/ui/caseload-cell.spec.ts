import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatMenuHarness } from '@angular/material/menu/testing';

import type { Alert } from '../../../../../clinical/alerts/patient-alerts';
import type { CaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { aCaseloadRow } from '../../../testing/caseload-rows';
import type { CaseloadColumn } from '../data/caseload-view';
import { CaseloadCell } from './caseload-cell';

describe('CaseloadCell', () => {
  let fixture: ComponentFixture<CaseloadCell>;

  /** One cell as ag-grid renders it: the component, handed its row and column by agInit. */
  async function render(row: CaseloadRow, column: CaseloadColumn): Promise<HTMLElement> {
    TestBed.configureTestingModule({ imports: [CaseloadCell] });
    fixture = TestBed.createComponent(CaseloadCell);
    fixture.componentInstance.agInit({ data: row, colDef: { colId: column } });
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  const text = (el: Element | null): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

  describe('MAT', () => {
    const uncoded = aCaseloadRow({
      mat: {
        status: 'on-track',
        label: 'on track',
        drug: 'buprenorphine',
        product: 'buprenorphine 8 mg/naloxone 2 mg SL film',
        uncoded: true,
        dose: '16 mg',
        daysLeft: 5,
        detail: 'Supply covered to 20 Mar 2026 (from 14 Mar 2026).',
      },
    });

    it('an uncoded order shows the order text and says "uncoded order — check" in words and in its title', async () => {
      const cell = await render(uncoded, 'mat');
      expect(text(cell.querySelector('.primary'))).toBe('buprenorphine 8 mg/naloxone 2 mg SL film 16 mg');
      expect(text(cell.querySelector('.secondary'))).toBe('on track');
      const mark = cell.querySelector('.uncoded') as HTMLElement;
      expect(text(mark)).toBe('uncoded order — check');
      expect(cell.querySelector('.primary')?.getAttribute('title')).toContain('uncoded order — check');
    });

    it('a coded order shows the drug and dose, with no mark', async () => {
      const cell = await render(aCaseloadRow(), 'mat');
      expect(text(cell.querySelector('.primary'))).toBe('buprenorphine 16 mg');
      expect(text(cell.querySelector('.secondary'))).toBe('on track');
      expect(cell.querySelector('.uncoded')).toBeNull();
    });
  });

  describe('last UDS', () => {
    const future = { date: '2031-01-15T09:00:00.000Z', count: 1, label: 'future date — check the record' };

    it('says a future-dated result exists, in words, next to the last screen', async () => {
      const cell = await render(aCaseloadRow({ futureUds: future }), 'uds');
      // Date and result share the first line, so the mark has room for two.
      expect(text(cell.querySelector('.primary'))).toBe('15 Mar 2026 · as expected');
      const mark = cell.querySelector('.future') as HTMLElement;
      expect(text(mark)).toBe('15 Jan 2031: future date — check the record');
      expect(mark.getAttribute('title')).toContain('not counted');
    });

    it('says it also when there is no screen up to today', async () => {
      const cell = await render(aCaseloadRow({ lastUds: null, futureUds: { ...future, count: 2 } }), 'uds');
      expect(text(cell.querySelector('.muted'))).toBe('No UDS');
      expect(text(cell.querySelector('.future'))).toBe(
        '15 Jan 2031 (2 results): future date — check the record',
      );
    });

    it('shows no mark without one', async () => {
      const cell = await render(aCaseloadRow(), 'uds');
      expect(cell.querySelector('.future')).toBeNull();
    });
  });

  describe('alerts', () => {
    const alert = (id: Alert['id'], severity: Alert['severity'], label: string): Alert => ({
      id,
      severity,
      label,
      detail: `${label}: the detail.`,
      evidence: [],
    });
    const FOUR: Alert[] = [
      alert('phq9-item9', 'safety', 'Safety: PHQ-9 item 9 positive'),
      alert('mat-gap', 'high', 'MAT gap (buprenorphine)'),
      alert('part2-consent', 'warning', 'Part 2 consent missing'),
      alert('cosign-waiting', 'info', 'Co-signature waiting (1)'),
    ];
    const chips = (cell: HTMLElement): string[] =>
      Array.from(cell.querySelectorAll('.alert .alert-text')).map((c) => text(c));

    it('two alerts: both shown in full, no "more"', async () => {
      const cell = await render(aCaseloadRow({ alerts: FOUR.slice(1, 3) }), 'alerts');
      expect(chips(cell)).toEqual(['MAT gap (buprenorphine)', 'Part 2 consent missing']);
      expect(cell.querySelector('button')).toBeNull();
    });

    it('four alerts: the safety alert first, one more, then "+2 more" naming the rest to a screen reader', async () => {
      const cell = await render(aCaseloadRow({ alerts: FOUR }), 'alerts');
      expect(chips(cell)).toEqual(['Safety: PHQ-9 item 9 positive', 'MAT gap (buprenorphine)']);
      const more = cell.querySelector('button') as HTMLButtonElement;
      expect(text(more)).toBe('+2 more');
      expect(more.getAttribute('aria-label')).toBe(
        '2 more alerts: Part 2 consent missing; Co-signature waiting (1)',
      );
    });

    it('"+2 more" opens a menu listing the other alerts with their details', async () => {
      await render(aCaseloadRow({ alerts: FOUR }), 'alerts');
      const loader = TestbedHarnessEnvironment.loader(fixture);
      const menu = await loader.getHarness(MatMenuHarness.with({ triggerText: '+2 more' }));
      await menu.open();
      const items = await Promise.all((await menu.getItems()).map((item) => item.getText()));
      expect(items.length).toBe(2);
      expect(items[0]).toContain('Part 2 consent missing');
      expect(items[0]).toContain('Part 2 consent missing: the detail.');
      expect(items[1]).toContain('Co-signature waiting (1): the detail.');
      await menu.close();
    });

    it('safety alerts are never hidden behind "more"', async () => {
      const second = { ...FOUR[0], id: 'uds-unexpected-opioid', label: 'Safety: second' } as Alert;
      const cell = await render(
        aCaseloadRow({ alerts: [FOUR[0] as Alert, second, ...FOUR.slice(1)] }),
        'alerts',
      );
      expect(chips(cell).slice(0, 2)).toEqual(['Safety: PHQ-9 item 9 positive', 'Safety: second']);
      expect(text(cell.querySelector('button'))).toBe('+3 more');
    });
  });
});

import type { AdherenceRow } from '../../../../../clinical/workspaces/adherence';
import type { GridCellPart } from '../../../shared/ui/data-grid';
import { ADHERENCE_PARTS } from './adherence-cells';
import type { AdherenceColumn } from './adherence-view';

const ROW: AdherenceRow = {
  patientId: 'p1',
  patient: { reference: 'Patient/p1' },
  name: 'Sam Rivera',
  mat: {
    drug: 'buprenorphine',
    product: 'buprenorphine 8 MG / naloxone 2 MG Sublingual Film',
    dose: '16 mg',
    uncoded: false,
    status: 'on-track',
    label: 'on track',
  },
  pdc30: 93,
  missedDosesThisWeek: 0,
  lastDispense: '2026-03-10',
  supplyEndsOn: '2026-03-24',
  supplyDaysLeft: 10,
  nextInjectionDue: null,
  injectionDueInDays: null,
  takeHome: null,
  attendance: { percent: 75, attended: 3, noShow: 1 },
  lastContact: '2026-03-12',
  daysSinceContact: 2,
  negativeStreakWeeks: 1,
  openTasks: 0,
  weeks: [],
};

function lines(column: AdherenceColumn, change: Partial<AdherenceRow> = {}): readonly GridCellPart[] {
  const parts = ADHERENCE_PARTS[column];
  if (!parts) throw new Error(`${column} is not a plain column`);
  return parts({ ...ROW, ...change });
}

/** The lines whose tone says a threshold is crossed. */
const flagged = (parts: readonly GridCellPart[]) => parts.filter((p) => p.tone === 'bad').map((p) => p.text);

describe('ADHERENCE_PARTS (the adherence cells the grid renders as text)', () => {
  it('flags a PDC below 80 % in words and tone, and leaves 80 % unflagged (PQA threshold)', () => {
    expect(lines('pdc', { pdc30: 79 }).map((p) => p.text)).toEqual(['79 %', 'below 80 %']);
    expect(flagged(lines('pdc', { pdc30: 79 }))).toEqual(['79 %']);
    expect(lines('pdc', { pdc30: 80 }).map((p) => p.text)).toEqual(['80 %', 'adherent']);
    expect(flagged(lines('pdc', { pdc30: 80 }))).toEqual([]);
    expect(lines('pdc', { pdc30: null })).toEqual([{ text: 'No MOUD order', tone: 'muted' }]);
  });

  it('flags a supply that ends within 3 days, not one with 4 days left', () => {
    expect(flagged(lines('supplyEnds', { supplyDaysLeft: 3 }))).toEqual(['3 days left']);
    expect(flagged(lines('supplyEnds', { supplyDaysLeft: 4 }))).toEqual([]);
    expect(flagged(lines('supplyEnds', { supplyDaysLeft: 0 }))).toEqual(['none left today']);
    expect(lines('supplyEnds', { supplyEndsOn: null, supplyDaysLeft: null })).toEqual([
      { text: 'No supply', tone: 'muted' },
    ]);
  });

  it('flags an overdue injection and a week without contact', () => {
    const injection = lines('injection', { nextInjectionDue: '2026-03-10', injectionDueInDays: -2 });
    expect(flagged(injection)).toEqual(['overdue']);
    expect(flagged(lines('injection', { nextInjectionDue: '2026-03-20', injectionDueInDays: 6 }))).toEqual([]);
    expect(flagged(lines('lastContact', { daysSinceContact: 7 }))).toEqual(['7 days ago']);
    expect(flagged(lines('lastContact', { daysSinceContact: 6 }))).toEqual([]);
    expect(flagged(lines('lastContact', { lastContact: null, daysSinceContact: null }))).toEqual([
      'No contact on record',
    ]);
  });

  it('shows the drug as free text (isolated), an uncoded order as a warning, and a gap as behind', () => {
    const drug = lines('drug', { mat: { ...ROW.mat, status: 'gap', label: 'gap 3 days' } });
    expect(drug[0]).toEqual(jasmine.objectContaining({ text: 'buprenorphine 16 mg', isolate: true }));
    expect(flagged(drug)).toEqual(['gap 3 days']);
    const uncoded = lines('drug', { mat: { ...ROW.mat, uncoded: true, product: 'Bup film' } });
    expect(uncoded[0]).toEqual(jasmine.objectContaining({ tone: 'warn' }));
    expect(uncoded[0]?.text).toContain('uncoded order — check');
    expect(lines('drug', { mat: { ...ROW.mat, drug: null } })).toEqual([
      { text: 'No MOUD', isolate: true, tone: 'muted' },
    ]);
  });

  it('says "None" for nothing to report, muted, and counts in words', () => {
    expect(lines('tasks')).toEqual([{ text: 'None', tone: 'muted' }]);
    expect(lines('tasks', { openTasks: 2 })).toEqual([{ text: '2' }]);
    expect(lines('streak', { negativeStreakWeeks: 1 })).toEqual([{ text: '1 week' }]);
    expect(flagged(lines('missed', { missedDosesThisWeek: 2 }))).toEqual(['2 doses missed']);
    expect(flagged(lines('attendance', { attendance: { percent: 40, attended: 2, noShow: 3 } }))).toEqual([
      '40 % (2 of 5)',
    ]);
  });

  it('leaves the patient link and "Create task" to the cell component', () => {
    expect(ADHERENCE_PARTS.patient).toBeUndefined();
    expect(ADHERENCE_PARTS.actions).toBeUndefined();
  });
});

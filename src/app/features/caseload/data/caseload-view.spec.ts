import type { CaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { aCaseloadRow } from '../../../testing/caseload-rows';
import {
  applyCaseloadView,
  applyViewChange,
  caseloadQueryParams,
  DEFAULT_VIEW,
  parseCaseloadView,
} from './caseload-view';

describe('caseload view (URL query)', () => {
  it('reads filters, track, search and sort from the query', () => {
    expect(parseCaseloadView({ filter: 'high-risk,notes-due', track: 'dbt', q: ' riv ', sort: 'risk:desc' })).toEqual({
      filters: ['high-risk', 'notes-due'],
      track: 'DBT',
      q: 'riv',
      sort: { column: 'risk', direction: 'desc' },
    });
  });

  it('ignores unknown and malformed values instead of failing', () => {
    expect(parseCaseloadView({ filter: ['bogus', 'alerts'], track: 'ACT', sort: 'ssn:desc' })).toEqual({
      ...DEFAULT_VIEW,
      filters: ['alerts'],
    });
    expect(parseCaseloadView({ sort: 'risk:sideways' }).sort).toBeNull();
    expect(parseCaseloadView({ sort: 'name' }).sort).toBeNull();
  });

  it('writes a view back to query params, defaults removed (null), and round-trips', () => {
    const view = applyViewChange(DEFAULT_VIEW, {
      filters: ['notes-due', 'high-risk'],
      track: 'REBT',
      sort: { column: 'phq9', direction: 'asc' },
    });
    const params = caseloadQueryParams(view);
    expect(params).toEqual({ filter: 'high-risk,notes-due', track: 'REBT', q: null, sort: 'phq9:asc' });
    expect(parseCaseloadView(params)).toEqual(view);
    expect(caseloadQueryParams(DEFAULT_VIEW)).toEqual({ filter: null, track: null, q: null, sort: null });
  });

  describe('applyCaseloadView', () => {
    const low = aCaseloadRow({ patientId: 'low', name: 'Ana Low', risk: { score: 1, band: 'low' } });
    const high = aCaseloadRow({ patientId: 'high', name: 'Bo High', risk: { score: 8, band: 'high' }, track: 'DBT' });
    const safety = aCaseloadRow({
      patientId: 'safety',
      name: 'Cy Safety',
      risk: { score: 0, band: 'low' },
      alerts: [{ id: 'phq9-item9', severity: 'safety', label: 'Safety: PHQ-9 item 9 positive', detail: '', evidence: [] }],
    });
    const rows: CaseloadRow[] = [low, high, safety];
    const ids = (r: readonly CaseloadRow[]) => r.map((row) => row.patientId);

    it('orders by default: safety first, then risk high to low', () => {
      expect(ids(applyCaseloadView(rows, DEFAULT_VIEW).rows)).toEqual(['safety', 'high', 'low']);
    });

    it('never filters a safety row away with quick filters or the track, and counts it', () => {
      const result = applyCaseloadView(rows, { ...DEFAULT_VIEW, filters: ['high-risk'] });
      expect(ids(result.rows)).toEqual(['safety', 'high']);
      expect(result.keptForSafety).toBe(1);
      const dbt = applyCaseloadView(rows, { ...DEFAULT_VIEW, track: 'DBT' });
      expect(ids(dbt.rows)).toEqual(['safety', 'high']);
    });

    it('applies the name search to every row, case-insensitively', () => {
      expect(ids(applyCaseloadView(rows, { ...DEFAULT_VIEW, q: 'LOW' }).rows)).toEqual(['low']);
    });

    it('sorts by a column both ways, empty values last either way', () => {
      const noPhq = aCaseloadRow({ patientId: 'none', name: 'Di None', phq9: null });
      const p5 = aCaseloadRow({ patientId: 'p5', phq9: { score: 5, change: null, severity: 'mild', date: '2026-03-01' } });
      const p12 = aCaseloadRow({ patientId: 'p12', phq9: { score: 12, change: 2, severity: 'moderate', date: '2026-03-01' } });
      const asc = applyCaseloadView([noPhq, p12, p5], { ...DEFAULT_VIEW, sort: { column: 'phq9', direction: 'asc' } });
      expect(ids(asc.rows)).toEqual(['p5', 'p12', 'none']);
      const desc = applyCaseloadView([noPhq, p5, p12], { ...DEFAULT_VIEW, sort: { column: 'phq9', direction: 'desc' } });
      expect(ids(desc.rows)).toEqual(['p12', 'p5', 'none']);
    });
  });
});

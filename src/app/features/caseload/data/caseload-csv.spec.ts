import { aCaseloadRow } from '../../../testing/caseload-rows';
import { caseloadCsv } from './caseload-csv';

describe('caseloadCsv', () => {
  it('writes a header and one line per row, in the given column order, CRLF-terminated', () => {
    const csv = caseloadCsv([aCaseloadRow({ name: 'Sam Rivera', risk: { score: 7, band: 'high', trend: 'up' } })], [
      'patient',
      'risk',
    ]);
    expect(csv).toBe('Patient,Risk\r\nSam Rivera (35 y · they/them),"High 7, rising"\r\n');
  });

  it('quotes commas, quotes and line breaks, and neutralises spreadsheet formulas', () => {
    const csv = caseloadCsv([aCaseloadRow({ name: '=HYPERLINK("x"), "Sam"', age: null, pronouns: null })], ['patient']);
    expect(csv.split('\r\n')[1]).toBe(`"'=HYPERLINK(""x""), ""Sam"""`);
  });

  it('names unexpected UDS positives and alerts in words', () => {
    const row = aCaseloadRow({
      lastUds: { date: '2026-03-15', flags: ['fentanyl +'], label: 'positive' },
      alerts: [
        { id: 'phq9-item9', severity: 'safety', label: 'Safety: PHQ-9 item 9 positive', detail: '', evidence: [] },
      ],
    });
    expect(caseloadCsv([row], ['uds', 'alerts']).split('\r\n')[1]).toBe(
      '15 Mar 2026: fentanyl +,Safety: PHQ-9 item 9 positive',
    );
  });

  it('writes an uncoded MAT order with its own text and the mark', () => {
    const row = aCaseloadRow({
      mat: {
        status: 'gap',
        label: 'gap',
        drug: 'buprenorphine',
        product: 'Suboxone 8 mg/2 mg film',
        uncoded: true,
        dose: null,
        daysLeft: 0,
        detail: 'Out of medication.',
      },
    });
    expect(caseloadCsv([row], ['mat']).split('\r\n')[1]).toBe('Suboxone 8 mg/2 mg film — gap (uncoded order — check)');
  });

  it('writes a future-dated UDS next to the last screen', () => {
    const row = aCaseloadRow({
      futureUds: { date: '2031-01-15T09:00:00.000Z', count: 1, label: 'future date — check the record' },
    });
    expect(caseloadCsv([row], ['uds']).split('\r\n')[1]).toBe(
      '15 Mar 2026: as expected; UDS dated 15 Jan 2031: future date — check the record',
    );
  });

  it('strips bidirectional controls from values, then neutralises a formula they hid', () => {
    const row = aCaseloadRow({
      name: '\u2066Sam\u2069 \u202ERivera\u202C \u200Fx\u200E\u061C',
      pronouns: '\u202Ashe/her\u202B\u202D',
      age: null,
    });
    expect(caseloadCsv([row], ['patient']).split('\r\n')[1]).toBe('Sam Rivera x (she/her)');
    const hidden = aCaseloadRow({ name: '\u202E=cmd|calc', age: null, pronouns: null });
    expect(caseloadCsv([hidden], ['patient']).split('\r\n')[1]).toBe("'=cmd|calc");
    for (const start of ['+', '-', '@']) {
      const formula = aCaseloadRow({ name: `${start}1+1`, age: null, pronouns: null });
      expect(caseloadCsv([formula], ['patient']).split('\r\n')[1]).toBe(`'${start}1+1`);
    }
  });
});

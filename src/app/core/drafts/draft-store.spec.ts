import { TestBed } from '@angular/core/testing';

import { DraftStore } from './draft-store';

describe('DraftStore', () => {
  it('keeps a copy of unsaved text in memory until deleted or cleared', () => {
    const before = [Object.keys(sessionStorage), Object.keys(localStorage)];
    const drafts = TestBed.inject(DraftStore);
    const note = { text: 'Discussed triggers at work' };
    drafts.set('note:Encounter/e1', note);
    note.text = 'changed after saving the draft';
    expect(drafts.get<{ text: string }>('note:Encounter/e1')).toEqual({ text: 'Discussed triggers at work' });

    drafts.set('note:Encounter/e2', { text: 'x' });
    drafts.delete('note:Encounter/e1');
    expect(drafts.get('note:Encounter/e1')).toBeUndefined();
    expect(drafts.size).toBe(1);

    drafts.clear();
    expect(drafts.size).toBe(0);
    expect([Object.keys(sessionStorage), Object.keys(localStorage)])
      .withContext('never written to browser storage')
      .toEqual(before);
  });
});

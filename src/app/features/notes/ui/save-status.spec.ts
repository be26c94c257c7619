import { clockTime, saveStatusText } from './save-status';

describe('save status text', () => {
  it('starts with exactly "Saving…", "Saved HH:MM" or "Offline — will retry"', () => {
    const at = new Date(2026, 2, 12, 10, 42, 7).getTime();
    expect(saveStatusText({ kind: 'saving' }, undefined)).toBe('Saving…');
    expect(saveStatusText({ kind: 'saved', at }, undefined)).toBe('Saved 10:42');
    expect(saveStatusText({ kind: 'offline' }, undefined)).toBe('Offline — will retry');
    expect(saveStatusText({ kind: 'idle' }, at)).toBe('Saved 10:42');
    expect(saveStatusText({ kind: 'idle' }, undefined)).toBe('');
    expect(saveStatusText({ kind: 'conflict', status: 412, server: null }, at)).toMatch(/^Not saved/);
    expect(clockTime(new Date(2026, 0, 1, 7, 5).getTime())).toBe('07:05');
  });
});

import { countdownAnnouncement, formatCountdown, formatDuration } from './idle-time';

describe('idle time wording', () => {
  it('writes durations out in words', () => {
    expect(formatDuration(900)).toBe('15 minutes');
    expect(formatDuration(60)).toBe('1 minute');
    expect(formatDuration(8)).toBe('8 seconds');
    expect(formatDuration(1)).toBe('1 second');
    expect(formatDuration(90)).toBe('1 minute and 30 seconds');
    expect(formatDuration(3600)).toBe('1 hour');
    expect(formatDuration(3661)).toBe('1 hour, 1 minute and 1 second');
    expect(formatDuration(86_400)).toBe('24 hours');
  });

  it('shows the countdown as M:SS', () => {
    expect(formatCountdown(120)).toBe('2:00');
    expect(formatCountdown(119)).toBe('1:59');
    expect(formatCountdown(9)).toBe('0:09');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-3)).toBe('0:00');
    expect(formatCountdown(600)).toBe('10:00');
  });

  it('announces at each minute, then at 30 and 10 seconds, not every second', () => {
    const spoken = new Set<string>();
    for (let left = 120; left >= 1; left--) {
      spoken.add(countdownAnnouncement(left, 120));
    }
    expect([...spoken]).toEqual([
      '', // on opening: the dialog's description has the time
      '1 minute left before you are signed out for inactivity.',
      '30 seconds left before you are signed out for inactivity.',
      '10 seconds left before you are signed out for inactivity.',
    ]);
    expect(countdownAnnouncement(61, 120)).toBe('');
    expect(countdownAnnouncement(60, 120)).toBe('1 minute left before you are signed out for inactivity.');
    expect(countdownAnnouncement(31, 120)).toBe('1 minute left before you are signed out for inactivity.');
    expect(countdownAnnouncement(3, 120)).toBe('10 seconds left before you are signed out for inactivity.');
  });

  it('fits the marks to a longer or shorter warning', () => {
    expect(countdownAnnouncement(240, 300)).toBe('4 minutes left before you are signed out for inactivity.');
    expect(countdownAnnouncement(300, 300)).toBe('');
    // A 5-second warning passes only the 10-second mark, which it starts under: nothing to add.
    expect(countdownAnnouncement(5, 5)).toBe('');
    expect(countdownAnnouncement(10, 20)).toBe('10 seconds left before you are signed out for inactivity.');
  });
});

/** "15 minutes", "8 seconds", "1 minute and 30 seconds", "1 hour": how the idle times are written. */
export function formatDuration(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const units: readonly (readonly [number, string])[] = [
    [hours, 'hour'],
    [minutes, 'minute'],
    [seconds, 'second'],
  ];
  const parts = units
    .filter(([count]) => count !== 0)
    .map(([count, unit]) => `${count} ${unit}${count === 1 ? '' : 's'}`);
  if (parts.length === 0) {
    return '0 seconds';
  }
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** The visible countdown, M:SS: `2:00`, `0:09`. */
export function formatCountdown(totalSeconds: number): string {
  const seconds = Math.max(0, totalSeconds);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * What the warning's live region says with `secondsLeft` to go: the last mark passed (each whole
 * minute, then 30 and 10 seconds), so screen readers hear a handful of announcements rather than one
 * a second. Empty before the first mark: the dialog's description, read when it opens, has the time.
 */
export function countdownAnnouncement(secondsLeft: number, warningSeconds: number): string {
  const marks = [10, 30];
  for (let minute = 60; minute < warningSeconds; minute += 60) {
    marks.push(minute);
  }
  const passed = marks.filter((mark) => mark < warningSeconds && mark >= secondsLeft);
  if (passed.length === 0) {
    return '';
  }
  return `${formatDuration(Math.min(...passed))} left before you are signed out for inactivity.`;
}

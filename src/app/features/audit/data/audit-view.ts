/**
 * The audit report's view as it lives in the URL query, so a reload (or a link) keeps it:
 * `?from=2026-03-10&to=2026-03-16&user=Practitioner/c1&patient=Patient/p1&action=R&outcome=4&sort=-agent`.
 * The range is in local days (the browser's time zone); the server's search takes instants with their offset
 * (docs/audit.md).
 */

export const AUDIT_ACTIONS = ['C', 'R', 'U', 'D', 'E'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export const ACTION_LABELS: Readonly<Record<AuditAction, string>> = {
  C: 'Create',
  R: 'Read',
  U: 'Update',
  D: 'Delete',
  E: 'Execute (search, sign-in, operation)',
};

export const AUDIT_OUTCOMES = ['0', '4', '8', '12'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
export const OUTCOME_LABELS: Readonly<Record<AuditOutcome, string>> = {
  '0': 'Success',
  '4': 'Minor failure (refused, failed sign-in)',
  '8': 'Serious failure',
  '12': 'Major failure',
};

/** The table's columns; each sorts by the server's `_sort` keys. */
export const AUDIT_COLUMNS = ['date', 'agent', 'patient', 'action', 'event', 'outcome'] as const;
export type AuditColumn = (typeof AUDIT_COLUMNS)[number];
const SORT_KEYS: Readonly<Record<AuditColumn, readonly string[]>> = {
  date: ['date'],
  agent: ['agent'],
  patient: ['patient'],
  action: ['action'],
  event: ['type', 'subtype'],
  outcome: ['outcome'],
};

export interface AuditSort {
  readonly column: AuditColumn;
  readonly direction: 'asc' | 'desc';
}

export interface AuditView {
  /** First and last local day of the range (ISO days, inclusive). */
  readonly from: string;
  readonly to: string;
  /** `Practitioner/<id>`. */
  readonly user: string | null;
  /** `Patient/<id>`. */
  readonly patient: string | null;
  readonly action: AuditAction | null;
  readonly outcome: AuditOutcome | null;
  readonly sort: AuditSort;
}

/** Events per page ("Load more" follows the server's `next` link). */
export const AUDIT_PAGE_SIZE = 50;
/** Days in the default range: today and the 6 before. */
export const DEFAULT_RANGE_DAYS = 7;
export const DEFAULT_SORT: AuditSort = { column: 'date', direction: 'desc' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const REFERENCE = /^(Practitioner|Patient)\/[A-Za-z0-9\-.]{1,64}$/;

function first(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

/** The local day of a moment as `YYYY-MM-DD`. */
export function localDay(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return localDay(new Date(y, m - 1, d + days));
}

function isDay(value: string | undefined): value is string {
  if (!value || !DAY.test(value)) return false;
  return addDays(value, 0) === value; // rejects 2026-02-30
}

/** Reads the view; missing or malformed values fall back to the defaults (the last 7 days, newest first). */
export function parseAuditView(params: Readonly<Record<string, unknown>>, now: Date): AuditView {
  const today = localDay(now);
  let to = first(params['to']);
  let from = first(params['from']);
  if (!isDay(to)) to = today;
  if (!isDay(from)) from = addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to) [from, to] = [to, from];
  const ref = (name: string, type: 'Practitioner' | 'Patient') => {
    const v = first(params[name]);
    return v && REFERENCE.test(v) && v.startsWith(`${type}/`) ? v : null;
  };
  const action = first(params['action']);
  const outcome = first(params['outcome']);
  return {
    from,
    to,
    user: ref('user', 'Practitioner'),
    patient: ref('patient', 'Patient'),
    action: (AUDIT_ACTIONS as readonly string[]).includes(action ?? '') ? (action as AuditAction) : null,
    outcome: (AUDIT_OUTCOMES as readonly string[]).includes(outcome ?? '') ? (outcome as AuditOutcome) : null,
    sort: parseSort(first(params['sort'])) ?? DEFAULT_SORT,
  };
}

function parseSort(value: string | undefined): AuditSort | null {
  if (!value) return null;
  const descending = value.startsWith('-');
  const column = descending ? value.slice(1) : value;
  return (AUDIT_COLUMNS as readonly string[]).includes(column)
    ? { column: column as AuditColumn, direction: descending ? 'desc' : 'asc' }
    : null;
}

/**
 * The view's URL query: every value, defaults as `null` (removed) — except the range, which is always written
 * once chosen so that a link opened another day shows the same days.
 */
export function auditQueryParams(view: AuditView, now: Date): Record<string, string | null> {
  const today = localDay(now);
  const defaultRange = view.to === today && view.from === addDays(today, -(DEFAULT_RANGE_DAYS - 1));
  const sort = view.sort;
  return {
    from: defaultRange ? null : view.from,
    to: defaultRange ? null : view.to,
    user: view.user,
    patient: view.patient,
    action: view.action,
    outcome: view.outcome,
    sort:
      sort.column === DEFAULT_SORT.column && sort.direction === DEFAULT_SORT.direction
        ? null
        : `${sort.direction === 'desc' ? '-' : ''}${sort.column}`,
  };
}

/** Local midnight of a day as an instant with its UTC offset, e.g. `2026-03-10T00:00:00-04:00`. */
export function localMidnight(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const offset = -new Date(y, m - 1, d).getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${day}T00:00:00${sign}${hh}:${mm}`;
}

/**
 * The FHIR search of the view (docs/audit.md): `recorded` from local midnight of `from` to before local midnight
 * after `to`, the filters, the sort as `_sort` keys (the event column sorts by type, then subtype).
 */
export function auditSearchParams(view: AuditView): [string, string][] {
  const desc = view.sort.direction === 'desc' ? '-' : '';
  const params: [string, string][] = [
    ['date', `ge${localMidnight(view.from)}`],
    ['date', `lt${localMidnight(addDays(view.to, 1))}`],
  ];
  if (view.user) params.push(['agent', view.user]);
  if (view.patient) params.push(['patient', view.patient]);
  if (view.action) params.push(['action', view.action]);
  if (view.outcome) params.push(['outcome', view.outcome]);
  params.push(['_sort', SORT_KEYS[view.sort.column].map((k) => `${desc}${k}`).join(',')]);
  return params;
}

import type { PatientRecord } from './patient-record';

/**
 * Per-record memo for derived facts that do not depend on as-of (parsed dates, MAT orders, UDS
 * facts, sessions). A PatientRecord is immutable once built (groupByPatient returns fresh records),
 * so facts computed once can be shared by every rule that reads them — the caseload computes the
 * risk score three times per row (now, a week ago for the trend, alerts).
 */
const cache = new WeakMap<PatientRecord, Map<string, unknown>>();

export function memo<T>(record: PatientRecord, key: string, compute: () => T): T {
  let entries = cache.get(record);
  if (!entries) {
    entries = new Map();
    cache.set(record, entries);
  }
  if (entries.has(key)) return entries.get(key) as T;
  const value = compute();
  entries.set(key, value);
  return value;
}

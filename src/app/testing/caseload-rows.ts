import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';

import type { CaseloadRow } from '../../../clinical/caseload/caseload-row';
import { deriveState } from '../../../clinical/derived/derive';
import { groupByPatient } from '../../../clinical/fhir/patient-record';
import { patientRecordSearches } from '../../../clinical/fhir/record-query';
import { aSearchBundle, FIXED_NOW } from './fhir-builders';

type RowOverrides = Partial<Omit<CaseloadRow, 'risk'>> & { risk?: Partial<CaseloadRow['risk']> };

/** A caseload grid row for page and grid specs (rows themselves are derived in clinical/, tested there). */
export function aCaseloadRow(overrides: RowOverrides = {}): CaseloadRow {
  const { risk, ...rest } = overrides;
  const patientId = rest.patientId ?? 'p1';
  return {
    patientId,
    patient: { reference: `Patient/${patientId}` },
    name: 'Sam Rivera',
    age: 35,
    pronouns: 'they/them',
    track: 'CBT',
    week: { week: 6, planned: 12, label: 'w 6 / 12' },
    lastSession: { date: '2026-03-12T10:00:00.000Z', attended: true, label: 'attended' },
    nextAppointment: { date: '2026-03-19T10:00:00.000Z' },
    attendance: { percent: 75, attended: 3, noShow: 1, basis: 'Cancelled sessions are not counted.' },
    mat: {
      status: 'on-track',
      label: 'on track',
      drug: 'buprenorphine',
      product: 'buprenorphine 8 MG / naloxone 2 MG Sublingual Film',
      uncoded: false,
      dose: '16 mg',
      daysLeft: 5,
      detail: 'Take-home supply covers 5 more days.',
    },
    lastUds: { date: '2026-03-15', flags: [], label: 'negative' },
    futureUds: null,
    craving: [
      { date: '2026-02-10', value: 6 },
      { date: '2026-02-17', value: 5 },
      { date: '2026-03-10', value: 3 },
    ],
    phq9: { score: 9, change: -3, severity: 'mild', date: '2026-03-10' },
    notesDue: { unsigned: 0, overdue: 0, over24h: 0 },
    alerts: [],
    ...rest,
    risk: {
      score: 2,
      band: 'low',
      trend: 'same',
      modelId: 'waypoint-relapse-risk',
      modelVersion: '1.0.0',
      points: [],
      ...risk,
    },
  };
}

/**
 * What a FHIR server with derived state answers to the caseload batch (clinical/derived/views.ts) for these raw
 * records: each patient is derived by the real clinical rules as of `asOf` (deriveState), then entry 1 holds
 * the summaries (with the Patients as included), entry 2 the current assessments, entry 3 the active Flags.
 */
export function derivedCaseloadResponse(raw: readonly Resource[], asOf: string = FIXED_NOW): Bundle {
  const summaries: BundleEntry[] = [];
  const risks: BundleEntry[] = [];
  const flags: BundleEntry[] = [];
  for (const [, record] of groupByPatient(raw)) {
    const derived = deriveState(record, asOf, []);
    const meta = { versionId: '1', lastUpdated: asOf };
    summaries.push({
      resource: { ...derived.summary, meta: { ...derived.summary.meta, ...meta } },
      search: { mode: 'match' },
    });
    summaries.push({ resource: record.patient, search: { mode: 'include' } });
    risks.push({
      resource: { ...derived.risk, meta: { ...derived.risk.meta, ...meta } },
      search: { mode: 'match' },
    });
    for (const flag of derived.flags.filter((f) => f.status === 'active')) {
      flags.push({ resource: { ...flag, meta: { ...flag.meta, ...meta } }, search: { mode: 'match' } });
    }
  }
  return {
    resourceType: 'Bundle',
    type: 'batch-response',
    entry: [summaries, risks, flags].map((entry) => ({
      response: { status: '200 OK' },
      resource: { ...aSearchBundle([]), entry },
    })),
  };
}

/**
 * What a FHIR server answers to the chart's record batch (clinical/fhir/record-query.ts) for one patient's raw
 * resources: each resource in the entry that searches its type (the Patient's revincluded types as included in
 * the first entry), the other entries empty.
 */
export function recordBatchResponse(patientId: string, raw: readonly Resource[]): Bundle {
  const searches = patientRecordSearches(patientId);
  const entries: BundleEntry[][] = searches.map(() => []);
  for (const resource of raw) {
    const i = searches.findIndex((s) => s.resourceType === resource.resourceType);
    if (i >= 0) entries[i]?.push({ resource, search: { mode: 'match' } });
    else entries[0]?.push({ resource, search: { mode: 'include' } });
  }
  return {
    resourceType: 'Bundle',
    type: 'batch-response',
    entry: entries.map((entry) => ({
      response: { status: '200 OK' },
      resource: { ...aSearchBundle([]), entry },
    })),
  };
}

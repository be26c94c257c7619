import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';

import type { CaseloadRow } from '../../../clinical/caseload/caseload-row';
import { caseloadSearches } from '../features/caseload/data/caseload-request';
import { aSearchBundle, COUNSELOR, FIXED_NOW } from './fhir-builders';

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
 * The response to {@link caseloadSearches}' batch: each resource in the first entry that searches its type
 * (Patients with the care teams, as included), `notes` in the notes entry, the other entries empty.
 */
export function aCaseloadBatchResponse(resources: readonly Resource[], notes: Resource[] = []): Bundle {
  const searches = caseloadSearches(COUNSELOR, FIXED_NOW);
  const byEntry: BundleEntry[][] = searches.map(() => []);
  const entryOf = (type: string): number => {
    const i = searches.findIndex((s) => s.type === (type === 'Patient' ? 'CareTeam' : type));
    return i < 0 ? searches.findIndex((s) => s.type === 'CareTeam') : i;
  };
  for (const resource of [...notes, ...resources]) {
    const i = entryOf(resource.resourceType);
    const mode = resource.resourceType === searches[i]?.type ? ('match' as const) : ('include' as const);
    byEntry[i]?.push({ resource, search: { mode } });
  }
  return {
    resourceType: 'Bundle',
    type: 'batch-response',
    entry: byEntry.map((entry) => ({
      response: { status: '200 OK' },
      resource: { ...aSearchBundle([]), entry },
    })),
  };
}

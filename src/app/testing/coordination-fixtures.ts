import type {
  Bundle,
  BundleEntry,
  Observation,
  Patient,
  Practitioner,
  PractitionerRole,
  Resource,
  Task,
} from '@medplum/fhirtypes';

import type { PopulationFacts } from '../../../clinical/derived/population-facts';
import { type SummaryFacts, summaryObservation } from '../../../clinical/derived/summary-resource';
import { patientRecordSearches } from '../../../clinical/fhir/record-query';
import { aPatient, aSearchBundle, daysFromNow, FIXED_NOW } from './fhir-builders';

/**
 * Fixtures of the coordination workspace: the program batch (clinical/derived/views.ts programSummarySearches, open Tasks,
 * staff) as a FHIR server with derived state answers it, and one patient's CM ledger batch.
 */

export const COORDINATOR = 'Practitioner/coord-1';
export const COUNSELOR_STAFF = 'Practitioner/counselor-1';
const LOCAL = 'http://waypoint.health/fhir/CodeSystem';

const BASE_FACTS: SummaryFacts = {
  episodeActive: true,
  track: 'CBT',
  week: { week: 6, planned: 12, label: 'w 6 / 12' },
  lastSession: null,
  nextAppointment: null,
  attendance: { percent: 75, attended: 3, noShow: 1, basis: 'Cancelled sessions are not counted.' },
  mat: {
    status: 'on-track',
    label: 'on track',
    drug: 'buprenorphine',
    product: 'buprenorphine 8 MG / naloxone 2 MG Sublingual Film',
    uncoded: false,
    dose: '16 mg',
    daysLeft: 10,
    detail: '',
  },
  lastUds: null,
  futureUds: null,
  craving: [],
  phq9: null,
  notesDue: { unsigned: 0, over24h: 0, overdue: 0 },
};

const BASE_POPULATION: PopulationFacts = {
  careManager: COUNSELOR_STAFF,
  pdc30: 93,
  missedDosesThisWeek: null,
  lastDispense: daysFromNow(-5),
  suppliedThrough: daysFromNow(9).slice(0, 10),
  nextInjectionDue: null,
  takeHome: null,
  lastContact: daysFromNow(-2),
  negativeStreakWeeks: 3,
  openTasks: 0,
  cosignWaiting: 0,
  notes4w: 0,
  notesSigned24h4w: 0,
  notesSigned72h4w: 0,
  weeks: [
    { weekStart: '2026-03-02', pdc: 100, attendance: 100, riskScore: null, riskBand: null },
    { weekStart: '2026-03-09', pdc: 86, attendance: 50, riskScore: null, riskBand: null },
  ],
};

export interface ProgramPatient {
  readonly id: string;
  readonly given: string;
  readonly family: string;
  readonly facts?: Partial<SummaryFacts>;
  readonly population?: Partial<PopulationFacts>;
}

/** A program patient: the Patient and the summary the deriver would write for these facts. */
export function programPatient(p: ProgramPatient): [Patient, Observation] {
  const patient = aPatient({ id: p.id, name: [{ use: 'official', given: [p.given], family: p.family }] });
  const summary = summaryObservation({ ...BASE_FACTS, ...p.facts }, p.id, FIXED_NOW, [], {
    ...BASE_POPULATION,
    ...p.population,
  });
  return [patient, { ...summary, meta: { ...summary.meta, versionId: '1', lastUpdated: FIXED_NOW } }];
}

/** Three patients: supply ending (Ada), missed methadone doses (Ben), low attendance and no contact (Cy). */
export const PROGRAM: readonly ProgramPatient[] = [
  {
    id: 'p1',
    given: 'Ada',
    family: 'Okafor',
    population: { suppliedThrough: daysFromNow(1).slice(0, 10) },
  },
  {
    id: 'p2',
    given: 'Ben',
    family: 'Ruiz',
    facts: {
      mat: {
        ...BASE_FACTS.mat,
        drug: 'methadone',
        product: 'methadone 10 MG/ML Oral Solution',
        dose: '60 mg',
      },
    },
    population: {
      missedDosesThisWeek: 3,
      suppliedThrough: daysFromNow(0).slice(0, 10),
      takeHome: { maxDaysSupply: 14, label: "Day 22: up to 14 days' supply", nextOpens: null },
    },
  },
  {
    id: 'p3',
    given: 'Cy',
    family: 'Vance',
    facts: { attendance: { percent: 25, attended: 1, noShow: 3, basis: '' } },
    population: { lastContact: daysFromNow(-12) },
  },
];

export function aStaffMember(id: string, given: string, family: string, role: string): Resource[] {
  const practitioner: Practitioner = { resourceType: 'Practitioner', id, name: [{ given: [given], family }] };
  const practitionerRole: PractitionerRole = {
    resourceType: 'PractitionerRole',
    id: `${id}-role`,
    active: true,
    practitioner: { reference: `Practitioner/${id}` },
    code: [{ coding: [{ system: `${LOCAL}/staff-role`, code: role }] }],
  };
  return [practitionerRole, practitioner];
}

export const STAFF: readonly Resource[] = [
  ...aStaffMember('coord-1', 'Casey', 'Coordinator', 'care-coordinator'),
  ...aStaffMember('counselor-1', 'Dana', 'Whitfield', 'counselor'),
];

/** A follow-up Task (open unless said otherwise), due `dueDays` from FIXED_NOW (a date). */
export function aFollowUpTask(opts: {
  id: string;
  patient: string;
  description: string;
  owner?: string;
  dueDays?: number;
  status?: Task['status'];
  versionId?: string;
  priority?: Task['priority'];
}): Task {
  return {
    resourceType: 'Task',
    id: opts.id,
    meta: { versionId: opts.versionId ?? '1', lastUpdated: FIXED_NOW },
    status: opts.status ?? 'requested',
    intent: 'order',
    priority: opts.priority ?? 'routine',
    code: { coding: [{ system: `${LOCAL}/task-type`, code: 'follow-up' }] },
    description: opts.description,
    for: { reference: `Patient/${opts.patient}` },
    owner: { reference: opts.owner ?? COORDINATOR },
    authoredOn: daysFromNow(-3),
    ...(opts.dueDays !== undefined
      ? { restriction: { period: { end: daysFromNow(opts.dueDays).slice(0, 10) } } }
      : {}),
  };
}

function searchEntry(
  match: readonly Resource[],
  include: readonly Resource[] = [],
  next?: string,
): BundleEntry {
  return { response: { status: '200 OK' }, resource: searchPage(match, include, next) };
}

function searchPage(match: readonly Resource[], include: readonly Resource[], next?: string): Bundle {
  return {
    ...aSearchBundle([], next ? { next } : {}),
    entry: [
      ...match.map((resource) => ({ resource, search: { mode: 'match' as const } })),
      ...include.map((resource) => ({ resource, search: { mode: 'include' as const } })),
    ],
  };
}

/**
 * The server's answer to the program batch: summaries + Patients, open Tasks, staff. `summariesNext`: the
 * summaries search has a further page there (see programSummaryPage).
 */
export function programBatchResponse(
  patients: readonly ProgramPatient[] = PROGRAM,
  tasks: readonly Task[] = [],
  staff: readonly Resource[] = STAFF,
  summariesNext?: string,
): Bundle {
  const built = patients.map(programPatient);
  return {
    resourceType: 'Bundle',
    type: 'batch-response',
    entry: [
      searchEntry(
        built.map(([, s]) => s),
        built.map(([p]) => p),
        summariesNext,
      ),
      searchEntry(tasks),
      searchEntry(
        staff.filter((r) => r.resourceType === 'PractitionerRole'),
        staff.filter((r) => r.resourceType === 'Practitioner'),
      ),
    ],
  };
}

/** A further page of the program's summaries search, with its Patients. */
export function programSummaryPage(patients: readonly ProgramPatient[], next?: string): Bundle {
  const built = patients.map(programPatient);
  return searchPage(
    built.map(([, s]) => s),
    built.map(([p]) => p),
    next,
  );
}

/**
 * The server's answer to a CM ledger batch: the patient's record searches, then the program's rewards and plans
 * and the clinic's schedule PlanDefinitions (none: the default schedule).
 */
export function ledgerBatchResponse(
  patientId: string,
  raw: readonly Resource[],
  programRewards: readonly Task[] = [],
  schedule: readonly Resource[] = [],
): Bundle {
  const searches = patientRecordSearches(patientId);
  const entries: Resource[][] = searches.map(() => []);
  for (const resource of raw) {
    const i = searches.findIndex((s) => s.resourceType === resource.resourceType);
    entries[i >= 0 ? i : 0]?.push(resource);
  }
  return {
    resourceType: 'Bundle',
    type: 'batch-response',
    entry: [
      ...entries.map((e) => searchEntry(e)),
      searchEntry(programRewards),
      searchEntry([]),
      searchEntry(schedule),
    ],
  };
}

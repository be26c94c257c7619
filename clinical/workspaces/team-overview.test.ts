import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { CareTeam, Flag, Patient, Practitioner } from '@medplum/fhirtypes';

import type { Alert } from '../alerts/patient-alerts';
import type { DerivedRowInput } from '../derived/derive';
import { activeFlag } from '../derived/flag-resource';
import type { PopulationFacts, PopulationWeek } from '../derived/population-facts';
import { derivedRiskAssessment } from '../derived/risk-resource';
import { type SummaryFacts, summaryObservation } from '../derived/summary-resource';
import type { RiskBand } from '../risk/relapse-risk';
import { IDENTIFIER_SYSTEM, LOCAL_SYSTEM } from '../terminology';
import { closedWeekStarts, supervisedCounselors, teamOverview } from './team-overview';

// Monday 16 March 2026: the last closed week is 9–15 March, the twelfth-last began 22 December 2025.
const AS_OF = '2026-03-16T12:00:00.000Z';
const SUPERVISOR = 'Practitioner/sup';
const ALEX = 'Practitioner/alex';
const BLAIR = 'Practitioner/blair';
const CASEY = 'Practitioner/casey';
const OTHER = 'Practitioner/other';

const role = (code: string) => [{ coding: [{ system: LOCAL_SYSTEM.role, code }] }];

function aSupervisionTeam(lead: string, members: readonly string[], extra: Partial<CareTeam> = {}): CareTeam {
  return {
    resourceType: 'CareTeam',
    id: `team-${lead.split('/')[1]}`,
    status: 'active',
    identifier: [{ system: IDENTIFIER_SYSTEM.team, value: `supervision-${lead}` }],
    participant: [
      { role: role('supervisor'), member: { reference: lead } },
      ...members.map((m) => ({ role: role('counselor'), member: { reference: m } })),
    ],
    ...extra,
  };
}

function aPractitioner(reference: string, given: string, family: string): Practitioner {
  return { resourceType: 'Practitioner', id: reference.split('/')[1], name: [{ given: [given], family }] };
}

const SCORE: Record<RiskBand, number> = { low: 1, moderate: 4, high: 7 };

interface PatientFigures {
  readonly counselor: string;
  readonly band?: RiskBand;
  readonly active?: boolean;
  readonly notes4w?: number;
  readonly signed24h?: number;
  readonly signed72h?: number;
  readonly unsigned?: number;
  readonly overdue?: number;
  readonly cosign?: number;
  readonly attended?: number;
  readonly noShow?: number;
  readonly alerts?: readonly Pick<Alert, 'id' | 'severity'>[];
  /** Band of the weekly assessment by week start (ISO day). */
  readonly weeks?: Readonly<Record<string, RiskBand>>;
}

/** One patient as a server with derived state holds it: Patient, summary, current assessment, active Flags. */
function aTeamPatient(id: string, f: PatientFigures): DerivedRowInput {
  const patient: Patient = { resourceType: 'Patient', id, name: [{ given: [id], family: 'Test' }] };
  const facts: SummaryFacts = {
    episodeActive: f.active ?? true,
    track: 'CBT',
    week: null,
    lastSession: null,
    nextAppointment: null,
    attendance: {
      percent: null,
      attended: f.attended ?? 0,
      noShow: f.noShow ?? 0,
      basis: 'Cancelled sessions are not counted.',
    },
    mat: {
      status: 'none',
      label: 'no MAT',
      drug: null,
      product: null,
      dose: null,
      daysLeft: null,
      detail: '',
      uncoded: false,
    },
    lastUds: null,
    futureUds: null,
    craving: [],
    phq9: null,
    notesDue: { unsigned: f.unsigned ?? 0, over24h: f.overdue ?? 0, overdue: f.overdue ?? 0 },
  };
  const weeks: PopulationWeek[] = Object.entries(f.weeks ?? {}).map(([weekStart, band]) => ({
    weekStart,
    pdc: null,
    attendance: null,
    riskScore: SCORE[band],
    riskBand: band,
  }));
  const population: PopulationFacts = {
    careManager: f.counselor,
    pdc30: null,
    missedDosesThisWeek: null,
    lastDispense: null,
    suppliedThrough: null,
    nextInjectionDue: null,
    takeHome: null,
    lastContact: null,
    negativeStreakWeeks: 0,
    openTasks: 0,
    cosignWaiting: f.cosign ?? 0,
    notes4w: f.notes4w ?? 0,
    notesSigned24h4w: f.signed24h ?? 0,
    notesSigned72h4w: f.signed72h ?? 0,
    weeks,
  };
  const careTeam = [{ reference: f.counselor }, { reference: 'Practitioner/prescriber' }];
  const summary = summaryObservation(facts, id, AS_OF, careTeam, population);
  const risk = f.band
    ? derivedRiskAssessment(
        {
          modelId: 'waypoint-relapse-risk',
          modelVersion: '1.0.0',
          score: SCORE[f.band],
          band: f.band,
          points: [],
          asOf: AS_OF,
        },
        id,
        'same',
        'current',
      )
    : undefined;
  const flags: Flag[] = (f.alerts ?? []).map((a) =>
    activeFlag({ ...a, label: a.id, detail: '', evidence: [] }, id, AS_OF),
  );
  return { patient, summary, risk, flags };
}

const W_MAR_9 = '2026-03-09';
const W_MAR_2 = '2026-03-02';

/**
 * The worked example. Supervisor "sup" leads one supervision team with Alex Chen and Blair Diaz, and is also on a
 * second team led by someone else (whose counselor, Casey, is not theirs).
 *
 * Alex Chen — 3 patients in the caseload (a1, a2, a3; a4's episode has ended, so a4 is not counted):
 *   a1 high,     4 notes (3 signed ≤ 24 h, 4 ≤ 72 h), 1 co-signature waiting, 3 attended / 1 no-show, PHQ-9 item 9
 *   a2 moderate, 4 notes (2 ≤ 24 h, 3 ≤ 72 h), 1 unsigned and overdue,        2 attended / 2 no-show
 *   a3 low,      2 notes (2 ≤ 24 h, 2 ≤ 72 h),                                 4 attended / 0 no-show
 *   → caseload 3; high 1, moderate 1, low 1; notes 10: 7 ≤ 24 h = 70 %, 9 ≤ 72 h = 90 %; unsigned 1, overdue 1;
 *     co-signatures 1; attendance 9 / (9 + 3) = 75 %; safety 1 (a1).
 * Blair Diaz — 2 patients:
 *   b1 high, no notes, fentanyl-positive screen (safety) and a MAT gap (high, not safety), no sessions held
 *   b2 no current assessment yet, 1 unsigned note (not overdue), 1 attended / 2 no-show
 *   → caseload 2; high 1, not assessed 1; no notes to time (— %); unsigned 1, overdue 0; attendance 1 / 3 = 33 %;
 *     safety 1 (b1; the MAT gap alert is not a safety alert).
 * Casey's patient c1 and the supervisor's own patient s1 are not on the table.
 */
function workedExample() {
  const careTeams: CareTeam[] = [
    aSupervisionTeam(SUPERVISOR, [ALEX, BLAIR]),
    aSupervisionTeam(OTHER, [CASEY, SUPERVISOR]),
  ];
  const practitioners = [
    aPractitioner(ALEX, 'Alex', 'Chen'),
    aPractitioner(BLAIR, 'Blair', 'Diaz'),
    aPractitioner(CASEY, 'Casey', 'Evans'),
  ];
  const patients = [
    aTeamPatient('a1', {
      counselor: ALEX,
      band: 'high',
      notes4w: 4,
      signed24h: 3,
      signed72h: 4,
      cosign: 1,
      attended: 3,
      noShow: 1,
      alerts: [{ id: 'phq9-item9', severity: 'safety' }],
      weeks: { [W_MAR_2]: 'moderate', [W_MAR_9]: 'high' },
    }),
    aTeamPatient('a2', {
      counselor: ALEX,
      band: 'moderate',
      notes4w: 4,
      signed24h: 2,
      signed72h: 3,
      unsigned: 1,
      overdue: 1,
      attended: 2,
      noShow: 2,
      weeks: { [W_MAR_2]: 'moderate', [W_MAR_9]: 'moderate' },
    }),
    aTeamPatient('a3', {
      counselor: ALEX,
      band: 'low',
      notes4w: 2,
      signed24h: 2,
      signed72h: 2,
      attended: 4,
      weeks: { [W_MAR_9]: 'low' },
    }),
    aTeamPatient('a4', { counselor: ALEX, band: 'high', active: false, notes4w: 5, signed24h: 0 }),
    aTeamPatient('b1', {
      counselor: BLAIR,
      band: 'high',
      alerts: [
        { id: 'uds-fentanyl', severity: 'safety' },
        { id: 'mat-gap', severity: 'high' },
      ],
      weeks: { [W_MAR_9]: 'high', '2025-12-15': 'high' },
    }),
    aTeamPatient('b2', { counselor: BLAIR, unsigned: 1, attended: 1, noShow: 2 }),
    aTeamPatient('c1', { counselor: CASEY, band: 'high', notes4w: 3 }),
    aTeamPatient('s1', { counselor: SUPERVISOR, band: 'low' }),
  ];
  return teamOverview({ supervisor: SUPERVISOR, careTeams, practitioners, patients, asOf: AS_OF });
}

describe('team overview (supervision)', () => {
  test('the supervised counselors are the others on the teams the supervisor leads', () => {
    const teams = [
      aSupervisionTeam(SUPERVISOR, [ALEX, BLAIR]),
      aSupervisionTeam(OTHER, [CASEY, SUPERVISOR]),
      aSupervisionTeam(SUPERVISOR, [CASEY], { status: 'inactive' }),
      // A patient's care team that happens to list the supervisor is not a supervision team.
      { ...aSupervisionTeam(SUPERVISOR, [OTHER]), subject: { reference: 'Patient/x' } },
    ];
    assert.deepEqual(supervisedCounselors(teams, SUPERVISOR), [ALEX, BLAIR]);
    assert.deepEqual(supervisedCounselors(teams, OTHER), [CASEY, SUPERVISOR]);
    assert.deepEqual(supervisedCounselors(teams, ALEX), []);
  });

  test('Alex Chen: 3 patients, 1/1/1 by risk, 70 % / 90 % signed on time, 1 overdue, 75 % attendance, 1 safety', () => {
    const alex = workedExample().counselors.find((c) => c.practitioner === ALEX);
    assert.deepEqual(
      alex && {
        name: alex.name,
        patients: alex.patientIds,
        caseload: alex.caseload,
        risk: alex.risk,
        notes: [alex.notes4w, alex.signedWithin24h, alex.signedWithin72h],
        percent: [alex.percent24h, alex.percent72h],
        unsigned: alex.unsignedNotes,
        overdue: alex.overdueNotes,
        cosign: alex.cosignWaiting,
        attendance: [alex.sessionsAttended, alex.sessionsNoShow, alex.attendancePercent],
        safety: alex.safetyAlerts,
      },
      {
        name: 'Alex Chen',
        patients: ['a1', 'a2', 'a3'],
        caseload: 3,
        risk: { high: 1, moderate: 1, low: 1, notAssessed: 0 },
        notes: [10, 7, 9],
        percent: [70, 90],
        unsigned: 1,
        overdue: 1,
        cosign: 1,
        attendance: [9, 3, 75],
        safety: 1,
      },
    );
  });

  test('Blair Diaz: 2 patients, one not yet assessed, no notes to time (—), 33 % attendance, 1 safety', () => {
    const blair = workedExample().counselors.find((c) => c.practitioner === BLAIR);
    assert.deepEqual(
      blair && {
        caseload: blair.caseload,
        risk: blair.risk,
        percent: [blair.percent24h, blair.percent72h],
        unsigned: blair.unsignedNotes,
        overdue: blair.overdueNotes,
        attendance: blair.attendancePercent,
        safety: blair.safetyAlerts,
      },
      {
        caseload: 2,
        risk: { high: 1, moderate: 0, low: 0, notAssessed: 1 },
        percent: [null, null],
        unsigned: 1,
        overdue: 0,
        attendance: 33,
        safety: 1,
      },
    );
  });

  test('one row per supervised counselor, by name; others and the supervisor’s own patients are left out', () => {
    const overview = workedExample();
    assert.deepEqual(
      overview.counselors.map((c) => [c.name, c.practitionerId]),
      [
        ['Alex Chen', 'alex'],
        ['Blair Diaz', 'blair'],
      ],
    );
    assert.equal(overview.team.caseload, 5);
    assert.deepEqual(overview.team.risk, { high: 2, moderate: 1, low: 1, notAssessed: 1 });
    assert.equal(overview.team.safetyAlerts, 2);
    // 10 notes, all Alex's: the team's percentages are Alex's.
    assert.deepEqual([overview.team.percent24h, overview.team.percent72h], [70, 90]);
    // (9 + 1) attended of (9 + 1) + (3 + 2) held = 10 / 15.
    assert.equal(overview.team.attendancePercent, 67);
  });

  test('a patient on two supervised caseloads is in both rows and once in the team total', () => {
    const shared = aTeamPatient('shared', { counselor: ALEX, band: 'high' });
    const onBoth = {
      ...shared,
      summary: { ...shared.summary, performer: [{ reference: ALEX }, { reference: BLAIR }] },
    };
    const overview = teamOverview({
      supervisor: SUPERVISOR,
      careTeams: [aSupervisionTeam(SUPERVISOR, [ALEX, BLAIR])],
      practitioners: [],
      patients: [onBoth],
      asOf: AS_OF,
    });
    assert.deepEqual(
      overview.counselors.map((c) => c.caseload),
      [1, 1],
    );
    assert.equal(overview.team.caseload, 1);
    // Without a Practitioner resource the row is named by its reference.
    assert.equal(overview.counselors[0]?.name, ALEX);
  });

  test('risk trend: 12 closed weeks; 9–15 Mar: 2 high, 1 moderate, 1 low; 2–8 Mar: 2 moderate', () => {
    const { trend } = workedExample();
    assert.deepEqual(closedWeekStarts(AS_OF).slice(0, 1), ['2025-12-22']);
    assert.equal(trend.length, 12);
    assert.equal(trend[0]?.weekStart, '2025-12-22');
    assert.deepEqual(trend.at(-1), { weekStart: W_MAR_9, high: 2, moderate: 1, low: 1 });
    assert.deepEqual(trend.at(-2), { weekStart: W_MAR_2, high: 0, moderate: 2, low: 0 });
    // b1's week of 15 Dec 2025 is older than the 12 weeks; a4 (episode ended) and c1 are not on the team.
    assert.deepEqual(
      trend.slice(0, -2).map((w) => w.high + w.moderate + w.low),
      Array.from({ length: 10 }, () => 0),
    );
  });
});

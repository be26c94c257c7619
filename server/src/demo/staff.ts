/**
 * The demo clinic's staff: who works there, with which role, and who supervises whom. Deterministic for a
 * seed and a clinic size; the sign-in accounts (see README.md) are made from {@link demoStaff}.
 */
import type { CareTeam, Practitioner, PractitionerRole, Reference, Resource } from '@medplum/fhirtypes';

import {
  CLINIC_ORGANIZATION_ID,
  CLINIC_SERVICE_ID,
  STAFF_ROLE_DISPLAY,
} from '../../../clinical/templates/index';
import {
  COSIGN_REQUIRED_ROLE,
  IDENTIFIER_SYSTEM,
  LOCAL_SYSTEM,
  type StaffRole,
  SUD_SECURITY_LABELS,
} from '../../../clinical/terminology';
import { FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES } from './names';
import { IdFactory, Random } from './prng';

/** The one local-only password of every demo account (documented in README.md). */
export const DEMO_PASSWORD = 'waypoint-demo';

export interface DemoStaff {
  readonly username: string;
  readonly displayName: string;
  readonly role: StaffRole;
  readonly practitionerId: string;
  readonly practitionerRoleId: string;
}

/** Staff with the extra facts the generator needs. */
export interface StaffMember extends DemoStaff {
  readonly given: string;
  readonly family: string;
  readonly gender: 'female' | 'male';
  readonly credential: string;
  /** Counselors: index of their supervisor in the supervisor list. */
  readonly supervisorIndex?: number;
  /** Counselors whose signed notes need a supervisor's co-signature (associate / pre-licensed). */
  readonly requiresCosign?: boolean;
}

export interface StaffPlan {
  readonly members: readonly StaffMember[];
  readonly counselors: readonly StaffMember[];
  readonly supervisors: readonly StaffMember[];
  readonly coordinators: readonly StaffMember[];
  readonly prescribers: readonly StaffMember[];
  readonly peers: readonly StaffMember[];
}

const USERNAME_PREFIX: Record<StaffRole, string> = {
  counselor: 'counselor',
  supervisor: 'supervisor',
  'care-coordinator': 'coordinator',
  prescriber: 'prescriber',
  'peer-specialist': 'peer',
};

const CREDENTIALS: Record<StaffRole, readonly string[]> = {
  counselor: ['LPC', 'LCSW', 'LCADC', 'LMFT', 'LPC, CAADC'],
  supervisor: ['LCSW, CCS', 'LPC, CCS', 'PhD, LP'],
  'care-coordinator': ['RN', 'CCM', 'LSW'],
  prescriber: ['MD', 'DO', 'PMHNP-BC'],
  'peer-specialist': ['CPRS', 'CRPS'],
};

/** Staff numbers for a clinic of `patients` patients: 8 counselors (≈ 30 patients each) at N = 240. */
export function staffCounts(patients: number): Record<StaffRole, number> {
  const counselors = Math.max(8, Math.round(patients / 30));
  return {
    counselor: counselors,
    supervisor: Math.max(2, Math.ceil(counselors / 4)),
    'care-coordinator': Math.max(2, Math.ceil(patients / 120)),
    prescriber: Math.max(2, Math.ceil(patients / 120)),
    'peer-specialist': Math.max(1, Math.ceil(patients / 240)),
  };
}

export function planStaff(seed: string, patients: number): StaffPlan {
  const random = new Random(`${seed}:staff`);
  const ids = new IdFactory(`${seed}:staff-ids`);
  const counts = staffCounts(patients);
  const usedNames = new Set<string>();
  const members: StaffMember[] = [];
  for (const role of [
    'supervisor',
    'counselor',
    'care-coordinator',
    'prescriber',
    'peer-specialist',
  ] as const) {
    for (let i = 1; i <= counts[role]; i++) {
      const gender = random.chance(0.62) ? 'female' : 'male';
      let given: string;
      let family: string;
      do {
        given = random.pick(gender === 'female' ? FEMALE_NAMES : MALE_NAMES);
        family = random.pick(FAMILY_NAMES);
      } while (usedNames.has(`${given} ${family}`));
      usedNames.add(`${given} ${family}`);
      const credential = random.pick(CREDENTIALS[role]);
      const counselorIndex = i - 1;
      members.push({
        username: `${USERNAME_PREFIX[role]}${i}`,
        displayName: `${given} ${family}, ${credential}`,
        role,
        practitionerId: ids.next(),
        practitionerRoleId: ids.next(),
        given,
        family,
        gender,
        credential,
        ...(role === 'counselor'
          ? {
              // Counselors split evenly (contiguously) between supervisors: at N = 240 each supervises half.
              supervisorIndex: Math.floor((counselorIndex * counts.supervisor) / counts.counselor),
              // The last quarter of counselors are associates whose notes need co-signature.
              requiresCosign: counselorIndex >= Math.ceil(counts.counselor * 0.75),
            }
          : {}),
      });
    }
  }
  const byRole = (role: StaffRole) => members.filter((m) => m.role === role);
  return {
    members,
    counselors: byRole('counselor'),
    supervisors: byRole('supervisor'),
    coordinators: byRole('care-coordinator'),
    prescribers: byRole('prescriber'),
    peers: byRole('peer-specialist'),
  };
}

/** The sign-in accounts of the demo clinic (username, display name, role, FHIR ids). */
export function demoStaff(seed: string, patients = 240): DemoStaff[] {
  return planStaff(seed, patients).members.map(
    ({ username, displayName, role, practitionerId, practitionerRoleId }) => ({
      username,
      displayName,
      role,
      practitionerId,
      practitionerRoleId,
    }),
  );
}

export function roleCoding(role: StaffRole) {
  return { system: LOCAL_SYSTEM.role, code: role, display: STAFF_ROLE_DISPLAY[role] };
}

export const practitionerRef = (m: StaffMember): Reference<Practitioner> => ({
  reference: `Practitioner/${m.practitionerId}`,
  display: `${m.given} ${m.family}`,
});

/** Practitioner, PractitionerRole and the supervision CareTeams. `since` is the staff start date. */
export function staffResources(plan: StaffPlan, since: string, teamIds: IdFactory): Resource[] {
  const out: Resource[] = [];
  for (const m of plan.members) {
    const practitioner: Practitioner = {
      resourceType: 'Practitioner',
      id: m.practitionerId,
      identifier: [{ system: IDENTIFIER_SYSTEM.staff, value: m.username }],
      active: true,
      name: [{ use: 'official', family: m.family, given: [m.given], suffix: m.credential.split(', ') }],
      telecom: [{ system: 'email', value: `${m.username}@waypoint.example`, use: 'work' }],
      gender: m.gender,
      qualification: m.credential.split(', ').map((c) => ({ code: { text: c } })),
    };
    const role: PractitionerRole = {
      resourceType: 'PractitionerRole',
      id: m.practitionerRoleId,
      identifier: [{ system: IDENTIFIER_SYSTEM.staff, value: `${m.username}-role` }],
      active: true,
      period: { start: since },
      practitioner: practitionerRef(m),
      organization: { reference: `Organization/${CLINIC_ORGANIZATION_ID}` },
      code: [
        { coding: [roleCoding(m.role)] },
        // An associate (pre-licensed) counselor: a supervisor co-signs each note (clinical needsCosign).
        ...(m.requiresCosign
          ? [
              {
                coding: [
                  { system: LOCAL_SYSTEM.role, code: COSIGN_REQUIRED_ROLE, display: 'Associate counselor' },
                ],
              },
            ]
          : []),
      ],
      healthcareService: [{ reference: `HealthcareService/${CLINIC_SERVICE_ID}` }],
      telecom: [{ system: 'email', value: `${m.username}@waypoint.example`, use: 'work' }],
    };
    out.push(practitioner, role);
  }
  plan.supervisors.forEach((supervisor, s) => {
    const team: CareTeam = {
      resourceType: 'CareTeam',
      id: teamIds.next(),
      identifier: [{ system: IDENTIFIER_SYSTEM.team, value: `supervision-${supervisor.username}` }],
      status: 'active',
      category: [{ text: 'Clinical supervision' }],
      name: `Supervision group of ${supervisor.given} ${supervisor.family}`,
      period: { start: since },
      participant: [
        { role: [{ coding: [roleCoding('supervisor')] }], member: practitionerRef(supervisor) },
        ...plan.counselors
          .filter((c) => c.supervisorIndex === s)
          .map((c) => ({ role: [{ coding: [roleCoding('counselor')] }], member: practitionerRef(c) })),
      ],
      managingOrganization: [{ reference: `Organization/${CLINIC_ORGANIZATION_ID}` }],
    };
    out.push(team);
  });
  return out;
}

/** meta.security for every SUD record (42 CFR Part 2). */
export function sudSecurity() {
  return SUD_SECURITY_LABELS.map((l) => ({ ...l }));
}

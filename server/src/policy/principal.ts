/**
 * Who is calling the FHIR API, and which patients they may see: resolved per request from the store
 * (PractitionerRole, CareTeam, EpisodeOfCare), never from anything the client sends.
 */
import { Operator, type SearchRequest, type WithId } from '@medplum/core';
import type { FhirRepository } from '@medplum/fhir-router';
import type { CareTeam, EpisodeOfCare, PractitionerRole, Reference, Resource } from '@medplum/fhirtypes';

import { LOCAL_SYSTEM, STAFF_ROLES, type StaffRole } from '../../../clinical/terminology';
import type { PermissionSet } from '../auth/smart-scopes';
import { patientIdOfReference } from '../store/compartment';

/** Identifier system of the supervision CareTeams (one per supervisor, no subject). */
export const TEAM_IDENTIFIER_SYSTEM = 'http://waypoint.health/fhir/team';

export type Principal =
  | {
      readonly kind: 'user';
      readonly practitionerId: string;
      readonly username: string;
      readonly displayName: string;
      readonly roles: ReadonlySet<StaffRole>;
      readonly clientId: string;
      readonly permissions: PermissionSet;
    }
  | {
      readonly kind: 'system';
      readonly clientId: string;
      readonly permissions: PermissionSet;
    };

/**
 * The patients a principal may see: every patient (system clients, break-glass) or a set of ids; for a
 * supervisor also the practitioners they supervise (`Practitioner/<id>`), whose audit trail they read.
 */
export type PatientScope =
  | { readonly all: true }
  | {
      readonly all: false;
      readonly patientIds: ReadonlySet<string>;
      readonly supervisees?: ReadonlySet<string>;
    };

/** Roles from the practitioner's active PractitionerRoles; the account's role when there are none. */
export async function resolveRoles(
  repo: FhirRepository,
  practitionerId: string,
  accountRole: string | undefined,
): Promise<Set<StaffRole>> {
  const roles = await repo.searchResources<PractitionerRole>({
    resourceType: 'PractitionerRole',
    filters: [{ code: 'practitioner', operator: Operator.EQUALS, value: `Practitioner/${practitionerId}` }],
    count: 100,
  });
  const result = new Set<StaffRole>();
  for (const role of roles.filter((r) => r.active !== false)) {
    for (const coding of (role.code ?? []).flatMap((c) => c.coding ?? [])) {
      if (coding.system === LOCAL_SYSTEM.role && STAFF_ROLES.includes(coding.code as StaffRole)) {
        result.add(coding.code as StaffRole);
      }
    }
  }
  if (roles.length === 0 && accountRole && STAFF_ROLES.includes(accountRole as StaffRole)) {
    result.add(accountRole as StaffRole);
  }
  return result;
}

function refOf(reference: Reference | undefined): string | undefined {
  return reference?.reference;
}

/**
 * Every match of a search, page by page: a store returns at most its page size whatever `count` asks for, and
 * a scope cut at a page would silently hide patients (a 2,000-patient clinic's program lost 740 of 1,789 at a
 * page size of 1,000).
 */
export async function searchEvery<T extends Resource>(
  repo: FhirRepository,
  request: SearchRequest<T>,
  pageSize = 1000,
): Promise<WithId<T>[]> {
  const all: WithId<T>[] = [];
  // Sorted by id so the pages do not overlap; advanced by what came back, so a store whose cap is below
  // `pageSize` is read to the end too (an empty page ends it).
  for (;;) {
    const page = await repo.searchResources<T>({
      ...request,
      count: pageSize,
      offset: all.length,
      sortRules: [{ code: '_id' }],
    });
    if (page.length === 0) return all;
    all.push(...page);
  }
}

async function activeCareTeams(repo: FhirRepository, participants: readonly string[]): Promise<CareTeam[]> {
  if (participants.length === 0) return [];
  return searchEvery<CareTeam>(repo, {
    resourceType: 'CareTeam',
    filters: [
      { code: 'participant', operator: Operator.EQUALS, value: participants.join(',') },
      { code: 'status', operator: Operator.EQUALS, value: 'active' },
    ],
  });
}

function isSupervisionTeam(team: CareTeam): boolean {
  return !team.subject && (team.identifier ?? []).some((i) => i.system === TEAM_IDENTIFIER_SYSTEM);
}

function subjectsOf(teams: readonly CareTeam[]): Set<string> {
  const ids = new Set<string>();
  for (const team of teams) {
    const id = patientIdOfReference(refOf(team.subject));
    if (id) ids.add(id);
  }
  return ids;
}

/**
 * counselor (and prescriber, peer specialist): patients with an active CareTeam that includes them;
 * supervisor: also the patients of the counselors in their supervision CareTeam(s);
 * care coordinator: also every patient with an active EpisodeOfCare at their PractitionerRoles'
 * organizations.
 */
export async function resolvePatientScope(
  repo: FhirRepository,
  practitionerId: string,
  roles: ReadonlySet<StaffRole>,
): Promise<PatientScope> {
  const me = `Practitioner/${practitionerId}`;
  const myTeams = await activeCareTeams(repo, [me]);
  const patientIds = subjectsOf(myTeams);
  const supervisees = new Set<string>();

  if (roles.has('supervisor')) {
    for (const team of myTeams.filter(isSupervisionTeam)) {
      const lead = (team.participant ?? []).some(
        (p) =>
          refOf(p.member) === me &&
          (p.role ?? []).some((r) => (r.coding ?? []).some((c) => c.code === 'supervisor')),
      );
      if (!lead) continue;
      for (const p of team.participant ?? []) {
        const member = refOf(p.member);
        if (member?.startsWith('Practitioner/') && member !== me) supervisees.add(member);
      }
    }
    const theirTeams = await activeCareTeams(repo, [...supervisees]);
    subjectsOf(theirTeams).forEach((id) => patientIds.add(id));
  }

  if (roles.has('care-coordinator')) {
    const practitionerRoles = await repo.searchResources<PractitionerRole>({
      resourceType: 'PractitionerRole',
      filters: [{ code: 'practitioner', operator: Operator.EQUALS, value: me }],
      count: 100,
    });
    const organizations = [
      ...new Set(
        practitionerRoles
          .filter((r) => r.active !== false)
          .map((r) => refOf(r.organization))
          .filter((r): r is string => !!r),
      ),
    ];
    if (organizations.length > 0) {
      const episodes = await searchEvery<EpisodeOfCare>(repo, {
        resourceType: 'EpisodeOfCare',
        filters: [
          { code: 'organization', operator: Operator.EQUALS, value: organizations.join(',') },
          { code: 'status', operator: Operator.EQUALS, value: 'active' },
        ],
      });
      for (const episode of episodes) {
        const id = patientIdOfReference(refOf(episode.patient));
        if (id) patientIds.add(id);
      }
    }
  }
  return { all: false, patientIds, ...(roles.has('supervisor') ? { supervisees } : {}) };
}

import type {
  CareTeam,
  CareTeamParticipant,
  Consent,
  HealthcareService,
  HumanName,
  Organization,
  PlanDefinition,
  Reference,
} from '@medplum/fhirtypes';

import { CM_ESCALATING_POINTS, cmEnrolled, cmLedger, type CmSchedule } from '../cm/cm-ledger';
import { cmScheduleOf } from '../cm/cm-schedule';
import { codingsOf } from '../fhir/coding';
import { part2Consent } from '../fhir/consent';
import { activeEpisode } from '../fhir/episode';
import { type AsOf, asOfMillis, formatDate, isoDay, toEndMillis, utcDay } from '../fhir/fhir-date';
import type { PatientRecord } from '../fhir/patient-record';
import { referenceKey, referenceTo } from '../fhir/reference';
import { STAFF_ROLE_DISPLAY } from '../templates/code-systems';
import { LOCAL_SYSTEM, STAFF_ROLES, type StaffRole } from '../terminology';
import type {
  CareTeamMemberFacts,
  CmSummary,
  ConsentFacts,
  SupportNetworkFacts,
  SupportPersonFacts,
} from './chart-facts';

/**
 * The "Care team and support network" panel's facts ("Care team incl. family and peer
 * support"): the CareTeam participants with their roles (counselor, prescriber, care coordinator, peer
 * specialist, family / community-reinforcement supports as RelatedPersons), the RelatedPersons with their
 * relationship, the contingency-management summary (cm/cm-ledger.ts) when enrolled, and the 42 CFR Part 2
 * consent (fhir/consent.ts part2Consent) with what its provision permits in words.
 */

/** Display of a LOCAL role code that is not a staff role. */
const OTHER_ROLE_DISPLAY: Readonly<Record<string, string>> = {
  'family-support': 'Family / concerned significant other',
};

function roleOf(p: CareTeamParticipant): { code: string | null; display: string } {
  const codings = codingsOf(p.role);
  const coding = codings.find((c) => c.system === LOCAL_SYSTEM.role) ?? codings[0];
  const code = coding?.code ?? null;
  const known =
    code && (STAFF_ROLES as readonly string[]).includes(code)
      ? STAFF_ROLE_DISPLAY[code as StaffRole]
      : code
        ? OTHER_ROLE_DISPLAY[code]
        : undefined;
  return { code, display: coding?.display ?? p.role?.[0]?.text ?? known ?? code ?? 'care team member' };
}

function withDisplay(ref: Reference): Reference {
  return {
    ...(ref.reference ? { reference: ref.reference } : {}),
    ...(ref.display ? { display: ref.display } : {}),
  };
}

/** The patient's care teams in force: the active episode's teams, else every active team of the patient. */
function currentTeams(record: PatientRecord, asOf: AsOf): CareTeam[] {
  const active = record.careTeams.filter((t) => t.status === undefined || t.status === 'active');
  const wanted = new Set((activeEpisode(record, asOf)?.team ?? []).map((t) => referenceKey(t.reference)));
  const ofEpisode = active.filter((t) => wanted.has(`CareTeam/${t.id ?? ''}`));
  return ofEpisode.length > 0 ? ofEpisode : active;
}

function careTeamFacts(record: PatientRecord, asOf: AsOf): CareTeamMemberFacts[] {
  const now = asOfMillis(asOf);
  return currentTeams(record, asOf).flatMap((team) =>
    (team.participant ?? [])
      .filter((p) => p.member && (toEndMillis(p.period?.end) ?? Infinity) >= now)
      .map((p) => {
        const role = roleOf(p);
        const key = referenceKey(p.member?.reference);
        return {
          role: role.code,
          roleDisplay: role.display,
          member: withDisplay(p.member as Reference),
          memberType: key?.split('/')[0] ?? null,
          careTeam: referenceTo(team),
        };
      }),
  );
}

function nameOf(names: readonly HumanName[] | undefined): string {
  const n = (names ?? []).find((x) => x.use !== 'old') ?? names?.[0];
  if (!n) return '(no name recorded)';
  const text = n.text?.trim() || [...(n.given ?? []), n.family ?? ''].join(' ').trim();
  return text || '(no name recorded)';
}

function supportPeople(record: PatientRecord, team: readonly CareTeamMemberFacts[]): SupportPersonFacts[] {
  return record.relatedPersons.map((rp) => {
    const key = `RelatedPerson/${rp.id ?? ''}`;
    const onTeam = team.find((m) => referenceKey(m.member.reference) === key);
    return {
      person: referenceTo(rp),
      name: nameOf(rp.name),
      relationships: (rp.relationship ?? [])
        .map((r) => r.text ?? codingsOf(r)[0]?.display ?? codingsOf(r)[0]?.code)
        .filter((x): x is string => !!x),
      active: rp.active !== false,
      telecom: (rp.telecom ?? [])
        .filter((t) => t.system && t.value)
        .map((t) => ({ system: t.system as string, value: t.value as string })),
      careTeamRole: onTeam?.roleDisplay ?? null,
    };
  });
}

function cmSummary(record: PatientRecord, asOf: AsOf, schedule: CmSchedule): CmSummary | null {
  if (!cmEnrolled(record)) return null;
  const ledger = cmLedger(record, asOf, schedule);
  const rewarded = ledger.entries.filter((e) => e.reward);
  const last = rewarded.at(-1);
  return {
    pointsEarned: ledger.earnedPoints,
    pointsPending: ledger.duePoints,
    rewards: rewarded.length,
    currentStreak: ledger.currentStreak,
    lastReward:
      last?.reward !== undefined
        ? { date: last.date, points: last.rewardedPoints ?? 0, evidence: last.reward }
        : null,
    evidence: rewarded.flatMap((e) => (e.reward ? [e.reward] : [])),
  };
}

function organizationName(
  ref: Reference | undefined,
  definitions: readonly (Organization | HealthcareService)[],
): string | undefined {
  if (ref?.display) return ref.display;
  const key = referenceKey(ref?.reference);
  return definitions.find((d) => `${d.resourceType}/${d.id ?? ''}` === key)?.name ?? ref?.reference;
}

function list(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}

function consentFacts(
  record: PatientRecord,
  asOf: AsOf,
  definitions: readonly (Organization | HealthcareService)[],
): ConsentFacts {
  const state = part2Consent(record, asOf);
  const key = referenceKey(state.consent?.reference);
  const consent: Consent | undefined = record.consents.find((c) => `Consent/${c.id ?? ''}` === key);
  const provision = consent?.provision;
  const actors = (provision?.actor ?? []).map((a) => {
    const who = organizationName(a.reference, definitions) ?? 'unnamed recipient';
    const role = a.role?.text ?? codingsOf(a.role)[0]?.display;
    return role ? `${who} (${role})` : who;
  });
  const purposes = (provision?.purpose ?? []).map((p) => p.display ?? p.code ?? '').filter((p) => p !== '');
  const periodStart = provision?.period?.start ?? null;
  const periodEnd = provision?.period?.end ?? null;
  const base = {
    state: state.state,
    consent: state.consent ?? null,
    provisionType: provision?.type ?? null,
    actors,
    purposes,
    periodStart,
    periodEnd,
  };
  const what = [
    actors.length > 0 ? ` to ${list(actors)}` : '',
    purposes.length > 0 ? ` for ${list(purposes)}` : '',
  ].join('');
  switch (state.state) {
    case 'missing':
      return { ...base, summary: 'No 42 CFR Part 2 consent on record.' };
    case 'revoked':
      return {
        ...base,
        summary: `Revoked${periodEnd ? ` on ${formatDate(periodEnd)}` : ''}: no disclosure under this consent.`,
      };
    case 'expired':
      return {
        ...base,
        summary: `Expired on ${formatDate(periodEnd ?? undefined)}: no disclosure under this consent.`,
      };
    default:
      return {
        ...base,
        summary: `Active: ${provision?.type === 'deny' ? 'denies' : 'permits'} disclosure${what}${
          periodStart ? `, from ${formatDate(periodStart)}` : ''
        }${periodEnd ? ` until ${formatDate(periodEnd)}` : ''}.`,
      };
  }
}

/**
 * The Care team and support network panel's facts as of a date. `definitions` (the clinic's Organization and
 * HealthcareServices) name the consent's recipients when the Consent's references carry no display; the clinic's
 * CM PlanDefinition among them sets the reward schedule (cm-schedule.ts; the default when absent or invalid —
 * the coordination ledger, which records rewards, says what is wrong with an invalid one).
 */
export function supportNetwork(
  record: PatientRecord,
  asOf: AsOf,
  definitions: readonly (Organization | HealthcareService | PlanDefinition)[] = [],
): SupportNetworkFacts {
  const reading = cmScheduleOf(
    definitions.filter((d): d is PlanDefinition => d.resourceType === 'PlanDefinition'),
  );
  const schedule = 'schedule' in reading ? reading.schedule : CM_ESCALATING_POINTS;
  const team = careTeamFacts(record, asOf);
  const first = (role: StaffRole) => team.find((m) => m.role === role) ?? null;
  return {
    asOf: isoDay(utcDay(asOfMillis(asOf))),
    careTeam: team,
    counselor: first('counselor'),
    prescriber: first('prescriber'),
    coordinator: first('care-coordinator'),
    peerSpecialist: first('peer-specialist'),
    relatedPersons: supportPeople(record, team),
    cm: cmSummary(record, asOf, schedule),
    consent: consentFacts(
      record,
      asOf,
      definitions.filter((d): d is Organization | HealthcareService => d.resourceType !== 'PlanDefinition'),
    ),
  };
}

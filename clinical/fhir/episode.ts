import type { EpisodeOfCare, Reference } from '@medplum/fhirtypes';

import { EXTENSION, LOCAL_SYSTEM, type Track, TRACKS } from '../terminology';
import { codingsOf } from './coding';
import { type AsOf, asOfMillis, dayOf, toEndMillis, toMillis, utcDay } from './fhir-date';
import type { PatientRecord } from './patient-record';
import { referenceKey, referenceTo } from './reference';

/** Planned length of a track when the episode does not say (the programs run 12–16 weeks). */
export const DEFAULT_PLANNED_WEEKS = 12;

/**
 * The episode of care in force as of a date: started on or before it, not yet ended (period.end
 * absent or on/after it), not cancelled or entered in error; a finished episode without an end date
 * is treated as over. The latest start wins.
 */
export function activeEpisode(record: PatientRecord, asOf: AsOf): EpisodeOfCare | undefined {
  const now = asOfMillis(asOf);
  const candidates = record.episodes.filter((e) => {
    if (e.status === 'cancelled' || e.status === 'entered-in-error' || e.status === 'planned') return false;
    const start = toMillis(e.period?.start);
    if (start === undefined || start > now) return false;
    const end = toMillis(e.period?.end);
    if (end !== undefined) return utcDay(end) >= utcDay(now);
    return e.status !== 'finished';
  });
  return candidates.sort((a, b) => (toMillis(b.period?.start) ?? 0) - (toMillis(a.period?.start) ?? 0))[0];
}

/** The therapy track of an episode (LOCAL track code; any coding spelled CBT/DBT/REBT is accepted). */
export function episodeTrack(episode: EpisodeOfCare | undefined): Track | undefined {
  if (!episode) return undefined;
  const codings = codingsOf(episode.type);
  const preferred = [...codings.filter((c) => c.system === LOCAL_SYSTEM.track), ...codings];
  for (const c of preferred) {
    const code = c.code?.toUpperCase();
    const track = TRACKS.find((t) => t === code);
    if (track) return track;
  }
  return undefined;
}

/** Planned weeks from the extension (positive integer), else {@link DEFAULT_PLANNED_WEEKS}. */
export function plannedWeeks(episode: EpisodeOfCare): number {
  const v = episode.extension?.find((e) => e.url === EXTENSION.plannedWeeks)?.valueInteger;
  return v !== undefined && Number.isInteger(v) && v > 0 ? v : DEFAULT_PLANNED_WEEKS;
}

export interface ProgramWeek {
  /** 1-based week of the episode: days 0–6 are week 1. May exceed planned when a track runs over. */
  readonly week: number;
  readonly planned: number;
  /** Day of the episode, 0 on the start day. */
  readonly dayOfEpisode: number;
  /** "w 6 / 12". */
  readonly label: string;
  readonly episode: Reference;
}

/** Program week of the active episode, or undefined when the patient has no active episode. */
export function programWeek(record: PatientRecord, asOf: AsOf): ProgramWeek | undefined {
  const episode = activeEpisode(record, asOf);
  const startDay = dayOf(episode?.period?.start);
  if (!episode || startDay === undefined) return undefined;
  const dayOfEpisode = utcDay(asOfMillis(asOf)) - startDay;
  const week = Math.floor(dayOfEpisode / 7) + 1;
  const planned = plannedWeeks(episode);
  return { week, planned, dayOfEpisode, label: `w ${week} / ${planned}`, episode: referenceTo(episode) };
}

/** Whether a practitioner is an active participant of the patient's active episode's care team(s). */
/**
 * The practitioners responsible for a patient as of a date: the active episode's care manager and every member
 * (with a current period) of the episode's active care teams (any active team of the patient when the episode
 * names none). Empty without an active episode.
 */
export function careTeamMembers(record: PatientRecord, asOf: AsOf): Reference[] {
  const now = asOfMillis(asOf);
  const episode = activeEpisode(record, asOf);
  if (!episode) return [];
  const members = new Set<string>();
  const manager = referenceKey(episode.careManager?.reference);
  if (manager) members.add(manager);
  const teamKeys = new Set((episode.team ?? []).map((t) => referenceKey(t.reference)));
  for (const team of record.careTeams) {
    if (team.status !== undefined && team.status !== 'active') continue;
    if (teamKeys.size > 0 && !teamKeys.has(`CareTeam/${team.id ?? ''}`)) continue;
    for (const p of team.participant ?? []) {
      const who = referenceKey(p.member?.reference);
      const end = toEndMillis(p.period?.end);
      if (who?.startsWith('Practitioner/') && (end === undefined || end >= now)) members.add(who);
    }
  }
  return [...members].sort().map((reference) => ({ reference }));
}

/** Whether a practitioner is one of the patient's care team members as of a date (see careTeamMembers). */
export function isOnCareTeam(record: PatientRecord, practitioner: Reference, asOf: AsOf): boolean {
  const who = referenceKey(practitioner.reference);
  return who !== undefined && careTeamMembers(record, asOf).some((m) => m.reference === who);
}

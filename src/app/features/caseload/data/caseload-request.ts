import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';

import { bundleResources } from '../../../../../clinical/fhir/patient-record';
import {
  COSIGN_TASK_CODE,
  GAD7,
  MEASURE,
  PHQ9,
  type Substance,
  UDS_TESTS,
} from '../../../../../clinical/terminology';
import { batchBundle, entryOutcome, getEntry } from '../../../core/fhir/bundle';
import { toQueryString } from '../../../core/fhir/fhir-client';
import { FhirError } from '../../../core/fhir/operation-outcome';

/** The FHIR types the caseload reads, one entity table each. */
export const CASELOAD_RESOURCE_TYPES = [
  'Patient',
  'EpisodeOfCare',
  'CareTeam',
  'Appointment',
  'Encounter',
  'MedicationRequest',
  'MedicationAdministration',
  'MedicationDispense',
  'MedicationStatement',
  'Medication',
  'Observation',
  'DiagnosticReport',
  'QuestionnaireResponse',
  'Provenance',
  'Task',
  'Consent',
] as const;

export type CaseloadResourceType = (typeof CASELOAD_RESOURCE_TYPES)[number];

/**
 * What a server returns at most per search and per included type (the embedded server's `_count` maximum;
 * Medplum's router also cuts each `_include` at one page, silently). Every entry asks for this many; an entry
 * that reaches it (or says it has a next page) fails the load rather than show a caseload cut short.
 */
export const SEARCH_CAP = 1000;

/** Days of MAT administrations and dispenses: covers the 7-day dose look-back, a long-acting injection's
 * 31 days + grace (35) and any take-home / SL supply still running (days' supply ≤ 28 in practice). */
export const MAT_WINDOW_DAYS = 60;
/** Days of urine drug screens: covers the risk model's 3 weekly screens and the 4-week UDS alert rules. */
export const UDS_WINDOW_DAYS = 35;

/** What a note row needs (status, dates, links), never the note body (`item`). */
const NOTE_ELEMENTS = ['status', 'questionnaire', 'authored', 'author', 'encounter', 'subject'];

/** The measures the rows read (craving, PHQ-9 total and item 9, GAD-7 total, BAM subscales): all dates. */
const MEASURE_CODES = [
  MEASURE.craving,
  PHQ9.total,
  PHQ9.item9,
  GAD7.total,
  MEASURE.bamUse,
  MEASURE.bamRisk,
  MEASURE.bamProtective,
];

/** UDS analyte codes by substance: one entry each, so no single search nears the cap for a large caseload. */
function udsCodesBySubstance(): [Substance, string[]][] {
  const groups = new Map<Substance, string[]>();
  for (const t of UDS_TESTS) groups.set(t.substance, [...(groups.get(t.substance) ?? []), t.code]);
  return [...groups];
}

/** One search of the caseload batch and the clinical reason for its filters. */
export interface CaseloadSearch {
  readonly type: CaseloadResourceType;
  readonly url: string;
}

const DAY_MS = 86_400_000;

/** The UTC day `days` before as-of, as a FHIR date (the window starts at the start of that day). */
function daysBefore(asOf: string, days: number): string {
  return new Date(Date.parse(asOf) - days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The window from as-of − `days` days on, cut into `parts` consecutive date ranges (`ge`/`lt` prefixed
 * values; the last one open-ended), so a busy type is spread over several searches under the cap.
 */
function periods(asOf: string, days: number, parts: number): string[][] {
  const step = Math.ceil(days / parts);
  return Array.from({ length: parts }, (_, i) => {
    const from = days - i * step;
    const to = from - step;
    return i === parts - 1 ? [`ge${daysBefore(asOf, from)}`] : [`ge${daysBefore(asOf, from)}`, `lt${daysBefore(asOf, to)}`];
  });
}

/**
 * All of time, cut at as-of − each of `daysBack` (descending; 0 = as-of itself): date ranges with the
 * first and last open-ended, plus the resources that have no date at all. Nothing is left out, so a
 * reader that looks back without limit sees the same data, yet each search stays under the cap for a
 * larger caseload. A period that spans a cut matches two ranges; records are keyed by id, so that is harmless.
 */
function wholeTimeline(asOf: string, daysBack: readonly number[]): string[][] {
  const cuts = daysBack.map((days) => daysBefore(asOf, days));
  return [
    [`lt${cuts[0]}`],
    ...cuts.slice(1).map((cut, i) => [`ge${cuts[i]}`, `lt${cut}`]),
    [`ge${cuts[cuts.length - 1]}`],
  ];
}

/** Session history cuts (days before as-of): ~9 appointments per patient over a 12–16 week track. */
const SESSION_CUTS = [84, 56, 28, 0] as const;

/**
 * The searches of the caseload of a practitioner as of a date. Every resource search but the notes is scoped
 * to the caseload by a chained `_has` (`patient._has:CareTeam:patient:participant=<me>`: the patient is on a
 * care team I am a participant of), so there is one entry per type whatever the caseload size:
 *
 * - no date window (the rules read them at any date): CareTeam (with their Patients), EpisodeOfCare, Consent,
 *   MedicationRequest (+ referenced Medications; expected positives linger 14 days after an order ends),
 *   MedicationStatement, Appointment and Encounter (last session, consecutive no-shows and a note's session
 *   date look back without limit), the measures by code (craving baseline = first rating of the episode,
 *   PHQ-9 change = previous total, item 9 = self-harm alert; PHQ items 1–8 and GAD items are not sent),
 *   co-sign Tasks, and my unsigned notes without their bodies;
 * - windowed: MedicationAdministration and MedicationDispense from as-of − {@link MAT_WINDOW_DAYS} days (MAT
 *   status); UDS DiagnosticReports and analyte Observations from as-of − {@link UDS_WINDOW_DAYS} days (last UDS,
 *   the risk model's weekly screens, UDS alerts), the analytes split by substance.
 *
 * The precise caseload rule (active CareTeam membership, active episode as of the date) is applied by the
 * selectors with the clinical readers.
 */
export function caseloadSearches(practitioner: string, asOf: string): CaseloadSearch[] {
  const mine = ['patient._has:CareTeam:patient:participant', practitioner] as const;
  const search = (
    type: CaseloadResourceType,
    params: readonly (readonly [string, string | number])[],
  ): CaseloadSearch => ({
    type,
    url: `${type}?${toQueryString([...params, ['_count', SEARCH_CAP]])}`,
  });
  const matFrom = `ge${daysBefore(asOf, MAT_WINDOW_DAYS)}`;
  const udsFrom = `ge${daysBefore(asOf, UDS_WINDOW_DAYS)}`;
  return [
    search('QuestionnaireResponse', [
      ['author', practitioner],
      ['status', 'in-progress'],
      ['_elements', NOTE_ELEMENTS.join(',')],
    ]),
    search('CareTeam', [mine, ['_include', 'CareTeam:subject']]),
    search('EpisodeOfCare', [mine]),
    search('Consent', [mine]),
    // MAT orders that name their drug by reference rather than by code bring it along.
    search('MedicationRequest', [mine, ['_include', 'MedicationRequest:medication']]),
    search('MedicationStatement', [mine]),
    // Sessions at any date, spread over consecutive ranges (and undated ones) to stay under the cap.
    ...(['Appointment', 'Encounter'] as const).flatMap((type) => [
      ...wholeTimeline(asOf, SESSION_CUTS).map((range) =>
        search(type, [mine, ...range.map((v) => ['date', v] as const)]),
      ),
      search(type, [mine, ['date:missing', 'true']]),
    ]),
    // Measures at any date, each code spread over the session ranges (craving is rated at every session).
    ...MEASURE_CODES.flatMap((code) => [
      ...wholeTimeline(asOf, SESSION_CUTS).map((range) =>
        search('Observation', [mine, ['code', code], ...range.map((v) => ['date', v] as const)]),
      ),
      search('Observation', [mine, ['code', code], ['date:missing', 'true']]),
    ]),
    search('Task', [mine, ['code', COSIGN_TASK_CODE]]),
    // MAT status: 7-day dose look-back, injection cover + grace (35 days), supplies still running.
    // Observed doses (daily for methadone, ~16 per patient in 60 days): split in 4 consecutive periods.
    ...periods(asOf, MAT_WINDOW_DAYS, 4).map((range) =>
      search('MedicationAdministration', [mine, ...range.map((v) => ['effective-time', v] as const)]),
    ),
    search('MedicationDispense', [mine, ['whenhandedover', matFrom]]),
    // Last UDS, weekly screens of the risk model, UDS alerts: the last 5 weeks.
    // Any report code: a report counts as a UDS when it has the panel code or a UDS result.
    search('DiagnosticReport', [mine, ['date', udsFrom]]),
    ...udsCodesBySubstance().map(([, codes]) =>
      search('Observation', [mine, ['code', codes.join(',')], ['date', udsFrom]]),
    ),
  ];
}

/** The caseload as ONE `batch` Bundle (one HTTP request), whatever its size: see {@link caseloadSearches}. */
export function caseloadBatch(searches: readonly CaseloadSearch[]): Bundle {
  return batchBundle(searches.map((s) => getEntry(s.url)));
}

export interface CaseloadResponse {
  /** Ids of the patients of my care teams, sorted. */
  readonly patientIds: string[];
  /** Every resource of the caseload types, de-duplicated by type and id (first occurrence kept). */
  readonly resources: Resource[];
}

function failure(status: number, code: 'structure' | 'too-costly', text: string): FhirError {
  return new FhirError(status, {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, details: { text } }],
  });
}

/** Fails if a search entry may have been cut short: a next page, or a type at the server's cap. */
function checkComplete(entry: BundleEntry, search: CaseloadSearch): void {
  const bundle = entry.resource?.resourceType === 'Bundle' ? entry.resource : undefined;
  const perType = new Map<string, number>();
  for (const e of bundle?.entry ?? []) {
    const type = e.resource?.resourceType;
    if (type) perType.set(type, (perType.get(type) ?? 0) + 1);
  }
  const tooMany = (text: string): FhirError =>
    failure(422, 'too-costly', `${text}, its limit: the caseload would be incomplete`);
  if (bundle?.link?.some((l) => l.relation === 'next')) {
    throw tooMany(`The FHIR server has more than one page of ${search.type} resources for the caseload`);
  }
  for (const [type, count] of perType) {
    if (count >= SEARCH_CAP) {
      throw tooMany(`The FHIR server returned ${count} ${type} resources for one caseload search`);
    }
  }
}

/**
 * Reads a caseload batch response (built for the same practitioner). A failed entry fails the whole load
 * with its OperationOutcome: a caseload missing its notes or its MAT would look complete and be wrong.
 * So does an entry that reached the server's cap: its list may have been cut short.
 */
export function readCaseloadResponse(response: Bundle, searches: readonly CaseloadSearch[]): CaseloadResponse {
  const entries = response.entry ?? [];
  if (entries.length !== searches.length) {
    throw failure(502, 'structure', 'The FHIR server answered the caseload batch with missing entries');
  }
  entries.forEach((entry, i) => {
    const outcome = entryOutcome(entry);
    if (outcome) {
      throw new FhirError(Number.parseInt(entry.response?.status ?? '', 10) || 502, outcome);
    }
    checkComplete(entry, searches[i] as CaseloadSearch);
  });
  const known = new Set<string>(CASELOAD_RESOURCE_TYPES);
  const seen = new Set<string>();
  const resources: Resource[] = [];
  const patientIds: string[] = [];
  for (const resource of bundleResources(response)) {
    const key = `${resource.resourceType}/${resource.id ?? ''}`;
    if (!resource.id || !known.has(resource.resourceType) || seen.has(key)) {
      continue;
    }
    seen.add(key);
    resources.push(resource);
    if (resource.resourceType === 'Patient') patientIds.push(resource.id);
  }
  return { patientIds: patientIds.sort(), resources };
}

// THE PRE-#10 CASELOAD REQUEST BUILDER, KEPT FOR COMPARISON ONLY (bench:views runs it beside the derived
// views). Copied from `git show 6022188:src/app/features/caseload/data/caseload-request.ts`, with what it needs
// from src/app/core/fhir/bundle.ts and fhir-client.ts (toQueryString) as plain TypeScript without Angular.
// The SPA no longer sends it: do not use it anywhere else, and do not "fix" it — it measures the old path.
import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';

import { bundleResources } from '../clinical/fhir/patient-record';
import { COSIGN_TASK_CODE, GAD7, MEASURE, PHQ9, type Substance, UDS_TESTS } from '../clinical/terminology';
import { WATCHED_TYPES } from '../server/src/worker/changes';

// ---- from src/app/core/fhir/fhir-client.ts and bundle.ts --------------------------------------------------

type SearchParamValue = string | number | boolean;

/** `encodeURIComponent`, but keeps `:` `,` `|` readable; servers decode them alike (as the SPA sends them). */
function encodeQueryPart(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%7C/gi, '|');
}

/** The SPA's query string: `name=value&…` in order. */
export function toQueryString(params: readonly (readonly [string, SearchParamValue])[]): string {
  return params
    .map(([name, value]) => `${encodeQueryPart(name)}=${encodeQueryPart(String(value))}`)
    .join('&');
}

type BundleRequestEntry = BundleEntry & { request: NonNullable<BundleEntry['request']> };

function batchBundle(entries: readonly BundleRequestEntry[]): Bundle {
  return { resourceType: 'Bundle', type: 'batch', entry: [...entries] };
}

function getEntry(url: string): BundleRequestEntry {
  return { request: { method: 'GET', url } };
}

function entryStatus(entry: BundleEntry): number {
  const status = Number.parseInt(entry.response?.status ?? '', 10);
  return Number.isNaN(status) ? 0 : status;
}

/** A failed load: the HTTP status and the OperationOutcome (the SPA's FhirError). */
export class LegacyCaseloadError extends Error {
  constructor(
    readonly status: number,
    readonly outcome: OperationOutcome,
    /** The load refused an entry at the per-search cap (or with a next page). */
    readonly capped = false,
  ) {
    super(outcome.issue?.[0]?.details?.text ?? `HTTP ${status}`);
  }
}

function entryOutcome(entry: BundleEntry): OperationOutcome | undefined {
  const status = entryStatus(entry);
  if (status >= 200 && status < 300) return undefined;
  const outcome = entry.response?.outcome ?? entry.resource;
  return outcome?.resourceType === 'OperationOutcome'
    ? outcome
    : { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] };
}

// ---- caseload-request.ts at 6022188 --------------------------------------------------------------------

/** The FHIR types the caseload reads, one entity table each: the types the worker watches, the same list then as now. */
export const CASELOAD_RESOURCE_TYPES = WATCHED_TYPES;

export type CaseloadResourceType = (typeof CASELOAD_RESOURCE_TYPES)[number];

/**
 * What a server returns at most per search and per included type. Every entry asks for this many; an entry
 * that reaches it (or says it has a next page) fails the load rather than show a caseload cut short.
 */
export const SEARCH_CAP = 1000;

/** Days of MAT administrations and dispenses. */
export const MAT_WINDOW_DAYS = 60;
/** Days of urine drug screens. */
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

/** UDS analyte codes by substance: one entry each. */
function udsCodesBySubstance(): [Substance, string[]][] {
  const groups = new Map<Substance, string[]>();
  for (const t of UDS_TESTS) groups.set(t.substance, [...(groups.get(t.substance) ?? []), t.code]);
  return [...groups];
}

export interface CaseloadSearch {
  readonly type: CaseloadResourceType;
  readonly url: string;
}

const DAY_MS = 86_400_000;

function daysBefore(asOf: string, days: number): string {
  return new Date(Date.parse(asOf) - days * DAY_MS).toISOString().slice(0, 10);
}

/** The window from as-of − `days` days on, cut into `parts` consecutive date ranges (the last open-ended). */
function periods(asOf: string, days: number, parts: number): string[][] {
  const step = Math.ceil(days / parts);
  return Array.from({ length: parts }, (_, i) => {
    const from = days - i * step;
    const to = from - step;
    return i === parts - 1
      ? [`ge${daysBefore(asOf, from)}`]
      : [`ge${daysBefore(asOf, from)}`, `lt${daysBefore(asOf, to)}`];
  });
}

/** All of time, cut at as-of − each of `daysBack` (descending): date ranges, first and last open-ended. */
function wholeTimeline(asOf: string, daysBack: readonly number[]): string[][] {
  const cuts = daysBack.map((days) => daysBefore(asOf, days));
  return [
    [`lt${cuts[0]}`],
    ...cuts.slice(1).map((cut, i) => [`ge${cuts[i]}`, `lt${cut}`]),
    [`ge${cuts[cuts.length - 1]}`],
  ];
}

const SESSION_CUTS = [84, 56, 28, 0] as const;

/** The searches of the caseload of a practitioner as of a date (about 77 entries, each `_has`-scoped). */
export function legacyCaseloadSearches(practitioner: string, asOf: string): CaseloadSearch[] {
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
    search('MedicationRequest', [mine, ['_include', 'MedicationRequest:medication']]),
    search('MedicationStatement', [mine]),
    ...(['Appointment', 'Encounter'] as const).flatMap((type) => [
      ...wholeTimeline(asOf, SESSION_CUTS).map((range) =>
        search(type, [mine, ...range.map((v) => ['date', v] as const)]),
      ),
      search(type, [mine, ['date:missing', 'true']]),
    ]),
    ...MEASURE_CODES.flatMap((code) => [
      ...wholeTimeline(asOf, SESSION_CUTS).map((range) =>
        search('Observation', [mine, ['code', code], ...range.map((v) => ['date', v] as const)]),
      ),
      search('Observation', [mine, ['code', code], ['date:missing', 'true']]),
    ]),
    search('Task', [mine, ['code', COSIGN_TASK_CODE]]),
    ...periods(asOf, MAT_WINDOW_DAYS, 4).map((range) =>
      search('MedicationAdministration', [mine, ...range.map((v) => ['effective-time', v] as const)]),
    ),
    search('MedicationDispense', [mine, ['whenhandedover', matFrom]]),
    search('DiagnosticReport', [mine, ['date', udsFrom]]),
    ...udsCodesBySubstance().map(([, codes]) =>
      search('Observation', [mine, ['code', codes.join(',')], ['date', udsFrom]]),
    ),
  ];
}

/** The caseload as ONE `batch` Bundle (one HTTP request). */
export function legacyCaseloadBatch(searches: readonly CaseloadSearch[]): Bundle {
  return batchBundle(searches.map((s) => getEntry(s.url)));
}

export interface CaseloadResponse {
  /** Ids of the patients of my care teams, sorted. */
  readonly patientIds: string[];
  /** Every resource of the caseload types, de-duplicated by type and id (first occurrence kept). */
  readonly resources: Resource[];
}

function failure(status: number, code: 'structure' | 'too-costly', text: string, capped = false) {
  return new LegacyCaseloadError(
    status,
    { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] },
    capped,
  );
}

/** Fails if a search entry may have been cut short: a next page, or a type at the server's cap. */
function checkComplete(entry: BundleEntry, search: CaseloadSearch): void {
  const bundle = entry.resource?.resourceType === 'Bundle' ? entry.resource : undefined;
  const perType = new Map<string, number>();
  for (const e of bundle?.entry ?? []) {
    const type = e.resource?.resourceType;
    if (type) perType.set(type, (perType.get(type) ?? 0) + 1);
  }
  const tooMany = (text: string) =>
    failure(422, 'too-costly', `${text}, its limit: the caseload would be incomplete`, true);
  if (bundle?.link?.some((l) => l.relation === 'next')) {
    throw tooMany(`The FHIR server has more than one page of ${search.type} resources for the caseload`);
  }
  for (const [type, count] of perType) {
    if (count >= SEARCH_CAP) {
      throw tooMany(`The FHIR server returned ${count} ${type} resources for one caseload search`);
    }
  }
}

/** Reads a caseload batch response; a failed or capped entry fails the whole load. */
export function readLegacyCaseloadResponse(
  response: Bundle,
  searches: readonly CaseloadSearch[],
): CaseloadResponse {
  const entries = response.entry ?? [];
  if (entries.length !== searches.length) {
    throw failure(502, 'structure', 'The FHIR server answered the caseload batch with missing entries');
  }
  entries.forEach((entry, i) => {
    const outcome = entryOutcome(entry);
    if (outcome) {
      throw new LegacyCaseloadError(entryStatus(entry) || 502, outcome);
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

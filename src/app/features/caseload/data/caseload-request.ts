import type { Bundle, Resource } from '@medplum/fhirtypes';

import { bundleResources } from '../../../../../clinical/fhir/patient-record';
import { batchBundle, entryOutcome, getEntry } from '../../../core/fhir/bundle';
import { toQueryString } from '../../../core/fhir/fhir-client';
import { FhirError } from '../../../core/fhir/operation-outcome';

/**
 * The FHIR types the caseload reads, one entity table each. `_revinclude` brings every one of them that
 * points at a caseload patient (`:patient` search parameter), so the whole caseload is one round trip
 * whatever its size: `_count` limits matches (patients), never the included resources.
 */
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

/** Types brought along with the patients by `_revinclude=<Type>:patient`. */
const REVINCLUDED: readonly CaseloadResourceType[] = [
  'CareTeam',
  'EpisodeOfCare',
  'Consent',
  'Appointment',
  'Encounter',
  'MedicationRequest',
  'MedicationAdministration',
  'MedicationDispense',
  'MedicationStatement',
  'Observation',
  'DiagnosticReport',
  'Task',
];

/** What a note row needs (status, dates, links), never the note body (`item`). */
const NOTE_ELEMENTS = ['status', 'questionnaire', 'authored', 'author', 'encounter', 'subject'];

/**
 * Patients per batch entry. A server caps each `_revinclude` at one page of resources (Medplum's router,
 * used by the embedded server: 1,000 per included type, silently), so an entry covers a few patients only:
 * 5 patients × ~140 Observations over a 16-week program stays well under the cap. Truncation is detected
 * (see {@link readCaseloadResponse}) and fails loudly rather than showing a wrong risk score.
 */
export const SLICE_SIZE = 5;
/** Slices in one batch: one round trip covers caseloads up to 250 patients; larger ones take more. */
export const SLICES_PER_BATCH = 50;
/** What a server may return at most per included type (FHIR `_count` maximum of the embedded server). */
export const REVINCLUDE_CAP = 1000;

function patientCriteria(practitioner: string): (readonly [string, string | number])[] {
  return [
    ['_has:CareTeam:patient:participant', practitioner],
    ['_has:EpisodeOfCare:patient:status', 'active'],
  ];
}

/**
 * The caseload of a practitioner as ONE `batch` Bundle (one HTTP request) for caseloads up to
 * {@link SLICE_SIZE} × {@link SLICES_PER_BATCH} patients:
 *
 * - entry 0, `QuestionnaireResponse?author=<me>&status=in-progress` trimmed by `_elements`: my unsigned
 *   notes (a completed note is signed), without their bodies — counseling notes are the most protected
 *   records and the caseload needs only their dates;
 * - entries 1…, `Patient?_has:CareTeam:patient:participant=<me>&_has:EpisodeOfCare:patient:status=active`
 *   sorted by id, one slice of {@link SLICE_SIZE} patients each (`_offset`), with `_revinclude` of their
 *   care teams, episodes, consents, sessions, MAT, observations, reports and tasks.
 *
 * Slices past the end of the caseload come back empty (cheap). `firstSlice` > 0 builds the continuation
 * batch of a larger caseload (without the notes entry). The precise rule (active CareTeam membership,
 * active episode as of the date) is applied again by the selectors with the clinical readers: the two
 * `_has` conditions may match different care teams.
 */
export function caseloadBatch(practitioner: string, firstSlice = 0): Bundle {
  const entries = [];
  if (firstSlice === 0) {
    const notes = toQueryString([
      ['author', practitioner],
      ['status', 'in-progress'],
      ['_count', REVINCLUDE_CAP],
      ['_elements', NOTE_ELEMENTS.join(',')],
    ]);
    entries.push(getEntry(`QuestionnaireResponse?${notes}`));
  }
  for (let slice = firstSlice; slice < firstSlice + SLICES_PER_BATCH; slice++) {
    const patients = toQueryString([
      ...patientCriteria(practitioner),
      ['_sort', '_id'],
      ['_count', SLICE_SIZE],
      ['_offset', slice * SLICE_SIZE],
      ...REVINCLUDED.map((type) => ['_revinclude', `${type}:patient`] as const),
      // MAT orders that name their drug by reference rather than by code.
      ['_include:iterate', 'MedicationRequest:medication'],
    ]);
    entries.push(getEntry(`Patient?${patients}`));
  }
  return batchBundle(entries);
}

export interface CaseloadResponse {
  /** Ids of the patients the searches matched, in server order. */
  readonly patientIds: string[];
  /** Every resource of the caseload types, de-duplicated by type and id (first occurrence kept). */
  readonly resources: Resource[];
  /** The last slice was full: the caseload may go on (ask for the next batch, from `nextSlice`). */
  readonly more: boolean;
  readonly nextSlice: number;
}

function failure(status: number, code: 'structure' | 'too-costly', text: string): FhirError {
  return new FhirError(status, {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, details: { text } }],
  });
}

/**
 * Reads a caseload batch response (built with the same `firstSlice`). A failed entry fails the whole load
 * with its OperationOutcome: a caseload missing its notes or its MAT would look complete and be wrong.
 * So does an included type that reached the server's cap: its list may have been cut short.
 */
export function readCaseloadResponse(response: Bundle, firstSlice = 0): CaseloadResponse {
  const entries = response.entry ?? [];
  const expected = SLICES_PER_BATCH + (firstSlice === 0 ? 1 : 0);
  if (entries.length !== expected) {
    throw failure(502, 'structure', 'The FHIR server answered the caseload batch with missing entries');
  }
  for (const entry of entries) {
    const outcome = entryOutcome(entry);
    if (outcome) {
      throw new FhirError(Number.parseInt(entry.response?.status ?? '', 10) || 502, outcome);
    }
  }
  const slices = entries.slice(firstSlice === 0 ? 1 : 0);
  const patientIds: string[] = [];
  let lastMatches = 0;
  for (const entry of slices) {
    const bundle = entry.resource?.resourceType === 'Bundle' ? entry.resource : undefined;
    const perType = new Map<string, number>();
    lastMatches = 0;
    for (const e of bundle?.entry ?? []) {
      const r = e.resource;
      if (!r?.id) continue;
      if (e.search?.mode !== 'include' && r.resourceType === 'Patient') {
        patientIds.push(r.id);
        lastMatches++;
      } else if (e.search?.mode === 'include') {
        perType.set(r.resourceType, (perType.get(r.resourceType) ?? 0) + 1);
      }
    }
    for (const [type, count] of perType) {
      if (count >= REVINCLUDE_CAP) {
        throw failure(
          422,
          'too-costly',
          `The FHIR server returned ${count} ${type} resources for ${SLICE_SIZE} patients, its limit: the caseload would be incomplete`,
        );
      }
    }
  }
  const known = new Set<string>(CASELOAD_RESOURCE_TYPES);
  const seen = new Set<string>();
  const resources: Resource[] = [];
  for (const resource of bundleResources(response)) {
    const key = `${resource.resourceType}/${resource.id ?? ''}`;
    if (!resource.id || !known.has(resource.resourceType) || seen.has(key)) {
      continue;
    }
    seen.add(key);
    resources.push(resource);
  }
  return {
    patientIds,
    resources,
    more: lastMatches === SLICE_SIZE,
    nextSlice: firstSlice + SLICES_PER_BATCH,
  };
}

/**
 * The FHIR searches that read one patient's whole record (what the rules in clinical/ read, plus what the chart
 * shows), in one batch: each search by the patient, asking for 1,000 entries; a reader follows `next` links.
 * Used by the chart (SPA) and by the deriver worker against servers without `Patient/$everything`.
 */

export interface RecordSearch {
  readonly resourceType: string;
  readonly params: readonly (readonly [string, string])[];
}

/** The MAT resources that may point at a Medication (shared, so outside the patient's compartment). */
export const MEDICATION_HOLDER_TYPES = [
  'MedicationRequest',
  'MedicationAdministration',
  'MedicationDispense',
  'MedicationStatement',
] as const;

/** Page size asked for (the embedded server's maximum); more comes through `next` links. */
export const RECORD_PAGE_SIZE = 1000;

/** Elements of a session note that lists and rules need: never the answers. */
export const NOTE_METADATA_ELEMENTS = [
  'identifier',
  'questionnaire',
  'status',
  'subject',
  'encounter',
  'authored',
  'author',
  'basedOn',
  'partOf',
] as const;

export interface RecordQueryOptions {
  /** Ask for note answers too (default false: the chart lists notes; the editor reads one note). */
  readonly noteBodies?: boolean;
}

export function patientRecordSearches(patientId: string, options: RecordQueryOptions = {}): RecordSearch[] {
  const patient = `Patient/${patientId}`;
  const count = ['_count', String(RECORD_PAGE_SIZE)] as const;
  const byPatient = (resourceType: string, ...more: (readonly [string, string])[]): RecordSearch => ({
    resourceType,
    params: [['patient', patient], ...more, count],
  });
  const medication = (type: string) => byPatient(type, ['_include', `${type}:medication`]);
  return [
    {
      resourceType: 'Patient',
      params: [
        ['_id', patientId],
        ['_revinclude', 'EpisodeOfCare:patient'],
        ['_revinclude', 'CareTeam:patient'],
        ['_revinclude', 'Consent:patient'],
        ['_revinclude', 'RelatedPerson:patient'],
        count,
      ],
    },
    byPatient('Appointment'),
    byPatient('Encounter'),
    ...MEDICATION_HOLDER_TYPES.map(medication),
    byPatient('Observation'),
    byPatient('DiagnosticReport'),
    byPatient(
      'QuestionnaireResponse',
      ['_revinclude', 'Provenance:target'],
      ['_revinclude', 'Task:focus'],
      ...(options.noteBodies ? [] : [['_elements', NOTE_METADATA_ELEMENTS.join(',')] as const]),
    ),
    byPatient('CarePlan'),
    byPatient('Goal'),
    byPatient('Task'),
    byPatient('RiskAssessment'),
    byPatient('Flag'),
  ];
}

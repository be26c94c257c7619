import type {
  Appointment,
  Bundle,
  CarePlan,
  CareTeam,
  Consent,
  DiagnosticReport,
  Encounter,
  EpisodeOfCare,
  Goal,
  Medication,
  MedicationAdministration,
  MedicationDispense,
  MedicationRequest,
  MedicationStatement,
  Observation,
  Patient,
  Provenance,
  QuestionnaireResponse,
  Reference,
  RelatedPerson,
  Resource,
  RiskAssessment,
  Task,
} from '@medplum/fhirtypes';

import { canonicalUrl, isNoteTemplateResponse } from '../access/response-access';
import {
  COSIGN_TASK_CODE,
  GAD7,
  LOCAL_SYSTEM,
  MEASURE,
  PHQ9,
  SYSTEM,
  UDS_PANEL,
  udsTestByCode,
  WAYPOINT_BASE,
} from '../terminology';
import { codingsOf, hasCoding } from './coding';
import { referenceKey, referenceVersion, resourceKey } from './reference';

/**
 * Session-note metadata: what the rules need from a note QuestionnaireResponse. The note body
 * (items) is deliberately not kept, so a PatientRecord never carries counseling-note content.
 */
export interface NoteMeta {
  readonly id: string;
  readonly versionId?: string;
  readonly status: QuestionnaireResponse['status'];
  readonly questionnaire?: string;
  readonly authored?: string;
  readonly author?: Reference;
  readonly encounter?: Reference;
  /** "QuestionnaireResponse/<id>". */
  readonly reference: Reference;
}

/** Everything about one patient that the rules and the patient chart read. Arrays are in input order. */
export interface PatientRecord {
  readonly patient: Patient;
  readonly episodes: readonly EpisodeOfCare[];
  readonly careTeams: readonly CareTeam[];
  readonly appointments: readonly Appointment[];
  readonly encounters: readonly Encounter[];
  readonly medicationRequests: readonly MedicationRequest[];
  readonly medicationAdministrations: readonly MedicationAdministration[];
  readonly medicationDispenses: readonly MedicationDispense[];
  readonly medicationStatements: readonly MedicationStatement[];
  /** Medications referenced by the MAT resources above (shared ones are repeated per patient). */
  readonly medications: readonly Medication[];
  readonly udsObservations: readonly Observation[];
  readonly udsReports: readonly DiagnosticReport[];
  /** Survey measures: PHQ-9 (total, items), GAD-7, craving, BAM subscales. */
  readonly measureObservations: readonly Observation[];
  readonly notes: readonly NoteMeta[];
  /** Provenance whose target is one of this patient's notes. */
  readonly provenances: readonly Provenance[];
  /** Co-signature Tasks (code cosign) on this patient's notes. */
  readonly cosignTasks: readonly Task[];
  readonly consents: readonly Consent[];
  /** Treatment plans (CarePlan.subject = the patient). */
  readonly carePlans: readonly CarePlan[];
  /** Goals (Goal.subject = the patient), whether or not a CarePlan lists them. */
  readonly goals: readonly Goal[];
  /** Family and other supports (RelatedPerson.patient = the patient). */
  readonly relatedPersons: readonly RelatedPerson[];
  /** Every Task of the patient (Task.for, or through its focus): co-sign, CM rewards, follow-ups … */
  readonly tasks: readonly Task[];
  /** Stored RiskAssessments of the patient (the derived current and weekly ones included). */
  readonly riskAssessments: readonly RiskAssessment[];
}

/** An empty record for a patient (handy for builders and for patients without data). */
export function emptyRecord(patient: Patient): PatientRecord {
  return {
    patient,
    episodes: [],
    careTeams: [],
    appointments: [],
    encounters: [],
    medicationRequests: [],
    medicationAdministrations: [],
    medicationDispenses: [],
    medicationStatements: [],
    medications: [],
    udsObservations: [],
    udsReports: [],
    measureObservations: [],
    notes: [],
    provenances: [],
    cosignTasks: [],
    consents: [],
    carePlans: [],
    goals: [],
    relatedPersons: [],
    tasks: [],
    riskAssessments: [],
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** Resources of a search or batch-response Bundle, flattening nested batch responses; OperationOutcomes dropped. */
export function bundleResources(bundle: Bundle): Resource[] {
  const out: Resource[] = [];
  for (const entry of bundle.entry ?? []) {
    const r = entry.resource;
    if (!r) continue;
    if (r.resourceType === 'Bundle') out.push(...bundleResources(r));
    else if (r.resourceType !== 'OperationOutcome') out.push(r);
  }
  return out;
}

/**
 * Whether a QuestionnaireResponse counts as a session note in the caseload rules (notes due):
 * a Waypoint note template; or, for data from elsewhere, any response linked to an Encounter whose
 * questionnaire is neither LOINC (PHQ-9, GAD-7 …) nor another Waypoint form. Who may read a
 * response's answers is a separate, stricter rule (access/response-access.ts: an allow-list of measures).
 */
export function isSessionNote(qr: QuestionnaireResponse): boolean {
  if (isNoteTemplateResponse(qr)) return true;
  const url = canonicalUrl(qr.questionnaire);
  if (url && (url.startsWith('http://loinc.org/') || url.startsWith(`${WAYPOINT_BASE}/`))) return false;
  return qr.encounter !== undefined;
}

function toNoteMeta(qr: QuestionnaireResponse): NoteMeta {
  return {
    id: qr.id ?? '',
    versionId: qr.meta?.versionId,
    status: qr.status,
    questionnaire: qr.questionnaire,
    authored: qr.authored,
    author: qr.author,
    encounter: qr.encounter,
    reference: { reference: `QuestionnaireResponse/${qr.id ?? ''}` },
  };
}

const MEASURE_LOINC = new Set<string>([PHQ9.total, PHQ9.panel, ...PHQ9.items, GAD7.total, GAD7.panel]);
const LOCAL_MEASURES = new Set<string>(Object.values(MEASURE));

/** Whether an Observation is a urine drug screen result Waypoint understands (by LOINC code). */
export function isUdsObservation(obs: Observation): boolean {
  return codingsOf(obs.code).some(
    (c) => (c.system === SYSTEM.loinc || c.system === undefined) && udsTestByCode(c.code) !== undefined,
  );
}

/** Whether an Observation is a survey measure the rules read (PHQ-9, GAD-7, craving, BAM …). */
export function isMeasureObservation(obs: Observation): boolean {
  return codingsOf(obs.code).some(
    (c) =>
      (c.system === SYSTEM.loinc && c.code !== undefined && MEASURE_LOINC.has(c.code)) ||
      (c.system === LOCAL_SYSTEM.measure && c.code !== undefined && LOCAL_MEASURES.has(c.code)),
  );
}

function isUdsReport(report: DiagnosticReport, udsObservationKeys: Set<string>): boolean {
  if (hasCoding(report.code, SYSTEM.loinc, UDS_PANEL.code)) return true;
  return (report.result ?? []).some((r) => {
    const k = referenceKey(r.reference);
    return k !== undefined && udsObservationKeys.has(k);
  });
}

/** The Patient key a resource belongs to by its own subject/patient/for element, if any. */
function directPatientKey(r: Resource): string | undefined {
  const pick = (ref: Reference | undefined): string | undefined => {
    const k = referenceKey(ref?.reference);
    return k?.startsWith('Patient/') ? k : undefined;
  };
  switch (r.resourceType) {
    case 'EpisodeOfCare':
    case 'Consent':
    case 'RelatedPerson':
      return pick(r.patient);
    case 'Task':
      return pick(r.for);
    case 'CareTeam':
    case 'Encounter':
    case 'MedicationRequest':
    case 'MedicationAdministration':
    case 'MedicationDispense':
    case 'MedicationStatement':
    case 'Observation':
    case 'DiagnosticReport':
    case 'QuestionnaireResponse':
    case 'CarePlan':
    case 'Goal':
    case 'RiskAssessment':
      return pick(r.subject);
    default:
      return undefined;
  }
}

function encounterKeyOf(r: Resource): string | undefined {
  switch (r.resourceType) {
    case 'Observation':
    case 'DiagnosticReport':
    case 'QuestionnaireResponse':
    case 'Task':
      return referenceKey(r.encounter?.reference);
    case 'MedicationRequest':
      return referenceKey(r.encounter?.reference);
    case 'MedicationStatement':
    case 'MedicationAdministration':
    case 'MedicationDispense':
      return referenceKey(r.context?.reference);
    default:
      return undefined;
  }
}

function isNewer(candidate: Resource, current: Resource): boolean {
  const a = candidate.meta?.lastUpdated ?? '';
  const b = current.meta?.lastUpdated ?? '';
  if (a !== b) return a > b;
  return Number(candidate.meta?.versionId ?? 0) > Number(current.meta?.versionId ?? 0);
}

/**
 * Builds one PatientRecord per Patient from a flat list of resources, as returned by a FHIR search
 * or batch (duplicates from several searches are collapsed, keeping the newest version).
 *
 * A resource joins a patient through its subject/patient/for; failing that through its Encounter
 * (Observation, QuestionnaireResponse …), its DiagnosticReport (result Observations), its target
 * note (Provenance) or its focus (Task). Appointments join every Patient participant (group sessions).
 * Resources of patients absent from the list are dropped.
 */
export function groupByPatient(resources: readonly Resource[]): Map<string, PatientRecord> {
  const byKey = new Map<string, Resource>();
  for (const r of resources) {
    if (!r.id) continue;
    const key = resourceKey(r);
    const current = byKey.get(key);
    if (!current || isNewer(r, current)) byKey.set(key, r);
  }
  const all = [...byKey.values()];
  const keyOf = new Map<Resource, string>([...byKey].map(([k, r]) => [r, k]));
  const keyFor = (r: Resource): string => keyOf.get(r) ?? resourceKey(r);

  const records = new Map<string, Mutable<PatientRecord>>();
  for (const r of all) {
    if (r.resourceType === 'Patient')
      records.set(r.id as string, { ...emptyRecord(r) } as Mutable<PatientRecord>);
  }
  const patientIdOf = (key: string | undefined): string | undefined => {
    if (!key) return undefined;
    const id = key.startsWith('Patient/') ? key.slice('Patient/'.length) : undefined;
    return id !== undefined && records.has(id) ? id : undefined;
  };

  // Pass 1: resources that name their patient (or name an Encounter that does).
  const owner = new Map<string, string>();
  for (const r of all) {
    const direct = patientIdOf(directPatientKey(r));
    if (direct) owner.set(keyFor(r), direct);
  }
  for (const r of all) {
    const key = keyFor(r);
    if (owner.has(key)) continue;
    const viaEncounter = owner.get(encounterKeyOf(r) ?? '');
    if (viaEncounter) owner.set(key, viaEncounter);
  }
  // Pass 2: report results, provenance targets and task foci inherit from what they point at.
  for (const r of all) {
    if (r.resourceType !== 'DiagnosticReport') continue;
    const pid = owner.get(keyFor(r));
    if (!pid) continue;
    for (const ref of r.result ?? []) {
      const k = referenceKey(ref.reference);
      if (k && !owner.has(k)) owner.set(k, pid);
    }
  }
  for (const r of all) {
    const key = keyFor(r);
    if (owner.has(key)) continue;
    if (r.resourceType === 'Provenance') {
      const pid = (r.target ?? []).map((t) => owner.get(referenceKey(t.reference) ?? '')).find(Boolean);
      if (pid) owner.set(key, pid);
    } else if (r.resourceType === 'Task') {
      const pid = owner.get(referenceKey(r.focus?.reference) ?? '');
      if (pid) owner.set(key, pid);
    }
  }

  const udsObservationKeys = new Set(
    all.filter((r): r is Observation => r.resourceType === 'Observation' && isUdsObservation(r)).map(keyFor),
  );
  const medicationKeysByPatient = new Map<string, Set<string>>();
  const noteMatKey = (pid: string, ref: Reference | undefined): void => {
    const k = referenceKey(ref?.reference);
    if (!k?.startsWith('Medication/')) return;
    const set = medicationKeysByPatient.get(pid) ?? new Set<string>();
    set.add(k);
    medicationKeysByPatient.set(pid, set);
  };

  for (const r of all) {
    if (r.resourceType === 'Appointment') {
      for (const p of r.participant ?? []) {
        const pid = patientIdOf(referenceKey(p.actor?.reference));
        if (pid) records.get(pid)?.appointments.push(r);
      }
      continue;
    }
    const pid = owner.get(keyFor(r));
    const rec = pid ? records.get(pid) : undefined;
    if (!rec || !pid) continue;
    switch (r.resourceType) {
      case 'EpisodeOfCare':
        rec.episodes.push(r);
        break;
      case 'CareTeam':
        rec.careTeams.push(r);
        break;
      case 'Encounter':
        rec.encounters.push(r);
        break;
      case 'MedicationRequest':
        rec.medicationRequests.push(r);
        noteMatKey(pid, r.medicationReference);
        break;
      case 'MedicationAdministration':
        rec.medicationAdministrations.push(r);
        noteMatKey(pid, r.medicationReference);
        break;
      case 'MedicationDispense':
        rec.medicationDispenses.push(r);
        noteMatKey(pid, r.medicationReference);
        break;
      case 'MedicationStatement':
        rec.medicationStatements.push(r);
        noteMatKey(pid, r.medicationReference);
        break;
      case 'Observation':
        if (isUdsObservation(r)) rec.udsObservations.push(r);
        else if (isMeasureObservation(r)) rec.measureObservations.push(r);
        break;
      case 'DiagnosticReport':
        if (isUdsReport(r, udsObservationKeys)) rec.udsReports.push(r);
        break;
      case 'QuestionnaireResponse':
        if (isSessionNote(r)) rec.notes.push(toNoteMeta(r));
        break;
      case 'Provenance':
        rec.provenances.push(r);
        break;
      case 'Task':
        rec.tasks.push(r);
        if (hasCoding(r.code, LOCAL_SYSTEM.task, COSIGN_TASK_CODE)) rec.cosignTasks.push(r);
        break;
      case 'Consent':
        rec.consents.push(r);
        break;
      case 'CarePlan':
        rec.carePlans.push(r);
        break;
      case 'Goal':
        rec.goals.push(r);
        break;
      case 'RelatedPerson':
        rec.relatedPersons.push(r);
        break;
      case 'RiskAssessment':
        rec.riskAssessments.push(r);
        break;
      default:
        break;
    }
  }
  for (const [pid, keys] of medicationKeysByPatient) {
    const rec = records.get(pid);
    for (const k of keys) {
      const med = byKey.get(k);
      if (rec && med?.resourceType === 'Medication') rec.medications.push(med);
    }
  }
  return records as Map<string, PatientRecord>;
}

/** The version a Provenance signed, if its target is versioned (…/_history/<vid>). */
export function provenanceTargetVersion(provenance: Provenance, noteId: string): string | undefined {
  const target = (provenance.target ?? []).find(
    (t) => referenceKey(t.reference) === `QuestionnaireResponse/${noteId}`,
  );
  return referenceVersion(target?.reference);
}

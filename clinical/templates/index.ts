/**
 * The clinic's definitions: Organization, HealthcareService, note-template and measure Questionnaires,
 * local CodeSystems and ValueSets. Pure data, loaded idempotently by the server at every start.
 */
import type {
  CodeSystem,
  Device,
  HealthcareService,
  Organization,
  Questionnaire,
  ValueSet,
} from '@medplum/fhirtypes';

import { rulesDevice } from '../derived/derived-codes';
import { type NoteTemplate } from '../terminology';
import { bam, craving } from './bam';
import { cbtBehavioralExperiment, cbtExposure, cbtThoughtRecord } from './cbt';
import { CLINIC_VALUE_SETS, LOCAL_CODE_SYSTEMS } from './code-systems';
import { dbtChainAnalysis, dbtDiaryCard } from './dbt';
import { clinicCrisisService, clinicOrganization, clinicService } from './organization';
import { gad7, phq9 } from './phq9-gad7';
import { rebtAbcde } from './rebt';
import { sessionFrame } from './session-frame';

export * from './bam';
export * from './cbt';
export * from './code-systems';
export * from './dbt';
export * from './organization';
export * from './phq9-gad7';
export * from './questionnaire-builder';
export * from './rebt';
export * from './session-frame';

export const NOTE_TEMPLATE_QUESTIONNAIRES: Readonly<Record<NoteTemplate, Questionnaire>> = {
  'cbt-thought-record': cbtThoughtRecord,
  'cbt-behavioral-experiment': cbtBehavioralExperiment,
  'cbt-exposure': cbtExposure,
  'dbt-diary-card': dbtDiaryCard,
  'dbt-chain-analysis': dbtChainAnalysis,
  'rebt-abcde': rebtAbcde,
  'session-frame': sessionFrame,
};

export const MEASURE_QUESTIONNAIRES: readonly Questionnaire[] = [phq9, gad7, bam, craving];

export type ClinicDefinition =
  Organization | HealthcareService | Questionnaire | CodeSystem | ValueSet | Device;

/** Every definition, in load order (terminology first, then the program, then the forms). */
export function clinicDefinitions(): ClinicDefinition[] {
  return structuredClone([
    ...LOCAL_CODE_SYSTEMS,
    ...CLINIC_VALUE_SETS,
    clinicOrganization,
    clinicService,
    clinicCrisisService,
    ...Object.values(NOTE_TEMPLATE_QUESTIONNAIRES),
    ...MEASURE_QUESTIONNAIRES,
    rulesDevice(),
  ]);
}

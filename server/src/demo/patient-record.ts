/**
 * Turns a {@link PatientPlan} into the patient's FHIR record, following the data contract in
 * clinical/README.md: enrolment, care team, sessions and notes, MAT, UDS, measures, plan, tasks, consent.
 * Each family of resources is built in its own record-*.ts module; the order below is the record's
 * resource order (and the order the seeded random numbers and ids are drawn in).
 */
import type { Resource } from '@medplum/fhirtypes';

import type { Clock } from './clock';
import type { PatientPlan } from './patient-plan';
import type { IdFactory, Random } from './prng';
import { type PatientStaff, RecordContext } from './record-context';
import {
  carePlanResource,
  careTeamResource,
  conditionResource,
  consentResource,
  episodeResource,
  goalResources,
  patientResource,
  relatedPersonResource,
} from './record-enrolment';
import { matResources } from './record-mat';
import { measureResources } from './record-measures';
import { sessionResources } from './record-sessions';
import { udsResources } from './record-uds';

export type { PatientStaff } from './record-context';

/** Builds one patient's record. Resource order: person and enrolment first, then events by type. */
export class PatientRecordBuilder {
  private readonly record: RecordContext;

  constructor(plan: PatientPlan, staff: PatientStaff, clock: Clock, ids: IdFactory, random: Random) {
    this.record = new RecordContext(plan, staff, clock, ids, random);
  }

  build(): Resource[] {
    const { record } = this;
    const { plan } = record;
    const patient = patientResource(record);
    record.patientRef.reference = `Patient/${patient.id}`;
    record.patientRef.display = `${plan.person.given} ${plan.person.family}`;
    const related = relatedPersonResource(record);
    const condition = conditionResource(record);
    consentResource(record);
    const careTeam = careTeamResource(record, related);
    const episode = episodeResource(record, condition, careTeam);
    const goals = goalResources(record, condition);
    carePlanResource(record, condition, careTeam, goals);

    const sessions = sessionResources(record, episode);
    matResources(record);
    udsResources(record, sessions);
    measureResources(record, sessions);
    return record.out;
  }
}

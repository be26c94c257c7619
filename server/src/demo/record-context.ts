// The shared state and small builders of one patient's demo record (server/src/demo/patient-record.ts).
import type {
  Appointment,
  CodeableConcept,
  Coding,
  Encounter,
  Meta,
  Organization,
  Patient,
  Reference,
  Resource,
} from '@medplum/fhirtypes';

import { CLINIC_ORGANIZATION_ID } from '../../../clinical/templates/index';
import { SYSTEM } from '../../../clinical/terminology';
import { type Clock } from './clock';
import { type PatientPlan } from './patient-plan';
import { type IdFactory, type Random } from './prng';
import { type StaffMember, sudSecurity } from './staff';

export interface PatientStaff {
  readonly counselor: StaffMember;
  readonly supervisor: StaffMember;
  readonly coordinator: StaffMember;
  readonly prescriber: StaffMember;
  readonly peer: StaffMember;
}

export const OBS_CATEGORY = (code: 'survey' | 'laboratory'): CodeableConcept[] => [
  {
    coding: [
      { system: SYSTEM.observationCategory, code, display: code === 'survey' ? 'Survey' : 'Laboratory' },
    ],
  },
];

export const CLINIC: Reference<Organization> = { reference: `Organization/${CLINIC_ORGANIZATION_ID}` };

export const ref = <T extends Resource>(r: T, display?: string): Reference<T> => ({
  reference: `${r.resourceType}/${r.id}`,
  ...(display ? { display } : {}),
});

export const localCoding = (system: string, code: string, display?: string): Coding => ({
  system,
  code,
  ...(display ? { display } : {}),
});

export interface Session {
  readonly day: number;
  readonly week: number;
  readonly hour: number;
  readonly minute: number;
  readonly appointment: Appointment;
  readonly encounter?: Encounter;
}

/** FHIR instant from a dateTime with seconds (already an instant). */
export function toInstant(dateTime: string): string {
  return dateTime;
}

/** What every part of one patient's record is built from, and the resources built so far (in order). */
export class RecordContext {
  readonly out: Resource[] = [];
  /** The patient's reference; filled in by the builder once the Patient exists. */
  readonly patientRef: Reference<Patient> = { reference: '' };
  readonly security: Meta['security'] = sudSecurity();

  constructor(
    readonly plan: PatientPlan,
    readonly staff: PatientStaff,
    readonly clock: Clock,
    readonly ids: IdFactory,
    readonly random: Random,
  ) {}

  meta(lastUpdated: string): Meta {
    return { versionId: '1', lastUpdated: toInstant(lastUpdated), security: this.security };
  }

  push<T extends Resource>(resource: T): T {
    this.out.push(resource);
    return resource;
  }
}

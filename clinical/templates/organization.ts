/** The demo program: one outpatient OUD clinic and its counseling + MAT service. */
import type { HealthcareService, Organization } from '@medplum/fhirtypes';

import { IDENTIFIER_SYSTEM, LOCAL_SYSTEM, TRACK_DISPLAY, TRACKS } from '../terminology';

export const CLINIC_ORGANIZATION_ID = 'waypoint-clinic';
export const CLINIC_SERVICE_ID = 'waypoint-oud-program';

export const clinicOrganization: Organization = {
  resourceType: 'Organization',
  id: CLINIC_ORGANIZATION_ID,
  identifier: [{ system: IDENTIFIER_SYSTEM.organization, value: 'waypoint-clinic' }],
  active: true,
  type: [
    {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/organization-type',
          code: 'prov',
          display: 'Healthcare Provider',
        },
      ],
    },
  ],
  name: 'Waypoint Recovery Clinic (synthetic)',
  alias: ['Waypoint'],
  telecom: [
    { system: 'phone', value: '555-0100', use: 'work' },
    { system: 'email', value: 'frontdesk@waypoint.example', use: 'work' },
  ],
  address: [
    {
      use: 'work',
      line: ['100 Harbor Street, Suite 2'],
      city: 'Riverton',
      state: 'PA',
      postalCode: '19000',
      country: 'US',
    },
  ],
};

/** What the clinic's services share: active, provided by the clinic, in the Counselling service category. */
function ofTheClinic(): Pick<HealthcareService, 'active' | 'providedBy' | 'category'> {
  return {
    active: true,
    providedBy: { reference: `Organization/${CLINIC_ORGANIZATION_ID}`, display: clinicOrganization.name },
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/service-category',
            code: '8',
            display: 'Counselling',
          },
        ],
      },
    ],
  };
}

export const clinicService: HealthcareService = {
  resourceType: 'HealthcareService',
  id: CLINIC_SERVICE_ID,
  identifier: [{ system: IDENTIFIER_SYSTEM.healthcareService, value: 'oud-outpatient' }],
  ...ofTheClinic(),
  type: [
    {
      coding: [{ system: 'http://snomed.info/sct', code: '310381000', display: 'Substance misuse service' }],
      text: 'Outpatient opioid use disorder program',
    },
  ],
  specialty: [{ coding: [{ system: 'http://snomed.info/sct', code: '394587001', display: 'Psychiatry' }] }],
  name: 'Outpatient OUD recovery program (counseling + MAT)',
  comment:
    'After-detox outpatient program: 12–16 week CBT, DBT or REBT counseling tracks with medication for opioid use ' +
    'disorder (buprenorphine, methadone, extended-release naltrexone), weekly urine drug screens, peer support and ' +
    'contingency management.',
  program: TRACKS.map((t) => ({
    coding: [{ system: LOCAL_SYSTEM.track, code: t, display: TRACK_DISPLAY[t] }],
  })),
  appointmentRequired: true,
  availableTime: [
    {
      daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri'],
      availableStartTime: '07:00:00',
      availableEndTime: '19:00:00',
    },
    { daysOfWeek: ['sat'], availableStartTime: '08:00:00', availableEndTime: '12:00:00' },
  ],
};

export const CLINIC_CRISIS_SERVICE_ID = 'waypoint-crisis-line';

/**
 * The clinic's own crisis contact, shown with every safety alert after the national lines. A
 * HealthcareService whose type says "Crisis line" (no standard code exists for it; clinicCrisisContacts in
 * clinical/chart/crisis-contacts.ts reads any service named or typed "crisis"). Synthetic number.
 */
export const clinicCrisisService: HealthcareService = {
  resourceType: 'HealthcareService',
  id: CLINIC_CRISIS_SERVICE_ID,
  identifier: [{ system: IDENTIFIER_SYSTEM.healthcareService, value: 'crisis-line' }],
  ...ofTheClinic(),
  type: [{ text: 'Crisis line' }],
  name: 'Waypoint crisis line (synthetic)',
  comment:
    'For enrolled patients, answered around the clock by the on-call counselor. In immediate danger, call 911.',
  telecom: [{ system: 'phone', value: '555-0199', use: 'work', rank: 1 }],
  availableTime: [{ daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], allDay: true }],
};

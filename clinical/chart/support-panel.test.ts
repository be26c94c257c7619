import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { CareTeam, Consent, Observation, Resource } from '@medplum/fhirtypes';

import { CM_ESCALATING_POINTS } from '../cm/cm-ledger';
import { cmSchedulePlanDefinition } from '../cm/cm-schedule';
import {
  aCarePlan,
  aCareTeam,
  aCmReward,
  aConsent,
  anEpisode,
  aPatient,
  aRelatedPerson,
  AS_OF,
  at,
  aUdsPanel,
  dateOnly,
  recordOf,
} from '../fhir/test-builders';
import { clinicOrganization } from '../templates/organization';
import { supportNetwork } from './support-panel';

const record = (resources: Resource[]) => recordOf([aPatient(), anEpisode({ startDay: -40 }), ...resources]);

describe('supportNetwork: care team and supports', () => {
  test('counselor, prescriber, coordinator, peer specialist with roles; the family member as RelatedPerson', () => {
    const net = supportNetwork(
      record([
        aCareTeam({ id: 'ct', related: [{ id: 'rp1', display: 'Sam Rivera' }] }),
        aRelatedPerson({ id: 'rp1', relationship: 'MTH', display: 'mother' }),
      ]),
      AS_OF,
    );
    assert.deepEqual(
      net.careTeam.map((m) => [m.role, m.member.display, m.memberType]),
      [
        ['counselor', 'Casey Counselor', 'Practitioner'],
        ['prescriber', 'Dr Pat Prescriber', 'Practitioner'],
        ['care-coordinator', 'Cory Coordinator', 'Practitioner'],
        ['peer-specialist', 'Pip Peer', 'Practitioner'],
        ['family-support', 'Sam Rivera', 'RelatedPerson'],
      ],
    );
    assert.deepEqual(net.counselor?.member, {
      reference: 'Practitioner/counselor-1',
      display: 'Casey Counselor',
    });
    assert.equal(net.coordinator?.role, 'care-coordinator');
    assert.equal(net.peerSpecialist?.careTeam.reference, 'CareTeam/ct');
    assert.deepEqual(net.relatedPersons, [
      {
        person: { reference: 'RelatedPerson/rp1' },
        name: 'Sam Rivera',
        relationships: ['mother'],
        active: true,
        telecom: [{ system: 'phone', value: '555-0142' }],
        careTeamRole: 'Family / concerned significant other',
      },
    ]);
    assert.deepEqual(JSON.parse(JSON.stringify(net)), net, 'plain JSON');
  });

  test('a role without display reads the staff role name; ended participants and inactive teams are left out', () => {
    const team: CareTeam = aCareTeam({ id: 'ct' });
    const participant = [
      {
        role: [
          { coding: [{ system: 'http://waypoint.health/fhir/CodeSystem/staff-role', code: 'prescriber' }] },
        ],
        member: { reference: 'Practitioner/p2' },
      },
      { ...team.participant?.[0], period: { end: dateOnly(-5) } },
    ];
    const net = supportNetwork(
      record([{ ...team, participant }, aCareTeam({ id: 'old', status: 'inactive' })]),
      AS_OF,
    );
    assert.deepEqual(
      net.careTeam.map((m) => [m.roleDisplay, m.member.reference]),
      [['Prescriber (MAT)', 'Practitioner/p2']],
    );
    assert.equal(net.counselor, null);
  });
});

describe('supportNetwork: contingency management (the CM ledger)', () => {
  const screen = (day: number) => aUdsPanel({ day });
  const obsOf = (panel: Resource[]) => panel[1] as Observation;

  test('three negative weekly screens, the first two rewarded (10 and 15 points): earned 25, pending 20, streak 3', () => {
    const panels = [-15, -8, -1].map(screen);
    const net = supportNetwork(
      record([
        ...panels.flat(),
        aCmReward({ id: 'r1', focus: obsOf(panels[0] as Resource[]), points: 10, day: -14 }),
        aCmReward({ id: 'r2', focus: obsOf(panels[1] as Resource[]), points: 15, day: -7 }),
      ]),
      AS_OF,
    );
    assert.deepEqual(
      [net.cm?.pointsEarned, net.cm?.pointsPending, net.cm?.rewards, net.cm?.currentStreak],
      [25, 20, 2, 3],
    );
    assert.deepEqual(net.cm?.lastReward, { date: at(-8, 9), points: 15, evidence: { reference: 'Task/r2' } });
  });

  test("the clinic's schedule (its CM PlanDefinition) sets the points: start 5, +5, third screen due 15 (default: 20)", () => {
    const panels = [-15, -8, -1].map(screen);
    const resources = [
      ...panels.flat(),
      aCmReward({ id: 'r1', focus: obsOf(panels[0] as Resource[]), points: 5, day: -14 }),
      aCmReward({ id: 'r2', focus: obsOf(panels[1] as Resource[]), points: 10, day: -7 }),
    ];
    const clinic = cmSchedulePlanDefinition({
      ...CM_ESCALATING_POINTS,
      id: 'escalating-5-5-25',
      name: 'Escalating points (5, +5, cap 25)',
      start: 5,
      cap: 25,
    });
    const net = supportNetwork(record(resources), AS_OF, [{ ...clinic, status: 'active' }]);
    assert.deepEqual([net.cm?.pointsEarned, net.cm?.pointsPending], [15, 15]);
    assert.equal(supportNetwork(record(resources), AS_OF).cm?.pointsPending, 20);
  });

  test('not enrolled (no reward Task, no CM in the plan) → null; a CM plan activity alone → enrolled', () => {
    assert.equal(supportNetwork(record([...screen(-1)]), AS_OF).cm, null);
    const plan = aCarePlan({
      activity: [
        {
          detail: {
            status: 'in-progress',
            description: 'Contingency management: escalating rewards for negative UDS',
          },
        },
      ],
    });
    assert.deepEqual(supportNetwork(record([plan, ...screen(-1)]), AS_OF).cm?.pointsPending, 10);
  });
});

describe('supportNetwork: 42 CFR Part 2 consent in words', () => {
  const withProvision = (c: Consent, end?: number): Consent => ({
    ...c,
    provision: {
      type: 'permit',
      period: { start: at(-100), ...(end !== undefined ? { end: at(end) } : {}) },
      actor: [
        {
          role: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                code: 'IRCP',
                display: 'information recipient',
              },
            ],
          },
          reference: { reference: 'Organization/waypoint-clinic' },
        },
      ],
      purpose: [
        { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT', display: 'treatment' },
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
          code: 'HPAYMT',
          display: 'healthcare payment',
        },
      ],
    },
  });

  test('active: who may receive, for what, from when', () => {
    const c = supportNetwork(record([withProvision(aConsent({ id: 'c1' }))]), AS_OF, [
      clinicOrganization,
    ]).consent;
    assert.deepEqual(
      [c.state, c.consent?.reference, c.provisionType, c.actors, c.purposes],
      [
        'active',
        'Consent/c1',
        'permit',
        ['Waypoint Recovery Clinic (synthetic) (information recipient)'],
        ['treatment', 'healthcare payment'],
      ],
    );
    assert.equal(
      c.summary,
      'Active: permits disclosure to Waypoint Recovery Clinic (synthetic) (information recipient) for treatment and healthcare payment, from 6 Dec 2025.',
    );
  });

  test('revoked (inactive, provision ended) and missing', () => {
    const revoked = withProvision(aConsent({ status: 'inactive' }), -10);
    assert.equal(
      supportNetwork(record([revoked]), AS_OF).consent.summary,
      'Revoked on 6 Mar 2026: no disclosure under this consent.',
    );
    const missing = supportNetwork(record([]), AS_OF).consent;
    assert.deepEqual(
      [missing.state, missing.consent, missing.summary],
      ['missing', null, 'No 42 CFR Part 2 consent on record.'],
    );
  });
});

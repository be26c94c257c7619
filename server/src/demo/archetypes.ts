/**
 * Patient archetypes of the demo clinic: named trajectories with their share, so a tester knows what to
 * expect (README.md lists them). The archetype is carried in Patient.meta.tag
 * ({@link DEMO_ARCHETYPE_SYSTEM}): test scaffolding, never clinical truth.
 */
import type { CodeSystem } from '@medplum/fhirtypes';

import { DEFINITIONS_DATE, DEFINITIONS_VERSION, PUBLISHER } from '../../../clinical/templates/index';
import { DEMO_ARCHETYPE_SYSTEM } from '../../../clinical/terminology';

export type Archetype =
  | 'steady-responder'
  | 'early-dropout'
  | 'fentanyl-relapse'
  | 'taper-relapse'
  | 'depression-risk'
  | 'cm-responder'
  | 'ambivalent'
  | 'stimulant-co-use';

export interface ArchetypeInfo {
  readonly title: string;
  /** Share of the patients (sums to 1). */
  readonly share: number;
  /** Weeks in the program before the trajectory is visible; such patients are never in week 1. */
  readonly minWeeks: number;
  readonly description: string;
}

export const ARCHETYPES: Readonly<Record<Archetype, ArchetypeInfo>> = {
  'steady-responder': {
    title: 'Steady responder',
    share: 0.3,
    minWeeks: 0,
    description:
      'Attends ~95 % of sessions; opioid-positive UDS only in the first 1–2 weeks; craving falls from ~6 to ~2 and ' +
      'PHQ-9 from moderate to minimal; takes MAT without gaps. Covers every start week, including week 1.',
  },
  'early-dropout': {
    title: 'Early dropout',
    share: 0.1,
    minWeeks: 4,
    description:
      'Attends the first 2–4 weeks with positives, then no-shows; UDS missing from then on; the MAT order is ' +
      'stopped a week after the last dose; discharged (EpisodeOfCare finished, CarePlan revoked) after 3 weeks ' +
      'without contact, or still active with a run of no-shows when that is recent.',
  },
  'fentanyl-relapse': {
    title: 'Fentanyl relapse after missed doses',
    share: 0.12,
    minWeeks: 7,
    description:
      'Stable for 4+ weeks, then a 6–9 day MAT gap (missed observed doses / no dispense; buprenorphine and ' +
      'methadone screens turn negative), followed by ≥ 2 weekly fentanyl-positive UDS, craving 7–9 and missed ' +
      'sessions; returns to MAT and partially recovers. Coordinator outreach and naloxone Tasks follow.',
  },
  'taper-relapse': {
    title: 'MAT taper, then relapse',
    share: 0.08,
    minWeeks: 11,
    description:
      'On buprenorphine; a patient-requested rapid taper from week 4 (16 → 8 → 4 mg, one order per step), the ' +
      'last order stopped; 1–2 weeks later opioid/fentanyl positives and rising craving (Williams 2020: overdose ' +
      'risk rises after stopping buprenorphine).',
  },
  'depression-risk': {
    title: 'Depression-driven risk',
    share: 0.1,
    minWeeks: 0,
    description:
      'PHQ-9 15–22 and not improving, GAD-7 high, BAM risk subscale rising; some PHQ-9 item 9 answers positive ' +
      '(safety alert, counselor safety-plan Task); patchy attendance; occasional opioid positives.',
  },
  'cm-responder': {
    title: 'Contingency-management responder',
    share: 0.12,
    minWeeks: 5,
    description:
      'Enrolled in CM; fentanyl and cocaine positive in weeks 1–3, then consistently negative, earning ' +
      'escalating CM reward Tasks (focus = the negative fentanyl Observation, output = points).',
  },
  ambivalent: {
    title: 'Ambivalent / slow responder',
    share: 0.1,
    minWeeks: 0,
    description:
      'Attends ~75 %; intermittent opioid and benzodiazepine positives that decline slowly; a short MAT gap for ' +
      'some; about a third stop MAT mid-track (order stopped).',
  },
  'stimulant-co-use': {
    title: 'Stimulant co-use',
    share: 0.08,
    minWeeks: 0,
    description:
      'Opioid-negative on MAT but cocaine- or methamphetamine-positive about half the weeks; often in CM.',
  },
};

export const ARCHETYPE_LIST = Object.keys(ARCHETYPES) as Archetype[];

export const archetypeCodeSystem: CodeSystem = {
  resourceType: 'CodeSystem',
  id: 'wp-cs-demo-archetype',
  url: DEMO_ARCHETYPE_SYSTEM,
  version: DEFINITIONS_VERSION,
  name: 'WaypointDemoArchetype',
  title: 'Demo clinic patient archetypes',
  status: 'active',
  experimental: true,
  date: DEFINITIONS_DATE,
  publisher: PUBLISHER,
  description:
    'Trajectory a generated demo patient follows (Patient.meta.tag). Test scaffolding for the synthetic demo ' +
    'clinic, never clinical truth: not to be displayed as a finding.',
  caseSensitive: true,
  content: 'complete',
  count: ARCHETYPE_LIST.length,
  concept: ARCHETYPE_LIST.map((code) => ({
    code,
    display: ARCHETYPES[code].title,
    definition: ARCHETYPES[code].description,
  })),
};

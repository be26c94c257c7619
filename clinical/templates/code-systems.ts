/**
 * CodeSystems for every LOCAL system in terminology.ts, and the ValueSets the UI and the server bind to.
 * LOCAL means: no verified standard code exists (BAM, craving, SUDS, task types, templates …).
 */
import type { CodeSystem, CodeSystemConcept, ValueSet } from '@medplum/fhirtypes';

import { ALERT_IDS } from '../alerts/patient-alerts';
import { DERIVED_SYSTEM, DERIVED_TAG } from '../derived/derived-codes';
import { ALERT_DISPLAY } from '../derived/flag-resource';
import { POPULATION_FACT_DISPLAY } from '../derived/population-facts';
import { FACT_DISPLAY } from '../derived/summary-resource';
import {
  BAM_ANSWER_SYSTEM,
  CM_POINTS_OUTPUT,
  COSIGN_REQUIRED_ROLE,
  COSIGN_TASK_CODE,
  LOCAL_SYSTEM,
  MAT_PRODUCTS,
  MEASURE,
  MEASURE_DETAIL,
  NOTE_TEMPLATES,
  REVISE_TASK_CODE,
  RISK_MODEL_CODE,
  type StaffRole,
  SYSTEM,
  TASK_CODE,
  type Track,
  TRACK_DISPLAY,
  TRACKS,
  UDS_TESTS,
  WAYPOINT_BASE,
} from '../terminology';
import { BAM_ANSWERS, BAM_ITEMS, BAM_SUBSCALE_CODE, BAM_SUBSCALE_DISPLAY, bamItemCode } from './bam';
import { DBT_MODULES, DBT_SKILLS } from './dbt';
import { definitionMetadata } from './questionnaire-builder';
import { SESSION_CPT } from './session-frame';

type Concept = readonly [code: string, display: string, definition?: string];

function codeSystem(
  id: string,
  url: string,
  name: string,
  title: string,
  description: string,
  concepts: readonly Concept[],
): CodeSystem {
  return {
    resourceType: 'CodeSystem',
    id,
    url,
    ...definitionMetadata(name, title, description),
    caseSensitive: true,
    valueSet: `${WAYPOINT_BASE}/ValueSet/${id.replace(/^wp-cs-/, '')}`,
    content: 'complete',
    count: concepts.length,
    concept: concepts.map(([code, display, definition]): CodeSystemConcept => ({
      code,
      display,
      ...(definition ? { definition } : {}),
    })),
  };
}

export const STAFF_ROLE_DISPLAY: Record<StaffRole, string> = {
  counselor: 'Counselor',
  supervisor: 'Clinical supervisor',
  'care-coordinator': 'Care coordinator',
  prescriber: 'Prescriber (MAT)',
  'peer-specialist': 'Peer recovery specialist',
};

export const staffRoleCodeSystem = codeSystem(
  'wp-cs-staff-role',
  LOCAL_SYSTEM.role,
  'WaypointStaffRole',
  'Waypoint staff roles',
  'Roles of program staff (PractitionerRole.code, CareTeam.participant.role). LOCAL codes.',
  [
    ['counselor', STAFF_ROLE_DISPLAY.counselor, 'Runs CBT/DBT/REBT tracks and documents sessions.'],
    ['supervisor', STAFF_ROLE_DISPLAY.supervisor, 'Supervises counselors: audits caseloads, co-signs notes.'],
    [
      COSIGN_REQUIRED_ROLE,
      'Associate counselor (co-signature required)',
      'A pre-licensed counselor practising under supervision: a supervisor co-signs each signed note. ' +
        'Given as a second PractitionerRole.code next to counselor.',
    ],
    [
      'care-coordinator',
      STAFF_ROLE_DISPLAY['care-coordinator'],
      'Tracks MAT and therapy adherence, UDS, tasks, CM rewards.',
    ],
    ['prescriber', STAFF_ROLE_DISPLAY.prescriber, 'Physician or nurse practitioner who prescribes MAT.'],
    [
      'peer-specialist',
      STAFF_ROLE_DISPLAY['peer-specialist'],
      'Certified peer recovery specialist with lived experience.',
    ],
    [
      'family-support',
      'Family / concerned significant other',
      'Family member or CRA/CRAFT support person (RelatedPerson).',
    ],
  ],
);

export const trackCodeSystem = codeSystem(
  'wp-cs-therapy-track',
  LOCAL_SYSTEM.track,
  'WaypointTherapyTrack',
  'Waypoint therapy tracks',
  'The 12–16 week counseling track of an EpisodeOfCare. LOCAL codes.',
  TRACKS.map((t: Track): Concept => [t, TRACK_DISPLAY[t]]),
);

export const measureCodeSystem = codeSystem(
  'wp-cs-measure',
  LOCAL_SYSTEM.measure,
  'WaypointMeasure',
  'Waypoint measures without a verified LOINC code',
  'BAM items and subscales, the 0–10 craving scale, DBT diary card ratings, SUDS and COWS. LOCAL codes: ' +
    'replace with LOINC codes once verified.',
  [
    [
      'bam',
      'Brief Addiction Monitor',
      'Brief Addiction Monitor (Cacciola et al. 2013), 17 items, past 30 days.',
    ],
    ...BAM_ITEMS.map((i): Concept => [bamItemCode(i.number), `BAM item ${i.number.toUpperCase()}`, i.text]),
    ...(['use', 'risk', 'protective'] as const).map((s): Concept => [
      BAM_SUBSCALE_CODE[s],
      BAM_SUBSCALE_DISPLAY[s],
    ]),
    [
      MEASURE.craving,
      'Opioid craving 0–10',
      'Single-item current craving to use opioids, 0 none … 10 the most ever.',
    ],
    [
      MEASURE.dbtUrge,
      'DBT diary card urge to use (0–5)',
      'Highest urge to use in the week, from the DBT diary card.',
    ],
    ...DBT_MODULES.map((m): Concept => [
      DBT_SKILLS[m].code,
      `DBT ${DBT_SKILLS[m].title.toLowerCase()} skills: days used (0–7)`,
    ]),
    [MEASURE.suds, 'Subjective units of distress (0–100)'],
    [MEASURE_DETAIL.sudsBefore, 'SUDS before exposure (0–100)'],
    [MEASURE_DETAIL.sudsPeak, 'SUDS at peak of exposure (0–100)'],
    [MEASURE_DETAIL.sudsAfter, 'SUDS after exposure (0–100)'],
    [MEASURE.cows, 'Clinical Opiate Withdrawal Scale total (0–48)'],
    [MEASURE_DETAIL.dbtUrgeSelfHarm, 'DBT diary card urge to self-harm (0–5)'],
    [MEASURE_DETAIL.dbtUrgeSuicide, 'DBT diary card urge to kill self (0–5)'],
    [MEASURE_DETAIL.moodRatingBefore, 'Thought record: strongest mood before (0–100 %)'],
    [MEASURE_DETAIL.moodRatingAfter, 'Thought record: strongest mood after (0–100 %)'],
    [MEASURE_DETAIL.balancedThoughtBelief, 'Thought record: belief in the balanced thought (0–100 %)'],
    [MEASURE_DETAIL.experimentBeliefBefore, 'Behavioral experiment: belief before (0–100 %)'],
    [MEASURE_DETAIL.experimentBeliefAfter, 'Behavioral experiment: belief after (0–100 %)'],
    [MEASURE_DETAIL.rebtIntensityBefore, 'REBT: emotion intensity at C (0–10)'],
    [MEASURE_DETAIL.rebtIntensityAfter, 'REBT: emotion intensity after disputing (0–10)'],
  ],
);

export const taskCodeSystem = codeSystem(
  'wp-cs-task-type',
  LOCAL_SYSTEM.task,
  'WaypointTaskType',
  'Waypoint work item types',
  'Task.code of work items, and Task.output types. LOCAL codes: no HL7 standard exists for CM rewards.',
  [
    [
      TASK_CODE.cmReward,
      'Contingency-management reward',
      'Reward earned for a negative urine drug screen; focus = the negative Observation.',
    ],
    [
      TASK_CODE.followUp,
      'Follow-up',
      'Care-coordination follow-up (outreach after a missed session or dose, refill, paperwork).',
    ],
    [
      COSIGN_TASK_CODE,
      'Co-signature',
      "A signed note awaiting the supervisor's co-signature; focus = the QuestionnaireResponse.",
    ],
    [
      REVISE_TASK_CODE,
      'Revise note',
      "A note the supervisor returned to its author for revision; focus = the note, note = the supervisor's comment.",
    ],
    [CM_POINTS_OUTPUT, 'CM points', 'Task.output type: points earned by a CM reward (escalating schedule).'],
  ],
);

const NOTE_TEMPLATE_DISPLAY: Record<(typeof NOTE_TEMPLATES)[number], string> = {
  'cbt-thought-record': 'CBT thought record',
  'cbt-behavioral-experiment': 'CBT behavioral experiment',
  'cbt-exposure': 'CBT exposure',
  'dbt-diary-card': 'DBT diary card',
  'dbt-chain-analysis': 'DBT chain analysis',
  'rebt-abcde': 'REBT ABCDE',
  'session-frame': 'Counseling session note',
};

export const noteTemplateCodeSystem = codeSystem(
  'wp-cs-note-template',
  LOCAL_SYSTEM.noteTemplate,
  'WaypointNoteTemplate',
  'Waypoint note templates',
  'Identity of a structured note template (Questionnaire.code). LOCAL codes.',
  NOTE_TEMPLATES.map((t): Concept => [t, NOTE_TEMPLATE_DISPLAY[t]]),
);

export const riskModelCodeSystem = codeSystem(
  'wp-cs-risk-model',
  LOCAL_SYSTEM.riskModel,
  'WaypointRiskModel',
  'Waypoint relapse-risk models',
  'RiskAssessment.method: the explainable points model of docs/architecture.md (versioned; the version is in ' +
    'RiskAssessment.method.coding.version). LOCAL code; decision support, not a diagnosis.',
  [[RISK_MODEL_CODE, 'Waypoint relapse-risk points model']],
);

export const bamAnswerCodeSystem = codeSystem(
  'wp-cs-bam-answer',
  BAM_ANSWER_SYSTEM,
  'WaypointBamAnswer',
  'Brief Addiction Monitor answers',
  'Answer options of the BAM with their 0–4 item scores (ordinalValue on the Questionnaire). LOCAL codes.',
  BAM_ANSWERS.map((a): Concept => [a.code ?? '', a.display ?? '', `Item score ${a.score}`]),
);

export const alertCodeSystem = codeSystem(
  'wp-cs-alert',
  DERIVED_SYSTEM.alert,
  'WaypointAlert',
  'Waypoint alerts',
  'Flag.code of the alerts the clinical rules raise (clinical/alerts). LOCAL codes.',
  ALERT_IDS.map((id): Concept => [id, ALERT_DISPLAY[id]]),
);

const MAT_STATUS_FACTS: readonly Concept[] = [
  ['mat-on-track', 'Medication for OUD on track'],
  ['mat-missed-dose', 'Medication for OUD: dose missed'],
  ['mat-supply-ending', 'Medication for OUD: supply ending'],
  ['mat-gap', 'Medication for OUD: gap'],
  ['mat-stopped', 'Medication for OUD stopped'],
  ['mat-none', 'No medication for OUD'],
];

export const caseloadFactCodeSystem = codeSystem(
  'wp-cs-caseload-fact',
  DERIVED_SYSTEM.fact,
  'WaypointCaseloadFact',
  'Waypoint caseload facts',
  'The caseload summary Observation and its components (clinical/derived/summary-resource.ts), and the MAT ' +
    'status values. LOCAL codes.',
  [
    ...Object.entries(FACT_DISPLAY).map(([code, display]): Concept => [code, display]),
    ...Object.entries(POPULATION_FACT_DISPLAY).map(([code, display]): Concept => [code, display]),
    ...MAT_STATUS_FACTS,
  ],
);

export const derivedTagCodeSystem = codeSystem(
  'wp-cs-derived',
  DERIVED_SYSTEM.tag,
  'WaypointDerived',
  'Waypoint derived resources',
  'meta.tag of resources the clinical rules write (RiskAssessment, Flag, caseload summary, their Provenance). LOCAL codes.',
  [
    [DERIVED_TAG.derived, 'Derived by the clinical rules'],
    [DERIVED_TAG.current, 'Current assessment'],
    [DERIVED_TAG.weekly, 'Assessment as of the end of a week'],
  ],
);

export const LOCAL_CODE_SYSTEMS: readonly CodeSystem[] = [
  staffRoleCodeSystem,
  trackCodeSystem,
  measureCodeSystem,
  taskCodeSystem,
  noteTemplateCodeSystem,
  riskModelCodeSystem,
  bamAnswerCodeSystem,
  alertCodeSystem,
  caseloadFactCodeSystem,
  derivedTagCodeSystem,
];

function valueSet(
  id: string,
  name: string,
  title: string,
  description: string,
  include: NonNullable<ValueSet['compose']>['include'],
): ValueSet {
  return {
    resourceType: 'ValueSet',
    id: `wp-vs-${id}`,
    url: `${WAYPOINT_BASE}/ValueSet/${id}`,
    ...definitionMetadata(name, title, description),
    compose: { include },
  };
}

/** One "all codes" ValueSet per local CodeSystem, plus the code lists of MAT products, UDS tests, CPT. */
export const CLINIC_VALUE_SETS: readonly ValueSet[] = [
  ...LOCAL_CODE_SYSTEMS.map((cs) =>
    valueSet(
      (cs.id ?? '').replace(/^wp-cs-/, ''),
      `${cs.name}All`,
      `${cs.title} (all codes)`,
      `Every code of ${cs.url}.`,
      [{ system: cs.url }],
    ),
  ),
  valueSet(
    'mat-medications',
    'WaypointMatMedications',
    'Medications for opioid use disorder',
    'Buprenorphine, methadone and naltrexone products Waypoint recognises (RxNorm; codes from the HL7 CDC opioid guideline value sets where listed).',
    [{ system: SYSTEM.rxnorm, concept: MAT_PRODUCTS.map((p) => ({ code: p.code, display: p.display })) }],
  ),
  valueSet(
    'uds-tests',
    'WaypointUdsTests',
    'Urine drug screen tests',
    'LOINC codes of urine drug screen results Waypoint recognises, per substance.',
    [{ system: SYSTEM.loinc, concept: UDS_TESTS.map((t) => ({ code: t.code, display: t.display })) }],
  ),
  valueSet(
    'session-cpt',
    'WaypointSessionCpt',
    'Counseling session CPT codes',
    'Psychotherapy CPT codes a counseling session note can bill.',
    [
      {
        system: SYSTEM.cpt,
        concept: Object.values(SESSION_CPT).map((c) => ({ code: c.code, display: c.display })),
      },
    ],
  ),
];

/**
 * Code systems and codes Waypoint reads and writes: the one place a code is spelled out.
 *
 * Sources: the value sets of the HL7 CDC Opioid IG ("Data Exchange Profiles for 2022 CDC Clinical
 * Practice Guideline for Prescribing Opioids", hl7.fhir.us.cdc-opioid-cpg 1.0.0, CC0-1.0), copied
 * to server/test/fixtures/fhir-samples/hl7-cdc-opioid-cpg/valuesets, where the demo generator's
 * test checks its MAT and UDS codes against them. Codes marked LOCAL have no verified
 * standard code (BAM, craving, COWS, CM rewards, note templates) and live in Waypoint's own
 * CodeSystems under {@link WAYPOINT_BASE}.
 */

export const SYSTEM = {
  loinc: 'http://loinc.org',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  snomed: 'http://snomed.info/sct',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  observationInterpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  confidentiality: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  consentScope: 'http://terminology.hl7.org/CodeSystem/consentscope',
  consentCategory: 'http://loinc.org',
  provenanceParticipantType: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
  signatureType: 'urn:iso-astm:E1762-95:2013',
  riskProbability: 'http://terminology.hl7.org/CodeSystem/risk-probability',
  cpt: 'http://www.ama-assn.org/go/cpt',
  episodeOfCareType: 'http://terminology.hl7.org/CodeSystem/episodeofcare-type',
} as const;

/** Base of every Waypoint-local canonical URL (CodeSystems, Questionnaires, extensions). */
export const WAYPOINT_BASE = 'http://waypoint.health/fhir';

/** LOCAL code systems. Each has a CodeSystem resource among the clinic definitions. */
export const LOCAL_SYSTEM = {
  /** PractitionerRole.code: counselor / supervisor / care-coordinator / prescriber / peer-specialist. */
  role: `${WAYPOINT_BASE}/CodeSystem/staff-role`,
  /** EpisodeOfCare.type: the therapy track. */
  track: `${WAYPOINT_BASE}/CodeSystem/therapy-track`,
  /** Measures without a verified LOINC code: BAM items and subscales, craving, COWS. */
  measure: `${WAYPOINT_BASE}/CodeSystem/measure`,
  /** Task.code for work items: cm-reward, follow-up. */
  task: `${WAYPOINT_BASE}/CodeSystem/task-type`,
  /** Note template identity (Questionnaire.code). */
  noteTemplate: `${WAYPOINT_BASE}/CodeSystem/note-template`,
  /** RiskAssessment.method. */
  riskModel: `${WAYPOINT_BASE}/CodeSystem/risk-model`,
} as const;

export type StaffRole = 'counselor' | 'supervisor' | 'care-coordinator' | 'prescriber' | 'peer-specialist';
export const STAFF_ROLES: readonly StaffRole[] = [
  'counselor',
  'supervisor',
  'care-coordinator',
  'prescriber',
  'peer-specialist',
];

export type Track = 'CBT' | 'DBT' | 'REBT';
export const TRACKS: readonly Track[] = ['CBT', 'DBT', 'REBT'];
export const TRACK_DISPLAY: Record<Track, string> = {
  CBT: 'Cognitive behavioral therapy track',
  DBT: 'Dialectical behavior therapy track',
  REBT: 'Rational emotive behavior therapy track',
};

/** Medications for opioid use disorder, by RxNorm code (CDC IG value sets). */
export type MatDrug = 'buprenorphine' | 'methadone' | 'naltrexone';
export interface MatProduct {
  readonly code: string;
  readonly display: string;
  readonly drug: MatDrug;
  /** Long-acting injection (Sublocade, Vivitrol): one dose covers about a month. */
  readonly longActing?: boolean;
}
export const MAT_PRODUCTS: readonly MatProduct[] = [
  { code: '1010604', display: 'buprenorphine 8 MG / naloxone 2 MG Sublingual Film', drug: 'buprenorphine' },
  { code: '1010600', display: 'buprenorphine 2 MG / naloxone 0.5 MG Sublingual Film', drug: 'buprenorphine' },
  {
    code: '1010603',
    display: 'buprenorphine 2 MG / naloxone 0.5 MG Sublingual Film [Suboxone]',
    drug: 'buprenorphine',
  },
  { code: '351267', display: 'buprenorphine 8 MG / naloxone 2 MG Sublingual Tablet', drug: 'buprenorphine' },
  {
    code: '351266',
    display: 'buprenorphine 2 MG / naloxone 0.5 MG Sublingual Tablet',
    drug: 'buprenorphine',
  },
  { code: '351265', display: 'buprenorphine 8 MG Sublingual Tablet', drug: 'buprenorphine' },
  { code: '351264', display: 'buprenorphine 2 MG Sublingual Tablet', drug: 'buprenorphine' },
  {
    code: '1996184',
    display: 'buprenorphine extended-release injection [Sublocade]',
    drug: 'buprenorphine',
    longActing: true,
  },
  { code: '991147', display: 'methadone hydrochloride 10 MG/ML Oral Solution', drug: 'methadone' },
  { code: '864706', display: 'methadone hydrochloride 10 MG Oral Tablet', drug: 'methadone' },
  { code: '864708', display: 'methadone hydrochloride 10 MG Oral Tablet [Dolophine]', drug: 'methadone' },
  // Both naltrexone codes are unverified (re-check against RxNorm): no value set in fhir-samples lists them.
  {
    code: '637213',
    display: 'naltrexone 380 MG extended-release injectable suspension [Vivitrol]',
    drug: 'naltrexone',
    longActing: true,
  },
  { code: '1483744', display: 'naltrexone hydrochloride 50 MG Oral Tablet', drug: 'naltrexone' },
];

export function matProductByCode(code: string | undefined): MatProduct | undefined {
  return code === undefined ? undefined : MAT_PRODUCTS.find((p) => p.code === code);
}

/** Substances a urine drug screen reports on. */
export type Substance =
  | 'fentanyl'
  | 'opiates'
  | 'heroin'
  | 'oxycodone'
  | 'buprenorphine'
  | 'methadone'
  | 'cocaine'
  | 'amphetamine'
  | 'benzodiazepine'
  | 'cannabinoid';

/** Illicit or non-prescribed opioids: positives count toward relapse risk. */
export const OPIOID_SUBSTANCES: readonly Substance[] = ['fentanyl', 'opiates', 'heroin', 'oxycodone'];
/** Stimulants: a positive adds a smaller weight. */
export const STIMULANT_SUBSTANCES: readonly Substance[] = ['cocaine', 'amphetamine'];

export interface UdsTest {
  readonly code: string;
  readonly display: string;
  readonly substance: Substance;
}

/**
 * UDS LOINC codes Waypoint recognises. The first code per substance is the one the demo clinic
 * writes; the rest are read (including the CDC IG examples' codes) so imported data is understood.
 */
export const UDS_TESTS: readonly UdsTest[] = [
  { code: '59673-4', display: 'fentaNYL [Presence] in Urine by Screen method', substance: 'fentanyl' },
  { code: '40839-3', display: 'fentaNYL [Presence] in Urine by Confirmatory method', substance: 'fentanyl' },
  { code: '11235-9', display: 'fentaNYL [Presence] in Urine', substance: 'fentanyl' },
  {
    code: '58379-9',
    display: 'fentaNYL+Norfentanyl [Presence] in Urine by Screen method',
    substance: 'fentanyl',
  },
  { code: '74372-4', display: 'Acetyl fentanyl [Mass/volume] in Urine', substance: 'fentanyl' },
  { code: '19295-5', display: 'Opiates [Presence] in Urine by Screen method', substance: 'opiates' },
  { code: '18390-5', display: 'Opiates [Presence] in Urine by Confirmatory method', substance: 'opiates' },
  { code: '3879-4', display: 'Opiates [Presence] in Urine', substance: 'opiates' },
  { code: '8220-6', display: 'Opiates [Mass/volume] in Urine', substance: 'opiates' },
  {
    code: '19321-9',
    display: '6-Monoacetylmorphine [Presence] in Urine by Screen method',
    substance: 'heroin',
  },
  {
    code: '19322-7',
    display: '6-Monoacetylmorphine [Presence] in Urine by Confirmatory method',
    substance: 'heroin',
  },
  { code: '10976-9', display: '6-Monoacetylmorphine [Presence] in Urine', substance: 'heroin' },
  { code: '89302-4', display: 'Noroxymorphone [Presence] in Urine by Screen method', substance: 'oxycodone' },
  {
    code: '93494-3',
    display: 'Buprenorphine [Presence] in Urine by Screen method',
    substance: 'buprenorphine',
  },
  {
    code: '58359-1',
    display: 'Buprenorphine+Norbuprenorphine [Presence] in Urine by Screen method',
    substance: 'buprenorphine',
  },
  {
    code: '38373-7',
    display: 'Buprenorphine+Norbuprenorphine [Presence] in Urine',
    substance: 'buprenorphine',
  },
  { code: '19550-3', display: 'Methadone [Presence] in Urine by Screen method', substance: 'methadone' },
  {
    code: '93495-0',
    display: 'Methadone metabolite (EDDP) [Presence] in Urine by Screen method',
    substance: 'methadone',
  },
  {
    code: '16199-2',
    display: 'Methadone [Presence] in Urine by Confirmatory method',
    substance: 'methadone',
  },
  { code: '41466-4', display: 'Methadone/Creatinine [Mass Ratio] in Urine', substance: 'methadone' },
  { code: '3394-4', display: 'Benzoylecgonine [Mass/volume] in Urine', substance: 'cocaine' },
  { code: '3349-8', display: 'Amphetamines [Presence] in Urine', substance: 'amphetamine' },
  { code: '3390-2', display: 'Benzodiazepines [Presence] in Urine', substance: 'benzodiazepine' },
  { code: '26747-6', display: 'Cannabinoids/Creatinine [Mass Ratio] in Urine', substance: 'cannabinoid' },
];

export function udsTestByCode(code: string | undefined): UdsTest | undefined {
  return code === undefined ? undefined : UDS_TESTS.find((t) => t.code === code);
}

/** LOINC panel code for the UDS DiagnosticReport (drugs of abuse panel, urine, screen). */
export const UDS_PANEL = {
  code: '46983-3',
  display: 'Drugs of abuse panel - Urine by Screen method',
} as const;

export const PHQ9 = {
  panel: '44249-1',
  total: '44261-6',
  /** Items 1..9 in order; item 9 is thoughts of self-harm (safety alert on any answer > 0). */
  items: ['44250-9', '44255-8', '44259-0', '44254-1', '44251-7', '44258-2', '44252-5', '44253-3', '44260-8'],
  item9: '44260-8',
  questionnaire: 'http://loinc.org/q/44249-1',
} as const;

export const GAD7 = {
  panel: '69737-5',
  total: '70274-6',
  questionnaire: 'http://loinc.org/q/69737-5',
} as const;

/** LOCAL measure codes (system {@link LOCAL_SYSTEM.measure}): no verified LOINC code exists. */
export const MEASURE = {
  craving: 'craving-0-10',
  bamUse: 'bam-use',
  bamRisk: 'bam-risk',
  bamProtective: 'bam-protective',
  dbtUrge: 'dbt-urge-to-use',
  suds: 'suds',
  cows: 'cows-total',
} as const;

export const DIAGNOSIS = {
  oudUncomplicated: { system: SYSTEM.icd10cm, code: 'F11.20', display: 'Opioid dependence, uncomplicated' },
  oudInRemission: { system: SYSTEM.icd10cm, code: 'F11.21', display: 'Opioid dependence, in remission' },
  oudWithWithdrawal: { system: SYSTEM.icd10cm, code: 'F11.23', display: 'Opioid dependence with withdrawal' },
  opioidAbuseSnomed: { system: SYSTEM.snomed, code: '5602001', display: 'Opioid abuse' },
} as const;

/** meta.security labels for substance-use-disorder records (42 CFR Part 2). */
export const SUD_SECURITY_LABELS = [
  { system: SYSTEM.confidentiality, code: 'R', display: 'restricted' },
  { system: SYSTEM.actCode, code: '42CFRPart2', display: '42 CFR Part2' },
  { system: SYSTEM.actCode, code: 'ETH', display: 'substance abuse information sensitivity' },
  { system: SYSTEM.actCode, code: 'NORDSCLCD', display: 'no redisclosure without consent directive' },
] as const;

/** Task.code for a contingency-management reward (LOCAL: no HL7 standard exists). */
export const TASK_CODE = { cmReward: 'cm-reward', followUp: 'follow-up' } as const;

/** Task.code for a co-signature request on a signed note (LOCAL). */
export const COSIGN_TASK_CODE = 'cosign';

/** Task.code for a note returned to its author for revision (LOCAL). */
export const REVISE_TASK_CODE = 'revise-note';

/**
 * PractitionerRole.code (LOCAL_SYSTEM.role) of an associate, pre-licensed counselor whose signed notes need a
 * supervisor's co-signature. Not a StaffRole: it qualifies the counselor role.
 */
export const COSIGN_REQUIRED_ROLE = 'associate';

/** Result values of a qualitative screen (SNOMED), as the demo clinic writes them. */
export const SCREEN_RESULT = {
  positive: { system: SYSTEM.snomed, code: '10828004', display: 'Positive' },
  negative: { system: SYSTEM.snomed, code: '260385009', display: 'Negative' },
} as const;

/** Waypoint's own extensions. */
export const EXTENSION = {
  /** EpisodeOfCare: planned length of the track in weeks (12–16). valueInteger. */
  plannedWeeks: `${WAYPOINT_BASE}/StructureDefinition/planned-weeks`,
  /** Patient: pronouns as free text (R5 backport; valueString). */
  pronouns: 'http://hl7.org/fhir/StructureDefinition/individual-pronouns',
} as const;

/** Canonical URL of a note template or measure Questionnaire. */
export function questionnaireUrl(name: string): string {
  return `${WAYPOINT_BASE}/Questionnaire/${name}`;
}

export type NoteTemplate =
  | 'cbt-thought-record'
  | 'cbt-behavioral-experiment'
  | 'cbt-exposure'
  | 'dbt-diary-card'
  | 'dbt-chain-analysis'
  | 'rebt-abcde'
  | 'session-frame';

export const NOTE_TEMPLATES: readonly NoteTemplate[] = [
  'cbt-thought-record',
  'cbt-behavioral-experiment',
  'cbt-exposure',
  'dbt-diary-card',
  'dbt-chain-analysis',
  'rebt-abcde',
  'session-frame',
];

// ---- Codes the demo clinic writes. Append only: stored records use them. ----

/** Canonical URL of PHQ-9/GAD-7 is LOINC's; Waypoint-local measure Questionnaires use these names. */
export const MEASURE_QUESTIONNAIRE = { bam: 'bam', craving: 'craving' } as const;

/** LOCAL measure codes added for the structured note templates (system {@link LOCAL_SYSTEM.measure}). */
export const MEASURE_DETAIL = {
  sudsBefore: 'suds-before',
  sudsPeak: 'suds-peak',
  sudsAfter: 'suds-after',
  /** DBT diary card: days in the week the skills of a module were used (0–7). */
  dbtSkillsMindfulness: 'dbt-skills-mindfulness',
  dbtSkillsDistressTolerance: 'dbt-skills-distress-tolerance',
  dbtSkillsEmotionRegulation: 'dbt-skills-emotion-regulation',
  dbtSkillsInterpersonal: 'dbt-skills-interpersonal-effectiveness',
  /** BAM items 1..17 are LOCAL codes bam-1 … bam-17 (bam-7a … bam-7g for the drug sub-items). */
  bamItemPrefix: 'bam-',
  /** DBT diary card: highest urge to self-harm / to kill oneself in the week (0–5). */
  dbtUrgeSelfHarm: 'dbt-urge-self-harm',
  dbtUrgeSuicide: 'dbt-urge-suicide',
  /** CBT thought record: the strongest mood rating before and after the balanced thought (0–100 %). */
  moodRatingBefore: 'mood-rating-before',
  moodRatingAfter: 'mood-rating-after',
  /** CBT thought record: belief in the balanced thought (0–100 %). */
  balancedThoughtBelief: 'balanced-thought-belief',
  /** CBT behavioral experiment: belief in the tested belief before and after (0–100 %). */
  experimentBeliefBefore: 'experiment-belief-before',
  experimentBeliefAfter: 'experiment-belief-after',
  /** REBT ABCDE: intensity of the unhealthy negative emotion at C and after disputing (0–10). */
  rebtIntensityBefore: 'rebt-emotion-intensity-before',
  rebtIntensityAfter: 'rebt-emotion-intensity-after',
} as const;

/** Task.output type of a CM reward: the points earned (LOCAL, system {@link LOCAL_SYSTEM.task}). */
export const CM_POINTS_OUTPUT = 'cm-points';

/** SDC extension that marks a Questionnaire item for extraction to an Observation. */
export const SDC_OBSERVATION_EXTRACT =
  'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-observationExtract';

/** Identifier systems Waypoint assigns. */
export const IDENTIFIER_SYSTEM = {
  mrn: `${WAYPOINT_BASE}/mrn`,
  staff: `${WAYPOINT_BASE}/staff`,
  organization: `${WAYPOINT_BASE}/organization`,
  healthcareService: `${WAYPOINT_BASE}/healthcare-service`,
  /** Supervision CareTeam identifier (see clinical/README.md, "Supervision"). */
  team: `${WAYPOINT_BASE}/team`,
} as const;

/**
 * Demo-data only: meta.tag system carrying a generated patient's archetype (steady-responder, …).
 * Test scaffolding, never clinical truth: the UI must not display it.
 */
export const DEMO_ARCHETYPE_SYSTEM = `${WAYPOINT_BASE}/CodeSystem/demo-archetype`;

/** The relapse-risk model's code in {@link LOCAL_SYSTEM.riskModel}. */
export const RISK_MODEL_CODE = 'waypoint-relapse-risk';

/** UDS LOINC codes of confirmatory methods: a confirmatory result overrides the screen for its substance. */
export const UDS_CONFIRMATORY_CODES: readonly string[] = ['40839-3', '18390-5', '19322-7', '16199-2'];

/** v3 ObservationInterpretation codes read as a qualitative screen result. */
export const INTERPRETATION_POSITIVE: readonly string[] = ['POS', 'DET', 'A', 'AA', 'H', 'HH', 'HU'];
export const INTERPRETATION_NEGATIVE: readonly string[] = ['NEG', 'ND', 'N'];

/** PHQ-9 answer codes (LOINC answer list LL358-3) and their item scores 0–3. */
export const PHQ9_ANSWER_SCORES: Readonly<Record<string, number>> = {
  'LA6568-5': 0,
  'LA6569-3': 1,
  'LA6570-1': 2,
  'LA6571-9': 3,
};

/** Appointment.cancelationReason code system (patient codes start with "pat"). */
export const APPOINTMENT_CANCELLATION_REASON_SYSTEM =
  'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason';

/** Consent.category LOINC 59284-0 "Patient Consent", used for the 42 CFR Part 2 consent. */
export const PART2_CONSENT = { scope: 'patient-privacy', category: '59284-0' } as const;

/** LOCAL answer codes of the Brief Addiction Monitor (day bins, degree, health rating, yes/no). */
export const BAM_ANSWER_SYSTEM = `${WAYPOINT_BASE}/CodeSystem/bam-answer`;

// ---- Uncoded MOUD orders. Append only: stored records use them. ----

/**
 * A word that names a medication for opioid use disorder in free text: the `text` of an order's or a
 * Medication's code, or a coding's display, read only when no RxNorm code of {@link MAT_PRODUCTS} matches.
 * Matched case-insensitively as a whole word (letters only: "methylnaltrexone" does not match "naltrexone").
 */
export interface MoudWord {
  /** Lower case, letters only. */
  readonly word: string;
  readonly drug: MatDrug;
  /** A long-acting injection brand: one dose covers about a month. */
  readonly longActing?: boolean;
}

/**
 * Generic and brand names of the FDA-approved MOUD. Sources: U.S. FDA, "Information about Medications for
 * Opioid Use Disorder (MOUD)" (fda.gov, Drugs › Information by Drug Class; its list "FDA-approved MOUD":
 * Brixadi and Sublocade buprenorphine extended-release injections, Suboxone, Zubsolv, Methadose, Vivitrol
 * naltrexone for extended-release injectable suspension, and the generic products); brands that are no
 * longer marketed but are still found in records, from SAMHSA TIP 63 "Medications for Opioid Use Disorder"
 * (2021 update; Subutex, Bunavail, Dolophine) and the FDA label of Diskets (methadone hydrochloride tablets
 * for oral suspension, NDA 017058).
 */
export const MOUD_WORDS: readonly MoudWord[] = [
  { word: 'buprenorphine', drug: 'buprenorphine' },
  { word: 'suboxone', drug: 'buprenorphine' },
  { word: 'subutex', drug: 'buprenorphine' },
  { word: 'zubsolv', drug: 'buprenorphine' },
  { word: 'bunavail', drug: 'buprenorphine' },
  { word: 'sublocade', drug: 'buprenorphine', longActing: true },
  { word: 'brixadi', drug: 'buprenorphine', longActing: true },
  { word: 'methadone', drug: 'methadone' },
  { word: 'methadose', drug: 'methadone' },
  { word: 'dolophine', drug: 'methadone' },
  { word: 'diskets', drug: 'methadone' },
  { word: 'naltrexone', drug: 'naltrexone' },
  { word: 'vivitrol', drug: 'naltrexone', longActing: true },
];

/**
 * A generic buprenorphine or naltrexone text is a long-acting injection when it says both "extended
 * release" and "injection" (the FDA names: "buprenorphine extended-release injection", "naltrexone for
 * extended-release injectable suspension"). Words, lower case, letters only.
 */
export const MOUD_EXTENDED_RELEASE_WORDS: readonly string[] = ['extended release', 'er', 'xr'];
export const MOUD_INJECTION_WORDS: readonly string[] = [
  'injection',
  'injectable',
  'inj',
  'subcutaneous',
  'intramuscular',
];

/**
 * Texts that name those drugs but are not MOUD: buprenorphine for pain (Butrans transdermal system,
 * Belbuca buccal film, Buprenex injection; any buprenorphine patch) and naltrexone/bupropion for weight
 * management (Contrave), per their FDA labels. A text with any of these words is not read as MOUD.
 */
export const NOT_MOUD_WORDS: readonly string[] = [
  'butrans',
  'belbuca',
  'buprenex',
  'transdermal',
  'patch',
  'contrave',
  'bupropion',
];

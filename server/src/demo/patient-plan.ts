/**
 * One demo patient's story as plain data: who they are, their track, their MAT days and gaps, and what
 * each week looks like (attendance, use, craving, mood). patient-record.ts turns a plan into FHIR.
 */
import {
  MAT_PRODUCTS,
  type MatDrug,
  type MatProduct,
  type Track,
  TRACKS,
} from '../../../clinical/terminology';
import { type Archetype, ARCHETYPE_LIST, ARCHETYPES } from './archetypes';
import { FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES, NEUTRAL_NAMES } from './names';
import { type Phase } from './note-content';
import { type Random } from './prng';

export type Opioid = 'fentanyl' | 'heroin' | 'oxycodone';
export type Stimulant = 'cocaine' | 'amphetamine';

export interface WeekState {
  /** Probability of attending a scheduled session this week. */
  readonly attend: number;
  readonly opioid: Opioid | null;
  readonly stimulant: Stimulant | null;
  readonly benzo: boolean;
  readonly craving: number;
  readonly phq9: number;
  readonly gad7: number;
  /** PHQ-9 item 9 answer if a PHQ-9 is given this week. */
  readonly item9: number;
  readonly bamRisk: number;
  readonly bamProtective: number;
  /** A UDS is collected this week whatever the attendance (invariant-carrying weeks). */
  readonly forceUds: boolean;
  /** No UDS this week (left the program, refused, no specimen). */
  readonly noUds: boolean;
  readonly phase: Phase;
}

export interface MatOrder {
  readonly from: number;
  /** Day the order ends (exclusive); undefined = still active. */
  readonly to?: number;
  readonly doseMg: number;
  readonly status: 'active' | 'stopped' | 'completed';
  readonly reason?: string;
}

export interface MatPlan {
  readonly drug: MatDrug;
  readonly product: MatProduct;
  readonly start: number;
  /** Day dosing stops for good (exclusive); undefined = continues past the as-of date. */
  readonly stop?: number;
  /** Inclusive [from, to] day ranges without medication (missed doses, late injection, no refill). */
  readonly gaps: readonly (readonly [number, number])[];
  readonly orders: readonly MatOrder[];
}

export interface PatientPlan {
  readonly index: number;
  readonly archetype: Archetype;
  readonly track: Track;
  readonly plannedWeeks: number;
  /** Day offset of the intake session (negative: in the past). */
  readonly start: number;
  /** Last day of the episode (inclusive) when it ended before the as-of date. */
  readonly end?: number;
  readonly status: 'active' | 'finished';
  readonly outcome?: 'completed' | 'dropout';
  /** Last past day with data: min(end, -1). */
  readonly lastDay: number;
  readonly weeks: readonly WeekState[];
  /** Weeks from which no sessions are attended (early dropout). */
  readonly dropWeek?: number;
  readonly relapseWeek?: number;
  readonly mat: MatPlan;
  readonly cm: boolean;
  readonly twiceWeeklyWeeks: number;
  readonly sessionHour: number;
  readonly phqInterval: number;
  readonly person: Person;
  readonly relatedPerson?: { readonly given: string; readonly family: string; readonly relationship: string };
  readonly consent: 'active' | 'revoked' | 'none';
  readonly withdrawalAtIntake: boolean;
  readonly telehealthShare: number;
}

export interface Person {
  readonly given: string;
  readonly family: string;
  readonly gender: 'male' | 'female' | 'other';
  readonly pronouns?: string;
  readonly birthDay: number;
  readonly age: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function pickArchetype(random: Random): Archetype {
  return random.weighted(ARCHETYPE_LIST.map((a) => [a, ARCHETYPES[a].share] as const));
}

function planPerson(random: Random): Person {
  const gender = random.weighted([
    ['male', 0.6],
    ['female', 0.37],
    ['other', 0.03],
  ] as const);
  const given =
    gender === 'male'
      ? random.pick(MALE_NAMES)
      : gender === 'female'
        ? random.pick(FEMALE_NAMES)
        : random.pick(NEUTRAL_NAMES);
  const age = random.chance(0.16)
    ? random.int(19, 24)
    : random.chance(0.7)
      ? random.int(25, 44)
      : random.int(45, 66);
  const pronouns =
    gender === 'other'
      ? 'they/them'
      : random.chance(0.25)
        ? gender === 'male'
          ? 'he/him'
          : 'she/her'
        : undefined;
  return {
    given,
    family: random.pick(FAMILY_NAMES),
    gender,
    ...(pronouns ? { pronouns } : {}),
    age,
    birthDay: -(age * 365 + random.int(0, 364)),
  };
}

function pickMat(random: Random, archetype: Archetype): MatProduct {
  const product = (code: string) => MAT_PRODUCTS.find((p) => p.code === code) as MatProduct;
  if (archetype === 'taper-relapse') return product(random.pick(['1010604', '351267', '351265']));
  const drug = random.weighted([
    ['buprenorphine', 0.6],
    ['methadone', 0.3],
    ['naltrexone', 0.1],
  ] as const);
  if (drug === 'methadone') return product(random.chance(0.85) ? '991147' : '864706');
  if (drug === 'naltrexone') return product('637213');
  // Sublocade for ~20 % of buprenorphine patients (never for the dose-gap relapse: its depot hides a gap).
  if (archetype !== 'fentanyl-relapse' && random.chance(0.2)) return product('1996184');
  return product(
    random.weighted([
      ['1010604', 0.6],
      ['351267', 0.15],
      ['1010600', 0.1],
      ['351265', 0.15],
    ] as const),
  );
}

export function planPatient(random: Random, index: number): PatientPlan {
  const archetype = pickArchetype(random);
  const info = ARCHETYPES[archetype];
  const track = random.pick(TRACKS);
  const plannedWeeks = random.int(12, 16);
  const trackDays = plannedWeeks * 7;

  // Staggered starts: some in week 1, most mid-track, some finished.
  let daysAgo: number;
  const bucket = random.next();
  if (info.minWeeks === 0 && bucket < 0.14) daysAgo = random.int(1, 6);
  else if (bucket > 0.97) daysAgo = trackDays + random.int(2, 70);
  else daysAgo = random.int(7, trackDays - 1);
  // Trajectories that need time start early enough to show, without finishing the track because of it.
  if (daysAgo < trackDays)
    daysAgo = Math.max(daysAgo, Math.min(trackDays - 1, info.minWeeks * 7 + random.int(1, 14)));
  const start = -daysAgo;

  let end: number | undefined = start + trackDays - 1 <= -1 ? start + trackDays - 1 : undefined;
  let outcome: PatientPlan['outcome'] = end !== undefined ? 'completed' : undefined;
  let dropWeek: number | undefined;
  if (archetype === 'early-dropout') {
    dropWeek = random.int(2, 4);
    const discharge = start + (dropWeek + 3) * 7;
    if (discharge <= -1) {
      end = discharge;
      outcome = 'dropout';
    } else {
      end = undefined;
      outcome = undefined;
    }
  }
  const lastDay = end ?? -1;
  const weekCount = Math.floor((lastDay - start) / 7) + 1;

  const product = pickMat(random, archetype);
  const cm =
    archetype === 'cm-responder' ||
    (archetype === 'stimulant-co-use' ? random.chance(0.6) : random.chance(0.12));

  // Trajectory parameters.
  const craving0 = random.int(5, 8);
  const phq0 = archetype === 'depression-risk' ? random.int(15, 20) : random.int(6, 16);
  const gad0 = archetype === 'depression-risk' ? random.int(12, 18) : random.int(4, 14);
  const protective0 = random.int(6, 12);
  let relapseWeek: number | undefined;
  if (archetype === 'fentanyl-relapse') relapseWeek = random.int(4, Math.max(4, weekCount - 3));
  const taperStartWeek = archetype === 'taper-relapse' ? random.int(4, 5) : undefined;
  const taperStopWeek = taperStartWeek !== undefined ? taperStartWeek + 2 : undefined;

  const weeks: WeekState[] = [];
  for (let w = 0; w < weekCount; w++) {
    let attend = 0.92;
    let opioidP = w === 0 ? 0.45 : w === 1 ? 0.25 : w === 2 ? 0.1 : 0.03;
    let stimulantP = 0.04;
    let benzoP = 0.02;
    let craving = Math.max(1, craving0 - 0.55 * w);
    let phq = Math.max(2, phq0 - 1.1 * w);
    let gad = Math.max(1, gad0 - 0.8 * w);
    let protective = Math.min(22, protective0 + 0.6 * w);
    let forceUds = false;
    let noUds = false;
    let forcedOpioid: Opioid | null = null;
    let item9P = 0.015;
    switch (archetype) {
      case 'steady-responder':
        attend = 0.95;
        break;
      case 'early-dropout':
        attend = dropWeek !== undefined && w >= dropWeek ? 0 : 0.75;
        opioidP = 0.5;
        craving = craving0;
        phq = phq0;
        noUds = dropWeek !== undefined && w >= dropWeek;
        protective = protective0 - 2;
        break;
      case 'fentanyl-relapse':
        if (relapseWeek !== undefined && w >= relapseWeek) {
          const k = w - relapseWeek;
          forceUds = k <= 1;
          forcedOpioid = k <= 1 ? 'fentanyl' : null;
          opioidP = k === 2 ? 0.6 : 0.25;
          attend = k <= 1 ? 0.45 : 0.8;
          craving = k <= 2 ? random.int(7, 9) : 5;
          phq = phq + 4;
          protective = protective - 4;
        }
        break;
      case 'taper-relapse':
        if (taperStopWeek !== undefined && w > taperStopWeek) {
          const k = w - taperStopWeek;
          forceUds = k === 2;
          forcedOpioid = k === 2 ? 'fentanyl' : null;
          opioidP = k === 1 ? 0.7 : 0.6;
          attend = 0.65;
          craving = Math.min(9, 5 + k);
          protective = protective - 3;
        }
        break;
      case 'depression-risk':
        attend = 0.72;
        opioidP = w < 2 ? 0.45 : 0.2;
        craving = clamp(craving0 - 0.1 * w, 4, 8);
        phq = Math.min(25, phq0 + 0.3 * w);
        gad = Math.min(20, gad0 + 0.2 * w);
        item9P = 0.4;
        protective = protective0 - 3 - 0.2 * w;
        break;
      case 'cm-responder':
        attend = 0.9;
        opioidP = w < 3 ? 0.7 : 0.03;
        stimulantP = w < 3 ? 0.6 : 0.05;
        craving = w < 3 ? craving0 : Math.max(1, craving0 - 0.7 * (w - 2));
        break;
      case 'ambivalent':
        attend = 0.75;
        opioidP = Math.max(0.15, 0.4 - 0.02 * w);
        benzoP = 0.15;
        craving = clamp(craving0 - 0.2 * w, 4, 7);
        phq = Math.max(5, phq0 - 0.4 * w);
        break;
      case 'stimulant-co-use':
        attend = 0.85;
        opioidP = w < 2 ? 0.3 : 0.04;
        stimulantP = 0.5;
        break;
    }
    const opioid: Opioid | null =
      forcedOpioid ??
      (random.chance(opioidP)
        ? random.weighted([
            ['fentanyl', 0.75],
            ['heroin', 0.15],
            ['oxycodone', 0.1],
          ] as const)
        : null);
    const stimulant: Stimulant | null = random.chance(stimulantP)
      ? random.chance(0.7)
        ? 'cocaine'
        : 'amphetamine'
      : null;
    const cravingNow = clamp(Math.round(craving + random.gaussian() * 0.8 + (opioid ? 1 : 0)), 0, 10);
    const phqNow = clamp(Math.round(phq + random.gaussian() * 1.5), 0, 27);
    const phase: Phase = opioid
      ? 'using'
      : cravingNow >= 7 || phqNow >= 15
        ? 'struggling'
        : w < 2
          ? 'engaging'
          : 'stable';
    weeks.push({
      attend,
      opioid,
      stimulant,
      benzo: random.chance(benzoP),
      craving: cravingNow,
      phq9: phqNow,
      gad7: clamp(Math.round(gad + random.gaussian() * 1.5), 0, 21),
      item9: random.chance(item9P) ? random.int(1, 2) : 0,
      bamRisk: clamp(
        Math.round(4 + cravingNow * 0.8 + phqNow / 3 + (opioid ? 3 : 0) + random.gaussian()),
        0,
        24,
      ),
      bamProtective: clamp(Math.round(protective + random.gaussian()), 0, 24),
      forceUds,
      noUds,
      phase,
    });
  }

  const mat = planMat(random, {
    archetype,
    product,
    start,
    weekCount,
    ...(dropWeek !== undefined ? { dropWeek } : {}),
    ...(relapseWeek !== undefined ? { relapseWeek } : {}),
    ...(taperStartWeek !== undefined ? { taperStartWeek } : {}),
  });

  const person = planPerson(random);
  const relatedPerson = random.chance(0.35)
    ? {
        given: random.pick([...FEMALE_NAMES, ...MALE_NAMES]),
        family: random.chance(0.7) ? person.family : random.pick(FAMILY_NAMES),
        relationship: random.pick(['MTH', 'FTH', 'SPS', 'SIS', 'BRO', 'FRND', 'GRMTH']),
      }
    : undefined;

  return {
    index,
    archetype,
    track,
    plannedWeeks,
    start,
    ...(end !== undefined ? { end } : {}),
    status: end !== undefined ? 'finished' : 'active',
    ...(outcome ? { outcome } : {}),
    lastDay,
    weeks,
    ...(dropWeek !== undefined ? { dropWeek } : {}),
    ...(relapseWeek !== undefined ? { relapseWeek } : {}),
    mat,
    cm,
    twiceWeeklyWeeks: track === 'DBT' || random.chance(0.3) ? 4 : 0,
    sessionHour: random.int(8, 16),
    phqInterval: random.int(2, 4),
    person,
    ...(relatedPerson ? { relatedPerson } : {}),
    consent: random.weighted([
      ['active', 0.82],
      ['revoked', 0.08],
      ['none', 0.1],
    ] as const),
    withdrawalAtIntake: random.chance(0.3),
    telehealthShare: random.chance(0.3) ? 0.4 : 0.05,
  };
}

interface MatInput {
  readonly archetype: Archetype;
  readonly product: MatProduct;
  readonly start: number;
  readonly weekCount: number;
  readonly dropWeek?: number;
  readonly relapseWeek?: number;
  readonly taperStartWeek?: number;
}

function planMat(random: Random, input: MatInput): MatPlan {
  const { archetype, product, start } = input;
  const drug = product.drug;
  // Many patients were inducted on MAT (detox, OTP intake) weeks before the counseling track started.
  let matStart = start - (random.chance(0.5) ? random.int(0, 14) : random.int(15, 90));
  const gaps: [number, number][] = [];
  let stop: number | undefined;
  let orders: MatOrder[];
  const dose =
    drug === 'methadone'
      ? random.pick([60, 70, 80, 90, 100, 110, 120])
      : drug === 'naltrexone'
        ? 380
        : random.pick([8, 12, 16, 16, 24]);
  const longActingDose = product.code === '1996184' ? 300 : dose;

  if (archetype === 'fentanyl-relapse' && input.relapseWeek !== undefined) {
    const gapStart = start + 7 * input.relapseWeek - 8;
    const gapEnd = gapStart + random.int(5, 8);
    gaps.push([gapStart, gapEnd]);
    if (product.longActing) {
      // Injections every 28 days from the MAT start, the one due at the gap's start given late.
      matStart = gapStart - 28 * Math.max(1, Math.ceil((gapStart - matStart) / 28));
    }
  } else if (archetype === 'ambivalent' && random.chance(0.4) && input.weekCount > 4 && !product.longActing) {
    const gapStart = start + 7 * random.int(3, input.weekCount - 1) + random.int(0, 3);
    if (gapStart < -2) gaps.push([gapStart, Math.min(-1, gapStart + random.int(2, 4))]);
  }

  if (archetype === 'early-dropout' && input.dropWeek !== undefined) {
    const lastDose = start + 7 * input.dropWeek + random.int(-2, 1);
    stop = lastDose + 1;
    const orderEnd = lastDose + 7;
    orders = [
      {
        from: matStart,
        doseMg: longActingDose,
        ...(orderEnd <= -1
          ? { to: orderEnd, status: 'stopped', reason: 'Lost to follow-up: no dose for 7 days' }
          : { status: 'active' }),
      },
    ];
    if (orderEnd > -1) stop = lastDose + 1;
  } else if (archetype === 'taper-relapse' && input.taperStartWeek !== undefined) {
    const t0 = start + 7 * input.taperStartWeek;
    stop = t0 + 14;
    orders = [
      { from: matStart, to: t0, doseMg: 16, status: 'completed', reason: 'Dose reduced (taper)' },
      { from: t0, to: t0 + 7, doseMg: 8, status: 'completed', reason: 'Dose reduced (taper)' },
      { from: t0 + 7, to: stop, doseMg: 4, status: 'stopped', reason: 'Taper completed at patient request' },
    ];
  } else if (archetype === 'ambivalent' && random.chance(0.33) && input.weekCount > 5) {
    stop = start + 7 * random.int(4, input.weekCount - 1);
    orders = [
      {
        from: matStart,
        to: stop,
        doseMg: longActingDose,
        status: 'stopped',
        reason: 'Patient chose to stop medication',
      },
    ];
  } else {
    orders = [{ from: matStart, doseMg: longActingDose, status: 'active' }];
  }
  if (stop !== undefined && stop > 0) stop = undefined;
  return { drug, product, start: matStart, ...(stop !== undefined ? { stop } : {}), gaps, orders };
}

/** True when medication is taken on that day per the plan (inside MAT, outside gaps). */
export function isCovered(mat: MatPlan, day: number): boolean {
  if (day < mat.start) return false;
  if (mat.stop !== undefined && day >= mat.stop) return false;
  return !mat.gaps.some(([from, to]) => day >= from && day <= to);
}

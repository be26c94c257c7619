/**
 * The demo-clinic generator: pure and deterministic. Same seed + as-of date → byte-identical resources.
 * No system clock, no I/O. `generateClinicBatches` streams one batch per patient (for N = 2000, ~1M
 * resources, without holding them all); `generateClinic` collects them.
 */
import type { Resource } from '@medplum/fhirtypes';

import { archetypeCodeSystem } from './archetypes';
import { Clock } from './clock';
import { type PatientPlan, planPatient } from './patient-plan';
import { PatientRecordBuilder, type PatientStaff } from './patient-record';
import { IdFactory, Random } from './prng';
import {
  type DemoStaff,
  demoStaff,
  planStaff,
  type StaffMember,
  type StaffPlan,
  staffResources,
} from './staff';

export const DEFAULT_SEED = 'waypoint';
export const DEFAULT_PATIENTS = 240;

export interface GenerateOptions {
  readonly patients?: number;
  readonly seed?: string | number;
  /** The clinic's "today" (YYYY-MM-DD or a Date, whose UTC date is used). Data ends the day before. */
  readonly asOf: string | Date;
}

export interface ClinicSettings {
  readonly patients: number;
  readonly seed: string;
  readonly asOf: string;
}

export interface DemoClinic {
  readonly resources: Resource[];
  readonly staff: DemoStaff[];
}

export function clinicSettings(options: GenerateOptions): ClinicSettings {
  const patients = options.patients ?? DEFAULT_PATIENTS;
  if (!Number.isInteger(patients) || patients < 1)
    throw new Error(`patients must be a positive integer, got ${patients}`);
  const asOf = typeof options.asOf === 'string' ? options.asOf : options.asOf.toISOString().slice(0, 10);
  return { patients, seed: String(options.seed ?? DEFAULT_SEED), asOf };
}

/**
 * Active caseloads: every counselor gets a floor of min(25, A / counselors) active patients and the rest is
 * shared by random weights (capped at 40), so caseloads differ (25–40 at N = 240). Finished episodes go to
 * a random counselor.
 */
function assignCounselors(random: Random, plans: readonly PatientPlan[], staff: StaffPlan): StaffMember[] {
  const counselors = staff.counselors;
  const active = random.shuffle(plans.filter((p) => p.status === 'active').map((p) => p.index));
  const floor = Math.min(25, Math.floor(active.length / counselors.length));
  const targets = counselors.map(() => floor);
  const weights = counselors.map(() => 0.2 + random.next());
  for (let left = active.length - floor * counselors.length; left > 0; left--) {
    const open = counselors.map((_, c) => c).filter((c) => (targets[c] as number) < 40);
    const c = random.weighted(
      (open.length > 0 ? open : counselors.map((_, i) => i)).map((i) => [i, weights[i] as number] as const),
    );
    targets[c] = (targets[c] as number) + 1;
  }
  const assigned = new Array<StaffMember>(plans.length);
  let cursor = 0;
  targets.forEach((count, c) => {
    for (let k = 0; k < count; k++) assigned[active[cursor++] as number] = counselors[c] as StaffMember;
  });
  for (const p of plans) assigned[p.index] ??= random.pick(counselors);
  return assigned;
}

/** Streams the clinic: first the staff (and the demo archetype CodeSystem), then one batch per patient. */
export function* generateClinicBatches(options: GenerateOptions): Generator<Resource[], void, undefined> {
  const settings = clinicSettings(options);
  const clock = new Clock(settings.asOf);
  const staff = planStaff(settings.seed, settings.patients);
  const ids = new IdFactory(`${settings.seed}:ids`);
  const since = clock.date(-3 * 365);
  yield [structuredClone(archetypeCodeSystem), ...staffResources(staff, since, ids)];

  const plans: PatientPlan[] = [];
  for (let i = 0; i < settings.patients; i++)
    plans.push(planPatient(new Random(`${settings.seed}:patient:${i}`), i));
  const assignment = new Random(`${settings.seed}:assignment`);
  const counselors = assignCounselors(assignment, plans, staff);

  for (const plan of plans) {
    const counselor = counselors[plan.index] as StaffMember;
    const team: PatientStaff = {
      counselor,
      supervisor: staff.supervisors[counselor.supervisorIndex ?? 0] as StaffMember,
      coordinator: staff.coordinators[plan.index % staff.coordinators.length] as StaffMember,
      prescriber: staff.prescribers[assignment.int(0, staff.prescribers.length - 1)] as StaffMember,
      peer: staff.peers[plan.index % staff.peers.length] as StaffMember,
    };
    const random = new Random(`${settings.seed}:record:${plan.index}`);
    yield new PatientRecordBuilder(plan, team, clock, ids, random).build();
  }
}

export function generateClinic(options: GenerateOptions): DemoClinic {
  const settings = clinicSettings(options);
  const resources: Resource[] = [];
  for (const batch of generateClinicBatches(settings)) resources.push(...batch);
  return { resources, staff: demoStaff(settings.seed, settings.patients) };
}

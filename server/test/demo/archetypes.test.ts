// Per-archetype invariants of the demo clinic: the trajectories a tester is promised in README.md.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type {
  Appointment,
  Encounter,
  EpisodeOfCare,
  MedicationAdministration,
  MedicationDispense,
  MedicationRequest,
  Observation,
  Patient,
  QuestionnaireResponse,
  Resource,
} from '@medplum/fhirtypes';

import { DEMO_ARCHETYPE_SYSTEM, matProductByCode } from '../../../clinical/terminology';
import { generateClinic } from '../../src/demo/index';

const clinic = generateClinic({ patients: 240, seed: 'waypoint', asOf: '2026-11-28' });
const DAY = 86_400_000;

interface Record_ {
  patient: Patient;
  archetype: string;
  all: Resource[];
}

const records = new Map<string, Record_>();
for (const r of clinic.resources) {
  if (r.resourceType === 'Patient') {
    const archetype = r.meta?.tag?.find((t) => t.system === DEMO_ARCHETYPE_SYSTEM)?.code ?? '';
    records.set(`Patient/${r.id}`, { patient: r, archetype, all: [] });
  }
}
for (const r of clinic.resources) {
  const subject =
    (r as { subject?: { reference?: string } }).subject?.reference ??
    (r as { patient?: { reference?: string } }).patient?.reference ??
    (r as { for?: { reference?: string } }).for?.reference;
  if (subject) records.get(subject)?.all.push(r);
}
const of = <T extends Resource>(rec: Record_, type: T['resourceType']) =>
  rec.all.filter((r): r is T => r.resourceType === type);
const byArchetype = (a: string) => [...records.values()].filter((r) => r.archetype === a);
const dayOf = (dateTime: string) => Math.floor(Date.parse(dateTime) / DAY);
const isPositive = (o: Observation) => o.valueCodeableConcept?.coding?.[0]?.code === '10828004';

function drugOf(rec: Record_) {
  const code = of<MedicationRequest>(rec, 'MedicationRequest')[0]?.medicationCodeableConcept?.coding?.[0]
    ?.code;
  return matProductByCode(code);
}

/** Days with no medication: no completed administration and no dispense supply covering them. */
function uncoveredDays(rec: Record_, from: number, to: number): number[] {
  const covered = new Set<number>();
  for (const a of of<MedicationAdministration>(rec, 'MedicationAdministration')) {
    if (a.status === 'completed' && a.effectiveDateTime) covered.add(dayOf(a.effectiveDateTime));
  }
  for (const d of of<MedicationDispense>(rec, 'MedicationDispense')) {
    const start = dayOf(d.whenHandedOver ?? '');
    for (let k = 1; k <= (d.daysSupply?.value ?? 0); k++) covered.add(start + k);
  }
  const out: number[] = [];
  for (let d = from; d <= to; d++) if (!covered.has(d)) out.push(d);
  return out;
}

describe('demo clinic archetypes', () => {
  it('has every archetype, at roughly its share', () => {
    const counts = new Map<string, number>();
    for (const r of records.values()) counts.set(r.archetype, (counts.get(r.archetype) ?? 0) + 1);
    assert.equal(counts.size, 8);
    assert.ok((counts.get('steady-responder') ?? 0) > 50, 'steady responders ~30 %');
    assert.ok((counts.get('fentanyl-relapse') ?? 0) >= 15, 'fentanyl relapse ~12 %');
  });

  it('fentanyl relapse: ≥ 2 fentanyl-positive UDS after a gap of ≥ 5 days without medication', () => {
    for (const rec of byArchetype('fentanyl-relapse')) {
      const admins = of<MedicationAdministration>(rec, 'MedicationAdministration');
      const dispenses = of<MedicationDispense>(rec, 'MedicationDispense');
      const firstMat = Math.min(
        ...admins.map((a) => dayOf(a.effectiveDateTime ?? '')),
        ...dispenses.map((d) => dayOf(d.whenHandedOver ?? '')),
      );
      const uds = of<Observation>(rec, 'Observation').filter((o) => o.code.coding?.[0]?.code === '59673-4');
      const lastUds = Math.max(...uds.map((o) => dayOf(o.effectiveDateTime ?? '')));
      let gapEnd: number | undefined;
      if (drugOf(rec)?.longActing) {
        const shots = admins.map((a) => dayOf(a.effectiveDateTime ?? '')).sort((a, b) => a - b);
        const late = shots.findIndex((d, i) => i > 0 && d - (shots[i - 1] as number) >= 28 + 5);
        assert.ok(late > 0, `${rec.patient.id}: no late injection`);
        gapEnd = shots[late];
      } else {
        const missing = uncoveredDays(rec, firstMat + 1, lastUds);
        const run = missing.findIndex((d, i) => missing[i + 4] === d + 4);
        assert.ok(run >= 0, `${rec.patient.id}: no 5-day gap in ${missing.join(',')}`);
        gapEnd = missing[run] as number;
      }
      const after = uds.filter(
        (o) => dayOf(o.effectiveDateTime ?? '') >= (gapEnd as number) && isPositive(o),
      );
      assert.ok(after.length >= 2, `${rec.patient.id}: ${after.length} fentanyl positives after the gap`);
    }
  });

  it('methadone: a completed observed dose or a take-home covers every day, except in gaps of archetypes that have them', () => {
    let checked = 0;
    for (const rec of records.values()) {
      if (drugOf(rec)?.drug !== 'methadone') continue;
      if (
        !['steady-responder', 'cm-responder', 'stimulant-co-use', 'depression-risk'].includes(rec.archetype)
      )
        continue;
      const admins = of<MedicationAdministration>(rec, 'MedicationAdministration');
      const first = Math.min(...admins.map((a) => dayOf(a.effectiveDateTime ?? '')));
      const yesterday = dayOf('2026-11-27T12:00:00-05:00');
      assert.deepEqual(uncoveredDays(rec, first, yesterday), [], rec.patient.id);
      assert.equal(admins.filter((a) => a.status === 'not-done').length, 0);
      checked++;
    }
    assert.ok(checked > 20);
  });

  it('buprenorphine patients screen buprenorphine-positive when dosed; others never do', () => {
    for (const rec of records.values()) {
      const bup = of<Observation>(rec, 'Observation').filter((o) => o.code.coding?.[0]?.code === '93494-3');
      if (drugOf(rec)?.drug !== 'buprenorphine')
        assert.ok(
          bup.every((o) => !isPositive(o)),
          rec.patient.id,
        );
      else if (rec.archetype === 'steady-responder') assert.ok(bup.every(isPositive), rec.patient.id);
    }
  });

  it('no Encounter before its EpisodeOfCare starts; notes only for attended (fulfilled) sessions', () => {
    const appointments = new Map(
      clinic.resources
        .filter((r) => r.resourceType === 'Appointment')
        .map((a) => [`Appointment/${a.id}`, a as Appointment]),
    );
    const episodes = new Map(
      clinic.resources
        .filter((r) => r.resourceType === 'EpisodeOfCare')
        .map((e) => [`EpisodeOfCare/${e.id}`, e as EpisodeOfCare]),
    );
    const encounters = new Map(
      clinic.resources
        .filter((r) => r.resourceType === 'Encounter')
        .map((e) => [`Encounter/${e.id}`, e as Encounter]),
    );
    for (const enc of encounters.values()) {
      const episode = episodes.get(enc.episodeOfCare?.[0]?.reference ?? '');
      assert.ok(episode?.period?.start && enc.period?.start);
      assert.ok(Date.parse(enc.period.start) >= Date.parse(episode.period.start), enc.id);
      assert.equal(appointments.get(enc.appointment?.[0]?.reference ?? '')?.status, 'fulfilled');
    }
    for (const qr of clinic.resources.filter(
      (r): r is QuestionnaireResponse => r.resourceType === 'QuestionnaireResponse',
    )) {
      assert.ok(encounters.has(qr.encounter?.reference ?? ''), `QR ${qr.id} without an attended session`);
    }
  });

  it('early dropouts stop attending and stop screening; taper patients have a stopped order and later opioid positives', () => {
    for (const rec of byArchetype('early-dropout')) {
      const appts = of<Appointment>(rec, 'Appointment').sort((a, b) =>
        (a.start ?? '').localeCompare(b.start ?? ''),
      );
      const past = appts.filter((a) => a.status !== 'booked');
      assert.ok(
        past.slice(-2).every((a) => a.status === 'noshow'),
        rec.patient.id,
      );
    }
    for (const rec of byArchetype('taper-relapse')) {
      const orders = of<MedicationRequest>(rec, 'MedicationRequest');
      assert.deepEqual(
        orders.map((o) => o.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity?.value),
        [16, 8, 4],
      );
      assert.equal(orders[2]?.status, 'stopped');
      const stop = Date.parse(orders[2]?.dosageInstruction?.[0]?.timing?.repeat?.boundsPeriod?.end ?? '');
      const opioidPositiveAfter = of<Observation>(rec, 'Observation').some(
        (o) =>
          ['59673-4', '19295-5'].includes(o.code.coding?.[0]?.code ?? '') &&
          isPositive(o) &&
          Date.parse(o.effectiveDateTime ?? '') > stop,
      );
      assert.ok(opioidPositiveAfter, rec.patient.id);
    }
  });

  it('CM rewards focus a negative fentanyl Observation and carry points; a few PHQ-9 item 9 answers are positive', () => {
    const obs = new Map(
      clinic.resources
        .filter((r) => r.resourceType === 'Observation')
        .map((o) => [`Observation/${o.id}`, o as Observation]),
    );
    const rewards = clinic.resources.filter(
      (r) => r.resourceType === 'Task' && r.code?.coding?.[0]?.code === 'cm-reward',
    );
    assert.ok(rewards.length > 50);
    for (const t of rewards) {
      assert.ok(t.resourceType === 'Task');
      const focus = obs.get(t.focus?.reference ?? '');
      assert.equal(focus?.code.coding?.[0]?.code, '59673-4');
      assert.ok(focus && !isPositive(focus));
      assert.ok((t.output?.[0]?.valueInteger ?? 0) >= 10);
    }
    const item9 = [...obs.values()].filter((o) => o.code.coding?.[0]?.code === '44260-8');
    const positive = item9.filter((o) => (o.valueInteger ?? 0) > 0).length;
    assert.ok(positive >= 3 && positive < item9.length * 0.15, `${positive} of ${item9.length}`);
  });
});

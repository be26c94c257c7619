// The demo-clinic generator: determinism, FHIR validity, referential integrity, staff, terminology.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';

import { isNoteTemplateResponse } from '../../../clinical/access/response-access';
import { validateNote } from '../../../clinical/notes/note-rules';
import { questionnaireItems } from '../../../clinical/notes/response-items';
import { clinicDefinitions } from '../../../clinical/templates/index';
import { MAT_PRODUCTS } from '../../../clinical/terminology';
import { demoStaff, generateClinic } from '../../src/demo/index';
import { initFhirDefinitions } from '../../src/store/definitions';

const AS_OF = '2026-11-28';
const small = generateClinic({ patients: 24, seed: 'test-seed', asOf: AS_OF });
const clinic = generateClinic({ patients: 240, seed: 'waypoint', asOf: AS_OF });

function byType(resources: readonly Resource[]): Map<string, Resource[]> {
  const map = new Map<string, Resource[]>();
  for (const r of resources) {
    const list = map.get(r.resourceType);
    if (list) list.push(r);
    else map.set(r.resourceType, [r]);
  }
  return map;
}

/** Every `reference` string anywhere inside a resource. */
function references(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else references(v, out);
    }
  }
  return out;
}

/** Active episodes per seed, for the caseload check. */
export function activeEpisodes(resources: readonly Resource[]): number {
  return resources.filter((r) => r.resourceType === 'EpisodeOfCare' && r.status === 'active').length;
}

function valueSetCodes(name: string): Set<string> {
  const vs = JSON.parse(
    readFileSync(
      new URL(`../fixtures/fhir-samples/hl7-cdc-opioid-cpg/valuesets/${name}.json`, import.meta.url),
      'utf8',
    ),
  ) as { expansion?: { contains?: { code: string }[] } };
  return new Set((vs.expansion?.contains ?? []).map((c) => c.code));
}

describe('demo clinic generator', () => {
  it('is deterministic: same seed and date give byte-identical JSON; another seed or date differs', () => {
    const again = generateClinic({ patients: 24, seed: 'test-seed', asOf: AS_OF });
    assert.equal(JSON.stringify(again), JSON.stringify(small));
    const otherSeed = generateClinic({ patients: 24, seed: 'other-seed', asOf: AS_OF });
    assert.notEqual(JSON.stringify(otherSeed.resources), JSON.stringify(small.resources));
    const otherDay = generateClinic({ patients: 24, seed: 'test-seed', asOf: '2026-11-29' });
    assert.notEqual(JSON.stringify(otherDay.resources), JSON.stringify(small.resources));
  });

  it('never dates anything from the system clock: no instant on or after the as-of date except booked appointments', () => {
    const asOfMs = Date.parse(`${AS_OF}T00:00:00-05:00`);
    for (const r of clinic.resources) {
      if (r.resourceType === 'Appointment' && r.status === 'booked') continue;
      const updated = r.meta?.lastUpdated;
      if (updated)
        assert.ok(Date.parse(updated) < asOfMs, `${r.resourceType}/${r.id} lastUpdated ${updated}`);
    }
  });

  it('writes only valid FHIR R4 (validateResource), with every resource type of the contract present', () => {
    initFhirDefinitions();
    for (const r of [...clinicDefinitions(), ...small.resources]) {
      assert.doesNotThrow(() => validateResource(r), `${r.resourceType}/${r.id}`);
    }
    const types = new Set<string>(small.resources.map((r) => r.resourceType));
    for (const t of [
      'Practitioner',
      'PractitionerRole',
      'CareTeam',
      'Patient',
      'RelatedPerson',
      'Condition',
      'Consent',
      'EpisodeOfCare',
      'CarePlan',
      'Goal',
      'Appointment',
      'Encounter',
      'QuestionnaireResponse',
      'Provenance',
      'Observation',
      'DiagnosticReport',
      'MedicationRequest',
      'MedicationAdministration',
      'MedicationDispense',
      'Task',
    ]) {
      assert.ok(types.has(t), `no ${t} among ${[...types].join(', ')}`);
    }
  });

  it('resolves every reference inside the output or to the clinic definitions', () => {
    const known = new Set(
      [...clinicDefinitions(), ...clinic.resources].map((r) => `${r.resourceType}/${r.id}`),
    );
    for (const r of clinic.resources) {
      for (const ref of references(r)) {
        const target = ref.replace(/\/_history\/\d+$/, '');
        assert.ok(known.has(target), `${r.resourceType}/${r.id} → ${ref}`);
      }
    }
    const canonicals = new Set(clinicDefinitions().flatMap((d) => ('url' in d && d.url ? [d.url] : [])));
    for (const qr of byType(clinic.resources).get('QuestionnaireResponse') ?? []) {
      assert.ok(qr.resourceType === 'QuestionnaireResponse' && canonicals.has(qr.questionnaire ?? ''), qr.id);
    }
  });

  it('staffs the clinic: 8 counselors with active caseloads of 25–40, 2 supervisors each supervising half, 2 coordinators, 2 prescribers, 1 peer', () => {
    const staff = demoStaff('waypoint', 240);
    assert.deepEqual(staff, clinic.staff);
    const count = (role: string) => staff.filter((s) => s.role === role).length;
    assert.deepEqual(
      [
        count('counselor'),
        count('supervisor'),
        count('care-coordinator'),
        count('prescriber'),
        count('peer-specialist'),
      ],
      [8, 2, 2, 2, 1],
    );
    assert.deepEqual(staff.map((s) => s.username).slice(0, 3), ['supervisor1', 'supervisor2', 'counselor1']);
    const types = byType(clinic.resources);
    const roles = types.get('PractitionerRole') ?? [];
    assert.equal(roles.length, 15);
    const teams = (types.get('CareTeam') ?? []).filter((t) => t.resourceType === 'CareTeam' && !t.subject);
    assert.equal(teams.length, 2);
    for (const team of teams) {
      assert.ok(team.resourceType === 'CareTeam');
      assert.equal(team.participant?.filter((p) => p.role?.[0]?.coding?.[0]?.code === 'counselor').length, 4);
    }
    const activeTeams = new Set(
      (types.get('EpisodeOfCare') ?? []).flatMap((e) =>
        e.resourceType === 'EpisodeOfCare' && e.status === 'active'
          ? (e.team ?? []).map((t) => t.reference)
          : [],
      ),
    );
    for (const counselor of staff.filter((s) => s.role === 'counselor')) {
      const caseload = (types.get('CareTeam') ?? []).filter(
        (t) =>
          t.resourceType === 'CareTeam' &&
          t.subject &&
          activeTeams.has(`CareTeam/${t.id}`) &&
          t.participant?.some(
            (p) =>
              p.member?.reference === `Practitioner/${counselor.practitionerId}` &&
              p.role?.[0]?.coding?.[0]?.code === 'counselor',
          ),
      ).length;
      assert.ok(caseload >= 25 && caseload <= 40, `${counselor.username} caseload ${caseload}`);
    }
  });

  it('uses MAT and UDS codes that the HL7 CDC opioid guideline value sets list', () => {
    const bup = valueSetCodes('buprenorphine-medications');
    const methadone = valueSetCodes('methadone-medications');
    const uds: Record<string, Set<string>> = {
      fentanyl: valueSetCodes('fentanyl-type-urine-drug-screening-tests'),
      opiates: valueSetCodes('general-opiate-urine-drug-screening-tests'),
      heroin: valueSetCodes('heroin-urine-drug-screening-tests'),
      oxycodone: valueSetCodes('oxycodone-urine-drug-screening-tests'),
      buprenorphine: valueSetCodes('buprenorphine-urine-drug-screening-tests'),
      methadone: valueSetCodes('methadone-urine-drug-screening-tests'),
      benzodiazepine: valueSetCodes('benzodiazepine-urine-drug-screening-tests'),
    };
    const types = byType(clinic.resources);
    const drugs = new Set<string>();
    for (const r of types.get('MedicationRequest') ?? []) {
      assert.ok(r.resourceType === 'MedicationRequest');
      const code = r.medicationCodeableConcept?.coding?.[0]?.code ?? '';
      const product = MAT_PRODUCTS.find((p) => p.code === code);
      assert.ok(product, code);
      drugs.add(product.drug);
      if (product.drug === 'buprenorphine') assert.ok(bup.has(code), `buprenorphine ${code}`);
      if (product.drug === 'methadone') assert.ok(methadone.has(code), `methadone ${code}`);
    }
    assert.deepEqual([...drugs].sort(), ['buprenorphine', 'methadone', 'naltrexone']);
    const seen = new Set<string>();
    for (const r of types.get('Observation') ?? []) {
      if (r.resourceType !== 'Observation' || r.category?.[0]?.coding?.[0]?.code !== 'laboratory') continue;
      const code = r.code.coding?.[0]?.code ?? '';
      seen.add(code);
      const set = Object.values(uds).find((s) => s.has(code));
      // Cocaine (3394-4) and amphetamines (3349-8) have no value set in the CDC IG.
      assert.ok(set || code === '3394-4' || code === '3349-8', `UDS code ${code} in no CDC value set`);
    }
    assert.ok(seen.has('59673-4') && seen.has('93494-3') && seen.has('19550-3'));
  });

  it('labels SUD records with the 42 CFR Part 2 security labels, and not the Patient', () => {
    for (const r of clinic.resources) {
      const codes = (r.meta?.security ?? []).map((s) => s.code);
      if (
        [
          'Observation',
          'QuestionnaireResponse',
          'Encounter',
          'MedicationAdministration',
          'EpisodeOfCare',
        ].includes(r.resourceType)
      ) {
        assert.deepEqual(codes, ['R', '42CFRPart2', 'ETH', 'NORDSCLCD'], `${r.resourceType}/${r.id}`);
      }
      if (r.resourceType === 'Patient') assert.equal(codes.length, 0);
    }
  });

  it('writes every note against its template: known items only, and a signed note passes the signing rules', () => {
    const questionnaires = new Map(
      clinicDefinitions()
        .filter((d) => d.resourceType === 'Questionnaire')
        .map((q) => [q.url, q]),
    );
    let notes = 0;
    for (const r of small.resources) {
      if (r.resourceType !== 'QuestionnaireResponse' || !r.questionnaire) continue;
      const questionnaire = questionnaires.get(r.questionnaire);
      assert.ok(questionnaire, r.questionnaire);
      if (!isNoteTemplateResponse(r)) continue;
      notes++;
      const known = new Set(questionnaireItems(questionnaire).map((x) => x.item.linkId));
      const unknown = (function walk(items: typeof r.item): string[] {
        return (items ?? []).flatMap((i) => [...(known.has(i.linkId) ? [] : [i.linkId]), ...walk(i.item)]);
      })(r.item);
      assert.deepEqual(unknown, [], `${r.questionnaire} QuestionnaireResponse/${r.id}`);
      if (r.status === 'completed') {
        assert.deepEqual(
          validateNote(questionnaire, r),
          [],
          `${r.questionnaire} QuestionnaireResponse/${r.id}`,
        );
      }
    }
    assert.ok(notes > 100, `${notes} notes`);
  });
});

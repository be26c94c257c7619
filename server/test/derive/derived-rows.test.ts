// The caseload rows built from derived resources equal the rows the clinical functions compute from each
// patient's whole raw record, for every archetype of the demo clinic; and the derived resources are valid R4.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { validateResource } from '@medplum/core';
import type { Flag, Observation, Patient, Resource, RiskAssessment } from '@medplum/fhirtypes';

import {
  caseloadRowFromDerived,
  DERIVED_TAG,
  groupByPatient,
  hasDerivedTag,
  isDerived,
  isSummaryObservation,
  populationFacts,
  summaryPopulationFacts,
  toCaseloadRow,
} from '../../../clinical/index';
import { DEMO_ARCHETYPE_SYSTEM } from '../../../clinical/terminology';
import { generateClinic } from '../../src/demo/index';
import { ManualClock } from '../../src/derive/clock';
import { Deriver } from '../../src/derive/deriver';
import { StoreDeriverSource } from '../../src/derive/store-source';
import { initFhirDefinitions } from '../../src/store/definitions';
import { SqliteRepository } from '../../src/store/sqlite-repository';
import { assertRequiredBindings } from '../../src/validation/required-bindings';

const AS_OF = '2026-11-28';
const NOW = `${AS_OF}T15:00:00.000Z`;

describe('caseload rows from derived resources', () => {
  let repo: SqliteRepository;
  let deriver: Deriver;

  before(async () => {
    initFhirDefinitions();
    repo = new SqliteRepository(':memory:', { validate: false });
    await repo.bulkLoad(generateClinic({ patients: 64, seed: 'waypoint', asOf: AS_OF }).resources);
    deriver = new Deriver(new StoreDeriverSource(repo), { clock: new ManualClock(Date.parse(NOW)) });
    await deriver.sweep();
  });

  test('equal the rows computed from the raw record, for every patient of every archetype', async () => {
    const archetypes = new Map<string, number>();
    for (const id of await repo.patientIds()) {
      const resources = await repo.compartmentResources(id);
      const record = groupByPatient(resources.filter((r) => !isDerived(r))).get(id);
      assert.ok(record);
      const archetype =
        record.patient.meta?.tag?.find((t) => t.system === DEMO_ARCHETYPE_SYSTEM)?.code ?? '?';
      archetypes.set(archetype, (archetypes.get(archetype) ?? 0) + 1);
      const summary = resources.find(
        (r): r is Observation => r.resourceType === 'Observation' && isSummaryObservation(r),
      );
      const risk = resources.find(
        (r): r is RiskAssessment =>
          r.resourceType === 'RiskAssessment' && hasDerivedTag(r, DERIVED_TAG.current),
      );
      const flags = resources.filter((r): r is Flag => r.resourceType === 'Flag');
      assert.ok(summary && risk, `derived resources of Patient/${id}`);
      const row = caseloadRowFromDerived({ patient: record.patient as Patient, summary, risk, flags }, NOW);
      assert.deepStrictEqual(row, toCaseloadRow(record, NOW), `${archetype} Patient/${id}`);
      // The workspaces' facts read back equal the rules on the raw record (weekly risk from the stored series).
      assert.deepStrictEqual(
        summaryPopulationFacts(summary),
        populationFacts(
          record,
          NOW,
          resources.filter((r) => isDerived(r)),
        ),
        `${archetype} Patient/${id} population facts`,
      );
    }
    assert.deepEqual([...archetypes.keys()].sort(), [
      'ambivalent',
      'cm-responder',
      'depression-risk',
      'early-dropout',
      'fentanyl-relapse',
      'steady-responder',
      'stimulant-co-use',
      'taper-relapse',
    ]);
  });

  test('every derived resource is valid R4 (structure and required bindings), with a weekly series', async () => {
    let derived: Resource[] = [];
    for (const id of (await repo.patientIds()).slice(0, 12)) {
      derived = derived.concat((await repo.compartmentResources(id)).filter((r) => isDerived(r)));
    }
    const kinds = new Set(derived.map((r) => r.resourceType));
    assert.deepEqual([...kinds].sort(), ['Flag', 'Observation', 'Provenance', 'RiskAssessment']);
    assert.ok(derived.filter((r) => hasDerivedTag(r, DERIVED_TAG.weekly)).length > 12, 'weekly assessments');
    for (const resource of derived) {
      validateResource(resource);
      assertRequiredBindings(resource);
    }
  });

  test('deriving again with nothing changed writes nothing', async () => {
    let written = 0;
    for (const id of await repo.patientIds()) written += (await deriver.derive(id, 'record-changed')).written;
    assert.equal(written, 0);
  });
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import type { Resource } from '@medplum/fhirtypes';

import { clinicShape, generateClinic } from '../../../bench/server-clinic';
import { parseDateRange } from '../../src/store/date-range';
import { initFhirDefinitions } from '../../src/store/definitions';
import { computeIndexRows, splitReference } from '../../src/store/index-rows';
import { getIndexedParams, type IndexedParam } from '../../src/store/search-params';

// Third-party samples kept in the repository (server/test/fixtures/fhir-samples/README.md): Synthea bundles of
// both export formats, the HL7 CDC opioid guideline examples and value sets, PHQ-9 and GAD-7 Questionnaires.
const samplesDir = join(import.meta.dirname, '../fixtures/fhir-samples');

function readSamples(dir: string): Resource[] {
  const out: Resource[] = [];
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, f.name);
    if (f.isDirectory()) {
      out.push(...readSamples(path));
    } else if (f.name.endsWith('.json')) {
      const json = JSON.parse(readFileSync(path, 'utf8')) as Resource;
      if (json.resourceType === 'Bundle') {
        out.push(...(json.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : [])));
      } else if (json.resourceType) {
        out.push(json);
      }
    }
  }
  return out;
}

test('the JSON-walking fast path indexes exactly what the FHIRPath expressions give', () => {
  initFhirDefinitions();
  const samples = readSamples(samplesDir);
  // 952 Synthea (SMART) + 521 Synthea (conditional references) + 55 CDC examples + 21 value sets + 4 questionnaires.
  assert.equal(samples.length, 1553, `the sample resources under ${samplesDir}`);
  assert.equal(new Set(samples.map((r) => r.resourceType)).size, 21, 'resource types among the samples');
  const resources = [...samples, ...[...generateClinic(clinicShape(2000))].flat()];
  const fast = resources.map((r) => computeIndexRows(r));
  const types = new Set(resources.map((r) => r.resourceType));
  const saved = new Map<IndexedParam, IndexedParam['simplePaths']>();
  for (const type of types) {
    for (const param of getIndexedParams(type).values()) {
      saved.set(param, param.simplePaths);
      (param as { simplePaths?: unknown }).simplePaths = undefined;
    }
  }
  try {
    let fastPathParams = 0;
    for (const p of saved.values()) {
      fastPathParams += p ? 1 : 0;
    }
    assert.ok(fastPathParams > saved.size / 2, 'most parameters take the fast path');
    resources.forEach((r, i) => {
      assert.deepEqual(computeIndexRows(r), fast[i], `${r.resourceType}/${r.id}`);
    });
  } finally {
    for (const [param, paths] of saved) {
      (param as { simplePaths?: unknown }).simplePaths = paths;
    }
  }
});

test('reference index rows: relative and http(s) references split into type and id, anything else is a URL', () => {
  const cases: [string, [string, string]][] = [
    ['Patient/1', ['Patient', '1']],
    ['Patient/1/_history/2', ['Patient', '1']],
    ['http://x/fhir/Patient/1', ['Patient', '1']],
    ['https://x/fhir/Patient/1/_history/2', ['Patient', '1']],
    ['http://Patient/1', ['', 'http://Patient/1']],
    ['http:///Patient/1', ['Patient', '1']],
    ['/Patient/1', ['', '/Patient/1']],
    ['foo/Patient/1', ['', 'foo/Patient/1']],
    ['urn:uuid:0d4c', ['', 'urn:uuid:0d4c']],
    ['http://hl7.org/fhir/ValueSet/foo', ['ValueSet', 'foo']],
    [
      'http://waypoint.health/fhir/Questionnaire/phq9|1.0.0',
      ['', 'http://waypoint.health/fhir/Questionnaire/phq9'],
    ],
    ['http://loinc.org', ['', 'http://loinc.org']],
    ['ftp://x/Patient/1', ['', 'ftp://x/Patient/1']],
    ['Patient/1/x', ['', 'Patient/1/x']],
    ['patient/1', ['', 'patient/1']],
    ['Patient/a_b', ['', 'Patient/a_b']],
    ['Patient/1/_history/a_b', ['', 'Patient/1/_history/a_b']],
    ['#contained', ['', '#contained']],
    ['http://x/Patient/Observation/2', ['Observation', '2']],
    [`Observation/${'a'.repeat(65)}`, ['', `Observation/${'a'.repeat(65)}`]],
    ['Patient?identifier=x|1', ['', 'Patient?identifier=x']],
    ['', ['', '']],
  ];
  for (const [reference, expected] of cases) {
    assert.deepEqual(splitReference(reference), expected, reference);
  }
});

test('partial dates and time zones become closed millisecond ranges', () => {
  const range = (s: string): [string, string] | undefined => {
    const r = parseDateRange(s);
    return r && [new Date(r.start).toISOString(), new Date(r.end).toISOString()];
  };
  assert.deepEqual(range('2024'), ['2024-01-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z']);
  assert.deepEqual(range('2024-02'), ['2024-02-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z']);
  assert.deepEqual(range('2023-02-28'), ['2023-02-28T00:00:00.000Z', '2023-02-28T23:59:59.999Z']);
  assert.deepEqual(range('2024-12-31T23:59'), ['2024-12-31T23:59:00.000Z', '2024-12-31T23:59:59.999Z']);
  assert.deepEqual(range('2024-03-05T10:00:00+02:00'), [
    '2024-03-05T08:00:00.000Z',
    '2024-03-05T08:00:00.999Z',
  ]);
  assert.deepEqual(range('2024-03-05T10:00:00.5Z'), ['2024-03-05T10:00:00.500Z', '2024-03-05T10:00:00.599Z']);
  assert.equal(parseDateRange('2023-02-29'), undefined);
  assert.equal(parseDateRange('2024-13'), undefined);
  assert.equal(parseDateRange('yesterday'), undefined);
});

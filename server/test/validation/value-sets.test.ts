// Value-set enumeration on small hand-made definitions: the compose features that R4's own required
// bindings do not use (filters, value-set includes, excludes, expansions) but a bound value set may.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { CodeSystem, ValueSet } from '@medplum/fhirtypes';

import type { ValueSetCodes } from '../../src/validation/value-sets';
import { isEnumerable, Terminology } from '../../src/validation/value-sets';

const SYSTEM = 'http://example.org/CodeSystem/substance';

/** substance > opioid > (methadone, buprenorphine), substance > stimulant (abstract) > cocaine */
const substances: CodeSystem = {
  resourceType: 'CodeSystem',
  url: SYSTEM,
  status: 'active',
  content: 'complete',
  concept: [
    {
      code: 'substance',
      concept: [
        {
          code: 'opioid',
          property: [{ code: 'schedule', valueCode: 'II' }],
          concept: [
            { code: 'methadone', property: [{ code: 'schedule', valueCode: 'II' }] },
            { code: 'buprenorphine', property: [{ code: 'schedule', valueCode: 'III' }] },
          ],
        },
        {
          code: 'stimulant',
          property: [{ code: 'notSelectable', valueBoolean: true }],
          concept: [{ code: 'cocaine' }],
        },
      ],
    },
  ],
};

function valueSet(url: string, compose: ValueSet['compose'], expansion?: ValueSet['expansion']): ValueSet {
  return { resourceType: 'ValueSet', url, status: 'active', compose, expansion };
}

function codes(result: ValueSetCodes): string[] {
  assert.ok(isEnumerable(result), JSON.stringify(result));
  return [...result.ordered];
}

const terminology = (...valueSets: ValueSet[]) => new Terminology([substances, ...valueSets], []);

test('a whole code system includes its nested concepts, but not the abstract ones', () => {
  const t = terminology(valueSet('http://example.org/vs/all', { include: [{ system: SYSTEM }] }));
  assert.deepEqual(codes(t.expand('http://example.org/vs/all|1.0.0')), [
    'substance',
    'opioid',
    'methadone',
    'buprenorphine',
    'cocaine',
  ]);
});

test('hierarchy filters: is-a, descendent-of, is-not-a', () => {
  const filtered = (op: 'is-a' | 'descendent-of' | 'is-not-a') =>
    codes(
      terminology(
        valueSet('http://example.org/vs/f', {
          include: [{ system: SYSTEM, filter: [{ property: 'concept', op, value: 'opioid' }] }],
        }),
      ).expand('http://example.org/vs/f'),
    );
  assert.deepEqual(filtered('is-a'), ['opioid', 'methadone', 'buprenorphine']);
  assert.deepEqual(filtered('descendent-of'), ['methadone', 'buprenorphine']);
  assert.deepEqual(filtered('is-not-a'), ['substance', 'cocaine']);
});

test('property filters, value-set includes (intersected) and excludes', () => {
  const t = terminology(
    valueSet('http://example.org/vs/schedule-ii', {
      include: [{ system: SYSTEM, filter: [{ property: 'schedule', op: '=', value: 'II' }] }],
    }),
    valueSet('http://example.org/vs/opioids', {
      include: [{ system: SYSTEM, filter: [{ property: 'concept', op: 'descendent-of', value: 'opioid' }] }],
    }),
    valueSet('http://example.org/vs/both', {
      include: [{ valueSet: ['http://example.org/vs/schedule-ii', 'http://example.org/vs/opioids'] }],
    }),
    valueSet('http://example.org/vs/opioids-but-methadone', {
      include: [{ valueSet: ['http://example.org/vs/opioids'] }],
      exclude: [{ system: SYSTEM, concept: [{ code: 'methadone' }] }],
    }),
  );
  assert.deepEqual(codes(t.expand('http://example.org/vs/schedule-ii')), ['opioid', 'methadone']);
  assert.deepEqual(codes(t.expand('http://example.org/vs/both')), ['methadone']);
  assert.deepEqual(codes(t.expand('http://example.org/vs/opioids-but-methadone')), ['buprenorphine']);
  const both = t.expand('http://example.org/vs/both');
  assert.ok(isEnumerable(both) && both.codings.has(`${SYSTEM}|methadone`) && !both.codings.has('methadone'));
});

test('what cannot be enumerated offline says why; a stored expansion is used instead when there is one', () => {
  const t = terminology(
    valueSet('http://example.org/vs/regex', {
      include: [{ system: SYSTEM, filter: [{ property: 'code', op: 'regex', value: '^m.*' }] }],
    }),
    valueSet('http://example.org/vs/mime', { include: [{ system: 'urn:ietf:bcp:13' }] }),
    valueSet(
      'http://example.org/vs/snomed-expanded',
      {
        include: [
          { system: 'http://snomed.info/sct', filter: [{ property: 'concept', op: 'is-a', value: '1' }] },
        ],
      },
      { timestamp: '2025-01-01', contains: [{ system: 'http://snomed.info/sct', code: '55561003' }] },
    ),
  );
  assert.deepEqual(t.expand('http://example.org/vs/regex'), {
    url: 'http://example.org/vs/regex',
    reason: `filter "code regex ^m.*" on ${SYSTEM} is not evaluated offline`,
  });
  const mime = t.expand('http://example.org/vs/mime');
  assert.ok(!isEnumerable(mime) && /MIME types/.test(mime.reason));
  assert.ok(!isEnumerable(t.expand('http://example.org/vs/missing')));
  assert.deepEqual(codes(t.expand('http://example.org/vs/snomed-expanded')), ['55561003']);
});

test('the shipped R4 terminology: nested concepts and listed codes of another system', () => {
  const r4 = new Terminology();
  assert.deepEqual(codes(r4.expand('http://hl7.org/fhir/ValueSet/condition-clinical|4.0.1')), [
    'active',
    'recurrence',
    'relapse',
    'inactive',
    'remission',
    'resolved',
  ]);
  // units-of-time lists UCUM codes: no UCUM CodeSystem is needed for them.
  assert.deepEqual(codes(r4.expand('http://hl7.org/fhir/ValueSet/units-of-time')), [
    's',
    'min',
    'h',
    'd',
    'wk',
    'mo',
    'a',
  ]);
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Observation } from '@medplum/fhirtypes';

import { emptyRecord } from './patient-record';
import { aMatOrder, aPatient, AS_OF, aUds, aUdsPanel, aUdsReport, LOINC, recordOf } from './test-builders';
import { classifiedScreens, futureUds, lastUds, udsResult, udsScreens, udsSubstance } from './uds';

const obs = (value: Partial<Observation>, loinc: string = LOINC.fentanyl): Observation =>
  aUds({ loinc, day: -1, value });

describe('udsResult: one UDS Observation → positive / negative / unknown', () => {
  test('demo-clinic shape: valueCodeableConcept SNOMED positive / negative', () => {
    assert.equal(udsResult(aUds({ loinc: LOINC.fentanyl, day: -1, positive: true })), 'positive');
    assert.equal(udsResult(aUds({ loinc: LOINC.fentanyl, day: -1, positive: false })), 'negative');
  });

  test('CDC IG variants: valueString "positive", "negative", "POS", "NEG" (any case, padded)', () => {
    assert.equal(udsResult(obs({ valueString: 'positive' })), 'positive');
    assert.equal(udsResult(obs({ valueString: 'negative' })), 'negative');
    assert.equal(udsResult(obs({ valueString: 'POS' })), 'positive');
    assert.equal(udsResult(obs({ valueString: ' NEG ' })), 'negative');
    assert.equal(udsResult(obs({ valueString: 'Not Detected' })), 'negative');
    assert.equal(udsResult(obs({ valueString: 'see comment' })), 'unknown');
  });

  test('interpretation alone (v3 POS / NEG / DET / ND)', () => {
    const interp = (code: string): Partial<Observation> => ({
      interpretation: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code }] },
      ],
    });
    assert.equal(udsResult(obs(interp('POS'))), 'positive');
    assert.equal(udsResult(obs(interp('DET'))), 'positive');
    assert.equal(udsResult(obs(interp('NEG'))), 'negative');
    assert.equal(udsResult(obs(interp('ND'))), 'negative');
  });

  test('quantity with interpretation → the interpretation; quantity alone → unknown (lab cut-offs vary)', () => {
    const interpretation = [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'A' }],
      },
    ];
    assert.equal(udsResult(obs({ valueQuantity: { value: 12, unit: 'ng/mL' }, interpretation })), 'positive');
    assert.equal(udsResult(obs({ valueQuantity: { value: 12, unit: 'ng/mL' } })), 'unknown');
  });

  test('valueBoolean and valueCodeableConcept text are read', () => {
    assert.equal(udsResult(obs({ valueBoolean: true })), 'positive');
    assert.equal(udsResult(obs({ valueCodeableConcept: { text: 'Negative' } })), 'negative');
  });

  test('entered-in-error → unknown even with a positive value', () => {
    assert.equal(
      udsResult({ ...aUds({ loinc: LOINC.fentanyl, day: -1, positive: true }), status: 'entered-in-error' }),
      'unknown',
    );
  });

  test('substance by LOINC, including the CDC IG codes (74372-4 acetyl fentanyl, 10976-9 6-MAM, 38373-7 bup)', () => {
    assert.equal(udsSubstance(obs({}, '74372-4')), 'fentanyl');
    assert.equal(udsSubstance(obs({}, '10976-9')), 'heroin');
    assert.equal(udsSubstance(obs({}, '38373-7')), 'buprenorphine');
    assert.equal(
      udsSubstance({ ...obs({}), code: { text: 'fentanyl' } }),
      undefined,
      'missing codings → not understood',
    );
  });
});

describe('screens and their classification', () => {
  test('a DiagnosticReport groups its results; loose Observations are grouped by UTC day', () => {
    const a = aUds({ loinc: LOINC.fentanyl, day: -3 });
    const b = aUds({ loinc: LOINC.cocaine, day: -3, positive: true });
    const rec = recordOf([aPatient(), ...aUdsPanel({ day: -10 }), a, b]);
    const screens = udsScreens(rec, AS_OF);
    assert.equal(screens.length, 2);
    assert.ok(screens[0]?.report, 'first screen comes from the report');
    assert.equal(screens[0]?.results.length, 3);
    assert.equal(screens[1]?.report, undefined);
    assert.deepEqual(
      screens[1]?.results.map((r) => `${r.substance}:${r.result}`),
      ['fentanyl:negative', 'cocaine:positive'],
    );
  });

  test('a negative confirmatory result overrides a positive screen for the same substance', () => {
    const screen = aUds({ loinc: '19295-5', day: -2, positive: true });
    const confirm = aUds({ loinc: '18390-5', day: -2, positive: false });
    const rec = recordOf([aPatient(), aUdsReport({ day: -2, results: [screen, confirm] }), screen, confirm]);
    assert.deepEqual(udsScreens(rec, AS_OF)[0]?.results, [
      { substance: 'opiates', result: 'negative', evidence: [{ reference: `Observation/${confirm.id}` }] },
    ]);
  });

  test('future-dated screens (after as-of) are ignored', () => {
    const rec = recordOf([aPatient(), ...aUdsPanel({ day: 2, positives: [LOINC.fentanyl] })]);
    assert.deepEqual(udsScreens(rec, AS_OF), []);
    assert.equal(lastUds(rec, AS_OF), undefined);
  });

  test('future-dated screens are reported, not read: a 2031 panel and a loose result of 2030 → the earliest date, count 2', () => {
    // 1766 days after 16 Mar 2026 is 15 Jan 2031; 1500 days is 24 Apr 2030.
    const rec = recordOf([
      aPatient(),
      ...aUdsPanel({ day: -1 }),
      ...aUdsPanel({ day: 1766, positives: [LOINC.fentanyl] }),
      aUds({ loinc: LOINC.cocaine, day: 1500, positive: true }),
    ]);
    assert.deepEqual(futureUds(rec, AS_OF), {
      date: '2030-04-24T09:00:00.000Z',
      count: 2,
      label: 'future date — check the record',
    });
    assert.equal(lastUds(rec, AS_OF)?.label, 'negative');
    assert.equal(udsScreens(rec, AS_OF).length, 1);
    assert.equal(futureUds(recordOf([aPatient(), ...aUdsPanel({ day: -1 })]), AS_OF), undefined);
  });

  test('on buprenorphine, buprenorphine positive is expected: last UDS label "buprenorphine + (expected)", no flags', () => {
    const rec = recordOf([
      aPatient(),
      aMatOrder({ authoredDay: -30 }),
      ...aUdsPanel({ day: -1, positives: [LOINC.buprenorphine] }),
    ]);
    const last = lastUds(rec, AS_OF);
    assert.deepEqual(last?.flags, []);
    assert.equal(last?.label, 'buprenorphine + (expected)');
  });

  test('fentanyl and buprenorphine positive on buprenorphine → flags ["fentanyl +"] only', () => {
    const rec = recordOf([
      aPatient(),
      aMatOrder({ authoredDay: -30 }),
      ...aUdsPanel({ day: -1, positives: [LOINC.fentanyl, LOINC.buprenorphine] }),
    ]);
    const last = lastUds(rec, AS_OF);
    assert.deepEqual(last?.flags, ['fentanyl +']);
    assert.equal(last?.label, 'fentanyl +');
    assert.deepEqual(last?.expectedPositives, ['buprenorphine']);
  });

  test('a buprenorphine positive 3 days after the order was stopped is still expected (metabolites linger 14 days)', () => {
    const rec = recordOf([
      aPatient(),
      aMatOrder({ status: 'stopped', authoredDay: -60, stoppedDay: -4 }),
      ...aUdsPanel({ day: -1, positives: [LOINC.buprenorphine] }),
    ]);
    assert.deepEqual(classifiedScreens(rec, AS_OF)[0]?.unexpectedPositives, []);
  });

  test('a screen before the order started: buprenorphine positive is unexpected then', () => {
    const rec = recordOf([
      aPatient(),
      aMatOrder({ authoredDay: -5 }),
      ...aUdsPanel({ day: -10, positives: [LOINC.buprenorphine] }),
    ]);
    assert.deepEqual(classifiedScreens(rec, AS_OF)[0]?.unexpectedOpioids, ['buprenorphine']);
  });

  test('all negative → label "negative"; no screens in an empty record', () => {
    assert.equal(lastUds(recordOf([aPatient(), ...aUdsPanel({ day: -1 })]), AS_OF)?.label, 'negative');
    assert.deepEqual(udsScreens(emptyRecord(aPatient()), AS_OF), []);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Resource } from '@medplum/fhirtypes';

import { MEASURE_CODES } from '../fhir/measures';
import {
  aConsent,
  aCosignTask,
  aDispense,
  aMatOrder,
  aMeasure,
  anAdministration,
  anAppointment,
  anEncounter,
  aNote,
  AS_OF,
  aSignature,
  aStablePatient,
  at,
  aUds,
  LOINC,
  recordOf,
} from '../fhir/test-builders';
import { patientAlerts } from './patient-alerts';

const alerts = (resources: Resource[], asOf = AS_OF) => patientAlerts(recordOf(resources), asOf);
const ids = (resources: Resource[]) => alerts(resources).map((a) => a.id);

describe('patient alerts', () => {
  test('stable patient → no alerts', () => {
    assert.deepEqual(alerts(aStablePatient()), []);
  });

  describe('PHQ-9 item 9 (safety)', () => {
    test('item 9 answered 1 at the latest administration → safety alert, first, even among other alerts', () => {
      const result = alerts(
        aStablePatient([
          aUds({ loinc: LOINC.fentanyl, day: -2, positive: true }),
          anAppointment({ day: -8, status: 'noshow' }),
          anAppointment({ day: -1, status: 'noshow' }),
          aMeasure({ code: MEASURE_CODES.phq9Item9, value: 1, day: -3 }),
        ]),
      );
      assert.equal(result[0]?.id, 'phq9-item9');
      assert.equal(result[0]?.severity, 'safety');
      assert.equal(result[0]?.label, 'Safety: PHQ-9 item 9 positive');
      assert.match(result[0]?.detail ?? '', /answered 1 of 3 on 13 Mar 2026/);
      // The fentanyl positive is a safety alert too: PHQ-9 item 9 comes first among the safety alerts.
      assert.deepEqual(
        result.map((a) => a.id),
        ['phq9-item9', 'uds-fentanyl', 'missed-sessions'],
      );
      assert.deepEqual(
        result.map((a) => a.severity),
        ['safety', 'safety', 'warning'],
      );
    });

    test('item 9 positive earlier but 0 at the latest administration → no safety alert', () => {
      assert.deepEqual(
        ids(
          aStablePatient([
            aMeasure({ code: MEASURE_CODES.phq9Item9, value: 2, day: -30 }),
            aMeasure({ code: MEASURE_CODES.phq9Item9, value: 0, day: -2 }),
          ]),
        ),
        [],
      );
    });

    test('an item-9 answer dated after as-of is ignored', () => {
      assert.deepEqual(
        ids(aStablePatient([aMeasure({ code: MEASURE_CODES.phq9Item9, value: 3, day: 1 })])),
        [],
      );
    });
  });

  describe('unexpected opioid positive (last 21 days)', () => {
    test('fentanyl positive 3 days ago → safety "fentanyl-positive screen" with its evidence and naloxone', () => {
      const result = alerts(
        aStablePatient([aUds({ id: 'f1', loinc: LOINC.fentanyl, day: -3, positive: true })]),
      );
      assert.deepEqual(
        result.map((a) => a.id),
        ['uds-fentanyl'],
      );
      const [a] = result;
      assert.equal(a?.severity, 'safety');
      assert.equal(a?.label, 'Safety: fentanyl-positive screen');
      assert.match(
        a?.detail ?? '',
        /^Fentanyl positive: 13 Mar 2026 \(last 21 days\)\. High overdose risk: review naloxone/,
      );
      assert.deepEqual(a?.evidence, [{ reference: 'Observation/f1' }]);
    });

    test('heroin (6-MAM) and fentanyl on one screen → the fentanyl safety alert and a high "UDS heroin +"', () => {
      const result = alerts(
        aStablePatient([
          aUds({ id: 'f1', loinc: LOINC.fentanyl, day: -3, positive: true }),
          aUds({ id: 'h1', loinc: LOINC.heroin, day: -3, positive: true }),
        ]),
      );
      assert.deepEqual(
        result.map((a) => [a.id, a.severity, a.label]),
        [
          ['uds-fentanyl', 'safety', 'Safety: fentanyl-positive screen'],
          ['uds-unexpected-opioid', 'high', 'UDS heroin +'],
        ],
      );
      assert.deepEqual(result[1]?.evidence, [{ reference: 'Observation/h1' }]);
    });

    test('buprenorphine positive on buprenorphine → no alert; fentanyl 22 days ago → no alert', () => {
      assert.deepEqual(ids(aStablePatient([aUds({ loinc: LOINC.fentanyl, day: -22, positive: true })])), []);
    });

    test('cocaine positive alone is not an opioid alert', () => {
      assert.deepEqual(ids(aStablePatient([aUds({ loinc: LOINC.cocaine, day: -2, positive: true })])), []);
    });
  });

  describe('MAT', () => {
    test('supply ran out → high "MAT gap (buprenorphine)"', () => {
      const order = aMatOrder({ id: 'bup-order', authoredDay: -60 });
      const resources = [
        ...aStablePatient().filter((r) => r.resourceType !== 'MedicationDispense'),
        aDispense({ order, day: -10, daysSupply: 7 }),
      ];
      const [a] = alerts(resources);
      assert.equal(a?.label, 'MAT gap (buprenorphine)');
      assert.equal(a?.severity, 'high');
    });

    test('methadone dose missed yesterday → warning "MAT dose missed (methadone)"', () => {
      const order = aMatOrder({ code: '991147', authoredDay: -60 });
      // Panels dropped: the stable patient's buprenorphine positives would be unexpected on methadone.
      const resources = [
        ...aStablePatient().filter((r) => ['Patient', 'EpisodeOfCare', 'Consent'].includes(r.resourceType)),
        order,
        ...[-7, -6, -5, -4, -3, -2].map((day) => anAdministration({ order, day })),
      ];
      const [a] = alerts(resources);
      assert.equal(a?.id, 'mat-missed-dose');
      assert.equal(a?.severity, 'warning');
    });

    test('MAT stopped yesterday → high "MAT stopped"; stopped 40 days ago → no alert', () => {
      const swap = (stoppedDay: number) =>
        aStablePatient().map((r) =>
          r.id === 'bup-order'
            ? aMatOrder({ id: 'bup-order', status: 'stopped', authoredDay: -90, stoppedDay })
            : r,
        );
      assert.deepEqual(ids(swap(-1)), ['mat-stopped']);
      assert.deepEqual(
        ids(swap(-40)).filter((id) => id.startsWith('mat')),
        [],
      );
    });

    test('no MAT → no MAT alert', () => {
      assert.ok(
        !ids(aStablePatient().filter((r) => !r.resourceType.startsWith('Medication'))).some((id) =>
          id.startsWith('mat'),
        ),
      );
    });
  });

  test('2 missed sessions in a row → warning "2 missed sessions in a row"; 1 → none', () => {
    const two = alerts(
      aStablePatient([
        anAppointment({ day: -8, status: 'noshow' }),
        anAppointment({ day: -1, status: 'noshow' }),
      ]),
    );
    assert.equal(two[0]?.label, '2 missed sessions in a row');
    assert.deepEqual(ids(aStablePatient([anAppointment({ day: -1, status: 'noshow' })])), []);
  });

  test('note unsigned 25 h → warning; 4 days → label adds overdue; 20 h → no alert', () => {
    const enc1 = anEncounter({ day: -1 });
    assert.equal(
      alerts(aStablePatient([enc1, aNote({ encounter: enc1 })]))[0]?.label,
      '1 note unsigned > 24 h',
    );
    const enc4 = anEncounter({ day: -4 });
    assert.equal(
      alerts(aStablePatient([enc1, aNote({ encounter: enc1 }), enc4, aNote({ encounter: enc4 })]))[0]?.label,
      '2 notes unsigned > 24 h (1 overdue > 72 h)',
    );
    const recent = { ...anEncounter({ day: 0 }), period: { start: at(-1, 15), end: at(-1, 16) } };
    assert.deepEqual(ids(aStablePatient([recent, aNote({ encounter: recent })])), []);
  });

  test('co-signature waiting → info, with the note as evidence; completed → none', () => {
    const enc = anEncounter({ day: -2 });
    const note = aNote({ id: 'n1', encounter: enc, status: 'completed' });
    const signed = [enc, note, aSignature({ note, recorded: at(-2, 15) })];
    const [a] = alerts(aStablePatient([...signed, aCosignTask({ note, authoredDay: -2 })]));
    assert.equal(a?.id, 'cosign-waiting');
    assert.equal(a?.severity, 'info');
    assert.equal(a?.evidence[0]?.reference, 'QuestionnaireResponse/n1');
    assert.deepEqual(
      ids(aStablePatient([...signed, aCosignTask({ note, authoredDay: -2, status: 'completed' })])),
      [],
    );
  });

  test('Part 2 consent missing → "Part 2 consent missing"; revoked → "Part 2 consent revoked"', () => {
    const withoutConsent = aStablePatient().filter((r) => r.resourceType !== 'Consent');
    assert.equal(alerts(withoutConsent)[0]?.label, 'Part 2 consent missing');
    assert.equal(
      alerts([...withoutConsent, aConsent({ status: 'inactive' })])[0]?.label,
      'Part 2 consent revoked',
    );
  });

  test('every alert has a text label and a detail', () => {
    const withoutConsent = aStablePatient([
      aMeasure({ code: MEASURE_CODES.phq9Item9, value: 2, day: -1 }),
      aUds({ loinc: LOINC.heroin, day: -1, positive: true }),
    ]).filter((r) => r.resourceType !== 'Consent');
    for (const a of alerts(withoutConsent)) {
      assert.ok(a.label.length > 0 && a.detail.length > 0, a.id);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { CareTeam } from '@medplum/fhirtypes';

import { activeEpisode, episodeTrack, isOnCareTeam, programWeek } from './episode';
import { anEpisode, aPatient, AS_OF, recordOf } from './test-builders';

describe('program week', () => {
  test('patient in week 1: enrolled today → "w 1 / 12", day 0', () => {
    const week = programWeek(recordOf([aPatient(), anEpisode({ startDay: 0 })]), AS_OF);
    assert.equal(week?.label, 'w 1 / 12');
    assert.equal(week?.dayOfEpisode, 0);
  });

  test('day 35 is week 6; day 34 is week 5; planned weeks from the extension', () => {
    assert.equal(
      programWeek(recordOf([aPatient(), anEpisode({ startDay: -35, plannedWeeks: 16 })]), AS_OF)?.label,
      'w 6 / 16',
    );
    assert.equal(programWeek(recordOf([aPatient(), anEpisode({ startDay: -34 })]), AS_OF)?.label, 'w 5 / 12');
  });

  test('a track that runs over shows it: day 90 of a 12-week track → "w 13 / 12"', () => {
    assert.equal(
      programWeek(recordOf([aPatient(), anEpisode({ startDay: -90 })]), AS_OF)?.label,
      'w 13 / 12',
    );
  });

  test('no active episode: finished, ended yesterday, future start or cancelled → undefined', () => {
    for (const ep of [
      anEpisode({ status: 'finished' }),
      anEpisode({ startDay: -40, endDay: -1 }),
      anEpisode({ startDay: 3 }),
      anEpisode({ status: 'cancelled' }),
    ]) {
      assert.equal(programWeek(recordOf([aPatient(), ep]), AS_OF), undefined, JSON.stringify(ep));
    }
  });

  test('an episode ending today is still active; the latest of two active episodes wins', () => {
    assert.ok(activeEpisode(recordOf([aPatient(), anEpisode({ startDay: -40, endDay: 0 })]), AS_OF));
    const latest = anEpisode({ id: 'new', startDay: -5, track: 'DBT' });
    const ep = activeEpisode(recordOf([aPatient(), anEpisode({ startDay: -60 }), latest]), AS_OF);
    assert.equal(ep?.id, 'new');
    assert.equal(episodeTrack(ep), 'DBT');
  });

  test('track read from any coding spelled REBT; missing codings → undefined', () => {
    const ep = { ...anEpisode(), type: [{ coding: [{ system: 'urn:other', code: 'rebt' }] }] };
    assert.equal(episodeTrack(ep), 'REBT');
    assert.equal(episodeTrack({ ...anEpisode(), type: [{ text: 'therapy' }] }), undefined);
  });
});

describe('care team membership', () => {
  const team: CareTeam = {
    resourceType: 'CareTeam',
    id: 'team-1',
    status: 'active',
    subject: { reference: 'Patient/p1' },
    participant: [{ member: { reference: 'Practitioner/c1' } }],
  };

  test('counselor in the active episode care team → on caseload; another practitioner → not', () => {
    const ep = { ...anEpisode(), team: [{ reference: 'CareTeam/team-1' }] };
    const rec = recordOf([aPatient(), ep, team]);
    assert.equal(isOnCareTeam(rec, { reference: 'Practitioner/c1' }, AS_OF), true);
    assert.equal(isOnCareTeam(rec, { reference: 'Practitioner/c2' }, AS_OF), false);
  });

  test('no active episode → not on the caseload', () => {
    const rec = recordOf([aPatient(), anEpisode({ status: 'finished' }), team]);
    assert.equal(isOnCareTeam(rec, { reference: 'Practitioner/c1' }, AS_OF), false);
  });
});

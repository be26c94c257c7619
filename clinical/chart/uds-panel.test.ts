import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Resource } from '@medplum/fhirtypes';

import {
  aMatOrder,
  anEpisode,
  aPatient,
  AS_OF,
  aUds,
  aUdsPanel,
  dateOnly,
  LOINC,
  recordOf,
} from '../fhir/test-builders';
import { negativeStreak, udsChart } from './uds-panel';

const record = (resources: Resource[]) => recordOf([aPatient(), ...resources]);
const METHADONE = '991147';
const bup = aMatOrder({ id: 'bup', authoredDay: -60 });
const methadone = aMatOrder({ id: 'met', code: METHADONE, authoredDay: -60 });
const episode = anEpisode({ startDay: -40 });

/** One weekly panel per day given: fentanyl, opiates, buprenorphine; `positives` per day. */
const weekly = (days: number[], positives: Record<number, string[]> = {}) =>
  days.flatMap((day) => aUdsPanel({ day, positives: positives[day] ?? [LOINC.buprenorphine] }));

describe('UDS timeline: expected positives per drug, prominent positives', () => {
  const entry = (resources: Resource[], substance: string) =>
    udsChart(record([episode, ...resources]), AS_OF).substances.find((s) => s.substance === substance)
      ?.entries[0];

  test('buprenorphine positive on buprenorphine is expected; on no MAT it is not', () => {
    assert.deepEqual(
      [
        entry([bup, ...weekly([-1])], 'buprenorphine')?.result,
        entry([bup, ...weekly([-1])], 'buprenorphine')?.expected,
      ],
      ['positive', true],
    );
    assert.equal(entry(weekly([-1]), 'buprenorphine')?.expected, false);
  });

  test('methadone and EDDP positives on methadone are expected; methadone on buprenorphine is not', () => {
    const panel = aUdsPanel({
      day: -1,
      tests: [LOINC.methadone, LOINC.eddp],
      positives: [LOINC.methadone, LOINC.eddp],
    });
    const onMethadone = entry([methadone, ...panel], 'methadone');
    assert.deepEqual(
      [onMethadone?.result, onMethadone?.expected, onMethadone?.evidence.length],
      ['positive', true, 2],
    );
    const onBup = entry([bup, ...panel], 'methadone');
    assert.deepEqual([onBup?.expected, onBup?.prominent], [false, false]);
  });

  test('within 14 days of stopping, the drug is still expected; after that it is not', () => {
    const stopped = aMatOrder({ authoredDay: -60, status: 'stopped', stoppedDay: -10 });
    assert.equal(entry([stopped, ...weekly([-1])], 'buprenorphine')?.expected, true);
    const long = aMatOrder({ authoredDay: -60, status: 'stopped', stoppedDay: -20 });
    assert.equal(entry([long, ...weekly([-1])], 'buprenorphine')?.expected, false);
  });

  test('fentanyl and heroin (6-MAM) positives are prominent, never expected', () => {
    const panel = aUdsPanel({
      day: -1,
      tests: [LOINC.fentanyl, LOINC.heroin, LOINC.opiates],
      positives: [LOINC.fentanyl, LOINC.heroin, LOINC.opiates],
    });
    const chart = udsChart(record([episode, bup, ...panel]), AS_OF);
    assert.deepEqual(
      chart.substances.map((s) => [
        s.substance,
        s.label,
        s.group,
        s.entries[0]?.prominent,
        s.entries[0]?.expected,
      ]),
      [
        ['fentanyl', 'fentanyl', 'opioid', true, false],
        ['heroin', 'heroin (6-MAM)', 'opioid', true, false],
        ['opiates', 'opiates', 'opioid', false, false],
      ],
    );
    assert.deepEqual(chart.screens[0]?.unexpectedPositives, ['fentanyl', 'heroin', 'opiates']);
  });

  test('a substance missing from a screen is not-tested; an unreadable result is no-result', () => {
    const quantity = aUds({
      loinc: LOINC.cocaine,
      day: -8,
      value: { valueQuantity: { value: 120, unit: 'ng/mL' } },
    });
    const chart = udsChart(record([episode, ...weekly([-1]), quantity]), AS_OF);
    const cocaine = chart.substances.find((s) => s.substance === 'cocaine');
    assert.deepEqual(
      cocaine?.entries.map((e) => [e.day, e.result]),
      [
        [dateOnly(-8), 'no-result'],
        [dateOnly(-1), 'not-tested'],
      ],
    );
    assert.deepEqual(
      chart.screens.map((s) => s.day),
      [dateOnly(-8), dateOnly(-1)],
    );
  });

  test('future-dated screens are listed apart and never counted', () => {
    const chart = udsChart(
      record([episode, bup, ...weekly([-1]), ...aUdsPanel({ day: 3, positives: [LOINC.fentanyl] })]),
      AS_OF,
    );
    assert.equal(chart.screens.length, 1);
    assert.deepEqual(
      chart.future.map((f) => [f.date.slice(0, 10), f.substances]),
      [[dateOnly(3), ['fentanyl', 'opiates', 'buprenorphine']]],
    );
    assert.equal(chart.substances[0]?.unexpectedPositives, 0);
  });

  test('the range: episode (from its start), 90 days, all', () => {
    const resources = [episode, bup, ...weekly([-1, -60, -200])];
    const days = (range: 'episode' | '90d' | 'all') =>
      udsChart(record(resources), AS_OF, range).screens.map((s) => s.day);
    assert.deepEqual(days('episode'), [dateOnly(-1)]);
    assert.deepEqual(days('90d'), [dateOnly(-60), dateOnly(-1)]);
    assert.deepEqual(days('all'), [dateOnly(-200), dateOnly(-60), dateOnly(-1)]);
    assert.equal(udsChart(record(resources), AS_OF).window.from, dateOnly(-40));
  });

  test('plain JSON', () => {
    const chart = udsChart(record([episode, bup, ...weekly([-1, -8])]), AS_OF);
    assert.deepEqual(JSON.parse(JSON.stringify(chart)), chart);
    assert.deepEqual(chart.prescribed, ['buprenorphine']);
  });
});

describe('negative streak in weeks (calendar weeks, Monday–Sunday)', () => {
  // AS_OF is Monday 16 Mar 2026 (day 0): the current week is days 0…6, the last complete one -7…-1 (Sunday
  // -1), then -14…-8 and so on. The episode began on Thursday 5 Feb (day -40), in the week -42…-36.
  const streak = (resources: Resource[]) => negativeStreak(record([episode, bup, ...resources]), AS_OF);
  const allWeeks = [-1, -8, -15, -22, -29, -36];

  test('six Sunday screens negative except the prescribed buprenorphine → 6 weeks, since the episode start', () => {
    const s = streak(weekly(allWeeks));
    assert.equal(s.weeks, 6);
    assert.equal(
      s.since,
      dateOnly(-40),
      'the first week began before the episode: the streak starts with it',
    );
    assert.equal(s.brokenBy.reason, 'start');
    assert.equal(s.evidence.length, 6);
  });

  test('a fentanyl positive on Sunday 1 Mar ends it: 2 weeks, broken by the positive (its Observation)', () => {
    const s = streak(weekly(allWeeks, { [-15]: [LOINC.buprenorphine, LOINC.fentanyl] }));
    assert.equal(s.weeks, 2);
    assert.equal(s.since, dateOnly(-14));
    assert.deepEqual(
      [s.brokenBy.reason, s.brokenBy.weekFrom, s.brokenBy.weekTo],
      ['positive', dateOnly(-21), dateOnly(-15)],
    );
    assert.equal(s.brokenBy.evidence.length, 1);
    assert.match(s.brokenBy.evidence[0]?.reference ?? '', /^Observation\//);
  });

  test('a complete week without a screen ends it', () => {
    const s = streak(weekly([-1, -15, -22]));
    assert.deepEqual([s.weeks, s.brokenBy.reason, s.brokenBy.weekFrom], [1, 'no-screen', dateOnly(-14)]);
  });

  test('the week in progress does not end it before it is over, and counts once screened', () => {
    assert.equal(streak(weekly([-1, -8])).weeks, 2);
    assert.equal(streak(weekly([0, -1, -8])).weeks, 3);
  });

  test('a stimulant positive ends it; so does buprenorphine while on methadone (not prescribed)', () => {
    const cocaine = aUdsPanel({
      day: -1,
      tests: [LOINC.fentanyl, LOINC.cocaine],
      positives: [LOINC.cocaine],
    });
    const s = streak([...weekly([-8]), ...cocaine]);
    assert.deepEqual([s.weeks, s.brokenBy.reason], [0, 'positive']);
    const onMethadone = negativeStreak(record([episode, methadone, ...weekly([-1, -8])]), AS_OF);
    assert.equal(onMethadone.weeks, 0);
  });

  test('a screen without any opioid result does not make a negative week', () => {
    const cocaineOnly = (day: number) => aUdsPanel({ day, tests: [LOINC.cocaine] });
    assert.deepEqual(
      [
        streak([...cocaineOnly(-1), ...weekly([-8])]).weeks,
        streak([...cocaineOnly(-1), ...weekly([-8])]).brokenBy.reason,
      ],
      [0, 'no-screen'],
    );
    assert.equal(
      streak([...cocaineOnly(0), ...weekly([-1, -8])]).weeks,
      2,
      'the current week is still in progress',
    );
  });

  test('no screens at all: 0 weeks; the week before the episode is not charged', () => {
    assert.deepEqual([streak([]).weeks, streak([]).brokenBy.reason], [0, 'no-screen']);
    const fresh = negativeStreak(record([anEpisode({ startDay: -3 }), bup, ...weekly([-1])]), AS_OF);
    assert.deepEqual([fresh.weeks, fresh.since, fresh.brokenBy.reason], [1, dateOnly(-3), 'start']);
  });
});

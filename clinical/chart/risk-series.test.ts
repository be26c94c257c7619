import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { RiskAssessment } from '@medplum/fhirtypes';

import { derivedRiskAssessment } from '../derived/risk-resource';
import { aBareRiskAssessment, AS_OF, aStablePatient, at, recordOf } from '../fhir/test-builders';
import { assessRelapseRisk } from '../risk/relapse-risk';
import { riskSeries } from './risk-series';

describe('riskSeries', () => {
  const record = recordOf(aStablePatient());
  const weekly = (day: number, id = `w${day}`): RiskAssessment => ({
    ...derivedRiskAssessment(assessRelapseRisk(record, at(day, 23)), 'p1', 'same', 'weekly'),
    id,
  });

  test('stored weekly assessments oldest first, then the live computation as the last point', () => {
    const series = riskSeries(record, [weekly(-7), weekly(-21), weekly(-14)], AS_OF);
    assert.deepEqual(
      series.points.map((p) => [p.asOf, p.source, p.assessment?.reference ?? null]),
      [
        [at(-21, 23), 'stored', 'RiskAssessment/w-21'],
        [at(-14, 23), 'stored', 'RiskAssessment/w-14'],
        [at(-7, 23), 'stored', 'RiskAssessment/w-7'],
        [AS_OF, 'live', null],
      ],
    );
    const live = assessRelapseRisk(record, AS_OF);
    assert.deepEqual(
      [series.live.score, series.live.band, series.live.points],
      [live.score, live.band, live.points],
    );
    assert.equal(series.disclaimer, 'Decision support, not a diagnosis.');
    assert.deepEqual(JSON.parse(JSON.stringify(series)), series, 'plain JSON');
  });

  test('stored points keep their points and evidence as computed then', () => {
    const series = riskSeries(record, [weekly(-7)], AS_OF);
    assert.deepEqual(series.points[0]?.points, assessRelapseRisk(record, at(-7, 23)).points);
  });

  test('after as-of, on the as-of day, and assessments that are not Waypoint’s are left out', () => {
    const series = riskSeries(
      record,
      [weekly(3), weekly(0), aBareRiskAssessment({ day: -14 }), weekly(-7)],
      AS_OF,
    );
    assert.deepEqual(
      series.points.map((p) => p.source),
      ['stored', 'live'],
    );
  });

  test('two stored for one instant: the newer version wins', () => {
    const older = { ...weekly(-7, 'a'), meta: { versionId: '1', lastUpdated: '2026-03-09T23:00:00Z' } };
    const newer = { ...weekly(-7, 'b'), meta: { versionId: '2', lastUpdated: '2026-03-10T01:00:00Z' } };
    const series = riskSeries(record, [newer, older], AS_OF);
    assert.deepEqual(
      series.points.map((p) => p.assessment?.reference ?? null),
      ['RiskAssessment/b', null],
    );
  });
});

import type { OperationOutcome, Resource } from '@medplum/fhirtypes';

import type { SessionUser } from '../../../core/state/session/session.models';
import { aCaseloadRow } from '../../../testing/caseload-rows';
import {
  aCareTeam,
  aCaseloadPatient,
  anEpisodeOfCare,
  aPatient,
  COUNSELOR,
  FIXED_NOW,
} from '../../../testing/fhir-builders';
import { DEFAULT_VIEW } from '../data/caseload-view';
import { CaseloadApiActions, CaseloadPageActions } from './caseload.actions';
import {
  caseloadFeature,
  initialCaseloadState,
  selectError,
  selectRows,
  selectView,
  selectVisible,
} from './caseload.feature';

const { reducer } = caseloadFeature;
const counselor: SessionUser = { name: 'Casey Counselor', role: 'counselor', fhirUser: COUNSELOR };
const outcome: OperationOutcome = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'exception', details: { text: 'The FHIR server failed (HTTP 500)' } }],
};

function loaded(resources: Resource[], patientIds: string[]) {
  return reducer(
    initialCaseloadState,
    CaseloadApiActions.loadSucceeded({ patientIds, resources, asOf: FIXED_NOW }),
  );
}

describe('caseload feature', () => {
  describe('reducer', () => {
    it('marks the caseload loading when the page opens or retries', () => {
      expect(reducer(initialCaseloadState, CaseloadPageActions.opened()).callState).toBe('loading');
      expect(reducer(initialCaseloadState, CaseloadPageActions.retried()).callState).toBe('loading');
    });

    it('files each resource in its type table, keyed by id, and keeps the caseload as an id list', () => {
      const state = loaded([...aCaseloadPatient('p1'), ...aCaseloadPatient('p2')], ['p1', 'p2']);
      expect(state.callState).toBe('loaded');
      expect(state.asOf).toBe(FIXED_NOW);
      expect(state.patientIds).toEqual(['p1', 'p2']);
      expect(state.resources.Patient.ids).toEqual(['p1', 'p2']);
      expect(state.resources.EpisodeOfCare.entities['eoc-p2']?.status).toBe('active');
      expect(state.resources.DiagnosticReport.ids.length).toBe(6);
      expect(state.resources.Task.ids).toEqual([]);
    });

    it('replaces the previous load entirely (a patient who left the caseload is gone)', () => {
      const first = loaded([...aCaseloadPatient('p1'), ...aCaseloadPatient('p2')], ['p1', 'p2']);
      const second = reducer(
        first,
        CaseloadApiActions.loadSucceeded({
          patientIds: ['p2'],
          resources: aCaseloadPatient('p2'),
          asOf: FIXED_NOW,
        }),
      );
      expect(second.resources.Patient.ids).toEqual(['p2']);
      expect(second.resources.CareTeam.entities['ct-p1']).toBeUndefined();
    });

    it('keeps the rows already shown when a reload fails, and exposes the outcome', () => {
      const state = reducer(
        reducer(loaded(aCaseloadPatient('p1'), ['p1']), CaseloadPageActions.retried()),
        CaseloadApiActions.loadFailed({ outcome }),
      );
      expect(state.callState).toEqual({ error: outcome });
      expect(selectError.projector(state.callState)).toEqual(outcome);
      expect(state.resources.Patient.ids).toEqual(['p1']);
    });
  });

  describe('selectRows', () => {
    it('builds one row per caseload patient with the clinical readers, as of the load time', () => {
      const state = loaded(
        [
          ...aCaseloadPatient('p1', { family: 'Rivera', given: 'Sam', track: 'DBT', fentanylWeeks: 3 }),
          ...aCaseloadPatient('p2', { family: 'Okafor', given: 'Ada', phq9Item9: 2 }),
        ],
        ['p1', 'p2'],
      );
      const rows = selectRows.projector(state.resources, state.patientIds, state.asOf, counselor);
      expect(rows.map((r) => r.name)).toEqual(['Sam Rivera', 'Ada Okafor']);
      const [sam, ada] = rows;
      expect(sam?.track).toBe('DBT');
      expect(sam?.week?.label).toBe('w 6 / 12');
      expect(sam?.lastUds?.flags).toEqual(['fentanyl +']);
      // Three weekly fentanyl positives: 3 × 2 points → high band.
      expect(sam?.risk.points.filter((p) => p.ruleId === 'uds-opioid-positive').length).toBe(3);
      expect(sam?.risk.band).toBe('high');
      expect(ada?.alerts[0]?.severity).toBe('safety');
      expect(ada?.risk.points.some((p) => p.ruleId === 'uds-opioid-positive')).toBeFalse();
    });

    it('leaves out a matched patient without an active episode, or whose care team does not include me', () => {
      const state = loaded(
        [
          ...aCaseloadPatient('p1'),
          aPatient({ id: 'finished' }),
          anEpisodeOfCare('finished', { status: 'finished' }),
          aCareTeam('finished'),
          aPatient({ id: 'other-team' }),
          anEpisodeOfCare('other-team', { careManager: { reference: 'Practitioner/someone-else' } }),
          aCareTeam('other-team', { participant: [{ member: { reference: 'Practitioner/someone-else' } }] }),
        ],
        ['p1', 'finished', 'other-team'],
      );
      const rows = selectRows.projector(state.resources, state.patientIds, state.asOf, counselor);
      expect(rows.map((r) => r.patientId)).toEqual(['p1']);
    });

    it('is empty before the first load', () => {
      expect(selectRows.projector(initialCaseloadState.resources, [], null, counselor)).toEqual([]);
    });
  });

  it('reads the view from the URL query and applies it to the rows', () => {
    expect(selectView.projector({ filter: 'high-risk', sort: 'risk:asc' })).toEqual({
      ...DEFAULT_VIEW,
      filters: ['high-risk'],
      sort: { column: 'risk', direction: 'asc' },
    });
    const rows = [
      aCaseloadRow({ patientId: 'a', risk: { score: 7, band: 'high' } }),
      aCaseloadRow({ patientId: 'b', risk: { score: 1, band: 'low' } }),
    ];
    const visible = selectVisible.projector(rows, { ...DEFAULT_VIEW, filters: ['high-risk'] });
    expect(visible.rows.map((r) => r.patientId)).toEqual(['a']);
  });
});

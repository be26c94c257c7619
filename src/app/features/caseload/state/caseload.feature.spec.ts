import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';

import { toCaseloadRow } from '../../../../../clinical/caseload/caseload-row';
import { groupByPatient } from '../../../../../clinical/fhir/patient-record';
import {
  initialResourcesState,
  resourceKeyOf,
  ResourcesActions,
  resourcesFeature,
} from '../../../core/state/resources/resources.feature';
import { aCaseloadRow, derivedCaseloadResponse } from '../../../testing/caseload-rows';
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
const outcome: OperationOutcome = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'exception', details: { text: 'The FHIR server failed (HTTP 500)' } }],
};

/** What the server answers for these raw records, as the loader hands it to the store. */
function served(raw: readonly Resource[]): Resource[] {
  return (derivedCaseloadResponse(raw).entry ?? []).flatMap((e) =>
    ((e.resource as Bundle).entry ?? []).map((x) => x.resource as Resource),
  );
}

function rowsFor(raw: readonly Resource[]) {
  const resources = served(raw);
  const entities = resourcesFeature.reducer(
    initialResourcesState,
    ResourcesActions.received({ resources }),
  ).entities;
  const state = reducer(
    initialCaseloadState,
    CaseloadApiActions.loadSucceeded({
      practitioner: COUNSELOR,
      keys: resources.map(resourceKeyOf),
      asOf: FIXED_NOW,
    }),
  );
  return selectRows.projector(entities, state.keys, state.practitioner, state.asOf);
}

describe('caseload feature', () => {
  describe('reducer', () => {
    it('marks the caseload loading when the page opens or retries', () => {
      expect(
        reducer(initialCaseloadState, CaseloadPageActions.opened({ practitioner: null })).callState,
      ).toBe('loading');
      expect(
        reducer(initialCaseloadState, CaseloadPageActions.retried({ practitioner: null })).callState,
      ).toBe('loading');
    });

    it('keeps the keys already shown when a reload fails, and exposes the outcome', () => {
      const loaded = reducer(
        initialCaseloadState,
        CaseloadApiActions.loadSucceeded({ practitioner: COUNSELOR, keys: ['Patient/p1'], asOf: FIXED_NOW }),
      );
      const state = reducer(
        reducer(loaded, CaseloadPageActions.retried({ practitioner: null })),
        CaseloadApiActions.loadFailed({ practitioner: COUNSELOR, outcome }),
      );
      expect(state.callState).toEqual({ error: outcome });
      expect(selectError.projector(state.callState)).toEqual(outcome);
      expect(state.keys).toEqual(['Patient/p1']);
    });
  });

  describe('selectRows', () => {
    it('equals, patient for patient, the row the clinical rules compute from the whole raw record', () => {
      const raw = [
        ...aCaseloadPatient('p1', { family: 'Rivera', given: 'Sam', track: 'DBT', fentanylWeeks: 3 }),
        ...aCaseloadPatient('p2', { family: 'Okafor', given: 'Ada', phq9Item9: 2 }),
      ];
      const rows = rowsFor(raw);
      const records = groupByPatient(raw);
      expect(rows.map((r) => r.patientId).sort()).toEqual(['p1', 'p2']);
      for (const row of rows) {
        const record = records.get(row.patientId);
        expect(record).toBeDefined();
        expect(row).toEqual(toCaseloadRow(record!, FIXED_NOW));
      }
      const sam = rows.find((r) => r.patientId === 'p1');
      expect(sam?.risk.band).toBe('high');
      expect(sam?.alerts[0]?.id).toBe('uds-fentanyl');
      expect(rows.find((r) => r.patientId === 'p2')?.alerts[0]?.id).toBe('phq9-item9');
    });

    it('leaves out a patient without an active episode, or whose active care team does not list me', () => {
      const rows = rowsFor([
        ...aCaseloadPatient('p1'),
        aPatient({ id: 'finished' }),
        anEpisodeOfCare('finished', { status: 'finished' }),
        aCareTeam('finished'),
        aPatient({ id: 'other-team' }),
        anEpisodeOfCare('other-team', { careManager: { reference: 'Practitioner/someone-else' } }),
        aCareTeam('other-team', { participant: [{ member: { reference: 'Practitioner/someone-else' } }] }),
      ]);
      expect(rows.map((r) => r.patientId)).toEqual(['p1']);
    });

    it('is empty before the first load', () => {
      expect(selectRows.projector({}, [], null, null)).toEqual([]);
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

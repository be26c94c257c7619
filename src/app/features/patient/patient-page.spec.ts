import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatButtonToggleGroupHarness } from '@angular/material/button-toggle/testing';
import { NavigationEnd, provideRouter, Router } from '@angular/router';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { provideMockActions } from '@ngrx/effects/testing';
import type { Action } from '@ngrx/store';
import { MockStore } from '@ngrx/store/testing';
import { filter, firstValueFrom, ReplaySubject } from 'rxjs';

import { type CallState } from '../../core/state/call-state';
import { provideMockStoreForSpec } from '../../testing/mock-store';
import { PANEL_NAMES, type PanelId, PANELS, type PanelState } from './data/chart-panels';
import type { RiskView } from './data/chart-view';
import { PatientPage } from './patient-page';
import {
  selectHeader,
  selectMat,
  selectMeasures,
  selectNetwork,
  selectPlan,
  selectRisk,
  selectSessions,
  selectUds,
  selectWindow,
} from './state/chart.selectors';
import { PatientPageActions } from './state/patient.actions';
import { syncRangeToUrl } from './state/patient.effects';
import { patientFeature } from './state/patient.feature';

const failure: OperationOutcome = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'exception', details: { text: 'Database is locked' } }],
};

function panels(overrides: Partial<Record<PanelId, PanelState>> = {}): Record<PanelId, PanelState> {
  const loaded: PanelState = { callState: 'loaded', failedSearches: [] };
  return { ...Object.fromEntries(PANELS.map((p) => [p, loaded])), ...overrides } as Record<
    PanelId,
    PanelState
  >;
}

const RISK: RiskView = {
  score: 7,
  band: 'high',
  trend: 'up',
  modelId: 'waypoint-relapse-risk',
  modelVersion: '1.0.0',
  points: [
    {
      ruleId: 'mat-gap',
      points: 3,
      reason: 'MAT gap (methadone): no dose since 10 Mar 2026.',
      targets: ['chart-mat-strip', 'chart-mat'],
      where: 'Medication (MAT)',
    },
  ],
  history: [{ ms: Date.parse('2026-03-16T12:00:00Z'), score: 7, band: 'high', live: true }],
};

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Blank {}

describe('PatientPage', () => {
  let store: MockStore;

  async function render(pageState: CallState, state: Record<PanelId, PanelState> = panels()) {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: 'caseload', component: Blank }]),
        provideMockStoreForSpec({
          selectors: [
            { selector: patientFeature.selectPageState, value: pageState },
            {
              selector: patientFeature.selectError,
              value: typeof pageState === 'object' ? pageState.error : null,
            },
            { selector: patientFeature.selectPanels, value: state },
            { selector: patientFeature.selectRange, value: 'episode' },
            { selector: patientFeature.selectBreakGlassReason, value: null },
            { selector: patientFeature.selectExporting, value: 'idle' },
            {
              selector: selectHeader,
              value:
                pageState === 'loaded'
                  ? {
                      name: 'Sam Rivera',
                      age: 35,
                      pronouns: 'they/them',
                      track: 'CBT',
                      trackDisplay: 'CBT',
                      week: 'w 6 / 12',
                    }
                  : null,
            },
            { selector: selectWindow, value: { range: 'episode', from: '2026-02-01', to: '2026-03-16' } },
            { selector: selectRisk, value: pageState === 'loaded' ? RISK : null },
            { selector: selectMat, value: null },
            { selector: selectUds, value: null },
            { selector: selectMeasures, value: null },
            { selector: selectPlan, value: null },
            { selector: selectNetwork, value: null },
            { selector: selectSessions, value: null },
          ],
        }),
      ],
    });
    store = TestBed.inject(MockStore);
    spyOn(store, 'dispatch');
    const fixture = TestBed.createComponent(PatientPage);
    fixture.componentRef.setInput('id', 'p1');
    await fixture.whenStable();
    return { fixture, loader: TestbedHarnessEnvironment.loader(fixture) };
  }

  it('shows the header and the seven regions with their exact names', async () => {
    const { fixture } = await render('loaded');
    const el: HTMLElement = fixture.nativeElement;
    expect(el.querySelector('h1 bdi')?.textContent?.trim()).toBe('Sam Rivera');
    const regions = Array.from(el.querySelectorAll('[role="region"]')).map((r) =>
      el.querySelector(`#${r.getAttribute('aria-labelledby')}`)?.textContent?.trim(),
    );
    expect(regions.sort()).toEqual(Object.values(PANEL_NAMES).sort());
    expect(el.textContent).toContain('Decision support, not a diagnosis.');
    expect(el.textContent).toContain('waypoint-relapse-risk 1.0.0');
    expect(store.dispatch).toHaveBeenCalledWith(PatientPageActions.opened({ patientId: 'p1' }));
  });

  it('a failed panel shows its error and a Retry inside it that re-runs only its failed searches', async () => {
    const { fixture, loader } = await render(
      'loaded',
      panels({ sessions: { callState: { error: failure }, failedSearches: ['QuestionnaireResponse'] } }),
    );
    const el: HTMLElement = fixture.nativeElement;
    const region = Array.from(el.querySelectorAll('wp-panel')).find((p) =>
      p.textContent?.includes('Sessions and notes'),
    ) as HTMLElement;
    expect(region.textContent).toContain('Sessions and notes could not be loaded: Database is locked');
    const retries = await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Retry' }));
    expect(retries.length).toBe(1, 'only the failed panel offers Retry');
    expect(region.querySelector('button')?.textContent?.trim()).toBe('Retry');
    await retries[0]!.click();
    expect(store.dispatch).toHaveBeenCalledWith(
      PatientPageActions.panelRetried({
        patientId: 'p1',
        panel: 'sessions',
        searches: ['QuestionnaireResponse'],
      }),
    );
    // The other panels keep working.
    expect(el.textContent).toContain('+3');
  });

  it('the date range selector dispatches the range', async () => {
    const { loader } = await render('loaded');
    const group = await loader.getHarness(
      MatButtonToggleGroupHarness.with({ selector: '[aria-label="Date range"]' }),
    );
    const toggles = await group.getToggles();
    expect(await Promise.all(toggles.map((t) => t.getText()))).toEqual(['Episode', '90 days', 'All']);
    await toggles[1]!.check();
    expect(store.dispatch).toHaveBeenCalledWith(PatientPageActions.rangeChanged({ range: '90d' }));
  });

  it('not found offers break-glass with a required reason of at least 10 characters', async () => {
    const notFound: OperationOutcome = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found', details: { text: 'The record was not found' } }],
    };
    const { fixture, loader } = await render({ error: notFound });
    const button = await loader.getHarness(MatButtonHarness.with({ text: /Break the glass/ }));
    await button.click();
    const el: HTMLElement = fixture.nativeElement;
    expect(el.textContent).toContain('at least 10 characters');
    expect(store.dispatch).not.toHaveBeenCalledWith(
      jasmine.objectContaining({ type: PatientPageActions.breakGlassRequested.type }),
    );
    const textarea = el.querySelector('textarea') as HTMLTextAreaElement;
    textarea.value = 'Crisis call from the ED';
    textarea.dispatchEvent(new Event('input'));
    await button.click();
    expect(store.dispatch).toHaveBeenCalledWith(
      PatientPageActions.breakGlassRequested({ patientId: 'p1', reason: 'Crisis call from the ED' }),
    );
  });
});

describe('syncRangeToUrl', () => {
  it('puts the range in the URL query, episode (the default) as no parameter', async () => {
    const actions$ = new ReplaySubject<Action>();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: 'patients/:id', component: Blank }]),
        provideMockActions(() => actions$),
      ],
    });
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/patients/p1?x=1');
    TestBed.runInInjectionContext(() => syncRangeToUrl()).subscribe();
    const ended = () => firstValueFrom(router.events.pipe(filter((e) => e instanceof NavigationEnd)));
    let navigated = ended();
    actions$.next(PatientPageActions.rangeChanged({ range: '90d' }));
    await navigated;
    expect(router.url).toBe('/patients/p1?x=1&range=90d');
    navigated = ended();
    actions$.next(PatientPageActions.rangeChanged({ range: 'episode' }));
    await navigated;
    expect(router.url).toBe('/patients/p1?x=1');
  });
});

import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { GridStage, GridStageGrid, GridStageLoading } from './grid-stage';

@Component({
  imports: [GridStage, GridStageGrid, GridStageLoading],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <wp-grid-stage
      [loaded]="loaded()"
      [loading]="loading()"
      [total]="total()"
      [matching]="matching()"
      emptyIcon="groups"
      emptyHeadline="No patients in your caseload"
      emptyMessage="Patients appear here when you are on their care team."
      (cleared)="cleared.set(true)"
    >
      <ng-template wpGridStageLoading><p class="placeholder">Loading…</p></ng-template>
      <ng-template wpGridStageGrid let-shown><div class="grid" [attr.data-shown]="shown"></div></ng-template>
    </wp-grid-stage>
  `,
})
class Host {
  readonly loaded = signal(false);
  readonly loading = signal(true);
  readonly total = signal(0);
  readonly matching = signal(0);
  readonly cleared = signal(false);
}

describe('GridStage', () => {
  it('builds the grid, hidden, while the rows load, and shows it when they arrive', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const el: HTMLElement = fixture.nativeElement;
    expect(el.querySelector('.placeholder')).not.toBeNull();
    expect(el.querySelector('.grid')?.getAttribute('data-shown')).toBe('false');

    const host = fixture.componentInstance;
    host.loaded.set(true);
    host.loading.set(false);
    host.total.set(27);
    host.matching.set(27);
    await fixture.whenStable();
    expect(el.querySelector('.placeholder')).toBeNull();
    expect(el.querySelector('.grid')?.getAttribute('data-shown')).toBe('true');
    expect(el.querySelector('wp-empty-state')).toBeNull();
  });

  it('says why there are no rows: none at all, or none that match (with a way to clear the filters)', async () => {
    const fixture = TestBed.createComponent(Host);
    const host = fixture.componentInstance;
    host.loaded.set(true);
    host.loading.set(false);
    await fixture.whenStable();
    const el: HTMLElement = fixture.nativeElement;
    expect(el.textContent).toContain('No patients in your caseload');
    expect(el.querySelector('.grid')).toBeNull();

    host.total.set(27);
    await fixture.whenStable();
    expect(el.textContent).toContain('No patient matches these filters');
    expect(el.querySelector('.grid')).toBeNull();
    (el.querySelector('wp-no-filter-match button') as HTMLButtonElement).click();
    expect(host.cleared()).toBeTrue();
  });
});

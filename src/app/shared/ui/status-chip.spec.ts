import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { StatusChip, type StatusTone } from './status-chip';

@Component({
  imports: [StatusChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<wp-status-chip [label]="label()" [tone]="tone()" [icon]="icon()" />`,
})
class Host {
  readonly label = signal('High risk');
  readonly tone = signal<StatusTone>('danger');
  readonly icon = signal<string | undefined>(undefined);
}

describe('StatusChip', () => {
  it('shows a word and an icon, not colour alone', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const chip: HTMLElement = fixture.nativeElement.querySelector('wp-status-chip');
    expect(chip.textContent).toContain('High risk');
    expect(chip.querySelector('mat-icon')?.textContent?.trim()).toBe('error');
    expect(chip.classList).toContain('tone-danger');
    expect(getComputedStyle(chip).backgroundColor).not.toBe(getComputedStyle(document.body).backgroundColor);

    fixture.componentInstance.tone.set('success');
    fixture.componentInstance.label.set('Signed');
    fixture.componentInstance.icon.set('verified');
    await fixture.whenStable();
    expect(chip.classList).toContain('tone-success');
    expect(chip.classList).not.toContain('tone-danger');
    expect(chip.textContent).toContain('Signed');
    expect(chip.querySelector('mat-icon')?.textContent?.trim()).toBe('verified');
  });
});

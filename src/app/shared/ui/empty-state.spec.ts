import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { EmptyState } from './empty-state';

@Component({
  imports: [EmptyState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <wp-empty-state
      icon="groups"
      headline="No data yet — patients will appear here"
      message="Why it is empty."
    >
      <button type="button">Refresh</button>
    </wp-empty-state>
  `,
})
class Host {}

describe('EmptyState', () => {
  it('renders the icon, headline, explanation and projected actions', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const el: HTMLElement = fixture.nativeElement;
    expect(el.querySelector('h2')?.textContent).toBe('No data yet — patients will appear here');
    expect(el.querySelector('p')?.textContent).toBe('Why it is empty.');
    const icon = el.querySelector('mat-icon');
    expect(icon?.textContent?.trim()).toBe('groups');
    expect(icon?.getAttribute('aria-hidden')).toBe('true');
    expect(el.querySelector('button')?.textContent).toBe('Refresh');
  });
});

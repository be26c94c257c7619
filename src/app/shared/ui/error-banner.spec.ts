import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { ErrorBanner } from './error-banner';

@Component({
  imports: [ErrorBanner],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <wp-error-banner
      headline="The caseload could not be loaded."
      retryable
      (retry)="retries.set(retries() + 1)"
      >The server did not answer.</wp-error-banner
    >
    <wp-error-banner>The task was not saved.</wp-error-banner>
  `,
})
class Host {
  readonly retries = signal(0);
}

describe('ErrorBanner', () => {
  it('is an alert with its headline and message, and offers Retry only where asked', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const [load, save] = Array.from<HTMLElement>(fixture.nativeElement.querySelectorAll('wp-error-banner'));
    expect(load.getAttribute('role')).toBe('alert');
    expect(load.textContent).toContain('The caseload could not be loaded.');
    expect(load.textContent).toContain('The server did not answer.');
    expect(save.getAttribute('role')).toBe('alert');
    expect(save.querySelector('button')).toBeNull();

    load.querySelector('button')?.click();
    expect(fixture.componentInstance.retries()).toBe(1);
  });
});

import { TestBed } from '@angular/core/testing';

import { RiskChip, riskPhrase } from './risk-chip';
import { Sparkline } from './sparkline';

describe('RiskChip', () => {
  it('shows the band as a word with the score, and says the trend in text, not only by arrow', async () => {
    const fixture = TestBed.createComponent(RiskChip);
    fixture.componentRef.setInput('score', 7);
    fixture.componentRef.setInput('riskBand', 'high');
    fixture.componentRef.setInput('trend', 'up');
    await fixture.whenStable();
    const el: HTMLElement = fixture.nativeElement;
    expect(el.querySelector('wp-status-chip')?.className).toContain('tone-danger');
    expect(el.textContent?.replace(/\s+/g, ' ')).toContain('High 7');
    expect(el.textContent).toContain(', rising');
    expect(riskPhrase(2, 'low')).toBe('Low 2');
  });
});

describe('Sparkline', () => {
  it('draws the values and names them in its text alternative', async () => {
    const fixture = TestBed.createComponent(Sparkline);
    fixture.componentRef.setInput('label', 'Craving');
    fixture.componentRef.setInput('values', [{ value: 2 }, { value: 9, label: '3 Mar' }, { value: 14 }]);
    await fixture.whenStable();
    const svg = (fixture.nativeElement as HTMLElement).querySelector('svg') as SVGElement;
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-label')).toBe('Craving, last 3: 2, 9 (3 Mar), 14');
    // Clamped to the 0–10 scale: the last point sits on the top padding line.
    expect(svg.querySelector('path')?.getAttribute('d')).toMatch(/ 3$/);
  });
});

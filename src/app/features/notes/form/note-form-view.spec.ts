import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import type { Questionnaire } from '@medplum/fhirtypes';

import { NOTE_TEMPLATE_QUESTIONNAIRES } from '../../../../../clinical/templates/index';
import { NoteForm } from './note-form';
import { NoteFormView } from './note-form-view';

@Component({
  imports: [NoteFormView],
  providers: [NoteForm],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<wp-note-form />`,
})
class Host {
  readonly form = inject(NoteForm);
}

function render(questionnaire: Questionnaire): { fixture: ComponentFixture<Host>; form: NoteForm } {
  const fixture = TestBed.createComponent(Host);
  const form = fixture.componentInstance.form;
  form.load(questionnaire, []);
  fixture.detectChanges();
  return { fixture, form };
}

/** The accessible names of the regions (aria-labelledby). */
function regionNames(root: HTMLElement): string[] {
  return Array.from(root.querySelectorAll('[role="region"]')).map(
    (r) => root.querySelector(`#${r.getAttribute('aria-labelledby')}`)?.textContent?.trim() ?? '',
  );
}

describe('note form layouts', () => {
  const blocks: [keyof typeof NOTE_TEMPLATE_QUESTIONNAIRES, string][] = [
    ['cbt-thought-record', 'Thought record'],
    ['cbt-behavioral-experiment', 'Behavioral experiment'],
    ['cbt-exposure', 'Exposure'],
    ['dbt-diary-card', 'Diary card'],
    ['dbt-chain-analysis', 'Chain analysis'],
    ['rebt-abcde', 'ABCDE'],
  ];
  for (const [template, name] of blocks) {
    it(`${template}: the method block is a region named exactly "${name}", and every control is labelled`, () => {
      const { fixture } = render(NOTE_TEMPLATE_QUESTIONNAIRES[template]);
      const root = fixture.nativeElement as HTMLElement;
      expect(regionNames(root)).toEqual([name]);
      const unlabelled = Array.from(root.querySelectorAll<HTMLInputElement>('input, textarea')).filter(
        (el) => {
          const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
          const label = el.id ? root.querySelector(`label[for="${el.id}"]`) : null;
          return !labelled && !label && !el.closest('label') && !el.closest('mat-form-field');
        },
      );
      expect(unlabelled.length).withContext('inputs without a label').toBe(0);
    });
  }

  it('columns: the thought record has its seven columns in one grid', () => {
    const { fixture } = render(NOTE_TEMPLATE_QUESTIONNAIRES['cbt-thought-record']);
    const columns = (fixture.nativeElement as HTMLElement).querySelectorAll('.columns > .column:not(.span)');
    expect(columns.length).toBe(7);
  });

  it('week-grid: seven day columns, personal targets named from the card, skills by module', () => {
    const { fixture, form } = render(NOTE_TEMPLATE_QUESTIONNAIRES['dbt-diary-card']);
    const root = fixture.nativeElement as HTMLElement;
    const headers = Array.from(root.querySelectorAll('wp-week-grid thead th')).map((th) =>
      th.textContent?.trim(),
    );
    expect(headers).toEqual(['Item', 'Day 1', 'Day 2', 'Day 3', 'Day 4', 'Day 5', 'Day 6', 'Day 7']);
    const rowNames = () =>
      Array.from(root.querySelectorAll('wp-week-grid tbody th[scope="row"]')).map((t) =>
        t.textContent?.trim(),
      );
    expect(rowNames()).not.toContain('Nights alone (0–5)');
    form.setAnswers(
      [
        { linkId: 'diary-card', index: 0 },
        { linkId: 'diary.target', index: 0 },
        { linkId: 'diary.target.name', index: 0 },
      ],
      [{ valueString: 'Nights alone' }],
    );
    fixture.detectChanges();
    expect(rowNames()).toContain('Nights alone (0–5)');
    expect(root.querySelector('input[aria-label="Nights alone (0–5), Day 3"]')).not.toBeNull();
    const modules = Array.from(root.querySelectorAll('wp-week-grid th[scope="rowgroup"]')).map((t) =>
      t.textContent?.trim(),
    );
    expect(modules).toEqual([
      'Skills used: Mindfulness',
      'Skills used: Distress tolerance',
      'Skills used: Emotion regulation',
      'Skills used: Interpersonal effectiveness',
    ]);
    // A cell's answer lands in that day's repetition; the week's highest urge is computed.
    const cell = root.querySelector<HTMLInputElement>('input[aria-label="Urge to use drugs (0–5), Day 2"]');
    (cell as HTMLInputElement).value = '4';
    cell?.dispatchEvent(new Event('input'));
    fixture.detectChanges();
    expect(form.aggregate('diary.urge-use-max')).toBe(4);
    expect(root.querySelector('.computed')?.textContent).toContain('Highest urge to use this week (0–5)');
  });

  it('chain: links are added, and moved up and down with the keyboard (focus follows)', async () => {
    const { fixture, form } = render(NOTE_TEMPLATE_QUESTIONNAIRES['dbt-chain-analysis']);
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const root = fixture.nativeElement as HTMLElement;
    const texts = () =>
      Array.from(root.querySelectorAll<HTMLTextAreaElement>('wp-chain-list li textarea'))
        .filter((t) => t.closest('wp-note-control')?.getAttribute('data-link-id') === 'ch.link.text')
        .map((t) => t.value);
    const type = (index: number, value: string) => {
      const area = root.querySelectorAll<HTMLTextAreaElement>(
        'wp-chain-list [data-link-id="ch.link.text"] textarea',
      )[index];
      (area as HTMLTextAreaElement).value = value;
      area?.dispatchEvent(new Event('input'));
      fixture.detectChanges();
    };
    type(0, 'Missed the evening dose');
    await (await loader.getHarness(MatButtonHarness.with({ text: /Add link/ }))).click();
    type(1, 'Called the old dealer');
    expect(texts()).toEqual(['Missed the evening dose', 'Called the old dealer']);

    const up = await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Move link 2 up"]' }));
    await up.focus();
    await up.click();
    await fixture.whenStable();
    expect(texts()).toEqual(['Called the old dealer', 'Missed the evening dose']);
    expect(root.querySelector('wp-chain-list [role="status"]')?.textContent).toContain(
      'Link 2 moved up to position 1.',
    );
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Move link 1 down');

    // Alt+Arrow Down on a link's field moves that link.
    const first = root.querySelectorAll<HTMLTextAreaElement>(
      'wp-chain-list [data-link-id="ch.link.text"] textarea',
    )[0];
    first?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', altKey: true, bubbles: true }));
    fixture.detectChanges();
    expect(texts()).toEqual(['Missed the evening dose', 'Called the old dealer']);
    expect(form.edits()).toBeGreaterThan(0);
  });

  it('enableWhen: DAP or BIRP sections follow the note format', () => {
    const { fixture, form } = render(NOTE_TEMPLATE_QUESTIONNAIRES['rebt-abcde']);
    const legends = () =>
      Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('legend')).map((l) =>
        l.textContent?.trim(),
      );
    expect(legends()).not.toContain('DAP');
    form.setAnswers([{ linkId: 'format', index: 0 }], [{ valueString: 'BIRP' }]);
    fixture.detectChanges();
    expect(legends()).toContain('BIRP');
    expect(legends()).not.toContain('DAP');
  });

  it('read-only: a signed note cannot be typed into', () => {
    const { fixture, form } = render(NOTE_TEMPLATE_QUESTIONNAIRES['cbt-exposure']);
    form.readonly.set(true);
    fixture.detectChanges();
    const inputs = Array.from(
      (fixture.nativeElement as HTMLElement).querySelectorAll<HTMLInputElement>(
        'input[type="text"], textarea',
      ),
    );
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.every((i) => i.readOnly)).toBeTrue();
    form.setAnswers([{ linkId: 'format', index: 0 }], [{ valueString: 'BIRP' }]);
    expect(form.edits()).toBe(0);
  });
});

import { ChangeDetectionStrategy, Component, inject } from '@angular/core';

import { NoteForm } from './note-form';
import { NoteItem } from './note-item';

/**
 * The note's form, rendered from its Questionnaire (NoteItem, recursively). Focus leaving a field is reported
 * to the form (autosave on blur).
 */
@Component({
  selector: 'wp-note-form',
  imports: [NoteItem],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(focusout)': 'form.blurred()' },
  template: `
    @for (item of form.questionnaire().item ?? []; track item.linkId) {
      <wp-note-item [item]="item" [parent]="[]" />
    }
  `,
  styles: `
    :host {
      display: block;
    }
  `,
})
export class NoteFormView {
  protected readonly form = inject(NoteForm);
}

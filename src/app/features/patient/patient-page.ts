import { ChangeDetectionStrategy, Component, input } from '@angular/core';

import { EmptyState } from '../../shared/ui/empty-state';

/** Placeholder until the patient view lands. The id comes from the URL (`/patients/:id`). */
@Component({
  selector: 'wp-patient-page',
  imports: [EmptyState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1 class="wp-page-title">Patient</h1>
    <wp-empty-state
      icon="person"
      headline="No data yet — the patient record will appear here"
      message="The patient banner, session notes, MAT status, urine drug screens and the relapse-risk explanation will be shown on this page."
    />
  `,
})
export class PatientPage {
  /** Bound from the route by withComponentInputBinding(). */
  readonly id = input.required<string>();
}

import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

import type { CrisisContact } from '../../../../../clinical/chart/chart-facts';

/** The crisis resources a positive risk check shows (clinical/notes/crisis-resources.ts). */
@Component({
  selector: 'wp-crisis-resources',
  imports: [MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="crisis" role="region" aria-labelledby="wp-crisis-title">
      <mat-icon aria-hidden="true">emergency</mat-icon>
      <div>
        <h3 id="wp-crisis-title">Crisis resources</h3>
        <p>The risk check is positive: follow the safety plan and give the patient these resources.</p>
        <ul>
          @for (r of resources(); track r.name) {
            <li>
              <strong
                ><bdi>{{ r.name }}</bdi></strong
              >
              — <bdi>{{ r.contact }}</bdi>.
              <span class="muted">{{ r.description }}</span>
            </li>
          }
        </ul>
      </div>
    </section>
  `,
  styles: `
    .crisis {
      display: flex;
      gap: 12px;
      margin: 8px 0;
      padding: 12px 16px;
      border-radius: var(--mat-sys-corner-medium);
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    h3 {
      margin: 0 0 4px;
      font: var(--mat-sys-title-medium);
    }
    p,
    ul {
      margin: 4px 0;
    }
  `,
})
export class CrisisResources {
  readonly resources = input.required<readonly CrisisContact[]>();
}

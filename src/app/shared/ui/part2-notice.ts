import { ChangeDetectionStrategy, Component, input, ViewEncapsulation } from '@angular/core';

import { REDISCLOSURE_NOTICE } from '../../../../clinical/access/redisclosure-notice';

/**
 * The notice that must accompany a disclosure of 42 CFR Part 2 records (clinical/access/redisclosure-notice.ts:
 * 42 CFR 2.32(a)(1), "Statement 1", 2024 text), printed at the end of whatever the page prints — the chart, a
 * note, a CM statement. Shown only on paper. Its style also hides the app's chrome (toolbar, navigation, skip
 * link and anything marked `wp-no-print`) when printing, so the page prints its content alone: hence no view
 * encapsulation, every rule inside `@media print`. With `onScreen` it is also shown on screen, e.g. in the
 * dialog that confirms a CSV export (a file has no print stage to carry it).
 */
@Component({
  selector: 'wp-part2-notice',
  changeDetection: ChangeDetectionStrategy.OnPush,
  encapsulation: ViewEncapsulation.None,
  template: `
    <section
      class="wp-part2-notice"
      [class.wp-part2-notice-screen]="onScreen()"
      aria-label="Notice against redisclosure (42 CFR 2.32)"
    >
      <h2>{{ notice.heading }}</h2>
      <p>{{ notice.opening }}</p>
      <ol type="i">
        @for (condition of notice.conditions; track $index) {
          <li>{{ condition }}</li>
        }
      </ol>
      <p>{{ notice.closing }}</p>
    </section>
  `,
  styles: `
    .wp-part2-notice {
      display: none;
    }
    .wp-part2-notice.wp-part2-notice-screen {
      display: block;
    }
    .wp-part2-notice-screen h2 {
      margin: 0 0 8px;
      font: var(--mat-sys-title-small);
    }
    @media print {
      .wp-part2-notice {
        display: block;
        margin-top: 24px;
        padding-top: 12px;
        border-top: 2px solid #000;
        font-size: 10pt;
        color: #000;
        break-inside: avoid;
      }
      .wp-part2-notice h2 {
        font-size: 11pt;
        margin: 0 0 6px;
      }
      body .skip-link,
      body header.top,
      body mat-sidenav,
      body .mat-drawer,
      body .wp-no-print {
        display: none !important;
      }
      body .mat-drawer-content,
      body mat-sidenav-content {
        margin: 0 !important;
      }
      body {
        background: #fff;
        color: #000;
      }
    }
  `,
})
export class Part2Notice {
  protected readonly notice = REDISCLOSURE_NOTICE;
  /** Shown on screen too, not only when printed. */
  readonly onScreen = input(false);
}

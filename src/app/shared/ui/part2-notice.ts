import { ChangeDetectionStrategy, Component, input, ViewEncapsulation } from '@angular/core';

/**
 * The notice that must accompany a disclosure of 42 CFR Part 2 records, printed at the end of whatever the page
 * prints: the text of 42 CFR 2.32(a)(1), "Statement 1", as revised by the 2024 final rule (89 FR 12472,
 * 16 Feb 2024; compliance 16 Feb 2026). Shown only on paper. Its style also hides the app's chrome (toolbar,
 * navigation, skip link and anything marked `wp-no-print`) when printing, so the page prints its content alone:
 * hence no view encapsulation, every rule inside `@media print`. For any feature's printout (the chart and the
 * notes editor keep their own copies of the same text). With `onScreen` it is also shown on screen, e.g. in the
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
      <h2>Notice: 42 CFR part 2 — prohibition on re-disclosure</h2>
      <p>
        This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part
        2). These rules prohibit you from using or disclosing this record, or testimony that describes the
        information contained in this record, in any civil, criminal, administrative, or legislative
        proceedings by any Federal, State, or local authority, against the patient, unless authorized by the
        consent of the patient, except as provided at 42 CFR 2.12(c)(5) or as authorized by a court in
        accordance with 42 CFR 2.64 or 2.65. In addition, the Federal rules prohibit you from making any other
        use or disclosure of this record unless at least one of the following applies:
      </p>
      <ol type="i">
        <li>
          Further use or disclosure is expressly permitted by the written consent of the individual whose
          information is being disclosed in this record or as otherwise permitted by 42 CFR part 2.
        </li>
        <li>
          You are a covered entity or business associate and have received the record for treatment, payment,
          or health care operations, or
        </li>
        <li>
          You have received the record from a covered entity or business associate as permitted by 45 CFR part
          164, subparts A and E.
        </li>
      </ol>
      <p>
        A general authorization for the release of medical or other information is NOT sufficient to meet the
        required elements of written consent to further use or redisclose the record (see 42 CFR 2.31).
      </p>
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
  /** Shown on screen too, not only when printed. */
  readonly onScreen = input(false);
}

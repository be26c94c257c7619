import { ChangeDetectionStrategy, Component, computed, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';

import { MIN_BREAK_GLASS_REASON } from '../../../../../clinical/access/break-glass';

/** What travels in an HTTP header: Latin-1 printable characters only. */
const HEADER_SAFE = /^[\x20-\x7E\xA0-\xFF]*$/;

/**
 * "Break the glass": a required reason of at least 10 characters (the server's rule). The reason is sent as the
 * `X-Break-Glass-Reason` header, so it must be plain Latin text; the form says so instead of mangling it.
 */
@Component({
  selector: 'wp-break-glass-form',
  imports: [MatButtonModule, MatFormFieldModule, MatIconModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="form" (submit)="$event.preventDefault(); submit()">
      <mat-form-field appearance="outline" class="reason">
        <mat-label>Reason for breaking the glass</mat-label>
        <textarea
          matInput
          required
          rows="3"
          [attr.minlength]="min"
          [value]="reason()"
          (input)="reason.set(input.value)"
          (blur)="touched.set(true)"
          #input
        ></textarea>
        <mat-hint>At least {{ min }} characters; recorded in the audit trail.</mat-hint>
        @if (touched() && problem(); as message) {
          <mat-error>{{ message }}</mat-error>
        }
      </mat-form-field>
      @if (touched() && problem(); as message) {
        <p class="problem" role="alert">{{ message }}</p>
      }
      <button mat-flat-button type="button" (click)="submit()">
        <mat-icon aria-hidden="true">lock_open</mat-icon>
        Break the glass
      </button>
    </form>
  `,
  styles: `
    .form {
      display: grid;
      gap: 12px;
      justify-items: start;
      margin-top: 12px;
    }
    .reason {
      width: 100%;
    }
    .problem {
      margin: 0;
      color: var(--mat-sys-error);
    }
  `,
})
export class BreakGlassForm {
  readonly submitted = output<string>();

  protected readonly min = MIN_BREAK_GLASS_REASON;
  protected readonly reason = signal('');
  protected readonly touched = signal(false);
  protected readonly problem = computed(() => {
    const text = this.reason().trim();
    if (text.length < MIN_BREAK_GLASS_REASON) {
      return `Give a reason of at least ${MIN_BREAK_GLASS_REASON} characters.`;
    }
    if (!HEADER_SAFE.test(text)) {
      return 'Use Latin letters, digits and punctuation only.';
    }
    return null;
  });

  protected submit(): void {
    this.touched.set(true);
    if (this.problem() === null) this.submitted.emit(this.reason().trim());
  }
}

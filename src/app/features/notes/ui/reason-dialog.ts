import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

export interface ReasonDialogData {
  readonly title: string;
  readonly intro: string;
  readonly label: string;
  readonly confirm: string;
}

/** Asks for a required reason or comment (late entry, amendment, return for revision); closes with the text. */
@Component({
  selector: 'wp-reason-dialog',
  imports: [MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <!-- novalidate: the message below, not the browser's bubble, says what is missing. -->
    <form novalidate (submit)="submit($event)">
      <mat-dialog-content>
        <p>{{ data.intro }}</p>
        <mat-form-field class="wide">
          <mat-label>{{ data.label }}</mat-label>
          <textarea
            matInput
            rows="3"
            required
            cdkFocusInitial
            [value]="text()"
            (input)="text.set($any($event.target).value)"
            [attr.aria-describedby]="tried() && !valid() ? 'wp-reason-error' : null"
          ></textarea>
        </mat-form-field>
        @if (tried() && !valid()) {
          <p id="wp-reason-error" class="error" role="alert">{{ data.label }} is required.</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit">{{ data.confirm }}</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .wide {
      width: 100%;
      min-width: min(28rem, 80vw);
    }
    .error {
      color: var(--mat-sys-error);
      margin: 0;
    }
  `,
})
export class ReasonDialog {
  protected readonly data = inject<ReasonDialogData>(MAT_DIALOG_DATA);
  private readonly ref = inject<MatDialogRef<ReasonDialog, string>>(MatDialogRef);
  protected readonly text = signal('');
  protected readonly tried = signal(false);
  protected valid(): boolean {
    return this.text().trim().length > 0;
  }

  protected submit(event: Event): void {
    event.preventDefault();
    this.tried.set(true);
    if (this.valid()) this.ref.close(this.text().trim());
  }
}

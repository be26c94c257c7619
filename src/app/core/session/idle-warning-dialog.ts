import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  type Injector,
  type Signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule } from '@angular/material/dialog';
import { firstValueFrom } from 'rxjs';

import { IDLE_WARNING_PANE_CLASS } from './idle-monitor';
import { countdownAnnouncement, formatCountdown, formatDuration } from './idle-time';

export interface IdleWarningData {
  /** Whole seconds before the sign-out, counting down. */
  readonly secondsLeft: Signal<number>;
  readonly timeoutSeconds: number;
  readonly warningSeconds: number;
}

/** Escape or a click beside the dialog is input too: it means "stay". */
export type IdleWarningChoice = 'stay' | 'sign-out';

export interface IdleWarningHandle {
  /** Settles as soon as the user answers (before the closing animation). */
  readonly choice: Promise<IdleWarningChoice>;
  close(): void;
}

const DESCRIPTION_ID = 'wp-idle-warning-description';

/**
 * "Are you still there?": an alert dialog with the time left before the sign-out for inactivity.
 * The visible M:SS ticks every second (role timer: not announced); a separate polite live region
 * speaks at each minute, then at 30 and 10 seconds.
 */
@Component({
  selector: 'wp-idle-warning-dialog',
  imports: [MatDialogModule, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>Are you still there?</h2>
    <mat-dialog-content>
      <p [id]="descriptionId">
        You will be signed out for inactivity in
        <span class="countdown" role="timer">{{ countdown() }}</span>. Waypoint signs you out after
        {{ idleTime }} without activity, so that patient information is not left open on an unattended screen.
      </p>
      <p class="wp-visually-hidden" aria-live="polite" aria-atomic="true">{{ announcement() }}</p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" [mat-dialog-close]="signOutChoice">Sign out now</button>
      <button mat-flat-button type="button" [mat-dialog-close]="stayChoice" cdkFocusInitial>
        Stay signed in
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .countdown {
      font-weight: 700;
      font-variant-numeric: tabular-nums;
    }
  `,
})
export class IdleWarningDialog {
  private readonly data = inject<IdleWarningData>(MAT_DIALOG_DATA);
  protected readonly descriptionId = DESCRIPTION_ID;
  protected readonly signOutChoice: IdleWarningChoice = 'sign-out';
  protected readonly stayChoice: IdleWarningChoice = 'stay';
  protected readonly idleTime = formatDuration(this.data.timeoutSeconds);
  protected readonly countdown = computed(() => formatCountdown(this.data.secondsLeft()));
  protected readonly announcement = computed(() =>
    countdownAnnouncement(this.data.secondsLeft(), this.data.warningSeconds),
  );
}

/** Opens the warning (this module loads on first use: the dialog code stays out of the initial bundle). */
export function openIdleWarning(injector: Injector, data: IdleWarningData): IdleWarningHandle {
  const ref = injector
    .get(MatDialog)
    .open<IdleWarningDialog, IdleWarningData, IdleWarningChoice>(IdleWarningDialog, {
      data,
      role: 'alertdialog',
      ariaDescribedBy: DESCRIPTION_ID,
      panelClass: IDLE_WARNING_PANE_CLASS,
      width: '30rem',
      maxWidth: 'calc(100vw - 32px)',
      restoreFocus: true,
    });
  return {
    choice: firstValueFrom(ref.beforeClosed()).then((choice) => choice ?? 'stay'),
    close: () => ref.close(),
  };
}

/** Closes every Material dialog, e.g. before the signed-out panel replaces the page. */
export function closeAllDialogs(injector: Injector): void {
  injector.get(MatDialog).closeAll();
}

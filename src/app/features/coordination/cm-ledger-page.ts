import { DOCUMENT } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { Store } from '@ngrx/store';
import { firstValueFrom } from 'rxjs';

import { checkReward } from '../../../../clinical/cm/cm-ledger';
import { formatDate } from '../../../../clinical/fhir/fhir-date';
import { patientName } from '../../../../clinical/fhir/patient-facts';
import { FhirClient } from '../../core/fhir/fhir-client';
import { isFhirError, outcomeMessage, outcomeMessageOf } from '../../core/fhir/operation-outcome';
import { printRecord } from '../../core/fhir/record-print';
import { selectUser } from '../../core/state/session/session.feature';
import { CLOCK } from '../../core/time/clock';
import { ErrorBanner } from '../../shared/ui/error-banner';
import { Part2Notice } from '../../shared/ui/part2-notice';
import { StatusChip, type StatusTone } from '../../shared/ui/status-chip';
import {
  type CmLine,
  type CmLineKind,
  isOwnRequest,
  rewardCondition,
  rewardTask,
  scheduleText,
} from './data/cm-model';
import { CoordinationPageActions } from './state/coordination.actions';
import { coordinationFeature } from './state/coordination.feature';
import { CmScheduleNotice } from './ui/cm-schedule-notice';

const TONES: Readonly<Record<CmLineKind, StatusTone>> = {
  rewarded: 'success',
  due: 'info',
  positive: 'danger',
  'not-verified': 'neutral',
  'weekly-limit': 'neutral',
};
const ICONS: Readonly<Record<CmLineKind, string>> = {
  rewarded: 'redeem',
  due: 'schedule',
  positive: 'block',
  'not-verified': 'hourglass_empty',
  'weekly-limit': 'block',
};

/**
 * One patient's contingency-management ledger: every screen with what the schedule says of it (rewarded with its
 * points, due with the schedule's points, or not eligible and why), the patient's running total and the
 * program's; "Record reward" on a due screen creates the reward Task once (conditional create on the screen's
 * Observation; the server checks the rule again and its refusal is shown as it says it); a printable statement
 * with the 42 CFR 2.32 notice, after the server records the export.
 */
@Component({
  selector: 'wp-cm-ledger-page',
  imports: [
    CmScheduleNotice,
    ErrorBanner,
    MatButtonModule,
    MatIconModule,
    Part2Notice,
    RouterLink,
    StatusChip,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './cm-ledger-page.html',
  styleUrl: './cm-ledger-page.scss',
})
export class CmLedgerPage {
  private readonly store = inject(Store);
  private readonly fhir = inject(FhirClient);
  private readonly clock = inject(CLOCK);
  private readonly document = inject(DOCUMENT);
  /** Route param. */
  readonly patientId = input.required<string>();

  protected readonly formatDate = formatDate;
  protected readonly tones = TONES;
  protected readonly icons = ICONS;
  protected readonly view = this.store.selectSignal(coordinationFeature.selectLedgerView);
  protected readonly loading = this.store.selectSignal(coordinationFeature.selectLedgerLoading);
  private readonly loadError = this.store.selectSignal(coordinationFeature.selectLedgerError);
  protected readonly totals = this.store.selectSignal(coordinationFeature.selectCmTotals);
  private readonly schedule = this.store.selectSignal(coordinationFeature.selectCmSchedule);
  protected readonly scheduleProblem = this.store.selectSignal(coordinationFeature.selectCmScheduleProblem);
  protected readonly scheduleText = computed(() => scheduleText(this.schedule()));
  private readonly user = this.store.selectSignal(selectUser);
  protected readonly printedBy = computed(() => this.user()?.name ?? '');
  protected readonly errorMessage = outcomeMessageOf(this.loadError);
  protected readonly name = computed(() => {
    const record = this.view()?.record;
    return record ? patientName(record.patient) : '';
  });
  protected readonly birthDate = computed(() => this.view()?.record.patient.birthDate ?? null);
  protected readonly rewardCount = computed(
    () => this.view()?.lines.filter((l) => l.kind === 'rewarded').length ?? 0,
  );
  protected readonly asOfText = computed(() => {
    const asOf = this.view()?.asOf;
    return asOf ? formatDate(asOf) : '';
  });

  /** The screen being rewarded (its Observation), while the request is in flight. */
  protected readonly busy = signal<string | null>(null);
  /** The server's refusal (or another failure) of the last attempt, with the screen it was for. */
  protected readonly refusal = signal<{ observation: string; message: string } | null>(null);
  protected readonly recorded = signal('');
  protected readonly printError = signal<string | null>(null);

  constructor() {
    effect(() => {
      const patientId = this.patientId();
      untracked(() => {
        this.refusal.set(null);
        this.recorded.set('');
        this.store.dispatch(CoordinationPageActions.ledgerOpened({ patientId }));
      });
    });
  }

  protected retry(): void {
    this.store.dispatch(CoordinationPageActions.ledgerOpened({ patientId: this.patientId() }));
  }

  protected tone(line: CmLine): StatusTone {
    return TONES[line.kind];
  }

  /**
   * Records the reward: a conditional create (`If-None-Exist` on the screen's Observation), so a screen is rewarded
   * once whatever the page knew. The server checks the schedule again; a refusal (422) is shown as it says it, and
   * a reward it already held (its own Task comes back instead of ours) is said so.
   */
  protected async record(line: CmLine): Promise<void> {
    const view = this.view();
    const me = this.user()?.fhirUser;
    if (!view || !me) return;
    this.refusal.set(null);
    this.recorded.set('');
    this.busy.set(line.observation);
    const requestId = crypto.randomUUID();
    const task = rewardTask(line, view.record.patient, { me, now: this.clock().toISOString(), requestId });
    try {
      const saved = await firstValueFrom(this.fhir.createIfNoneExist(task, rewardCondition(line)));
      this.store.dispatch(CoordinationPageActions.saved({ resources: [saved] }));
      if (isOwnRequest(saved, requestId)) {
        this.recorded.set(
          `Reward recorded: ${line.entry.points} points for the screen of ${formatDate(line.entry.date)}.`,
        );
      } else {
        // The conditional create matched: the server answered the reward it already held. Its rule says why
        // in its own words (the same check the server runs on a plain create).
        const record = {
          ...view.record,
          tasks: [...view.record.tasks.filter((t) => t.id !== saved.id), saved],
        };
        const check = checkReward(
          record,
          { reference: line.observation },
          this.clock().toISOString(),
          this.schedule(),
        );
        this.refusal.set({
          observation: line.observation,
          message:
            check.message ??
            `The screen of ${formatDate(line.entry.date)} was already rewarded: the server holds a reward for it.`,
        });
      }
    } catch (error) {
      this.refusal.set({
        observation: line.observation,
        message: isFhirError(error) ? outcomeMessage(error.outcome) : 'The reward could not be recorded.',
      });
    } finally {
      this.busy.set(null);
      this.retry();
    }
  }

  /** Printing is an export of the record: the server records it before the print dialog opens. */
  protected async print(): Promise<void> {
    this.printError.set(null);
    this.printError.set(
      await printRecord(this.fhir, this.document.defaultView, this.patientId(), 'statement'),
    );
  }
}

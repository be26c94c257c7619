import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { Questionnaire, QuestionnaireItem, QuestionnaireResponse } from '@medplum/fhirtypes';
import { Store } from '@ngrx/store';
import { map, of, switchMap } from 'rxjs';

import { canonicalUrl } from '../../../../clinical/access/response-access';
import { answerText } from '../../../../clinical/notes/response-items';
import { FhirClient } from '../../core/fhir/fhir-client';
import { FhirError, outcomeMessage, synthesizeOutcome, toFhirError } from '../../core/fhir/operation-outcome';
import { breakGlassHeaders } from './data/break-glass';
import { patientFeature } from './state/patient.feature';
import { templateWords } from './ui/sessions-panel';

interface NoteRow {
  readonly depth: number;
  readonly question: string;
  readonly answers: readonly string[];
}

interface LoadedNote {
  readonly note: QuestionnaireResponse;
  readonly title: string;
  readonly rows: readonly NoteRow[];
  readonly redacted: boolean;
}

function rowsOf(note: QuestionnaireResponse, questionnaire: Questionnaire | undefined): NoteRow[] {
  const texts = new Map<string, string>();
  const walkQ = (items: readonly QuestionnaireItem[] | undefined): void => {
    for (const item of items ?? []) {
      if (item.text) texts.set(item.linkId, item.text);
      walkQ(item.item);
    }
  };
  walkQ(questionnaire?.item);
  const rows: NoteRow[] = [];
  const walk = (items: QuestionnaireResponse['item'], depth: number): void => {
    for (const item of items ?? []) {
      rows.push({
        depth,
        question: item.text ?? texts.get(item.linkId) ?? item.linkId,
        answers: (item.answer ?? []).map(answerText),
      });
      walk(item.item, depth + 1);
      for (const answer of item.answer ?? []) walk(answer.item, depth + 1);
    }
  };
  walk(note.item, 0);
  return rows;
}

/**
 * `/patients/:id/notes/:noteId`: one session note, read-only (its answers under their questions). The notes editor
 * (features/notes) replaces this for editing; until then the chart's links open here. One search by id and patient
 * (so a note of another patient is not found), then its Questionnaire for the question texts. Notes the role may not
 * read come back redacted by the server and say so.
 */
@Component({
  selector: 'wp-note-view-page',
  imports: [DatePipe, MatButtonModule, MatIconModule, MatProgressBarModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a mat-button [routerLink]="['/patients', id()]" class="back">
      <mat-icon aria-hidden="true">arrow_back</mat-icon>
      Back to the chart
    </a>
    @if (note.value(); as n) {
      <h1 class="wp-page-title">{{ n.title }}</h1>
      <p class="meta">
        {{ n.note.status === 'in-progress' ? 'Draft' : n.note.status === 'amended' ? 'Amended' : 'Signed' }}
        @if (n.note.authored) {
          · {{ n.note.authored | date: 'd MMM y, HH:mm' : 'UTC' }}
        }
        @if (n.note.author?.display; as author) {
          · <bdi>{{ author }}</bdi>
        }
        · read-only
      </p>
      @if (n.redacted) {
        <p class="redacted">
          The body of this note is not shown to your role (42 CFR Part 2 counseling notes).
        </p>
      } @else {
        <dl class="answers">
          @for (row of n.rows; track $index) {
            <div [style.padding-inline-start.px]="row.depth * 16">
              <dt>{{ row.question }}</dt>
              <dd>
                @for (answer of row.answers; track $index) {
                  <bdi class="answer">{{ answer }}</bdi>
                } @empty {
                  <span class="muted">—</span>
                }
              </dd>
            </div>
          }
        </dl>
      }
    } @else if (note.error()) {
      <h1 class="wp-page-title">Note</h1>
      <div class="error" role="alert">
        <p>{{ errorMessage() }}</p>
        <button mat-flat-button type="button" (click)="note.reload()">Retry</button>
      </div>
    } @else {
      <h1 class="wp-page-title">Note</h1>
      <mat-progress-bar mode="indeterminate" aria-label="Loading the note" />
    }
  `,
  styles: `
    :host {
      display: block;
      max-width: 900px;
    }
    .back {
      margin: 0 0 8px -12px;
    }
    .meta,
    .muted {
      color: var(--mat-sys-on-surface-variant);
    }
    .answers {
      display: grid;
      gap: 12px;
    }
    dt {
      font: var(--mat-sys-title-small);
    }
    dd {
      margin: 4px 0 0;
      display: grid;
      gap: 2px;
      white-space: pre-wrap;
    }
    .error {
      display: flex;
      align-items: center;
      gap: 16px;
      padding: 12px 16px;
      border-radius: var(--mat-sys-corner-medium);
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
  `,
})
export class NoteViewPage {
  private readonly fhir = inject(FhirClient);
  private readonly reasons = inject(Store).selectSignal(patientFeature.selectBreakGlass);
  /** Bound from the route. */
  readonly id = input.required<string>();
  readonly noteId = input.required<string>();

  protected readonly note = rxResource({
    params: () => ({ patientId: this.id(), noteId: this.noteId(), reason: this.reasons()[this.id()] }),
    stream: ({ params }) => {
      const headers = breakGlassHeaders(params.reason);
      return this.fhir
        .searchBatchSettled(
          [
            {
              resourceType: 'QuestionnaireResponse',
              params: [
                ['_id', params.noteId],
                ['patient', `Patient/${params.patientId}`],
              ],
            },
          ],
          { headers },
        )
        .pipe(
          map(([settled]) => {
            if (!settled) throw new FhirError(502, synthesizeOutcome(502));
            if (!settled.ok) throw new FhirError(settled.status, settled.outcome);
            const note = settled.result.resources[0] as QuestionnaireResponse | undefined;
            if (!note) throw new FhirError(404, synthesizeOutcome(404));
            return note;
          }),
          switchMap((note) => {
            const url = canonicalUrl(note.questionnaire);
            const redacted = (note.meta?.security ?? []).some((s) => s.code === 'REDACTED');
            const questionnaire$ = url
              ? this.fhir
                  .searchBatchSettled([{ resourceType: 'Questionnaire', params: [['url', url]] }], {
                    headers,
                  })
                  .pipe(
                    map(([q]) => (q?.ok ? (q.result.resources[0] as Questionnaire | undefined) : undefined)),
                  )
              : of(undefined);
            return questionnaire$.pipe(
              map((questionnaire): LoadedNote => ({
                note,
                title: questionnaire?.title ?? templateWords(note.questionnaire ?? null),
                rows: rowsOf(note, questionnaire),
                redacted,
              })),
            );
          }),
        );
    },
  });

  protected readonly errorMessage = computed(() => {
    const error = this.note.error();
    return error ? outcomeMessage(toFhirError(error).outcome) : '';
  });
}

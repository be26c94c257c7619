import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  ElementRef,
  inject,
  Injector,
  input,
  signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import type { QuestionnaireItem } from '@medplum/fhirtypes';

import { NoteControl } from './note-control';
import { NoteForm } from './note-form';
import { child, childrenAt, instancesOf, type ItemPath } from './response-tree';

/** A button of a link: move it up or down, or remove it (`label` takes the link's 1-based number). */
interface LinkTool {
  readonly kind: 'up' | 'down' | 'remove';
  readonly icon: string;
  readonly text: string;
  readonly label: (link: number) => string;
}

/**
 * The `chain` layout: a repeating group as an ordered list of links (a DBT behavior chain), each with its
 * questions and buttons to move it up or down or remove it, and "Add link" at the end. Alt+Arrow Up / Down on
 * a link moves it too; focus follows the moved link and a live region says where it went.
 */
@Component({
  selector: 'wp-chain-list',
  imports: [MatButtonModule, MatIconModule, NoteControl],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(keydown)': 'keydown($event)' },
  template: `
    @let it = item();
    <fieldset class="chain-box">
      <legend>{{ it.text }}</legend>
      <ol class="chain" [attr.aria-label]="it.text">
        @for (n of links(); track n) {
          <li class="link" [attr.data-link]="n">
            <fieldset class="link-box">
              <legend>Link {{ n + 1 }}</legend>
              @for (c of it.item ?? []; track c.linkId) {
                <wp-note-control [item]="c" [path]="childPath(n, c.linkId)" />
              }
              @if (!readonly()) {
                <div class="tools">
                  @for (tool of tools; track tool.kind) {
                    <button
                      mat-button
                      type="button"
                      [id]="buttonId(n, tool.kind)"
                      [disabled]="
                        (tool.kind === 'up' && n === 0) || (tool.kind === 'down' && n === links().length - 1)
                      "
                      [attr.aria-label]="tool.label(n + 1)"
                      (click)="use(tool.kind, n)"
                    >
                      <mat-icon aria-hidden="true">{{ tool.icon }}</mat-icon>
                      {{ tool.text }}
                    </button>
                  }
                </div>
              }
            </fieldset>
          </li>
        }
      </ol>
      @if (!readonly()) {
        <button mat-stroked-button type="button" (click)="add()">
          <mat-icon aria-hidden="true">add_link</mat-icon>
          Add link
        </button>
      }
      <p class="wp-visually-hidden" role="status">{{ announcement() }}</p>
    </fieldset>
  `,
  styles: `
    .chain-box {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: var(--mat-sys-corner-medium);
      padding: 8px 12px 12px;
      margin: 8px 0;
      min-width: 0;
    }
    .chain {
      margin: 0 0 8px;
      padding-inline-start: 1.5rem;
      display: grid;
      gap: 8px;
    }
    .link-box {
      border: 1px solid var(--mat-sys-outline-variant);
      border-inline-start: 4px solid var(--mat-sys-tertiary);
      border-radius: var(--mat-sys-corner-small);
      padding: 6px 10px;
      min-width: 0;
    }
    .tools {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
  `,
})
export class ChainList {
  private readonly form = inject(NoteForm);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  readonly item = input.required<QuestionnaireItem>();
  readonly parent = input.required<ItemPath>();

  private static nextId = 0;
  private readonly id = `wp-chain-${ChainList.nextId++}`;
  protected readonly readonly = this.form.readonly;
  protected readonly announcement = signal('');
  protected readonly links = computed(() => {
    const count = instancesOf(childrenAt(this.form.items(), this.parent()), this.item().linkId).length;
    return Array.from({ length: Math.max(1, count) }, (_, i) => i);
  });

  protected readonly tools: readonly LinkTool[] = [
    { kind: 'up', icon: 'arrow_upward', text: 'Move up', label: (n) => `Move link ${n} up` },
    { kind: 'down', icon: 'arrow_downward', text: 'Move down', label: (n) => `Move link ${n} down` },
    { kind: 'remove', icon: 'delete', text: 'Remove', label: (n) => `Remove link ${n}` },
  ];

  protected childPath(link: number, linkId: string): ItemPath {
    return child(this.linkPath(link), linkId);
  }

  protected buttonId(link: number, kind: LinkTool['kind']): string {
    return `${this.id}-${link}-${kind}`;
  }

  protected use(kind: LinkTool['kind'], link: number): void {
    if (kind === 'remove') this.remove(link);
    else this.move(link, kind === 'up' ? -1 : 1, kind);
  }

  protected add(): void {
    const count = this.links().length + 1;
    this.form.ensureRepetitions(this.linkPath(0), count);
    this.announcement.set(`Link ${count} added.`);
    this.focus(
      `#${this.id}-${count - 1}-up`,
      `li:nth-child(${count}) textarea, li:nth-child(${count}) input`,
    );
  }

  private remove(link: number): void {
    this.form.removeRepetition(this.linkPath(link));
    this.announcement.set(`Link ${link + 1} removed.`);
  }

  private move(link: number, delta: -1 | 1, direction: 'up' | 'down'): void {
    const to = link + delta;
    if (to < 0 || to >= this.links().length) return;
    this.form.moveRepetition(this.linkPath(link), delta);
    this.announcement.set(`Link ${link + 1} moved ${direction} to position ${to + 1}.`);
    // Keep focus on the same button of the moved link (or its other button at either end of the list).
    const other = direction === 'up' ? 'down' : 'up';
    this.focus(`#${this.buttonId(to, direction)}:not([disabled])`, `#${this.buttonId(to, other)}`);
  }

  protected keydown(event: KeyboardEvent): void {
    if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    const li = (event.target as Element | null)?.closest<HTMLElement>('li[data-link]');
    if (!li) return;
    const link = Number(li.dataset['link']);
    event.preventDefault();
    if (event.key === 'ArrowUp') this.move(link, -1, 'up');
    else this.move(link, 1, 'down');
  }

  private linkPath(link: number): ItemPath {
    return child(this.parent(), this.item().linkId, link);
  }

  private focus(selector: string, fallback: string): void {
    afterNextRender(
      () => {
        const root = this.host.nativeElement;
        const target = root.querySelector<HTMLElement>(selector) ?? root.querySelector<HTMLElement>(fallback);
        target?.focus();
      },
      { injector: this.injector },
    );
  }
}

import { Injectable, signal } from '@angular/core';

/**
 * Unsaved form text, kept in memory only (never in browser storage: it is patient data). It survives
 * a re-sign-in, which happens in a popup without leaving the page, and is forgotten on sign-out.
 */
@Injectable({ providedIn: 'root' })
export class DraftStore {
  private readonly drafts = signal<ReadonlyMap<string, unknown>>(new Map());

  /** Key by what the draft belongs to, e.g. `note:Encounter/123`. */
  get<T>(key: string): T | undefined {
    return this.drafts().get(key) as T | undefined;
  }

  set(key: string, value: unknown): void {
    this.drafts.update((drafts) => new Map(drafts).set(key, structuredClone(value)));
  }

  delete(key: string): void {
    this.drafts.update((drafts) => {
      const next = new Map(drafts);
      next.delete(key);
      return next;
    });
  }

  get size(): number {
    return this.drafts().size;
  }

  clear(): void {
    this.drafts.set(new Map());
  }
}

import { DOCUMENT } from '@angular/common';
import { DestroyRef, inject, Injectable, signal } from '@angular/core';
import type { QuestionnaireResponse } from '@medplum/fhirtypes';
import { Store } from '@ngrx/store';
import { firstValueFrom } from 'rxjs';

import { DraftStore } from '../../../core/drafts/draft-store';
import { FhirClient } from '../../../core/fhir/fhir-client';
import { outcomeMessage, toFhirError } from '../../../core/fhir/operation-outcome';
import { ResourcesActions } from '../../../core/state/resources/resources.feature';

/**
 * What the status line of a note says (docs/notes.md): `saved` (with the time), `saving`, `offline` (queued, will
 * retry), `conflict` (someone else changed or signed the note: the editor asks what to keep), `error`.
 */
export type SaveStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'saved'; readonly at: number }
  | { readonly kind: 'offline' }
  | { readonly kind: 'conflict'; readonly status: number; readonly server: QuestionnaireResponse | null }
  | { readonly kind: 'error'; readonly message: string };

/** An edit not yet on the server: the whole draft, based on the server version in its meta.versionId. */
export interface OutboxEntry {
  readonly response: QuestionnaireResponse;
  /** Increases with every queued edit: a save only clears the entry it sent. */
  readonly seq: number;
}

/** sessionStorage key prefix (the tab's storage: AuthSession clears it at sign-out). */
export const OUTBOX_STORAGE_PREFIX = 'wp.note-outbox.';
const DRAFT_PREFIX = 'note-outbox:';
/** How often queued edits are tried again while the browser says it is online. */
export const RETRY_INTERVAL_MS = 10_000;

/**
 * Draft notes not yet saved, and the saving of them (docs/notes.md, "Drafts never lost"). Every edit is queued
 * here at once — in memory (the DraftStore: kept through a sign-out for inactivity, forgotten at a real
 * sign-out) and in this tab's sessionStorage (survives a reload; cleared at sign-out), never in localStorage —
 * and sent as a PUT with If-Match of the version it is based on. A failed connection leaves it queued: it is
 * retried when the browser comes back online and every {@link RETRY_INTERVAL_MS}, whether or not its editor is
 * still open. A 412 (changed elsewhere) or 422 (signed meanwhile) keeps it queued as a conflict for the editor
 * to resolve (keep mine as a copy, or take the server's): never a silent overwrite.
 */
@Injectable({ providedIn: 'root' })
export class NoteOutbox {
  private readonly fhir = inject(FhirClient);
  private readonly store = inject(Store);
  private readonly drafts = inject(DraftStore);
  private readonly document = inject(DOCUMENT);

  private readonly statuses = signal<Readonly<Record<string, SaveStatus>>>({});
  /** The latest server version of each note this tab knows (what the next save is based on). */
  private readonly versions = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<SaveStatus>>();
  /** Notes queued in this tab (the DraftStore has no listing; a sign-out empties it, so check `pending`). */
  private readonly queued = new Set<string>();
  private seq = 0;

  constructor() {
    this.restore();
    const view = this.document.defaultView;
    const online = () => void this.flushAll();
    view?.addEventListener('online', online);
    const timer = setInterval(() => void this.flushAll({ onlyFailed: true }), RETRY_INTERVAL_MS);
    inject(DestroyRef).onDestroy(() => {
      view?.removeEventListener('online', online);
      clearInterval(timer);
    });
  }

  status(noteId: string): SaveStatus {
    return this.statuses()[noteId] ?? { kind: 'idle' };
  }

  /** The queued edit of a note, if any (a reopened editor starts from it). */
  pending(noteId: string): OutboxEntry | undefined {
    return this.drafts.get<OutboxEntry>(DRAFT_PREFIX + noteId);
  }

  /** Note ids with queued edits. */
  pendingIds(): string[] {
    return [...this.queued].filter((id) => this.pending(id) !== undefined);
  }

  /** The latest server version of a note this tab knows. */
  version(noteId: string): string | undefined {
    return this.versions.get(noteId);
  }

  /** The server copy the editor loaded: saves are based on its version from now on. */
  track(note: QuestionnaireResponse): void {
    if (note.id && note.meta?.versionId) this.remember(note.id, note.meta.versionId);
  }

  /** Queues the whole draft (replacing any earlier queued edit of it). */
  queue(response: QuestionnaireResponse): void {
    const id = response.id;
    if (!id) throw new Error('Only a created draft can be queued');
    const version = this.versions.get(id) ?? response.meta?.versionId;
    const entry: OutboxEntry = {
      response: { ...response, meta: { ...response.meta, ...(version ? { versionId: version } : {}) } },
      seq: ++this.seq,
    };
    this.write(id, entry);
  }

  /** Sends the queued edit of a note now (waits for a save in flight first). */
  flush(noteId: string): Promise<SaveStatus> {
    const previous = this.inFlight.get(noteId);
    if (previous) {
      return previous.then(() => (this.pending(noteId) ? this.flush(noteId) : this.status(noteId)));
    }
    const entry = this.pending(noteId);
    if (!entry) return Promise.resolve(this.status(noteId));
    const current = this.status(noteId);
    if (current.kind === 'conflict') return Promise.resolve(current); // waits for the user's choice
    const run = this.send(noteId, entry).finally(() => this.inFlight.delete(noteId));
    this.inFlight.set(noteId, run);
    return run;
  }

  /** Sends every queued edit (`onlyFailed`: those that failed before, for the periodic retry). */
  async flushAll(options: { readonly onlyFailed?: boolean } = {}): Promise<void> {
    const ids = this.pendingIds().filter((id) => {
      const kind = this.status(id).kind;
      return !options.onlyFailed || kind === 'offline' || kind === 'error';
    });
    await Promise.all(ids.map((id) => this.flush(id)));
  }

  /** Conflict resolved by taking the server's version: the queued edit is dropped. */
  takeServer(server: QuestionnaireResponse): void {
    if (!server.id) return;
    this.clear(server.id);
    this.track(server);
    this.setStatus(server.id, { kind: 'saved', at: Date.now() });
  }

  /** Forgets a note's queued edit (after it was kept as a copy, signed, or discarded). */
  discard(noteId: string): void {
    this.clear(noteId);
    this.setStatus(noteId, { kind: 'idle' });
  }

  private async send(noteId: string, entry: OutboxEntry): Promise<SaveStatus> {
    if (this.document.defaultView?.navigator.onLine === false) {
      return this.setStatus(noteId, { kind: 'offline' });
    }
    this.setStatus(noteId, { kind: 'saving' });
    try {
      const saved = await firstValueFrom(this.fhir.update(entry.response));
      if (saved.meta?.versionId) this.remember(noteId, saved.meta.versionId);
      const now = this.pending(noteId);
      if (now && now.seq === entry.seq) {
        this.clear(noteId);
      } else if (now && saved.meta?.versionId) {
        // Edited while saving: the newer edit is now based on the version just written.
        this.write(noteId, {
          ...now,
          response: { ...now.response, meta: { ...now.response.meta, versionId: saved.meta.versionId } },
        });
      }
      this.store.dispatch(ResourcesActions.received({ resources: [saved] }));
      return this.setStatus(noteId, { kind: 'saved', at: Date.now() });
    } catch (error) {
      const failure = toFhirError(error);
      if (failure.status === 0) return this.setStatus(noteId, { kind: 'offline' });
      if (failure.status === 412 || failure.status === 409 || failure.status === 422) {
        const server = await firstValueFrom(this.fhir.read('QuestionnaireResponse', noteId)).catch(() => null);
        return this.setStatus(noteId, { kind: 'conflict', status: failure.status, server });
      }
      return this.setStatus(noteId, { kind: 'error', message: outcomeMessage(failure.outcome) });
    }
  }

  private setStatus(noteId: string, status: SaveStatus): SaveStatus {
    this.statuses.update((all) => ({ ...all, [noteId]: status }));
    return status;
  }

  private remember(noteId: string, version: string): void {
    const known = Number(this.versions.get(noteId));
    if (!Number.isFinite(known) || Number(version) >= known || Number.isNaN(Number(version))) {
      this.versions.set(noteId, version);
    }
  }

  private write(noteId: string, entry: OutboxEntry): void {
    this.queued.add(noteId);
    this.drafts.set(DRAFT_PREFIX + noteId, entry);
    try {
      this.storage()?.setItem(OUTBOX_STORAGE_PREFIX + noteId, JSON.stringify(entry));
    } catch (error) {
      console.error('A draft could not be kept in this tab', error); // memory still has it
    }
  }

  private clear(noteId: string): void {
    this.queued.delete(noteId);
    this.drafts.delete(DRAFT_PREFIX + noteId);
    this.storage()?.removeItem(OUTBOX_STORAGE_PREFIX + noteId);
  }

  /** After a reload: the queued edits this tab kept. */
  private restore(): void {
    for (const key of this.storageKeys()) {
      const noteId = key.slice(OUTBOX_STORAGE_PREFIX.length);
      this.queued.add(noteId);
      if (this.pending(noteId)) continue;
      try {
        const entry = JSON.parse(this.storage()?.getItem(key) ?? 'null') as OutboxEntry | null;
        if (entry?.response?.resourceType === 'QuestionnaireResponse') {
          this.drafts.set(DRAFT_PREFIX + noteId, entry);
          this.seq = Math.max(this.seq, entry.seq);
        }
      } catch {
        this.storage()?.removeItem(key);
      }
    }
  }

  private storageKeys(): string[] {
    const storage = this.storage();
    if (!storage) return [];
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(OUTBOX_STORAGE_PREFIX)) keys.push(key);
    }
    return keys;
  }

  private storage(): Storage | undefined {
    return this.document.defaultView?.sessionStorage;
  }
}

import { inject, Injectable } from '@angular/core';
import { toObservable } from '@angular/core/rxjs-interop';
import type { PreloadingStrategy, Route, Routes } from '@angular/router';
import { Store } from '@ngrx/store';
import { filter, firstValueFrom, Observable, of } from 'rxjs';

import { HttpActivity } from '../http/http-activity';
import { selectUser } from '../state/session/session.feature';
import { mayOpen } from './nav-links';

/**
 * When each page's code is fetched. Every section is a lazy chunk (ag-grid and Chart.js among them); fetched on
 * the click, it costs a few hundred milliseconds before the page can even ask for its data. So the chunks of
 * the sections the signed-in role uses are fetched once the page has its data and the browser is idle, and on a
 * full page load the chunk of the page asked for is fetched while the session is being restored.
 */

/**
 * Preloads the lazy routes the signed-in role may open (nav-links.ts), one at a time, each once no request is in
 * flight and the browser is idle: evaluating a chunk (ag-grid's is ~0.8 MB) takes the main thread, so preloading
 * must neither delay the page being shown nor pile every chunk onto the next click.
 */
@Injectable({ providedIn: 'root' })
export class RoleSectionPreloading implements PreloadingStrategy {
  private readonly store = inject(Store);
  private readonly activity = inject(HttpActivity);
  private readonly busy$ = toObservable(this.activity.busy);
  private queue: Promise<void> = Promise.resolve();

  preload(route: Route, load: () => Observable<unknown>): Observable<unknown> {
    const role = this.store.selectSignal(selectUser)()?.role;
    const path = route.path;
    // No role yet (signed out, or the sign-in callback): asked again after the next navigation.
    if (!role || path === undefined || path.includes('*') || !mayOpen(role, `/${path}`)) {
      return of(null);
    }
    return new Observable((subscriber) => {
      const turn = this.queue
        .then(() => this.settled())
        .then(
          () =>
            new Promise<void>((done) => {
              load().subscribe({
                next: (value) => subscriber.next(value),
                error: (error: unknown) => {
                  subscriber.error(error);
                  done();
                },
                complete: () => {
                  subscriber.complete();
                  done();
                },
              });
            }),
        );
      this.queue = turn.catch(() => undefined);
    });
  }

  /** Resolves when the browser is idle with no request in flight. */
  private async settled(): Promise<void> {
    for (;;) {
      await whenIdle();
      if (!this.activity.busy()) return;
      await firstValueFrom(this.busy$.pipe(filter((busy) => !busy)));
    }
  }
}

/**
 * The longest a preload waits for an idle period: a page that keeps the main thread busy for longer (a long
 * animation, a headless browser on a loaded machine) gets its next chunk anyway, one at a time.
 */
const IDLE_TIMEOUT_MS = 2000;

function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function')
      requestIdleCallback(() => resolve(), { timeout: IDLE_TIMEOUT_MS });
    else setTimeout(resolve, 0);
  });
}

/**
 * The loader of the lazy route that `path` (e.g. `/caseload`, `/patients/p1/notes/n1`) will match, descending
 * through componentless parents; undefined when none does. Only the first route whose segments fit is taken, as
 * the router tries them in order (guards aside: a route a guard refuses is fetched for nothing, which is harmless).
 */
export function lazyLoaderFor(routes: Routes, path: string): (() => unknown) | undefined {
  const segments =
    path
      .split(/[?#]/, 1)[0]
      ?.split('/')
      .filter((s) => s !== '') ?? [];
  return find(routes, segments) ?? undefined;
}

type Loader = () => unknown;

/** The matching route's loader; null when the route that matches is not lazy; undefined when none matches. */
function find(routes: Routes, segments: readonly string[]): Loader | null | undefined {
  for (const route of routes) {
    if (route.path === '**') return route.loadChildren ?? route.loadComponent ?? null;
    const own = (route.path ?? '').split('/').filter((s) => s !== '');
    const fits =
      own.length <= segments.length &&
      own.every((s, i) => s.startsWith(':') || s === segments[i]) &&
      (route.pathMatch !== 'full' || own.length === segments.length);
    if (!fits) continue;
    const loader = route.loadChildren ?? route.loadComponent;
    if (loader) return loader;
    const inner = route.children ? find(route.children, segments.slice(own.length)) : undefined;
    if (inner !== undefined) return inner;
    if (own.length === segments.length) return null; // matched here, nothing lazy to fetch
  }
  return undefined;
}

/**
 * Starts fetching the chunk of the page at `path` now, so that it arrives while the app boots and restores the
 * session rather than after (the router imports the same module later and finds it loaded). Never throws.
 */
export function warmUpRoute(routes: Routes, path: string): void {
  const loader = lazyLoaderFor(routes, path);
  if (!loader) return;
  Promise.resolve()
    .then(loader)
    .catch(() => undefined); // the router reports a chunk that fails to load, when it needs it
}

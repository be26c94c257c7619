import { DOCUMENT } from '@angular/common';
import { computed, effect, inject, Injectable, signal } from '@angular/core';

export type ColorScheme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'waypoint.colorScheme';

/**
 * Light/dark preference. Follows the operating system until the user picks one; the pick is a UI
 * preference only (never patient data), so it is kept in localStorage.
 */
@Injectable({ providedIn: 'root' })
export class ThemePreference {
  private readonly document = inject(DOCUMENT);
  private readonly window = this.document.defaultView;
  private readonly systemDark = signal(
    this.window?.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false,
  );
  private readonly chosen = signal<ColorScheme | null>(this.readStored());

  readonly scheme = computed<ColorScheme>(() => this.chosen() ?? (this.systemDark() ? 'dark' : 'light'));

  constructor() {
    this.window
      ?.matchMedia?.('(prefers-color-scheme: dark)')
      .addEventListener('change', (event) => this.systemDark.set(event.matches));
    effect(() => {
      const root = this.document.documentElement;
      const scheme = this.scheme();
      root.classList.toggle('wp-dark', scheme === 'dark');
      root.classList.toggle('wp-light', scheme === 'light');
    });
  }

  toggle(): void {
    this.set(this.scheme() === 'dark' ? 'light' : 'dark');
  }

  set(scheme: ColorScheme): void {
    this.chosen.set(scheme);
    try {
      this.window?.localStorage.setItem(THEME_STORAGE_KEY, scheme);
    } catch {
      // Storage may be disabled; the choice still holds for this page.
    }
  }

  private readStored(): ColorScheme | null {
    try {
      const stored = this.window?.localStorage.getItem(THEME_STORAGE_KEY);
      return stored === 'light' || stored === 'dark' ? stored : null;
    } catch {
      return null;
    }
  }
}

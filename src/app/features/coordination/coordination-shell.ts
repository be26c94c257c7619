import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatTabsModule } from '@angular/material/tabs';
import { NavigationEnd, Router, RouterLink, RouterOutlet } from '@angular/router';
import { filter, map } from 'rxjs';

interface Section {
  readonly path: string;
  readonly label: string;
  /** Whether a URL path (without query) belongs to the section. */
  readonly owns: (path: string) => boolean;
}

const SECTIONS: readonly Section[] = [
  { path: '/coordination', label: 'Adherence', owns: (p) => p === '/coordination' },
  { path: '/coordination/tasks', label: 'Tasks', owns: (p) => p.startsWith('/coordination/tasks') },
  {
    path: '/coordination/cm',
    label: 'Contingency management',
    owns: (p) => p === '/coordination/cm' || /^\/coordination\/patients\/[^/]+\/cm$/.test(p),
  },
];

/** The workspace frame: the page heading and the sections as tabs (links: each section is its own URL). */
@Component({
  selector: 'wp-coordination-shell',
  imports: [MatTabsModule, RouterLink, RouterOutlet],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1 class="wp-page-title wp-no-print">Coordination</h1>
    <nav mat-tab-nav-bar class="sections wp-no-print" aria-label="Coordination sections" [tabPanel]="panel">
      @for (s of sections; track s.path) {
        <a mat-tab-link [routerLink]="s.path" [active]="s.owns(path())">{{ s.label }}</a>
      }
    </nav>
    <mat-tab-nav-panel #panel class="panel">
      <router-outlet />
    </mat-tab-nav-panel>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      gap: 8px;
      min-height: 0;
    }
    .panel {
      display: block;
      min-width: 0;
    }
  `,
})
export class CoordinationShell {
  private readonly router = inject(Router);
  protected readonly sections = SECTIONS;
  private readonly url = toSignal(
    this.router.events.pipe(
      filter((e) => e instanceof NavigationEnd),
      map((e) => e.urlAfterRedirects),
    ),
    { initialValue: this.router.url },
  );
  protected readonly path = computed(() => this.url().split(/[?#]/)[0] ?? '');
}

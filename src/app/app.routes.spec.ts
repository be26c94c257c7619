import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { provideRouter, Router, TitleStrategy, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { routes } from './app.routes';
import { provideWaypointConfig } from './core/config/waypoint-config';
import { PageTitleStrategy } from './core/layout/page-title-strategy';
import { provideRootState } from './core/state/root-state';
import { PatientPage } from './features/patient/patient-page';

describe('app routes', () => {
  let harness: RouterTestingHarness;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter(routes, withComponentInputBinding()),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: TitleStrategy, useClass: PageTitleStrategy },
        provideRootState(),
        // Sign-in is covered in core/auth; here the routes themselves.
        provideWaypointConfig({ signIn: 'none' }),
      ],
    });
    harness = await RouterTestingHarness.create();
  });

  function heading(): string | undefined {
    return harness.routeNativeElement?.querySelector('h1')?.textContent?.trim();
  }

  it('redirects / to the caseload', async () => {
    await harness.navigateByUrl('/');
    expect(TestBed.inject(Router).url).toBe('/caseload');
    expect(TestBed.inject(Title).getTitle()).toBe('My caseload · Waypoint');
  });

  it('has a signed-out page outside the guard', async () => {
    await harness.navigateByUrl('/signed-out');
    expect(heading()).toBe('Signed out');
  });

  for (const [url, title] of [
    ['/supervision', 'Supervision'],
    ['/coordination', 'Coordination'],
    ['/audit', 'Audit'],
  ] as const) {
    it(`lazy-loads ${url} with an explanatory empty state`, async () => {
      await harness.navigateByUrl(url);
      expect(heading()).toBe(title);
      expect(harness.routeNativeElement?.querySelector('wp-empty-state h2')?.textContent).toMatch(
        /^No data yet — /,
      );
      expect(TestBed.inject(Title).getTitle()).toBe(`${title} · Waypoint`);
    });
  }

  it('binds the patient id from the URL to the page input', async () => {
    const page = await harness.navigateByUrl('/patients/p-42', PatientPage);
    expect(page.id()).toBe('p-42');
  });

  it('shows a 404 page for unknown addresses, with a way back', async () => {
    await harness.navigateByUrl('/no/such/page');
    expect(heading()).toBe('Page not found');
    expect(TestBed.inject(Title).getTitle()).toBe('Page not found · Waypoint');
    const back = harness.routeNativeElement?.querySelector('a');
    expect(back?.getAttribute('href')).toBe('/caseload');
  });
});

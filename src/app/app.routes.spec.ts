import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { provideRouter, Router, TitleStrategy, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { Store } from '@ngrx/store';

import { routes } from './app.routes';
import { provideWaypointConfig } from './core/config/waypoint-config';
import { PageTitleStrategy } from './core/layout/page-title-strategy';
import { provideRootState } from './core/state/root-state';
import { AuthActions } from './core/state/session/session.actions';
import type { WaypointRole } from './core/state/session/session.models';
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

  it('redirects / to the caseload when the server names no role', async () => {
    await harness.navigateByUrl('/');
    expect(TestBed.inject(Router).url).toBe('/caseload');
    expect(TestBed.inject(Title).getTitle()).toBe('My caseload · Waypoint');
  });

  it('has a signed-out page outside the guard', async () => {
    await harness.navigateByUrl('/signed-out');
    expect(heading()).toBe('Signed out');
  });

  function signInAs(role: WaypointRole): void {
    TestBed.inject(Store).dispatch(
      AuthActions.signedIn({ user: { name: 'Dana Whitfield', role, fhirUser: 'Practitioner/p1' } }),
    );
  }

  for (const [role, home, title] of [
    ['counselor', '/caseload', 'My caseload'],
    ['supervisor', '/supervision', 'Supervision'],
    ['care-coordinator', '/coordination', 'Coordination'],
  ] as const) {
    it(`sends a ${role} from / to their home, ${home}`, async () => {
      signInAs(role);
      await harness.navigateByUrl('/');
      expect(TestBed.inject(Router).url).toBe(home);
      expect(TestBed.inject(Title).getTitle()).toBe(`${title} · Waypoint`);
    });
  }

  it("shows another role's page as not available, at its address, with the way home", async () => {
    signInAs('counselor');
    await harness.navigateByUrl('/audit?patient=p1');
    expect(TestBed.inject(Router).url).toBe('/audit?patient=p1');
    expect(heading()).toBe('Not available for your role');
    expect(harness.routeNativeElement?.textContent).toContain(
      'Audit report is not available for the Counselor role',
    );
    expect(harness.routeNativeElement?.querySelector('a')?.getAttribute('href')).toBe('/caseload');
    expect(TestBed.inject(Title).getTitle()).toBe('Not available for your role · Waypoint');

    await harness.navigateByUrl('/supervision');
    expect(heading()).toBe('Not available for your role');
  });

  it("lets a supervisor open a counselor's caseload but not a caseload of their own", async () => {
    signInAs('supervisor');
    await harness.navigateByUrl('/caseload/practitioners/c1');
    expect(heading()).toBe('Caseload');
    await harness.navigateByUrl('/caseload');
    expect(heading()).toBe('Not available for your role');
    expect(harness.routeNativeElement?.querySelector('a')?.getAttribute('href')).toBe('/supervision');
  });

  it('binds the patient id from the URL to the page input', async () => {
    const page = await harness.navigateByUrl('/patients/p-42', PatientPage);
    expect(page.id()).toBe('p-42');
  });

  it('shows a 404 page for unknown addresses, with a way back', async () => {
    await harness.navigateByUrl('/no/such/page');
    expect(heading()).toBe('Page not found');
    expect(TestBed.inject(Title).getTitle()).toBe('Page not found · Waypoint');
    const back = harness.routeNativeElement?.querySelector('a');
    expect(back?.getAttribute('href')).toBe('/');
  });
});

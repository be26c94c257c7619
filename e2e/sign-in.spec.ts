import { expect, test } from '@playwright/test';

import { browserStorage, signIn } from './support/session';

test.describe('SMART sign-in', () => {
  for (const [username, role] of [
    ['counselor1', 'Counselor'],
    ['supervisor1', 'Supervisor'],
    ['coordinator1', 'Care coordinator'],
  ] as const) {
    test(`${username} signs in and the toolbar shows the ${role} role`, async ({ page }) => {
      const fhirRequests: { url: string; authorized: boolean }[] = [];
      page.on('request', (request) => {
        if (
          new URL(request.url()).pathname.startsWith('/fhir/') &&
          !request.url().includes('/.well-known/')
        ) {
          fhirRequests.push({ url: request.url(), authorized: !!request.headers()['authorization'] });
        }
      });
      await signIn(page, username);
      await expect(page.getByTestId('signed-in-user')).toContainText(role);
      await page.waitForLoadState('networkidle');
      const unauthorized = fhirRequests.filter((r) => !r.authorized && !r.url.endsWith('/fhir/metadata'));
      expect(unauthorized, 'every FHIR request from the app carries a bearer token').toEqual([]);
    });
  }

  test('the FHIR server refuses a request without a token, whatever the browser sends', async ({
    request,
  }) => {
    const response = await request.get('/fhir/Patient');
    expect(response.status()).toBe(401);
    expect(response.headers()['www-authenticate']).toContain('Bearer');
    expect((await response.json()).resourceType).toBe('OperationOutcome');
  });

  test('a wrong password is refused with a clear message', async ({ page }) => {
    await page.goto('/');
    await page.getByLabel('User name').fill('counselor2');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText(/password/i);
  });

  test('sign-out leaves no token and no patient data in any browser storage', async ({ page }) => {
    await signIn(page, 'counselor1');
    await page.waitForLoadState('networkidle');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByText(/signed out/i).first()).toBeVisible();

    const storage = await browserStorage(page);
    const everything = JSON.stringify(storage);
    expect(storage.sessionStorage).toEqual({});
    expect(storage.indexedDB).toEqual([]);
    expect(storage.caches).toEqual([]);
    expect(everything).not.toMatch(/access_token|refresh_token|id_token|eyJ[A-Za-z0-9_-]{10,}/);
    expect(everything).not.toMatch(/Patient\/|"resourceType"/);
    // Only UI preferences may stay in localStorage — the colour scheme and, per staff member, the grid's column
    // order, widths and hidden columns: never tokens or patient data.
    for (const [key, value] of Object.entries(storage.localStorage)) {
      expect(key).toMatch(/^waypoint\.(colorScheme|caseload\.layout\.v\d+:Practitioner\/[\w-]+)$/);
      if (key.includes('layout')) {
        for (const part of Object.keys(JSON.parse(String(value)) as object)) {
          expect(['columnOrder', 'columnSizing', 'columnVisibility']).toContain(part);
        }
      }
    }

    // Signing in again needs the password again: the server session ended too.
    await page.goto('/');
    await expect(page.getByLabel('Password')).toBeVisible();
  });
});

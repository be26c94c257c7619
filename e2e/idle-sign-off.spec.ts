// Automatic sign-out after inactivity (HIPAA §164.312(a)(2)(iii)) with shortened idle times served in
// place of config.json: the warning with its countdown, "Stay signed in", the signed-out panel that
// hides every patient, the revoked token, and signing in again in the popup back to the same page.
import { expect, type Page, test } from '@playwright/test';

import { browserStorage, DEMO_PASSWORD, expectAccessible, signIn } from './support/session';

const SCREENSHOTS = 'test-results/e2e/idle-sign-off';

/** Serves the build's config.json with other idle times (seconds). */
async function idleTimes(page: Page, idleTimeoutSeconds: number, idleWarningSeconds: number): Promise<void> {
  await page.route('**/config.json', async (route) => {
    const response = await route.fetch();
    const config = (await response.json()) as Record<string, unknown>;
    await route.fulfill({ response, json: { ...config, idleTimeoutSeconds, idleWarningSeconds } });
  });
}

/** The bearer token of the app's FHIR requests, as sent. */
function bearerTokens(page: Page): string[] {
  const tokens: string[] = [];
  page.on('request', (request) => {
    const authorization = request.headers()['authorization'];
    if (new URL(request.url()).pathname.startsWith('/fhir') && authorization?.startsWith('Bearer ')) {
      tokens.push(authorization.slice('Bearer '.length));
    }
  });
  return tokens;
}

const warningDialog = (page: Page) => page.getByRole('alertdialog', { name: 'Are you still there?' });

test.describe('sign-out after inactivity', () => {
  test('warns with a countdown; "Stay signed in" and any other input start the count again', async ({
    page,
  }) => {
    await idleTimes(page, 30, 25); // the warning 5 s after the last input
    await signIn(page, 'counselor1', '/caseload');
    await expect(page.locator('.ag-row[row-id]').first()).toBeVisible();

    const warning = warningDialog(page);
    await expect(warning).toBeVisible({ timeout: 15_000 });
    await expect(warning).toContainText(/You will be signed out for inactivity in 0:2\d\./);
    const timer = warning.getByRole('timer');
    const shown = (await timer.textContent())?.trim() ?? '';
    await expect(timer).not.toHaveText(shown); // it counts down
    await expect(warning.getByRole('button', { name: 'Stay signed in' })).toBeFocused();
    await page.screenshot({ path: `${SCREENSHOTS}/warning.png` });
    await expectAccessible(page, 'inactivity warning');

    await warning.getByRole('button', { name: 'Stay signed in' }).click();
    await expect(warning).toBeHidden();
    await expect(page.getByTestId('signed-in-user')).toContainText('Counselor');

    // Counted from the click: the full warning again, 5 s later.
    await expect(warning).toBeVisible({ timeout: 15_000 });
    await expect(timer).toHaveText(/^0:2\d$/);
    await page.keyboard.press('a'); // any key but those that work its buttons
    await expect(warning).toBeHidden();

    await expect(warning).toBeVisible({ timeout: 15_000 });
    await page.mouse.wheel(0, 200); // over the dialog, where "Stay signed in" was clicked
    await expect(warning).toBeHidden();
    await expect(page.locator('.ag-row[row-id]').first()).toBeVisible();
  });

  test('signs out at the timeout, hides every patient, revokes the token; signing in again returns to the page', async ({
    page,
  }) => {
    test.setTimeout(90_000);
    await idleTimes(page, 12, 5);
    const tokens = bearerTokens(page);
    await signIn(page, 'counselor1', '/caseload');
    const firstRow = page.locator('.ag-row[row-id]').first();
    await expect(firstRow).toBeVisible();
    const name = (await firstRow.locator('[col-id="patient"] .primary').textContent())?.trim() ?? '';
    expect(name.length, 'a patient name on screen').toBeGreaterThan(2);
    const token = tokens.at(-1) ?? '';
    const patients = (bearer: string) =>
      page.request.get('/fhir/Patient?_count=1', {
        headers: { authorization: `Bearer ${bearer}`, accept: 'application/fhir+json' },
      });
    expect((await patients(token)).status(), 'the token works before').toBe(200);

    const warning = warningDialog(page);
    await expect(warning).toBeVisible({ timeout: 15_000 });
    await expect(warning.getByRole('timer')).toHaveText(/^0:0[1-5]$/);

    const heading = page.getByRole('heading', { name: 'Signed out after 12 seconds without activity' });
    await expect(heading).toBeVisible({ timeout: 15_000 });
    await expect(heading).toBeFocused();
    await expect(warning).toBeHidden();
    await page.screenshot({ path: `${SCREENSHOTS}/signed-out-panel.png` });
    await expectAccessible(page, 'signed out for inactivity');

    // Nothing about patients is left: not on screen, not in the DOM, not in the accessibility tree.
    await expect(page.locator('.ag-row')).toHaveCount(0);
    expect(await page.locator('body').textContent()).not.toContain(name);
    await expect(page.getByRole('main')).toHaveCount(1);
    await expect(page.getByRole('main')).toContainText('Unsaved text is kept in this window');
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
    await expect(page.getByRole('banner')).toHaveCount(0);
    await expect(page).toHaveURL(/\/caseload$/);

    // The session is over on the server too, and the tab keeps no token.
    await expect.poll(async () => (await patients(token)).status(), { message: 'revoked' }).toBe(401);
    const storage = JSON.stringify(await browserStorage(page));
    expect(storage).not.toMatch(/access_token|refresh_token|id_token|eyJ[A-Za-z0-9_-]{10,}/);

    // "Sign in again" signs in in a popup and brings the same page back.
    const popupOpened = page.context().waitForEvent('page');
    await page.getByRole('button', { name: 'Sign in again' }).click();
    const popup = await popupOpened;
    await expect(popup.getByLabel('User name')).toBeVisible();
    await popup.getByLabel('User name').fill('counselor1');
    await popup.getByLabel('Password').fill(DEMO_PASSWORD);
    await popup.getByRole('button', { name: 'Sign in' }).click();

    await expect(heading).toBeHidden({ timeout: 20_000 });
    await expect(page).toHaveURL(/\/caseload$/);
    await expect(page.getByTestId('signed-in-user')).toContainText('Counselor');
    await expect(page.locator('.ag-row[row-id]').first()).toBeVisible();
    await expect(page.getByText(name).first()).toBeVisible();
    expect(tokens.at(-1), 'a new token').not.toBe(token);
  });
});

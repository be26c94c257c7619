import { expect, test } from '@playwright/test';

import { expectAccessible, signIn } from './support/session';

test.describe('app shell', () => {
  test('signs in, moves between sections, and every section is accessible in light and dark', async ({
    page,
  }) => {
    await signIn(page, 'counselor1');

    const nav = page.getByRole('navigation', { name: 'Main' });
    // A counselor's sections only (core/layout/nav-links.ts); the other roles' pages are not offered.
    // (Each link's text starts with its icon's ligature, which is hidden from assistive technology.)
    await expect(nav.getByRole('link')).toHaveText([/My caseload$/, /My unsigned notes$/]);
    await expect(page.getByTestId('signed-in-user')).toContainText('Counselor');

    for (const [label, path, heading] of [
      ['My unsigned notes', '/notes', 'My unsigned notes'],
      ['My caseload', '/caseload', 'My caseload'],
    ] as const) {
      await nav.getByRole('link', { name: label }).click();
      await expect(page).toHaveURL(new RegExp(`${path}$`));
      await expect(nav.getByRole('link', { name: label })).toHaveAttribute('aria-current', 'page');
      await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText(heading);
      await expectAccessible(page, label);
    }

    // Another role's page opened directly: it says so, at the same address, with the way home.
    await page.goto('/audit');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not available for your role');
    await expect(page.getByRole('main')).toContainText(
      'Audit report is not available for the Counselor role',
    );
    await expect(page).toHaveURL(/\/audit$/);
    await expectAccessible(page, 'not available');
    await page.screenshot({ path: 'test-results/screenshots/shell-light.png' });

    await page.getByRole('button', { name: /dark theme/i }).click();
    await expect(page.locator('html')).toHaveClass(/wp-dark/);
    await expectAccessible(page, 'not available (dark)');
    await page.screenshot({ path: 'test-results/screenshots/shell-dark.png' });
    await page.getByRole('button', { name: /light theme/i }).click();
  });

  test('an unknown address shows the not-found page inside the shell', async ({ page }) => {
    await signIn(page, 'counselor1', '/no-such-page');
    await expect(page.getByRole('main')).toContainText(/not found/i);
    await expectAccessible(page, 'not found');
  });

  test('the keyboard reaches the main content through the skip link', async ({ page }) => {
    await signIn(page, 'counselor1', '/caseload');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to main content' });
    await expect(skip).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('#main-content')).toBeFocused();
  });
});

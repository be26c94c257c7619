import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** Every demo account shares this local-only password (server/src/demo/README.md). */
export const DEMO_PASSWORD = 'waypoint-demo';

/**
 * Signs in through the real SMART standalone launch: the app redirects to the embedded
 * authorization server's sign-in page, we type the credentials, and the app finishes the
 * authorization-code + PKCE exchange and lands back on `path`.
 */
export async function signIn(page: Page, username: string, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page.getByLabel('User name')).toBeVisible();
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('banner')).toContainText('Waypoint');
  // The shell shows on the sign-in callback too: wait until the app is back at the page asked for, so the code
  // exchange has finished (a navigation during it would start another sign-in).
  const asked = new URL(path, 'http://app').pathname;
  if (asked !== '/') await page.waitForURL((url) => url.pathname === asked);
  else await page.waitForURL((url) => !url.pathname.startsWith('/signin/'));
}

/** Runs axe on the current page and fails on any serious or critical violation. */
export async function expectAccessible(page: Page, context: string): Promise<void> {
  // Let finite transitions end first (a form field's hint fades in as its error goes): axe measures the contrast of
  // what is painted, and a half-faded hint is not what the user reads.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const blocking = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} — ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(blocking, `axe on ${context}`).toEqual([]);
}

/** Everything the browser keeps for the app's origin: storages, IndexedDB databases and cookies. */
export async function browserStorage(page: Page) {
  const inPage = await page.evaluate(async () => {
    const dump = (s: Storage) =>
      Object.fromEntries(
        Array.from({ length: s.length }, (_, i) => s.key(i) ?? '').map((k) => [k, s.getItem(k)]),
      );
    const databases = 'databases' in indexedDB ? await indexedDB.databases() : [];
    return {
      localStorage: dump(localStorage),
      sessionStorage: dump(sessionStorage),
      indexedDB: databases.map((d) => d.name),
      caches: 'caches' in self ? await caches.keys() : [],
    };
  });
  const cookies = await page.context().cookies();
  return { ...inPage, cookies: cookies.map((c) => `${c.name}@${c.domain}${c.path}`) };
}

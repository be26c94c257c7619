// The counselor's morning: sign in, see exactly one's own caseload (checked against the FHIR server with
// the same user's token, through a different query shape), filter to high risk, keep the filter across a
// reload, open a patient, come back. axe on both pages; screenshots kept for a human to look at.
import { expect, type Page, test } from '@playwright/test';

import { expectAccessible, signIn } from './support/session';

const COUNSELOR = 'counselor1';
const SCREENSHOTS = 'test-results/e2e/caseload';

interface StoredUser {
  readonly access_token: string;
  readonly profile: { readonly fhirUser?: string };
}

/** The signed-in user as oidc-client-ts keeps it (sessionStorage, Waypoint's prefix). */
async function storedUser(page: Page): Promise<StoredUser> {
  const raw = await page.evaluate(() => {
    const key = Object.keys(sessionStorage).find((k) => k.startsWith('waypoint.oidc.user'));
    return key ? sessionStorage.getItem(key) : null;
  });
  expect(raw, 'the signed-in user in sessionStorage').not.toBeNull();
  return JSON.parse(raw as string) as StoredUser;
}

interface SearchBundle {
  readonly entry?: readonly {
    readonly resource?: {
      readonly id?: string;
      readonly subject?: { reference?: string };
      readonly patient?: { reference?: string };
    };
  }[];
}

/**
 * The truth from the server, by another route than the app's batch: my active CareTeams, then the active
 * EpisodesOfCare of their subjects. The app must list exactly these patients.
 */
async function expectedCaseload(page: Page, user: StoredUser): Promise<Set<string>> {
  const me = user.profile.fhirUser;
  expect(me, 'fhirUser claim').toMatch(/^Practitioner\//);
  const get = async (path: string): Promise<SearchBundle> => {
    const response = await page.request.get(`/fhir/${path}`, {
      headers: { authorization: `Bearer ${user.access_token}`, accept: 'application/fhir+json' },
    });
    expect(response.status(), path).toBe(200);
    return (await response.json()) as SearchBundle;
  };
  const teams = await get(`CareTeam?participant=${me}&status=active&_count=1000&_elements=subject`);
  const subjects = new Set(
    (teams.entry ?? []).map((e) => e.resource?.subject?.reference?.replace(/^Patient\//, '')).filter(Boolean),
  );
  const episodes = await get(`EpisodeOfCare?status=active&_count=1000&_elements=patient`);
  const active = new Set(
    (episodes.entry ?? []).map((e) => e.resource?.patient?.reference?.replace(/^Patient\//, '')),
  );
  return new Set([...subjects].filter((id): id is string => !!id && active.has(id)));
}

/** Row count from the grid's own ARIA (rows are virtualised: only the visible ones are in the DOM). */
async function gridRowCount(page: Page): Promise<number> {
  const grid = page
    .getByRole('region', { name: 'Caseload' })
    .getByRole('treegrid')
    .or(page.getByRole('region', { name: 'Caseload' }).getByRole('grid'));
  const count = await grid.first().getAttribute('aria-rowcount');
  return Number(count) - 1; // minus the header row
}

test('a counselor sees exactly their caseload, filters to high risk by URL, and opens a patient', async ({
  page,
}) => {
  const fhirRequests: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (
      url.pathname === '/fhir' ||
      (url.pathname.startsWith('/fhir/') && !url.pathname.startsWith('/fhir/.well-known'))
    ) {
      fhirRequests.push(`${request.method()} ${url.pathname}`);
    }
  });

  await signIn(page, COUNSELOR, '/caseload');
  await expect(page.getByRole('heading', { name: 'My caseload' })).toBeVisible();
  const firstRow = page.locator('.ag-row[row-id]').first();
  await expect(firstRow).toBeVisible();

  // One FHIR round trip for the whole caseload.
  expect(fhirRequests.filter((r) => r !== 'GET /fhir/metadata')).toEqual(['POST /fhir']);

  const user = await storedUser(page);
  const expected = await expectedCaseload(page, user);
  expect(expected.size).toBeGreaterThan(5);
  await expect(page.getByRole('status').filter({ hasText: /patients$/ })).toHaveText(
    `${expected.size} patients`,
  );
  expect(await gridRowCount(page)).toBe(expected.size);
  // Every listed patient is one of mine (ids read while scrolling the virtualised grid).
  const listed = new Set<string>();
  const viewport = page.locator('.ag-body-viewport, .ag-grid-viewport').first();
  for (let step = 0; step < 30 && listed.size < expected.size; step++) {
    for (const id of await page
      .locator('.ag-row[row-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('row-id') ?? ''))) {
      listed.add(id);
    }
    await viewport.evaluate((el) => el.scrollBy(0, 400));
  }
  expect([...listed].sort()).toEqual([...expected].sort());
  await viewport.evaluate((el) => el.scrollTo(0, 0));

  await expectAccessible(page, 'caseload');
  await page.screenshot({ path: `${SCREENSHOTS}/caseload.png`, fullPage: false });

  // Quick filter "High risk": the URL carries it, and a reload keeps it.
  await page.getByRole('option', { name: 'High risk' }).click();
  await expect(page).toHaveURL(/[?&]filter=high-risk/);
  const countText = page.getByRole('status').filter({ hasText: /patients$/ });
  await expect(countText).toHaveText(/^\d+ of \d+ patients$/);
  const filtered = await countText.textContent();
  await page.reload();
  await expect(page.getByRole('option', { name: 'High risk' })).toHaveAttribute('aria-selected', 'true');
  await expect(countText).toHaveText(filtered ?? '');
  // Every row left is high risk, or kept for its safety alert.
  await expect(page.locator('.ag-row[row-id] [col-id="risk"]').first()).toBeVisible();
  const rows = await page.locator('.ag-row[row-id]:has([col-id="risk"])').evaluateAll((elements) =>
    elements.map((r) => ({
      risk: r.querySelector('[col-id="risk"]')?.textContent ?? '',
      alerts: r.querySelector('[col-id="alerts"]')?.textContent ?? '',
    })),
  );
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(/High \d+/.test(row.risk) || row.alerts.includes('Safety'), JSON.stringify(row)).toBeTruthy();
  }
  await page.screenshot({ path: `${SCREENSHOTS}/caseload-high-risk.png` });

  // The risk cell explains itself (keyboard: Enter on the cell).
  await page.locator('.ag-row[row-id] [col-id="risk"]').first().focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Decision support, not a diagnosis');
  await page.screenshot({ path: `${SCREENSHOTS}/risk-points.png`, animations: 'disabled' });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // Open a patient from the grid with the keyboard.
  const patientId = await page.locator('.ag-row[row-id]').first().getAttribute('row-id');
  const cell = (column: string) => page.locator(`.ag-row[row-id="${patientId}"] [col-id="${column}"]`);
  const name = (await cell('patient').locator('.primary').textContent())?.trim() ?? '';
  await cell('track').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/patients/${patientId}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.getByRole('heading', { name: 'Relapse risk' })).toBeVisible();
  await expectAccessible(page, 'patient header');
  await page.screenshot({ path: `${SCREENSHOTS}/patient.png` });

  await page.getByRole('link', { name: 'Back to caseload' }).click();
  // Back to the same view: the high-risk filter is still on.
  await expect(page).toHaveURL(/\/caseload\?filter=high-risk$/);
  await expect(page.locator('.ag-row[row-id]').first()).toBeVisible();
});

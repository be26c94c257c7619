// The patient chart (issue #12) against the demo clinic: for each demo archetype, a supervisor opens a patient of
// that archetype (the Patient's meta.tag, read through the FHIR API: never shown in the UI) and the chart's risk band
// and points equal what the clinical rules compute from the same record; every point names its evidence, and
// selecting the MAT point highlights the MAT panel's dose strip. A counselor breaks the glass for a patient outside
// their care team (the server records a high-priority AuditEvent), prints (an Export AuditEvent), axe in light and
// dark, screenshots kept for a human to look at.
import { join } from 'node:path';

import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import { expect, type Page, test } from '@playwright/test';

import { groupByPatient } from '../clinical/fhir/patient-record';
import { patientRecordSearches } from '../clinical/fhir/record-query';
import { assessRelapseRisk, type RiskResult } from '../clinical/risk/relapse-risk';
import { getSystemToken } from '../server/src/auth/system-token';
import { expectAccessible, signIn } from './support/session';

const SCREENSHOTS = 'test-results/e2e/patient-chart';
const FHIR_BASE = `http://127.0.0.1:${process.env.E2E_FHIR_PORT ?? 8181}/fhir`;
const ARCHETYPE_SYSTEM = 'http://waypoint.health/fhir/CodeSystem/demo-archetype';
const ARCHETYPES = [
  'steady-responder',
  'early-dropout',
  'fentanyl-relapse',
  'taper-relapse',
  'depression-risk',
  'cm-responder',
  'ambivalent',
  'stimulant-co-use',
] as const;
const PANEL_NAMES = [
  'Medication (MAT)',
  'Urine drug screens',
  'Measures',
  'Relapse risk',
  'Treatment plan',
  'Sessions and notes',
  'Care team and support network',
];

test.use({ viewport: { width: 1440, height: 1000 } });

interface Api {
  get<T = Bundle>(path: string): Promise<T>;
  post<T = Bundle>(path: string, body: unknown): Promise<T>;
}

async function systemApi(page: Page): Promise<Api> {
  const dataDir = process.env.E2E_DATA_DIR;
  expect(dataDir, 'E2E_DATA_DIR (set by playwright.config.ts)').toBeTruthy();
  const token = await getSystemToken({
    baseUrl: FHIR_BASE,
    scope: 'system/*.rs',
    keyPath: join(dataDir as string, 'waypoint-cli.jwk.json'),
  });
  const headers = {
    authorization: `Bearer ${token.accessToken}`,
    accept: 'application/fhir+json',
    'content-type': 'application/fhir+json',
  };
  return {
    async get<T>(path: string) {
      const response = await page.request.get(`${FHIR_BASE}/${path}`, { headers });
      expect(response.status(), path).toBe(200);
      return (await response.json()) as T;
    },
    async post<T>(path: string, body: unknown) {
      const response = await page.request.post(`${FHIR_BASE}/${path}`, { headers, data: body });
      expect(response.status(), path).toBe(200);
      return (await response.json()) as T;
    },
  };
}

/** The signed-in user's access token, as oidc-client-ts keeps it. */
async function userToken(page: Page): Promise<string> {
  const read = () =>
    page.evaluate(() => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('waypoint.oidc.user'));
      return key ? sessionStorage.getItem(key) : null;
    });
  await expect.poll(read, { message: 'the signed-in user' }).not.toBeNull();
  const raw = await read();
  return (JSON.parse(raw as string) as { access_token: string }).access_token;
}

/** The ids of the patients the signed-in user may read, of one archetype (the policy scopes the search). */
async function patientsOf(page: Page, archetype: string): Promise<string[]> {
  const token = await userToken(page);
  const response = await page.request.get(
    `/fhir/Patient?_tag=${encodeURIComponent(`${ARCHETYPE_SYSTEM}|${archetype}`)}&_count=200&_elements=id`,
    { headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' } },
  );
  expect(response.status()).toBe(200);
  const bundle = (await response.json()) as Bundle<Patient>;
  return (bundle.entry ?? []).map((e) => e.resource?.id ?? '').filter(Boolean);
}

/** The risk the rules compute from the patient's record, read with a system token through the same searches. */
async function expectedRisk(api: Api, patientId: string): Promise<RiskResult> {
  const searches = patientRecordSearches(patientId);
  const response = await api.post<Bundle>('', {
    resourceType: 'Bundle',
    type: 'batch',
    entry: searches.map((s) => ({
      request: { method: 'GET', url: `${s.resourceType}?${new URLSearchParams([...s.params]).toString()}` },
    })),
  });
  const resources: Resource[] = (response.entry ?? []).flatMap((e) =>
    ((e.resource as Bundle | undefined)?.entry ?? []).map((x) => x.resource as Resource),
  );
  const record = groupByPatient(
    resources.filter(
      (r) => !(r.meta?.tag ?? []).some((t) => t.system === 'http://waypoint.health/fhir/CodeSystem/derived'),
    ),
  ).get(patientId);
  expect(record, `record of Patient/${patientId}`).toBeTruthy();
  return assessRelapseRisk(record!, new Date().toISOString());
}

const BAND_WORD = { low: 'Low', moderate: 'Moderate', high: 'High' } as const;

async function openChart(page: Page, patientId: string): Promise<void> {
  await page.goto(`/patients/${patientId}`);
  await chartLoaded(page);
}

/** Every panel has loaded (no skeleton left). */
async function chartLoaded(page: Page): Promise<void> {
  const risk = page.getByRole('region', { name: 'Relapse risk' });
  await expect(risk.getByText('Decision support, not a diagnosis.')).toBeVisible();
  for (const name of PANEL_NAMES) {
    await expect(page.getByRole('region', { name }).locator('[aria-busy="true"]')).toHaveCount(0);
  }
}

test('every archetype: the chart’s risk band and points are the rules’ own, each point reaches its evidence', async ({
  page,
}) => {
  test.setTimeout(420_000);
  const fhirRequests: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/fhir' || url.pathname.startsWith('/fhir/')) {
      const body = request.postData() ?? '';
      const what = body.includes('Patient?_id=') ? ' (chart batch)' : body ? ` ${body.slice(0, 160)}` : '';
      fhirRequests.push(`${request.method()} ${url.pathname}${what}`);
    }
  });
  await signIn(page, 'supervisor1', '/caseload');
  const api = await systemApi(page);
  let matPointChecked = false;
  for (const archetype of ARCHETYPES) {
    const ids = await patientsOf(page, archetype);
    if (ids.length === 0) continue;
    // The patient of the archetype with the highest computed score (the clearest picture of it).
    const risks = await Promise.all(
      ids.slice(0, 6).map(async (id) => ({ id, risk: await expectedRisk(api, id) })),
    );
    risks.sort((a, b) => b.risk.score - a.risk.score);
    const { id, risk } = risks[0]!;

    fhirRequests.length = 0;
    await openChart(page, id);
    // The whole chart in ≤ 2 round trips: one batch (and, for long records, next pages in parallel).
    const chartRequests = fhirRequests.filter((r) => !r.endsWith('/metadata'));
    expect(
      chartRequests.filter((r) => r === 'POST /fhir (chart batch)'),
      `${archetype}: ${chartRequests.join(' | ')}`,
    ).toHaveLength(1);

    const region = page.getByRole('region', { name: 'Relapse risk' });
    await expect(region.locator('wp-risk-chip')).toHaveText(
      new RegExp(`${BAND_WORD[risk.band]} ${risk.score}(?!\\d)`),
    );
    await expect(region).toContainText('waypoint-relapse-risk 1.0.0');
    const buttons = region.getByRole('button', { name: /^\+\d/ });
    await expect(buttons).toHaveCount(risk.points.length);
    for (const point of risk.points) {
      await expect(region).toContainText(point.reason);
    }
    if (archetype === 'fentanyl-relapse') {
      expect(risk.points.some((p) => p.ruleId === 'uds-opioid-positive')).toBeTruthy();
      await expect(region.getByRole('button', { name: /positive for fentanyl/ }).first()).toBeVisible();
      await expect(page.getByRole('region', { name: 'Urine drug screens' })).toContainText('fentanyl');
    }
    if (archetype === 'early-dropout') {
      expect(risk.band).toBe('high');
    }
    // Selecting a point (keyboard) highlights and focuses its evidence in its panel.
    if (risk.points.length > 0) {
      await buttons.first().focus();
      await page.keyboard.press('Enter');
      await expect(page.locator('.highlight').first()).toBeVisible();
      await expect(page.locator(':focus')).toHaveClass(/highlight/);
    } else {
      await expect(region).toContainText('No rule adds points as of today.');
    }

    const matIndex = risk.points.findIndex((p) => p.ruleId === 'mat-gap');
    if (matIndex >= 0 && !matPointChecked) {
      await buttons.nth(matIndex).click();
      const mat = page.getByRole('region', { name: 'Medication (MAT)' });
      const highlighted = mat.locator('.highlight');
      await expect(highlighted).toHaveCount(1);
      await expect(highlighted).toBeInViewport();
      matPointChecked = true;
      await page.screenshot({ path: `${SCREENSHOTS}/mat-point-${archetype}.png` });
    }
    await page.screenshot({ path: `${SCREENSHOTS}/chart-${archetype}.png`, fullPage: true });
  }
  expect(matPointChecked, 'some archetype has a MAT point to select').toBeTruthy();
});

test('the chart in light and dark: axe clean, ranges in the URL, print records an export first', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.addInitScript(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed++;
    };
  });
  await signIn(page, 'supervisor1', '/caseload');
  const api = await systemApi(page);
  const [id] = await patientsOf(page, 'fentanyl-relapse');
  expect(id).toBeTruthy();
  await openChart(page, id!);

  const toggle = (name: string) => page.locator('mat-button-toggle', { hasText: name });
  await toggle('90 days').locator('button').click();
  await expect(page).toHaveURL(new RegExp(`/patients/${id}\\?range=90d$`));
  await page.reload();
  await chartLoaded(page);
  await expect(toggle('90 days')).toHaveClass(/mat-button-toggle-checked/);
  await toggle('Episode').locator('button').click();
  await expect(page).toHaveURL(new RegExp(`/patients/${id}$`));

  await expectAccessible(page, 'patient chart (light)');
  await page.screenshot({ path: `${SCREENSHOTS}/chart-light.png`, fullPage: true });
  for (const name of PANEL_NAMES) {
    const file = name.toLowerCase().replace(/[^a-z]+/g, '-');
    await page.getByRole('region', { name }).screenshot({ path: `${SCREENSHOTS}/panel-light-${file}.png` });
  }
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.evaluate(() => {
    document.documentElement.classList.remove('wp-light');
    document.documentElement.classList.add('wp-dark');
  });
  await expectAccessible(page, 'patient chart (dark)');
  await page.screenshot({ path: `${SCREENSHOTS}/chart-dark.png`, fullPage: true });
  for (const name of ['Measures', 'Urine drug screens']) {
    const file = name.toLowerCase().replace(/[^a-z]+/g, '-');
    await page.getByRole('region', { name }).screenshot({ path: `${SCREENSHOTS}/panel-dark-${file}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });

  const before = await api.get<Bundle>(`AuditEvent?patient=Patient/${id}&_count=1000`);
  const exportsBefore = (before.entry ?? []).filter(
    (e) => (e.resource as { type?: { code?: string } })?.type?.code === '110106',
  ).length;
  await page.getByRole('button', { name: 'Print chart' }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  const after = await api.get<Bundle>(`AuditEvent?patient=Patient/${id}&_count=1000`);
  const exports = (after.entry ?? []).filter(
    (e) => (e.resource as { type?: { code?: string } })?.type?.code === '110106',
  );
  expect(exports.length).toBe(exportsBefore + 1);
  await page.emulateMedia({ media: 'print' });
  await expect(
    page.getByText(
      'This record which has been disclosed to you is protected by Federal confidentiality rules',
    ),
  ).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/chart-print.png`, fullPage: true });
});

test('break-glass: 404 outside one’s care team, a reason, a banner, and a high-priority AuditEvent', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, 'counselor1', '/caseload');
  const api = await systemApi(page);
  const mine = new Set(await Promise.all(ARCHETYPES.map((a) => patientsOf(page, a))).then((l) => l.flat()));
  const all = await api.get<Bundle<Patient>>('Patient?_count=200&_elements=id');
  const other = (all.entry ?? []).map((e) => e.resource?.id ?? '').find((pid) => pid && !mine.has(pid));
  expect(other, 'a patient outside counselor1’s care teams').toBeTruthy();

  await page.goto(`/patients/${other}`);
  await expect(page.getByRole('heading', { name: 'Patient not found' })).toBeVisible();
  await expectAccessible(page, 'patient not found, break-glass offered');
  const breakGlass = page.getByRole('button', { name: 'Break the glass' });
  await page.getByLabel('Reason for breaking the glass').fill('short');
  await breakGlass.click();
  await expect(page.getByRole('alert').filter({ hasText: 'at least 10 characters' })).toBeVisible();
  const reason = `E2E crisis call ${Date.now()}`;
  let sentReason: string | null = null;
  page.on('request', (request) => {
    if (request.url().endsWith('/fhir') && request.method() === 'POST') {
      sentReason = request.headers()['x-break-glass-reason'] ?? null;
    }
  });
  await page.getByLabel('Reason for breaking the glass').fill(reason);
  await page.screenshot({ path: `${SCREENSHOTS}/break-glass-form.png` });
  await breakGlass.click();
  await expect(page.getByRole('status').filter({ hasText: 'Break-glass access' })).toContainText(reason);
  await expect(page.getByRole('region', { name: 'Relapse risk' })).toBeVisible();
  expect(sentReason).toBe(reason);
  await page.screenshot({ path: `${SCREENSHOTS}/break-glass-chart.png` });

  const events = await api.get<Bundle>(`AuditEvent?patient=Patient/${other}&_count=1000`);
  const highPriority = (events.entry ?? [])
    .map((e) => e.resource as { meta?: { tag?: { code?: string }[] }; purposeOfEvent?: { text?: string }[] })
    .filter(
      (e) => e.meta?.tag?.some((t) => t.code === 'high') && e.purposeOfEvent?.some((p) => p.text === reason),
    );
  expect(highPriority.length).toBeGreaterThan(0);

  // Another patient's requests do not carry the header; back on the first, the banner is still there (memory).
  sentReason = null;
  await page.getByRole('link', { name: 'Back to caseload' }).click();
  const row = page.locator('.ag-row[row-id]').first();
  await expect(row).toBeVisible();
  const own = await row.getAttribute('row-id');
  await row.locator('[col-id="track"]').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/patients/${own}$`));
  await expect(page.getByRole('region', { name: 'Relapse risk' })).toBeVisible();
  expect(sentReason).toBeNull();
  await expect(page.getByRole('status').filter({ hasText: 'Break-glass access' })).toHaveCount(0);
  await page.goBack();
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/patients/${other}$`));
  await expect(page.getByRole('status').filter({ hasText: 'Break-glass access' })).toContainText(reason);
});

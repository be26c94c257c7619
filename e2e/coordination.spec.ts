// The care coordinator's workspace (issue #14) against the demo clinic: coordinator1 lands on Coordination, the
// program loads in at most two FHIR round trips, the "Supply ends ≤ 3 days" filter keeps exactly the patients this
// test computes from the server's own summaries (read with the same user's token), a reload keeps the filter; a
// task created from a row is pre-filled, saved, listed under My tasks and completed (checked through FHIR); a CM
// reward for a new negative screen is recorded once, and a second attempt from a page that still shows it as due
// gets the server's answer, with exactly one reward Task for that screen on the server. axe on every page;
// screenshots (grid with a filter, task form, My tasks, CM ledger, printed statement) kept for a human to look at.
import type { Bundle, Observation, Patient, Task } from '@medplum/fhirtypes';
import { expect, type Page, test } from '@playwright/test';

import { expectAccessible, signIn } from './support/session';

const SCREENSHOTS = 'test-results/e2e/coordination';
const COORDINATOR = 'coordinator1';
const FACT = 'http://waypoint.health/fhir/CodeSystem/caseload-fact';
const TASK_TYPE = 'http://waypoint.health/fhir/CodeSystem/task-type';
const ARCHETYPE_SYSTEM = 'http://waypoint.health/fhir/CodeSystem/demo-archetype';
const DAY = 86_400_000;

test.use({ viewport: { width: 1440, height: 1000 } });

/** The signed-in user's access token, as oidc-client-ts keeps it (sessionStorage). */
async function userToken(page: Page): Promise<string> {
  const read = () =>
    page.evaluate(() => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('waypoint.oidc.user'));
      return key ? sessionStorage.getItem(key) : null;
    });
  await expect.poll(read, { message: 'the signed-in user' }).not.toBeNull();
  return (JSON.parse((await read()) as string) as { access_token: string }).access_token;
}

interface Fhir {
  get<T = Bundle>(path: string): Promise<T>;
  post<T>(path: string, body: unknown, status?: number): Promise<T>;
}

/** FHIR REST as the signed-in user (the access policy applies, as it does to the app). */
async function asUser(page: Page): Promise<Fhir> {
  const token = await userToken(page);
  const headers = {
    authorization: `Bearer ${token}`,
    accept: 'application/fhir+json',
    'content-type': 'application/fhir+json',
  };
  return {
    async get<T>(path: string) {
      const response = await page.request.get(`/fhir/${path}`, { headers });
      expect(response.status(), path).toBe(200);
      return (await response.json()) as T;
    },
    async post<T>(path: string, body: unknown, status = 200) {
      const response = await page.request.post(`/fhir/${path}`, { headers, data: body });
      expect(response.status(), `POST ${path}: ${await response.text()}`).toBe(status);
      return (await response.json()) as T;
    },
  };
}

const resources = <T>(bundle: Bundle): T[] => (bundle.entry ?? []).map((e) => e.resource as T);

/**
 * The patients "Supply ends ≤ 3 days" must keep, computed here from the summaries' components as the server wrote
 * them: an active episode; a current MOUD order (status neither none nor stopped) of buprenorphine or naltrexone
 * taken from supply (no long-acting injection due); at most 3 days of its supply left, today included (UTC).
 */
async function expectedSupplyEnding(fhir: Fhir): Promise<{ all: Set<string>; ending: Set<string> }> {
  const bundle = await fhir.get(
    `Observation?code=${encodeURIComponent(`${FACT}|caseload-summary`)}&_count=1000`,
  );
  const today = Math.floor(Date.now() / DAY);
  const all = new Set<string>();
  const ending = new Set<string>();
  for (const summary of resources<Observation>(bundle)) {
    const c = (code: string) =>
      summary.component?.find((x) => x.code.coding?.some((k) => k.system === FACT && k.code === code));
    if (c('episode-active')?.valueBoolean !== true) continue;
    const id = summary.subject?.reference?.replace(/^Patient\//, '') ?? '';
    all.add(id);
    const status = c('mat-status')?.valueCodeableConcept?.coding?.[0]?.code;
    const drug = c('mat-drug')?.valueString;
    const through = c('supplied-through')?.valueDateTime;
    if (!through || !drug || drug === 'methadone' || c('next-injection-due')) continue;
    if (status === 'mat-none' || status === 'mat-stopped') continue;
    // Days of supply left count today: a supply through the day after tomorrow has 3.
    if (Math.floor(Date.parse(through.slice(0, 10)) / DAY) - today + 1 <= 3) ending.add(id);
  }
  return { all, ending };
}

/** Row ids of the adherence grid, read while scrolling (its rows are virtualised). */
async function gridRowIds(page: Page, expected: number): Promise<Set<string>> {
  const ids = new Set<string>();
  const viewport = page.locator('.ag-body-viewport, .ag-grid-viewport').first();
  for (let step = 0; step < 40 && ids.size < expected; step++) {
    for (const id of await page
      .locator('.ag-row[row-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('row-id') ?? ''))) {
      ids.add(id);
    }
    await viewport.evaluate((el) => el.scrollBy(0, 300));
  }
  await viewport.evaluate((el) => el.scrollTo(0, 0));
  return ids;
}

test('a coordinator lands on Coordination, filters supply ending, creates a task from a row and completes it', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const requests: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (
      url.pathname === '/fhir' ||
      (url.pathname.startsWith('/fhir/') && !url.pathname.includes('.well-known'))
    ) {
      requests.push(`${request.method()} ${url.pathname}${url.search}`);
    }
  });

  await signIn(page, COORDINATOR, '/');
  // The coordinator's home is Coordination (the role's landing page).
  await expect(page).toHaveURL(/\/coordination$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Coordination' })).toBeVisible();
  const count = page.getByRole('status').filter({ hasText: /patients?$/ });
  await expect(count).toHaveText(/^\d+ patients?$/);
  // The whole program in one batch (plus `next` pages, which are GETs of a page token, if any).
  const roundTrips = requests.filter(
    (r) => r === 'POST /fhir' || (r.startsWith('GET /fhir') && !r.includes('metadata')),
  );
  expect(roundTrips.filter((r) => r === 'POST /fhir').length).toBe(1);
  expect(roundTrips.length).toBeLessThanOrEqual(2);

  const fhir = await asUser(page);
  const { all, ending } = await expectedSupplyEnding(fhir);
  expect(all.size).toBeGreaterThan(10);
  await expect(count).toHaveText(`${all.size} patients`);
  await expectAccessible(page, 'coordination');
  await page.screenshot({ path: `${SCREENSHOTS}/adherence.png`, fullPage: true });
  // The columns on the right, as a user who scrolls the grid sideways sees them.
  await page
    .locator('.ag-center-cols-viewport, .ag-body-horizontal-scroll-viewport')
    .last()
    .evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
    });
  await page.screenshot({ path: `${SCREENSHOTS}/adherence-right.png` });

  const filter = page.getByRole('button', { name: 'Supply ends ≤ 3 days' });
  await expect(filter).toHaveAttribute('aria-pressed', 'false');
  await filter.click();
  await expect(filter).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveURL(/\/coordination\?filter=supply-ending$/);
  expect(ending.size, 'the demo clinic has patients whose supply ends within 3 days').toBeGreaterThan(0);
  await expect(count).toHaveText(`${ending.size} of ${all.size} patients`);
  expect([...(await gridRowIds(page, ending.size))].sort()).toEqual([...ending].sort());
  await page.screenshot({ path: `${SCREENSHOTS}/adherence-supply-ending.png` });

  await page.reload();
  await expect(page.getByRole('button', { name: 'Supply ends ≤ 3 days' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(count).toHaveText(`${ending.size} of ${all.size} patients`);
  // A second filter narrows further (both must hold) and is in the URL too.
  await page.getByRole('button', { name: 'No contact 7 days' }).click();
  await expect(page).toHaveURL(/filter=supply-ending,no-contact$/);
  await page.getByRole('button', { name: 'No contact 7 days' }).click();
  await expect(page).toHaveURL(/\/coordination\?filter=supply-ending$/);

  // Selecting a row charts that patient.
  const [patientId] = [...ending].sort();
  await page.locator(`.ag-row[row-id="${patientId}"] [col-id="pdc"]`).first().click();
  await expect(page).toHaveURL(new RegExp(`chart=${patientId}`));
  const name = (
    (await page.locator(`.ag-row[row-id="${patientId}"] [col-id="patient"]`).first().textContent()) ?? ''
  ).trim();
  expect(name).not.toBe('');
  const chart = page.getByRole('region', { name: 'Weekly PDC and attendance' });
  await expect(chart).toContainText(name);
  await chart.screenshot({ path: `${SCREENSHOTS}/adherence-chart-patient.png` });

  // Create task from the row: the form is pre-filled with the patient and a reason from the row.
  await page.getByRole('link', { name: `Create task for ${name}` }).click();
  await expect(page).toHaveURL(/\/coordination\/tasks\/new\?/);
  await expect(page.getByRole('heading', { name: 'New task' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Patient' })).toContainText(name);
  const description = page.getByRole('textbox', { name: 'Description' });
  await expect(description).toHaveValue(/^Supply ends \d{1,2} [A-Z][a-z]{2} \d{4}$/);
  await expect(page.getByRole('textbox', { name: 'Reason' })).toHaveValue(
    /supply (covers through|ran out after)/,
  );
  // Validation: an empty description is refused with a message, and the field keeps focus.
  const suggested = await description.inputValue();
  await description.fill('');
  await page.getByRole('button', { name: 'Create task' }).click();
  await expect(page.getByText('Say what needs doing.')).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'need' })).toBeVisible();
  const text = `${suggested} — call the prescriber (e2e ${Date.now()})`;
  await description.fill(text);
  await expectAccessible(page, 'task form');
  await page.screenshot({ path: `${SCREENSHOTS}/task-form.png` });
  await page.getByRole('button', { name: 'Create task' }).click();

  // Saved, owned by me: listed under My tasks.
  await expect(page).toHaveURL(/\/coordination\/tasks$/);
  await expect(page.getByRole('tab', { name: /^My tasks/ })).toHaveAttribute('aria-selected', 'true');
  const item = page.getByRole('row').filter({ hasText: text });
  await expect(item).toBeVisible();
  await expect(item).toContainText(name);
  await expectAccessible(page, 'my tasks');
  await page.screenshot({ path: `${SCREENSHOTS}/my-tasks.png`, fullPage: true });
  const created = resources<Task>(
    await fhir.get(`Task?patient=Patient/${patientId}&status=requested&_count=1000`),
  ).find((t) => t.description === text);
  expect(created, 'the new Task on the server').toBeTruthy();
  expect(created?.owner?.reference).toMatch(/^Practitioner\//);
  expect(created?.restriction?.period?.end).toMatch(/^\d{4}-\d{2}-\d{2}$/);

  await item.getByRole('button', { name: `Complete task: ${text}` }).click();
  await expect(page.getByRole('row').filter({ hasText: text })).toHaveCount(0);
  const done = await fhir.get<Task>(`Task/${created?.id ?? ''}`);
  expect(done.status).toBe('completed');
  expect(done.executionPeriod?.end).toBeTruthy();
  expect(Number(done.meta?.versionId)).toBe(Number(created?.meta?.versionId) + 1);

  await page.getByRole('tab', { name: /^Overdue/ }).click();
  await expect(page).toHaveURL(/\/coordination\/tasks\/overdue$/);
  await expect(page.getByRole('heading', { name: 'Overdue', level: 3 })).toBeVisible();
  await expectAccessible(page, 'overdue tasks');
});

test('a CM reward for a new negative screen is recorded once; a second attempt gets the server’s answer', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const first = await (await browser.newContext()).newPage();
  await first.addInitScript(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed++;
    };
  });
  await signIn(first, COORDINATOR, '/coordination/cm');
  const fhir = await asUser(first);

  // A CM patient of the program (demo archetype), with a new verified screen today: fentanyl and opiates negative.
  const cmPatients = resources<Patient>(
    await fhir.get(`Patient?_tag=${encodeURIComponent(`${ARCHETYPE_SYSTEM}|cm-responder`)}&_count=100`),
  );
  expect(cmPatients.length).toBeGreaterThan(0);
  const patient = cmPatients[0] as Patient;
  const now = new Date().toISOString();
  const analyte = (fullUrl: string, code: string) => ({
    fullUrl,
    resource: {
      resourceType: 'Observation',
      status: 'final',
      category: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
          ],
        },
      ],
      code: { coding: [{ system: 'http://loinc.org', code }] },
      subject: { reference: `Patient/${patient.id}` },
      effectiveDateTime: now,
      valueCodeableConcept: {
        coding: [{ system: 'http://snomed.info/sct', code: '260385009', display: 'Negative' }],
      },
    },
    request: { method: 'POST', url: 'Observation' },
  });
  const written = await fhir.post<Bundle>('', {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      analyte('urn:uuid:6c1f4a5e-0000-4000-8000-000000000001', '59673-4'),
      analyte('urn:uuid:6c1f4a5e-0000-4000-8000-000000000002', '19295-5'),
      {
        resource: {
          resourceType: 'DiagnosticReport',
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '46983-3' }] },
          subject: { reference: `Patient/${patient.id}` },
          effectiveDateTime: now,
          result: [
            { reference: 'urn:uuid:6c1f4a5e-0000-4000-8000-000000000001' },
            { reference: 'urn:uuid:6c1f4a5e-0000-4000-8000-000000000002' },
          ],
        },
        request: { method: 'POST', url: 'DiagnosticReport' },
      },
    ],
  });
  const observationId = written.entry?.[0]?.response?.location?.split('/')[1];
  expect(observationId).toBeTruthy();
  const focus = `Observation/${observationId}`;

  // The program's CM page lists the patient; the ledger shows the new screen as due.
  await expect(first.getByRole('heading', { name: 'Contingency management' })).toBeVisible();
  await expect(first.getByRole('status').filter({ hasText: 'Program total:' })).toBeVisible();
  await expectAccessible(first, 'CM program');
  await first.screenshot({ path: `${SCREENSHOTS}/cm-program.png`, fullPage: true });
  await first.locator(`a[href="/coordination/patients/${patient.id}/cm"]`).click();
  await expect(first).toHaveURL(new RegExp(`/coordination/patients/${patient.id}/cm$`));
  const line = (page: Page) => page.locator(`tr[data-observation="${focus}"]`);
  await expect(line(first)).toContainText(/Due — \d+ points/);

  // A second coordinator's page (another context) shows the same screen as due.
  const second = await (await browser.newContext()).newPage();
  await signIn(second, COORDINATOR, `/coordination/patients/${patient.id}/cm`);
  await expect(line(second)).toContainText(/Due — \d+ points/);

  await expectAccessible(first, 'CM ledger');
  await first.screenshot({ path: `${SCREENSHOTS}/cm-ledger.png`, fullPage: true });
  await line(first)
    .getByRole('button', { name: /^Record reward/ })
    .click();
  await expect(first.getByText(/^Reward recorded: \d+ points for the screen of/)).toBeVisible();
  await expect(line(first)).toContainText(/Rewarded — \d+ points/);
  await expect(line(first).getByRole('button', { name: /^Record reward/ })).toHaveCount(0);

  // The stale page tries again: the server does not add a second reward, and the page says why.
  await line(second)
    .getByRole('button', { name: /^Record reward/ })
    .click();
  const refusal = second.getByRole('alert').filter({ hasText: 'Reward not recorded.' });
  await expect(refusal).toContainText('already rewarded');
  await expect(line(second)).toContainText(/Rewarded — \d+ points/);
  await second.screenshot({ path: `${SCREENSHOTS}/cm-refused.png`, fullPage: true });

  const rewards = resources<Task>(
    await fhir.get(`Task?code=${encodeURIComponent(`${TASK_TYPE}|cm-reward`)}&focus=${focus}&_count=10`),
  );
  expect(rewards.length, 'exactly one reward Task for the screen').toBe(1);

  // The printed statement: the export is recorded first, then the print dialog; on paper, the 2.32 notice.
  await first.getByRole('button', { name: 'Print statement' }).click();
  await expect.poll(() => first.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  await first.emulateMedia({ media: 'print' });
  await expect(first.getByRole('heading', { name: 'Contingency-management statement' })).toBeVisible();
  await expect(
    first.getByText(
      'This record which has been disclosed to you is protected by Federal confidentiality rules',
    ),
  ).toBeVisible();
  await expect(first.getByRole('button', { name: /^Record reward/ })).toHaveCount(0);
  await first.screenshot({ path: `${SCREENSHOTS}/cm-statement-print.png`, fullPage: true });
  await first.pdf({ path: `${SCREENSHOTS}/cm-statement.pdf` });
});

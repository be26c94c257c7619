// The supervisor's morning: sign in and land on Supervision; every counselor's figures equal what this test
// computes itself from the server's FHIR data (read with the same user's token, by other queries, summed here
// from the raw JSON — not with the page's rules); drill into a counselor's caseload and a patient's chart; find that
// chart access in the audit report filtered by patient (and as an AuditEvent through the API). axe on both pages,
// the tables sorted from the keyboard, screenshots in light and dark kept for a human to look at.
import { expect, type Locator, type Page, test } from '@playwright/test';

import { expectAccessible, signIn } from './support/session';

const SUPERVISOR = 'supervisor1';
const SHOTS = 'test-results/e2e/supervision';
const WAYPOINT = 'http://waypoint.health/fhir';
const FACT = `${WAYPOINT}/CodeSystem/caseload-fact`;
const DERIVED_TAG = `${WAYPOINT}/CodeSystem/derived`;
const SEVERITY = `${WAYPOINT}/StructureDefinition/alert-severity`;

interface Entry {
  readonly resource?: Record<string, unknown> & { resourceType: string; id?: string };
}
interface SearchBundle {
  readonly entry?: readonly Entry[];
  readonly link?: readonly { relation: string; url: string }[];
}

async function userSession(page: Page): Promise<{ token: string; me: string }> {
  const raw = await page.evaluate(() => {
    const key = Object.keys(sessionStorage).find((k) => k.startsWith('waypoint.oidc.user'));
    return key ? sessionStorage.getItem(key) : null;
  });
  expect(raw, 'the signed-in user in sessionStorage').not.toBeNull();
  const user = JSON.parse(raw as string) as { access_token: string; profile: { fhirUser?: string } };
  const me = user.profile.fhirUser?.replace(/^.*\/(Practitioner\/[^/]+)$/, '$1') ?? '';
  expect(me).toMatch(/^Practitioner\//);
  return { token: user.access_token, me };
}

/** GET every page of a search with the user's token. */
async function searchAll(page: Page, token: string, query: string): Promise<Entry['resource'][]> {
  const out: Entry['resource'][] = [];
  let url: string | undefined = `/fhir/${query}`;
  while (url) {
    const response = await page.request.get(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' },
    });
    expect(response.status(), url).toBe(200);
    const bundle = (await response.json()) as SearchBundle;
    out.push(...(bundle.entry ?? []).map((e) => e.resource).filter((r) => r !== undefined));
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    url = next ? new URL(next).pathname + new URL(next).search : undefined;
  }
  return out;
}

type Json = Record<string, unknown>;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const codeOf = (component: Json): string | undefined =>
  arr((component['code'] as Json | undefined)?.['coding']).find((c) => c['system'] === FACT)?.['code'] as
    string | undefined;
/** A summary component's integer (or quantity value, or boolean), 0 when absent. */
function fact(summary: Json, code: string): number | boolean {
  const c = arr(summary['component']).find((x) => codeOf(x) === code);
  if (!c) return 0;
  if (typeof c['valueBoolean'] === 'boolean') return c['valueBoolean'];
  return (
    (c['valueInteger'] as number | undefined) ??
    ((c['valueQuantity'] as Json | undefined)?.['value'] as number) ??
    0
  );
}
const pct = (n: number, d: number) => (d === 0 ? null : Math.round((100 * n) / d));

/** A counselor's row as this test computes it from the server's resources: every number the row shows. */
interface Expected {
  readonly id: string;
  readonly patients: string[];
  readonly cells: number[][];
}

async function expectedTeam(page: Page, token: string, me: string): Promise<Expected[]> {
  const teams = await searchAll(page, token, `CareTeam?participant=${me}&status=active&_count=100`);
  const counselors = new Set<string>();
  for (const team of teams) {
    const ids = arr(team?.['identifier']);
    if (team?.['subject'] || !ids.some((i) => i['system'] === `${WAYPOINT}/team`)) continue;
    const leads = arr(team?.['participant']).some(
      (p) =>
        (p['member'] as Json | undefined)?.['reference'] === me &&
        arr(p['role']).some((r) => arr(r['coding']).some((c) => c['code'] === 'supervisor')),
    );
    if (!leads) continue;
    for (const p of arr(team?.['participant'])) {
      const who = (p['member'] as Json | undefined)?.['reference'] as string | undefined;
      if (who?.startsWith('Practitioner/') && who !== me) counselors.add(who);
    }
  }
  expect(counselors.size, 'supervised counselors').toBeGreaterThan(1);

  const out: Expected[] = [];
  for (const counselor of [...counselors].sort()) {
    const summaries = (
      await searchAll(
        page,
        token,
        `Observation?code=${FACT}|caseload-summary&performer=${counselor}&_count=1000`,
      )
    ).filter((s) => fact(s as Json, 'episode-active') === true) as Json[];
    const patients = summaries.map((s) =>
      String((s['subject'] as Json)['reference']).replace('Patient/', ''),
    );
    const subjects = patients.map((p) => `Patient/${p}`).join(',');
    const risks = patients.length
      ? await searchAll(
          page,
          token,
          `RiskAssessment?_tag=${DERIVED_TAG}|current&subject=${subjects}&_count=1000`,
        )
      : [];
    const flags = patients.length
      ? await searchAll(
          page,
          token,
          `Flag?status=active&_tag=${DERIVED_TAG}|derived&subject=${subjects}&_count=1000`,
        )
      : [];
    const band = { high: 0, moderate: 0, low: 0 };
    for (const r of risks as Json[]) {
      const prediction = arr(r['prediction'])[0];
      const code = arr((prediction?.['qualitativeRisk'] as Json | undefined)?.['coding'])[0]?.['code'];
      if (code === 'high' || code === 'moderate' || code === 'low') band[code]++;
    }
    const sum = (code: string) => summaries.reduce((n, s) => n + (fact(s, code) as number), 0);
    const notes = sum('notes-4w');
    const s24 = sum('notes-signed-24h-4w');
    const s72 = sum('notes-signed-72h-4w');
    const attended = sum('sessions-attended-4w');
    const noShow = sum('sessions-no-show-4w');
    const safety = new Set(
      (flags as Json[])
        .filter((f) => arr(f['extension']).some((e) => e['url'] === SEVERITY && e['valueCode'] === 'safety'))
        .map((f) => (f['subject'] as Json)['reference']),
    ).size;
    const withCounts = (p: number | null, n: number, d: number) => (p === null ? [] : [p, n, d]);
    out.push({
      id: counselor.replace('Practitioner/', ''),
      patients,
      cells: [
        [patients.length],
        [band.high],
        [band.moderate],
        [band.low],
        withCounts(pct(s24, notes), s24, notes),
        withCounts(pct(s72, notes), s72, notes),
        [sum('notes-unsigned')],
        [sum('notes-overdue')],
        [sum('cosign-waiting')],
        withCounts(pct(attended, attended + noShow), attended, attended + noShow),
        [safety],
      ],
    });
  }
  return out;
}

/** The numbers in each cell of a row (a dash for "no notes" gives none). */
async function rowNumbers(row: Locator): Promise<number[][]> {
  const cells = await row.locator('td').allTextContents();
  return cells.map((t) => (t.match(/\d+/g) ?? []).map(Number));
}

/** Tabs (at most `limit` times) until `target` has the focus. */
async function tabTo(page: Page, target: Locator, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)))
      return;
    await page.keyboard.press('Tab');
  }
  await expect(target, 'reached with the keyboard').toBeFocused();
}

test('a supervisor lands on Supervision, checks the team, drills into a chart and finds it in the audit report', async ({
  page,
}) => {
  test.setTimeout(180_000);
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

  // Signed in at the root: the supervisor's home is Supervision.
  await signIn(page, SUPERVISOR, '/');
  await expect(page).toHaveURL(/\/supervision$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Supervision');
  const nav = page.getByRole('navigation', { name: 'Main' });
  // (Each link's text starts with its icon's ligature, which is hidden from assistive technology.)
  await expect(nav.getByRole('link')).toHaveText([/Supervision$/, /Co-sign queue$/, /Audit report$/]);
  const table = page.locator('wp-team-table table');
  await expect(table.locator('tbody tr').first().locator('th a')).toBeVisible();
  // The whole page in one FHIR round trip (next pages would be a second, in parallel; none at this size).
  expect(fhirRequests.filter((r) => r !== 'GET /fhir/metadata')).toEqual(['POST /fhir']);

  // Each counselor's figures, computed here from the server's resources.
  const { token, me } = await userSession(page);
  const expected = await expectedTeam(page, token, me);
  await expect(table.locator('tbody tr')).toHaveCount(expected.length);
  for (const counselor of expected) {
    const row = table
      .locator('tbody tr')
      .filter({ has: page.locator(`a[href="/caseload/practitioners/${counselor.id}"]`) });
    expect(await rowNumbers(row), `row of ${counselor.id}`).toEqual(counselor.cells);
  }
  const teamPatients = new Set(expected.flatMap((c) => c.patients));
  await expect(table.locator('tfoot th')).toContainText(`Team (${teamPatients.size} patients)`);
  await expect(page.getByRole('region', { name: 'Co-sign queue' })).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Team risk trend, last 12 weeks' }).locator('canvas'),
  ).toBeVisible();

  await expectAccessible(page, 'supervision');
  await page.screenshot({ path: `${SHOTS}/supervision-light.png`, fullPage: true });

  // The keyboard reaches a column header and sorts by it.
  const patientsHeader = table.locator('thead th').filter({ hasText: /^\s*Patients/ });
  await page.locator('#main-content').focus();
  await tabTo(page, patientsHeader.locator('.mat-sort-header-container'));
  await page.keyboard.press('Enter');
  await expect(patientsHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(page).toHaveURL(/sort=caseload:desc/);
  const sizes = (await table.locator('tbody tr td:nth-child(2)').allTextContents()).map(Number);
  expect(sizes).toEqual([...sizes].sort((a, b) => b - a));

  await page.getByRole('button', { name: /dark theme/i }).click();
  await expect(page.locator('html')).toHaveClass(/wp-dark/);
  await expectAccessible(page, 'supervision (dark)');
  await page.screenshot({ path: `${SHOTS}/supervision-dark.png`, fullPage: true });
  await page.getByRole('button', { name: /light theme/i }).click();

  // Drill-down: the counselor with the largest caseload, in the caseload grid.
  const biggest = [...expected].sort((a, b) => b.patients.length - a.patients.length)[0]!;
  await table.locator(`a[href="/caseload/practitioners/${biggest.id}"]`).click();
  await expect(page).toHaveURL(new RegExp(`/caseload/practitioners/${biggest.id}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Caseload');
  await expect(page.getByRole('status').filter({ hasText: /patients?$/ })).toHaveText(
    `${biggest.patients.length} patient${biggest.patients.length === 1 ? '' : 's'}`,
  );
  const firstRow = page.locator('.ag-row[row-id]').first();
  await expect(firstRow).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/drill-down-caseload.png` });
  const patientId = (await firstRow.getAttribute('row-id')) ?? '';
  // The name as the grid shows it (its first line; the age follows).
  const patientName = (
    (await firstRow.locator('[col-id="patient"]').first().innerText()).split('\n')[0] ?? ''
  ).trim();
  expect(patientName).not.toBe('');
  expect(biggest.patients).toContain(patientId);
  const openedAt = new Date();
  await firstRow.locator('[col-id="patient"]').first().click();
  await expect(page).toHaveURL(new RegExp(`/patients/${patientId}`));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  // The server recorded the chart access (its audit is written as the chart's batch is answered, which may still be
  // under way when the heading shows). The chart's record batch names this patient alone (the caseload's batch
  // named the whole caseload).
  const chartReads = async () => {
    const events = await searchAll(
      page,
      token,
      `AuditEvent?patient=Patient/${patientId}&agent=${me}&date=ge${new Date(openedAt.getTime() - 60_000).toISOString()}&_count=100`,
    );
    return (events as Json[]).filter((e) => {
      const patients = arr(e['entity'])
        .map((x) => (x['what'] as Json | undefined)?.['reference'])
        .filter((r): r is string => typeof r === 'string' && r.startsWith('Patient/'));
      return patients.length > 0 && patients.every((r) => r === `Patient/${patientId}`);
    }).length;
  };
  await expect
    .poll(chartReads, { message: 'AuditEvents of the chart access', timeout: 15_000 })
    .toBeGreaterThan(0);

  // The audit report, filtered by that patient, shows the access.
  await nav.getByRole('link', { name: 'Audit report' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit report');
  await expect(page.locator('table.events tbody tr').first()).toBeVisible();
  await page.getByRole('combobox', { name: 'Patient' }).click();
  await page.getByRole('option', { name: patientName, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`patient=Patient%2F${patientId}`));
  const rows = page.locator('table.events tbody tr');
  // The chart's own read: one batch naming that patient alone, by the supervisor, a success.
  const chartAccess = rows.filter({ hasText: 'batch' }).filter({ hasText: patientName });
  await expect(chartAccess.first()).toBeVisible();
  await expect(chartAccess.first()).toContainText('Success');
  await expect(chartAccess.first().locator('td').nth(1)).toContainText(SUPERVISOR);

  // Reload keeps the filter.
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Patient' })).toContainText(patientName);
  await expect(rows.filter({ hasText: 'batch' }).filter({ hasText: patientName }).first()).toBeVisible();

  // Keyboard sort of the report through the server.
  const userHeader = page.locator('table.events thead th').filter({ hasText: 'User' });
  await page.locator('#main-content').focus();
  await tabTo(page, userHeader.locator('.mat-sort-header-container'));
  await page.keyboard.press('Enter');
  await expect(userHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(page).toHaveURL(/sort=agent/);
  await expect(rows.first()).toBeVisible();

  await expectAccessible(page, 'audit report');
  await page.screenshot({ path: `${SHOTS}/audit-light.png`, fullPage: true });
  await page.getByRole('button', { name: /dark theme/i }).click();
  await expect(page.locator('html')).toHaveClass(/wp-dark/);
  await expectAccessible(page, 'audit report (dark)');
  await page.screenshot({ path: `${SHOTS}/audit-dark.png`, fullPage: true });
  await page.getByRole('button', { name: /light theme/i }).click();
});

test('the audit report highlights a failed sign-in in words, and exports CSV only after the Part 2 notice', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  // A failed sign-in as one of supervisor1's counselors (the server names the account, so it is in their report).
  const other = await browser.newPage();
  await other.goto('/');
  await other.getByLabel('User name').fill('counselor1');
  await other.getByLabel('Password').fill('not-the-password');
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other.getByText('The user name or password is incorrect.')).toBeVisible();
  await other.close();

  await signIn(page, SUPERVISOR, '/audit?outcome=4');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit report');
  const failed = page.locator('table.events tbody tr.flagged').filter({ hasText: 'Failed sign-in' });
  await expect(failed.first()).toBeVisible();
  await expect(failed.first()).toContainText('counselor1');
  await page.screenshot({ path: `${SHOTS}/audit-failed-sign-in.png` });

  await page.getByRole('button', { name: 'Export CSV' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('42 CFR part 2 — prohibition on re-disclosure');
  await expectAccessible(page, 'export dialog');
  const recorded = page.waitForResponse((r) => r.url().includes('/fhir/AuditEvent/$report-export'));
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export CSV' }).click();
  expect((await recorded).status()).toBe(200);
  const file = await download;
  const csv = await (await file.createReadStream()).toArray();
  const text = Buffer.concat(csv as Buffer[]).toString('utf8');
  expect(text.split('\r\n')[0]).toContain('Time (UTC),User');
  expect(text).toContain('counselor1');
  await expect(page.getByRole('status').filter({ hasText: /Exported \d+ events?/ })).toBeVisible();
});

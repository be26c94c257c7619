// Unusual but valid records (issue #9): a MAT order typed as text only, a drug screen dated years ahead, a
// name with a right-to-left override (U+202E), and more alerts than a row has room for. They are written for a
// new patient of counselor1 through the FHIR API with a system token (SMART Backend Services, as the importer
// signs in), then the counselor's caseload must show each one plainly. Screenshots kept for a human to look at.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { expect, test } from '@playwright/test';

import {
  EXTENSION,
  IDENTIFIER_SYSTEM,
  LOCAL_SYSTEM,
  SCREEN_RESULT,
  SYSTEM,
  UDS_PANEL,
} from '../clinical/terminology';
import { getSystemToken } from '../server/src/auth/system-token';
import { expectAccessible, signIn } from './support/session';

const SCREENSHOTS = 'test-results/e2e/unusual-records';
const FHIR_BASE = `http://127.0.0.1:${process.env.E2E_FHIR_PORT ?? 8181}/fhir`;
const ORDER_TEXT = 'buprenorphine 8 mg/naloxone 2 mg SL film';
const RTL_OVERRIDE = '\u202E';
const DAY_MS = 86_400_000;

test.use({ viewport: { width: 2300, height: 900 } });

/**
 * One patient of `counselor`, enrolled 20 days ago: a text-only buprenorphine order with no dispense (a MAT
 * gap), a fentanyl-positive screen 2 days ago, a screen dated five years ahead, two no-shows in a row and no
 * Part 2 consent: four alerts.
 */
function unusualPatient(counselor: string, suffix: string): Bundle {
  const now = Date.now();
  const daysAgo = (n: number, hour = 10) =>
    new Date(Math.floor((now - n * DAY_MS) / DAY_MS) * DAY_MS + hour * 3_600_000).toISOString();
  const future = `${new Date(now).getUTCFullYear() + 5}-01-15T09:00:00.000Z`;
  // Transaction-local ids: urn:uuid full URLs (valid UUIDs), which the server rewrites to the new ids.
  const urn = new Map<string, string>();
  const u = (key: string): string => {
    if (!urn.has(key)) urn.set(key, `urn:uuid:${randomUUID()}`);
    return urn.get(key) as string;
  };
  const patient = { reference: u('patient') };
  const careTeam = { reference: u('care-team') };
  const me = { reference: counselor };
  const screen = (id: string, when: string, loinc: string, positive: boolean): Resource[] => [
    {
      resourceType: 'Observation',
      id,
      status: 'final',
      category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'laboratory' }] }],
      code: { coding: [{ system: SYSTEM.loinc, code: loinc }] },
      subject: patient,
      effectiveDateTime: when,
      valueCodeableConcept: { coding: [positive ? SCREEN_RESULT.positive : SCREEN_RESULT.negative] },
    },
    {
      resourceType: 'DiagnosticReport',
      status: 'final',
      code: { coding: [{ system: SYSTEM.loinc, code: UDS_PANEL.code, display: UDS_PANEL.display }] },
      subject: patient,
      effectiveDateTime: when,
      result: [{ reference: u(id) }],
    },
  ];
  const noShow = (n: number): Resource => ({
    resourceType: 'Appointment',
    status: 'noshow',
    start: daysAgo(n, 15),
    end: daysAgo(n, 16),
    participant: [
      { actor: patient, status: 'accepted' },
      { actor: me, status: 'accepted' },
    ],
  });
  const resources: [string, Resource][] = [
    [
      u('patient'),
      {
        resourceType: 'Patient',
        identifier: [{ system: IDENTIFIER_SYSTEM.mrn, value: `E2E-UNUSUAL-${suffix}` }],
        name: [{ use: 'official', given: [`${RTL_OVERRIDE}Dana`], family: 'Quinn' }],
        birthDate: '1988-02-03',
        extension: [{ url: EXTENSION.pronouns, valueString: 'she/her' }],
      },
    ],
    [
      u('care-team'),
      {
        resourceType: 'CareTeam',
        status: 'active',
        subject: patient,
        period: { start: daysAgo(20) },
        participant: [{ role: [{ coding: [{ system: LOCAL_SYSTEM.role, code: 'counselor' }] }], member: me }],
      },
    ],
    [
      u('episode'),
      {
        resourceType: 'EpisodeOfCare',
        status: 'active',
        type: [{ coding: [{ system: LOCAL_SYSTEM.track, code: 'CBT' }] }],
        patient,
        period: { start: daysAgo(20).slice(0, 10) },
        careManager: me,
        team: [careTeam],
      },
    ],
    [
      u('order'),
      {
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        subject: patient,
        medicationCodeableConcept: { text: ORDER_TEXT },
        authoredOn: daysAgo(20).slice(0, 10),
        dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 16, unit: 'mg' } }] }],
      },
    ],
    ...screen('uds-past', daysAgo(2, 9), '59673-4', true).map((r, i): [string, Resource] => [
      i === 0 ? u('uds-past') : u('uds-past-report'),
      r,
    ]),
    ...screen('uds-future', future, '59673-4', false).map((r, i): [string, Resource] => [
      i === 0 ? u('uds-future') : u('uds-future-report'),
      r,
    ]),
    [u('no-show-1'), noShow(10)],
    [u('no-show-2'), noShow(3)],
  ];
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: resources.map(([fullUrl, resource]): BundleEntry => ({
      fullUrl,
      resource: { ...resource, id: undefined } as Resource,
      request: { method: 'POST', url: resource.resourceType },
    })),
  };
}

test('unusual records show plainly on the caseload: uncoded MAT, future-dated UDS, RTL name, every alert reachable', async ({
  page,
}) => {
  const dataDir = process.env.E2E_DATA_DIR;
  expect(dataDir, 'E2E_DATA_DIR (set by playwright.config.ts)').toBeTruthy();
  const token = await getSystemToken({
    baseUrl: FHIR_BASE,
    scope: 'system/*.cruds',
    keyPath: join(dataDir as string, 'waypoint-cli.jwk.json'),
  });
  const headers = {
    authorization: `Bearer ${token.accessToken}`,
    'content-type': 'application/fhir+json',
    accept: 'application/fhir+json',
  };
  // counselor1's Practitioner, by the staff identifier the demo clinic gives each account.
  const staff = await page.request.get(
    `${FHIR_BASE}/Practitioner?identifier=${encodeURIComponent(`${IDENTIFIER_SYSTEM.staff}|counselor1`)}`,
    { headers },
  );
  expect(staff.status()).toBe(200);
  const practitionerId = ((await staff.json()) as Bundle).entry?.[0]?.resource?.id;
  expect(practitionerId, 'counselor1 Practitioner').toBeTruthy();
  const counselor = `Practitioner/${practitionerId}`;
  const response = await page.request.post(FHIR_BASE, {
    headers,
    data: unusualPatient(counselor, String(Date.now())),
  });
  expect(response.status(), await response.text()).toBe(200);
  const result = (await response.json()) as Bundle;
  const patientId = result.entry?.[0]?.response?.location?.match(/^Patient\/([^/]+)/)?.[1];
  expect(patientId, 'the new Patient id').toBeTruthy();

  // counselor1's caseload, searched by the part of the name after the override.
  await signIn(page, 'counselor1', '/caseload?q=quinn');
  const row = page.locator(`.ag-row[row-id="${patientId}"]`);
  const cell = (column: string) => row.locator(`[col-id="${column}"]`);
  await expect(cell('alerts')).toBeVisible();

  // 1. The text-only order is MAT, shown with its own words and the mark (a MAT gap: nothing dispensed).
  await expect(cell('mat')).toContainText(ORDER_TEXT);
  await expect(cell('mat')).toContainText('uncoded order — check');
  await expect(cell('mat')).toContainText('gap');

  // 2. The screen dated five years ahead is said to exist; the last screen is the real one (fentanyl +).
  await expect(cell('uds')).toContainText('future date — check the record');
  await expect(cell('uds')).toContainText('fentanyl +');

  // 3. The name is isolated: the override stays inside its <bdi>, the age and pronouns read as usual.
  const name = cell('patient').locator('bdi.primary');
  await expect(name).toHaveText(`${RTL_OVERRIDE}Dana Quinn`);
  const detail = cell('patient').locator('.secondary');
  await expect(detail).toContainText('she/her');
  const leftToRight = await detail.evaluate((el) => {
    const node = Array.from(el.childNodes).find(
      (n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim(),
    );
    const text = node?.textContent ?? '';
    const lefts = [...text.trim()].map((_, i) => {
      const range = document.createRange();
      const start = text.indexOf(text.trim()) + i;
      range.setStart(node as Node, start);
      range.setEnd(node as Node, start + 1);
      return range.getBoundingClientRect().left;
    });
    return lefts.every((x, i) => i === 0 || x > (lefts[i - 1] as number));
  });
  expect(leftToRight, 'age · pronouns laid out left to right').toBe(true);

  // 4. Four alerts: two chips and "+2 more", a button whose name lists the other two.
  const more = cell('alerts').getByRole('button', { name: /^2 more alerts: / });
  await expect(more).toHaveText('+2 more');
  await expect(cell('alerts').locator('.alert')).toHaveCount(2);
  await row.first().scrollIntoViewIfNeeded();
  await expectAccessible(page, 'caseload with unusual records');
  await page.screenshot({ path: `${SCREENSHOTS}/caseload-row.png`, animations: 'disabled' });
  for (const column of ['patient', 'mat', 'uds', 'alerts']) {
    await cell(column).screenshot({ path: `${SCREENSHOTS}/cell-${column}.png`, animations: 'disabled' });
  }

  // By keyboard: Enter on the alerts cell opens the list (not the patient); Escape closes it.
  await cell('alerts').focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu');
  await expect(menu).toBeVisible();
  const items = menu.getByRole('menuitem');
  await expect(items).toHaveCount(2);
  const names = await more.getAttribute('aria-label');
  for (const label of (names ?? '').replace(/^2 more alerts: /, '').split('; ')) {
    await expect(menu).toContainText(label);
  }
  await expect(page).toHaveURL(/\/caseload/);
  await expectAccessible(page, 'the other alerts');
  await page.screenshot({ path: `${SCREENSHOTS}/more-alerts.png`, animations: 'disabled' });
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
});

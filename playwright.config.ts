// End-to-end journeys in Debian's Chromium (never a downloaded browser) against the production build,
// served by scripts/serve-dist.mjs in front of the embedded FHIR server on a fresh database that the
// server seeds with a small demo clinic.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defineConfig } from '@playwright/test';

import chromiumFlags from './scripts/chromium-flags.cjs';

const FHIR_PORT = Number(process.env.E2E_FHIR_PORT ?? 8181);
const APP_PORT = Number(process.env.E2E_APP_PORT ?? 4300);
const appUrl = `http://127.0.0.1:${APP_PORT}`;
// Evaluated in the runner process, which is the one that starts the web servers.
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'waypoint-e2e-'));
process.env.E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright-summary.json' }]],
  use: {
    baseURL: appUrl,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROME_BIN ?? '/usr/bin/chromium',
      args: chromiumFlags,
    },
  },
  webServer: [
    {
      command: 'node scripts/run-ts.mjs server/src/main.ts',
      url: `http://127.0.0.1:${FHIR_PORT}/fhir/metadata`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        PORT: String(FHIR_PORT),
        WAYPOINT_DB: join(dataDir, 'waypoint.db'),
        WAYPOINT_PUBLIC_URL: appUrl,
        WAYPOINT_DEMO_PATIENTS: process.env.E2E_DEMO_PATIENTS ?? '80',
        WAYPOINT_VERIFY_STORED_JSON: '1',
      },
    },
    {
      command: 'node scripts/serve-dist.mjs',
      url: `${appUrl}/`,
      timeout: 30_000,
      reuseExistingServer: false,
      env: { PORT: String(APP_PORT), FHIR_SERVER: `http://127.0.0.1:${FHIR_PORT}` },
    },
  ],
});

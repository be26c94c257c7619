// The import boundaries of eslint.config.js (docs/architecture.md, "Parts and arrows"), checked through ESLint's
// Node API on code that breaks them: each case must fail lint with the boundary's own message, so a config
// change that silently drops a ban (e.g. a later flat-config block replacing an earlier one's patterns) fails here.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let eslint: ESLint;

before(() => {
  eslint = new ESLint({ cwd: root });
});

const OTHER_FEATURE = /^Features never import each other/;
const UI_STATE = /^ui\/ components are presentational/;
const SPA_TO_SERVER = /^The SPA never imports the server/;
const TO_SPA = /^The server and clinical\/ never import the SPA/;
const CLINICAL_FRAMEWORK = /^clinical\/ is framework-free/;

/** The no-restricted-imports messages ESLint reports for `code` as if it were the file at `filePath`. */
async function bans(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message.replace(/^'[^']*' import is restricted from being used by a pattern\. /, ''));
}

function assertBanned(messages: string[], ...expected: RegExp[]): void {
  for (const pattern of expected) {
    assert.ok(
      messages.some((m) => pattern.test(m)),
      `expected a ban matching ${pattern}, got ${JSON.stringify(messages)}`,
    );
  }
}

test('a feature ui/ component importing another feature is refused', async () => {
  const messages = await bans(
    'src/app/features/caseload/ui/x.ts',
    "import { chartView } from '../../patient/data/chart-view';\nexport const x = chartView;\n",
  );
  assertBanned(messages, OTHER_FEATURE);
});

test('a feature ui/ component reading state or the store is refused', async () => {
  const messages = await bans(
    'src/app/features/caseload/ui/x.ts',
    [
      "import { Store } from '@ngrx/store';",
      "import { caseloadFeature } from '../state/caseload.feature';",
      'export const x = [Store, caseloadFeature];',
      '',
    ].join('\n'),
  );
  assert.equal(messages.filter((m) => UI_STATE.test(m)).length, 2, JSON.stringify(messages));
});

test('a shared ui/ component reading state is refused too', async () => {
  assertBanned(
    await bans(
      'src/app/shared/ui/x.ts',
      "import { y } from '../../core/state/root-state';\nexport const x = y;\n",
    ),
    UI_STATE,
  );
});

test('a feature importing another feature outside ui/ is refused', async () => {
  assertBanned(
    await bans(
      'src/app/features/patient/state/x.ts',
      "import { y } from '../../caseload/data/caseload-view';\nexport const x = y;\n",
    ),
    OTHER_FEATURE,
  );
});

test('the SPA importing the server, and the server or clinical/ importing the SPA, are refused', async () => {
  assertBanned(
    await bans(
      'src/app/features/caseload/ui/x.ts',
      "import { buildApp } from '../../../../../server/src/app';\nexport const x = buildApp;\n",
    ),
    SPA_TO_SERVER,
  );
  assertBanned(
    await bans(
      'src/app/core/x.ts',
      "import { y } from '../../../server/src/store/patch';\nexport const x = y;\n",
    ),
    SPA_TO_SERVER,
  );
  assertBanned(
    await bans(
      'server/src/x.ts',
      "import { appConfig } from '../../src/app/app.config';\nexport const x = appConfig;\n",
    ),
    TO_SPA,
  );
  assertBanned(
    await bans(
      'clinical/fhir/x.ts',
      "import { y } from '../../src/app/core/fhir/bundle';\nexport const x = y;\n",
    ),
    TO_SPA,
  );
  assertBanned(
    await bans(
      'clinical/fhir/x.test.ts',
      "import { Component } from '@angular/core';\nexport const x = Component;\n",
    ),
    CLINICAL_FRAMEWORK,
  );
});

test('imports inside the boundaries pass', async () => {
  assert.deepEqual(
    await bans(
      'src/app/features/caseload/ui/x.ts',
      [
        "import { referenceKey } from '../../../../../clinical/fhir/reference';",
        "import { RiskChip } from '../../../shared/ui/risk-chip';",
        "import { toCsv } from '../data/caseload-csv';",
        'export const x = [referenceKey, RiskChip, toCsv];',
        '',
      ].join('\n'),
    ),
    [],
  );
  assert.deepEqual(
    await bans('server/src/x.ts', "import { buildApp } from './app';\nexport const x = buildApp;\n"),
    [],
  );
});

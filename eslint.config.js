// @ts-check
// ESLint flat config: angular-eslint (recommended + template accessibility), NgRx, import sorting,
// and the architecture's import boundaries (docs/architecture.md, "Parts and arrows"):
//   - src/ and server/ never import each other; both may import clinical/;
//   - clinical/ imports neither (and no Angular, no Node APIs outside its tests);
//   - inside src/app, a feature never imports another feature, and ui/ never imports state.
// The boundaries are plain `no-restricted-imports` rules generated per feature folder, so a new
// feature is covered the moment its folder exists.
const { readdirSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const eslint = require('@eslint/js');
const tseslint = require('typescript-eslint');
const angular = require('angular-eslint');
const ngrx = require('@ngrx/eslint-plugin/v9');
const simpleImportSort = require('eslint-plugin-simple-import-sort');

const featuresDir = join(__dirname, 'src/app/features');
const features = existsSync(featuresDir)
  ? readdirSync(featuresDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
  : [];

/** Import patterns that reach another feature, whether written relative or via the features folder. */
function otherFeaturePatterns(feature) {
  return features
    .filter((other) => other !== feature)
    .flatMap((other) => [
      `**/features/${other}`,
      `**/features/${other}/**`,
      `../${other}/**`,
      `../../${other}/**`,
      `../../../${other}/**`,
    ]);
}

const serverImports = {
  group: ['**/server/**', '**/server'],
  message: 'The SPA never imports the server (docs/architecture.md).',
};
const srcImports = {
  // The SPA's code lives under src/app (server/src/app.ts is the server's own module, hence the '/**').
  group: ['**/src/app/**', '**/src/main', '**/src/main.ts'],
  message: 'The server and clinical/ never import the SPA (docs/architecture.md).',
};
const stateImports = {
  group: ['**/state/**', '**/state', '@ngrx/store', '@ngrx/effects'],
  message: 'ui/ components are presentational: pass data in through inputs, never read state.',
};
function otherFeatureImports(feature) {
  const group = otherFeaturePatterns(feature);
  return group.length
    ? [{ group, message: 'Features never import each other: move what both need to shared/ or core/.' }]
    : [];
}

/**
 * One `no-restricted-imports` block. A flat config's later block replaces an earlier block's options for the
 * same rule, so every block below lists all the bans of the files it matches, and the more specific blocks
 * (a feature's ui/ folder) come after the general ones.
 */
const clinicalImports = [
  srcImports,
  { group: ['**/server/**'], message: 'clinical/ is imported by the server, never the reverse.' },
  { group: ['@angular/*', '@ngrx/*'], message: 'clinical/ is framework-free.' },
];
const nodeImports = {
  group: ['node:*', 'fs', 'path', 'crypto', 'os'],
  message: 'clinical/ runs in the browser too: no Node APIs (its tests excepted).',
};

function bans(files, patterns, extra = {}) {
  return { files, ...extra, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

module.exports = tseslint.config(
  {
    ignores: [
      'dist/**',
      'coverage/**',
      '.angular/**',
      'node_modules/**',
      'data/**',
      'test-results/**',
      'playwright-report/**',
      'out-tsc/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    extends: [eslint.configs.recommended, ...tseslint.configs.recommended, ...tseslint.configs.stylistic],
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs', 'scripts/**', 'server/**', 'bench/**', 'e2e/**', 'playwright.config.ts'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        fetch: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    files: ['src/**/*.ts'],
    extends: [
      ...angular.configs.tsRecommended,
      ...ngrx.configs.store,
      ...ngrx.configs.effects,
      ...ngrx.configs.signals,
    ],
    processor: angular.processInlineTemplates,
    rules: {
      '@angular-eslint/directive-selector': [
        'error',
        { type: 'attribute', prefix: 'wp', style: 'camelCase' },
      ],
      '@angular-eslint/component-selector': ['error', { type: 'element', prefix: 'wp', style: 'kebab-case' }],
      '@angular-eslint/prefer-on-push-component-change-detection': 'error',
      '@angular-eslint/prefer-signals': 'error',
    },
  },
  {
    files: ['src/**/*.html'],
    extends: [...angular.configs.templateRecommended, ...angular.configs.templateAccessibility],
    rules: {
      '@angular-eslint/template/prefer-control-flow': 'error',
      '@angular-eslint/template/prefer-self-closing-tags': 'error',
    },
  },
  // The SPA never imports the server; ui/ never reads state; a feature never imports another feature.
  bans(['src/**/*.ts'], [serverImports]),
  bans(['src/app/**/ui/**/*.ts'], [serverImports, stateImports]),
  ...features.flatMap((feature) => [
    bans([`src/app/features/${feature}/**/*.ts`], [serverImports, ...otherFeatureImports(feature)]),
    bans(
      [`src/app/features/${feature}/**/ui/**/*.ts`],
      [serverImports, ...otherFeatureImports(feature), stateImports],
    ),
  ]),
  bans(['server/**/*.ts'], [srcImports]),
  // clinical/ is imported by the SPA and the server, never the reverse; it runs in the browser too.
  bans(['clinical/**/*.ts'], [...clinicalImports, nodeImports], { ignores: ['clinical/**/*.test.ts'] }),
  bans(['clinical/**/*.test.ts'], clinicalImports),
);

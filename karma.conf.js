// Karma configuration for `ng test` (@angular/build:karma).
// Runs the specs in headless Chromium; CHROME_BIN defaults to the Debian/Ubuntu package path.
process.env.CHROME_BIN ||= '/usr/bin/chromium';

const chromiumFlags = require('./scripts/chromium-flags.cjs');

// Specs run in random order. The seed is printed so that a failure that depends on the order can be
// repeated: JASMINE_SEED=<seed> npm run test:unit.
const seed = process.env.JASMINE_SEED || String(Math.floor(Math.random() * 100000));

module.exports = function (config) {
  // (Not when another tool, e.g. knip in lint, only reads this file.)
  if (!process.argv.some((arg) => /knip/.test(arg))) {
    console.log(`Jasmine random order, seed ${seed} (JASMINE_SEED=${seed} to repeat)`);
  }
  config.set({
    basePath: '',
    frameworks: ['jasmine'],
    plugins: [
      require('karma-jasmine'),
      require('karma-chrome-launcher'),
      require('karma-jasmine-html-reporter'),
      require('karma-coverage'),
    ],
    client: {
      jasmine: {
        random: true,
        seed,
      },
      clearContext: false,
    },
    jasmineHtmlReporter: {
      suppressAll: true,
    },
    coverageReporter: {
      dir: require('path').join(__dirname, 'coverage'),
      subdir: '.',
      reporters: [{ type: 'html' }, { type: 'text-summary' }],
    },
    reporters: [process.stdout.isTTY ? 'progress' : 'dots', 'kjhtml'],
    customLaunchers: {
      ChromeHeadlessCI: {
        base: 'ChromeHeadless',
        flags: chromiumFlags,
      },
    },
    browsers: ['ChromeHeadlessCI'],
    browserNoActivityTimeout: 60000,
    captureTimeout: 120000,
    failOnEmptyTestSuite: true,
    singleRun: true,
    restartOnFileChange: false,
  });
};

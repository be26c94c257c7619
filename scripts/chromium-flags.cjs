// The command-line flags of the headless Chromium the unit tests (karma.conf.js) and the end-to-end tests
// (playwright.config.ts) run in: no sandbox and no /dev/shm (containers, CI), and nothing the browser would
// fetch or update on its own.
module.exports = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

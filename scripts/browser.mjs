// Finds the Chromium/Chrome binary the Karma and Playwright runs use, or explains how to get one.
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** The browser binary: CHROME_BIN when set, else the first of the usual Debian/Ubuntu locations. */
export function findBrowser() {
  const fromEnv = process.env.CHROME_BIN;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

export function browserMissingMessage() {
  const fromEnv = process.env.CHROME_BIN;
  return [
    fromEnv
      ? `CHROME_BIN is set to ${fromEnv}, but there is no file there.`
      : `No Chromium or Chrome found (looked for ${CANDIDATES.join(', ')}).`,
    'The unit and end-to-end tests run in a real headless Chromium. Install it, e.g.:',
    '    sudo apt-get install -y chromium        (Debian/Ubuntu)',
    'or point CHROME_BIN at an existing Chrome/Chromium binary:',
    '    export CHROME_BIN=/path/to/chrome',
  ].join('\n');
}

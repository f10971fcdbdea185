/**
 * How every Playwright user here (the e2e journeys, the SDK's browser test, the UI bench) launches
 * Chromium: Debian's build (Playwright cannot download browsers on these machines; `.ci/run` installs
 * it), headless without GPU or sandbox, with background traffic and first-run work switched off.
 */
export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

// The system Chromium as the browser tests drive it: headless, in a fresh profile, with nothing
// running in the background that would fetch from the network.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const {chromium} = require('playwright-core');

// Returns {context, close}; close() also removes the profile.
async function launchChromium(viewport) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pressreel-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--disable-quic', '--autoplay-policy=no-user-gesture-required'],
    viewport,
  });
  return {context, close: async () => {
    await context.close();
    fs.rmSync(profile, {recursive: true, force: true});
  }};
}

module.exports = {launchChromium};

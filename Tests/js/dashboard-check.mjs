// Opens the Switchboard dashboard in headless Debian Chromium, logs in through the form, waits until every
// expected silo address is on the silos page, and saves a screenshot.
// usage: node dashboard-check.mjs <baseUrl> <password> <screenshot.png> <silo address>...
import { withPage } from './headless-chromium.mjs';

const [baseUrl, password, screenshot, ...silos] = process.argv.slice(2);
await withPage({ width: 1400, height: 1000 }, async (page) => {
  // Every dashboard asset the page loads (script, styles, fonts, images) must arrive.
  const failed = [];
  const assets = new Set();
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (!path.startsWith('/dashboard/') || r.request().resourceType() === 'fetch' || r.request().resourceType() === 'xhr') return;
    if (r.status() >= 400) failed.push(r.status() + ' ' + path); else assets.add(path);
  });
  page.on('requestfailed', (r) => failed.push('failed ' + new URL(r.url()).pathname));
  await page.goto(new URL('/dashboard/', baseUrl).href);
  // Not logged in: the gateway sends the browser to its login form.
  await page.waitForURL(/\/dashboard\/login/, { timeout: 30000 });
  console.log('login form at ' + page.url());
  await page.fill('#credential', password);
  await Promise.all([page.waitForURL(/\/dashboard\/($|#)/, { timeout: 30000 }), page.click('input[type=submit]')]);
  console.log('logged in, at ' + page.url());

  await page.goto(new URL('/dashboard/#/silos', baseUrl).href);
  await page.waitForFunction(
    (addresses) => addresses.every((a) => document.body.innerText.includes(a)),
    silos, { timeout: 60000, polling: 500 });
  for (const silo of silos) console.log('silo shown: ' + silo);
  await page.waitForTimeout(1500); // let the charts draw a few points for the screenshot
  if (failed.length > 0) throw new Error('dashboard assets failed: ' + failed.join(', '));
  for (const asset of [...assets].sort()) console.log('asset loaded: ' + asset);
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log('screenshot: ' + screenshot);
});

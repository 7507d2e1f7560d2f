// Opens the gateway's chat page in headless Debian Chromium, types a message, waits for the bot's reply over
// the WebSocket conversation channel, prints it and saves a screenshot.
// usage: node chat-check.mjs <baseUrl> <message> <screenshot.png>
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [baseUrl, message, screenshot] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'switchboard-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 900, height: 700 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.on('console', (m) => console.log('console: ' + m.text()));
  await page.goto(new URL('/chat', baseUrl).href);
  await page.waitForSelector('#text:not([disabled])', { timeout: 60000 });
  console.log('status: ' + await page.textContent('#status'));
  await page.fill('#text', message);
  await page.press('#text', 'Enter');
  await page.waitForSelector('.msg.user', { timeout: 30000 });
  const reply = await page.waitForSelector('.msg.bot, .msg.error', { timeout: 60000 });
  console.log('user: ' + await page.textContent('.msg.user'));
  if (await reply.getAttribute('class') !== 'msg bot') throw new Error('the page shows an error: ' + await reply.textContent());
  console.log('bot: ' + await reply.textContent());
  await page.screenshot({ path: screenshot });
  console.log('screenshot: ' + screenshot);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

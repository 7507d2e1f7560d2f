// Opens the gateway's chat page in headless Debian Chromium, types a message, waits for the bot's reply over
// the WebSocket conversation channel, prints it and saves a screenshot.
// usage: node chat-check.mjs <baseUrl> <message> <screenshot.png>
import { withPage } from './headless-chromium.mjs';

const [baseUrl, message, screenshot] = process.argv.slice(2);
await withPage({ width: 900, height: 700 }, async (page) => {
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
});

// The centrifuge 5.x SDK in headless Debian Chromium on a page of another origin than the gateway's: the browser
// enforces CORS (preflights included) on HTTP-streaming, SSE and /emulation. For each transport, connect, subscribe,
// publish and receive the publication back; every outcome prints one line "<transport>: <result>".
// usage: node cross-origin-check.mjs <pageUrl> <gatewayUrl> <token> <channel> <transport>...
import { withPage } from './headless-chromium.mjs';

const [pageUrl, gatewayUrl, token, channel, ...transports] = process.argv.slice(2);
await withPage({ width: 800, height: 600 }, async (page) => {
  page.on('console', (m) => console.log('console: ' + m.text()));
  await page.goto(pageUrl);
  await page.addScriptTag({ path: 'node_modules/centrifuge/dist/centrifuge.js' });
  for (const transport of transports) {
    const result = await page.evaluate(async ({ gatewayUrl, token, channel, transport }) => {
      const endpoint = new URL('/connection/' + transport, gatewayUrl).href;
      const client = new globalThis.Centrifuge([{ transport, endpoint }], { token, emulationEndpoint: new URL('/emulation', gatewayUrl).href });
      try {
        return await new Promise((resolve) => {
          setTimeout(() => resolve('timed out in state ' + client.state), 30000);
          // A refused request (a 403, a preflight without CORS headers) fails the transport: the SDK reports it here.
          client.on('error', (ctx) => resolve('error ' + ctx.type));
          const sub = client.newSubscription(channel + '-' + transport);
          sub.on('publication', (ctx) => resolve('received ' + JSON.stringify(ctx.data)));
          sub.on('subscribed', () => sub.publish({ via: transport }).catch((e) => resolve('publish failed: ' + JSON.stringify(e))));
          sub.subscribe();
          client.connect();
        });
      } finally {
        client.disconnect();
      }
    }, { gatewayUrl, token, channel, transport });
    console.log(transport + ': ' + result);
  }
});

// Publish -> WebSocket delivery latency of one gateway at its configured stream polling period.
// Used by scripts/stream-poll-latency.sh; needs the npm packages of Tests/js.
//   node stream-poll-latency.mjs BASE_URL SECRET COUNT RATE_PER_SECOND
import { createRequire } from 'node:module';
import { createHmac } from 'node:crypto';
const require = createRequire(new URL('../Tests/js/package.json', import.meta.url));
const { Centrifuge } = require('centrifuge');
const WebSocket = require('ws');

const [base, secret, countArg, rateArg] = process.argv.slice(2);
const count = Number(countArg), rate = Number(rateArg);
const b64 = o => Buffer.from(JSON.stringify(o)).toString('base64url');
const head = b64({ alg: 'HS256', typ: 'JWT' }), claims = b64({ sub: 'latency' });
const token = `${head}.${claims}.${createHmac('sha256', secret).update(`${head}.${claims}`).digest('base64url')}`;

const client = new Centrifuge(base.replace('http', 'ws') + '/connection/websocket', { websocket: WebSocket, token });
const latencies = [];
let done;
const finished = new Promise(r => (done = r));
const sub = client.newSubscription('latency');
sub.on('publication', ctx => {
  latencies.push(performance.timeOrigin + performance.now() - ctx.data.sentAt);
  if (latencies.length === count) done();
});
sub.subscribe();
client.connect();
await sub.ready(10000);

for (let i = 0; i < count; i++) {
  const body = JSON.stringify({ method: 'publish', params: { channel: 'latency', data: { sentAt: performance.timeOrigin + performance.now() } } });
  const sign = createHmac('sha256', secret).update(body).digest('hex');
  await fetch(base + '/api/', { method: 'POST', body, headers: { 'X-API-Sign': sign } });
  await new Promise(r => setTimeout(r, 1000 / rate));
}
await Promise.race([finished, new Promise(r => setTimeout(r, 10000))]);
latencies.sort((a, b) => a - b);
const q = p => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
console.log(JSON.stringify({ received: latencies.length, sent: count, p50: q(0.5), p99: q(0.99) }));
client.disconnect();

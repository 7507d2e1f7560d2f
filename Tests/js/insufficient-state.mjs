// "Insufficient state" with the official centrifuge SDK (ws on Node 20): the server ends a subscription that missed a
// publication it cannot deliver with the unsubscribe push 2500, and the SDK resubscribes recovering by itself. Every
// step prints one JSON line {"step", ...}; the xunit test asserts them and makes the hole between "ready" and
// "resubscribed". Input from env: WS_URL, API_URL, SECRET, USER, CHANNEL (a channel with recovery).
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';
import { report, fail, jwt, publish as publishTo, sleep } from './scenario.mjs';

const { WS_URL, USER, CHANNEL } = process.env;
const publish = (data) => publishTo(CHANNEL, data);
async function until(condition, what) {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`no ${what}`);
    await sleep(50);
  }
}

try {
  const client = new Centrifuge(WS_URL, { websocket: WebSocket, token: jwt({ sub: USER }), minReconnectDelay: 100, maxReconnectDelay: 1000 });
  const sub = client.newSubscription(CHANNEL, { minResubscribeDelay: 100, maxResubscribeDelay: 1000 });
  const received = [];
  const events = [];
  sub.on('publication', ctx => received.push({ n: ctx.data.n, offset: ctx.offset }));
  sub.on('subscribing', ctx => events.push({ sub: 'subscribing', code: ctx.code }));
  sub.on('subscribed', ctx => events.push({ sub: 'subscribed', wasRecovering: ctx.wasRecovering, recovered: ctx.recovered }));
  sub.on('unsubscribed', ctx => events.push({ sub: 'unsubscribed', code: ctx.code }));
  client.on('disconnected', ctx => events.push({ client: 'disconnected', code: ctx.code }));
  sub.subscribe();
  client.connect();
  await until(() => sub.state === 'subscribed', 'subscription');
  await publish({ n: 1 });
  await until(() => received.some(p => p.n === 1), 'publication 1');
  events.length = 0; // the first subscribe is not of interest
  report('ready');

  // The test makes the hole; the SDK must be told, resubscribe with recovery, and then get what comes next live.
  await until(() => events.some(e => e.sub === 'subscribing' && e.code === 2500) && sub.state === 'subscribed', 'resubscribe after 2500');
  await publish({ n: 100 });
  await until(() => received.some(p => p.n === 100), 'publication after the resubscribe');
  report('resubscribed', { events, received, clientState: client.state });
  client.disconnect();
  process.exit(0);
} catch (error) {
  fail(error);
}

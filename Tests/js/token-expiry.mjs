// Expiring tokens with the official centrifuge SDK (ws on Node 20). Every step prints one JSON line {"step", ...};
// the xunit test asserts them. Input from env: WS_URL, API_URL, SECRET, USER, CHANNEL (private, "$..."),
// TTL (seconds a token lives), MODE: "refresh" (getToken answers with fresh tokens) or "lapse" (getToken never answers).
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';
import { report, fail, jwt, publish as publishTo, sleep } from './scenario.mjs';

const { WS_URL, USER, CHANNEL, TTL, MODE } = process.env;
const ttl = Number(TTL);
const expiry = () => Math.floor(Date.now() / 1000) + ttl;
const publish = (data) => publishTo(CHANNEL, data);

const next = (emitter, event) => new Promise(resolve => emitter.once(event, resolve));
const never = () => new Promise(() => {});

try {
  let connectionTokens = 0;
  let subscriptionTokens = 0;
  const client = new Centrifuge(WS_URL, {
    websocket: WebSocket,
    // Lapsing, the connection outlives the subscription so that both ends are seen.
    token: jwt({ sub: USER, exp: expiry() + (MODE === 'lapse' ? ttl : 0) }),
    getToken: () => { connectionTokens++; return MODE === 'refresh' ? Promise.resolve(jwt({ sub: USER, exp: expiry() })) : never(); },
    minReconnectDelay: 100,
    maxReconnectDelay: 1000,
  });
  const sub = client.newSubscription(CHANNEL, {
    token: jwt({ sub: USER, channel: CHANNEL, exp: expiry() }),
    getToken: () => { subscriptionTokens++; return MODE === 'refresh' ? Promise.resolve(jwt({ sub: USER, channel: CHANNEL, exp: expiry() })) : never(); },
  });
  const events = [];
  client.on('connecting', ctx => events.push({ client: 'connecting', code: ctx.code }));
  client.on('disconnected', ctx => events.push({ client: 'disconnected', code: ctx.code }));
  sub.on('subscribing', ctx => events.push({ sub: 'subscribing', code: ctx.code }));
  sub.on('unsubscribed', ctx => events.push({ sub: 'unsubscribed', code: ctx.code }));
  const subscribed = next(sub, 'subscribed');
  sub.subscribe();
  client.connect();
  await subscribed;
  events.length = 0; // the first connect and subscribe are not of interest
  report('subscribed');

  if (MODE === 'refresh') {
    // Several lifetimes of the tokens: the connection and the subscription live on through refresh and sub_refresh.
    await sleep(ttl * 4000);
    const received = new Promise(resolve => sub.on('publication', ctx => resolve(ctx.data)));
    await publish({ after: 'refreshes' });
    report('refreshed', { connectionTokens, subscriptionTokens, state: client.state, subState: sub.state, data: await received, events });
  } else {
    // Nobody refreshes: the server ends the subscription (2501) and the connection (3005) after their grace.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(events.some(e => e.sub === 'subscribing' && e.code === 2501) && events.some(e => e.client === 'connecting' && e.code === 3005))) {
      await sleep(100);
    }
    report('lapsed', { connectionTokens, subscriptionTokens, events });
  }
  client.disconnect();
  process.exit(0);
} catch (error) {
  fail(error);
}

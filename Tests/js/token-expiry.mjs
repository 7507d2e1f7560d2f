// Expiring tokens with the official centrifuge SDK (ws on Node 20). Every step prints one JSON line {"step", ...};
// the xunit test asserts them. Input from env: WS_URL, API_URL, SECRET, USER, CHANNEL (private, "$..."),
// TTL (seconds a token lives), MODE: "refresh" (getToken answers with fresh tokens) or "lapse" (getToken never answers).
import { createHmac } from 'node:crypto';
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';

const { WS_URL, API_URL, SECRET, USER, CHANNEL, TTL, MODE } = process.env;
const ttl = Number(TTL);
const report = (step, fields = {}) => console.log(JSON.stringify({ step, ...fields }));
const fail = (error) => { report('failed', { error: String(error?.message ?? JSON.stringify(error)) }); process.exit(1); };
setTimeout(() => fail('scenario timed out'), 90_000).unref();

const b64 = (value) => Buffer.from(value).toString('base64url');
function jwt(claims) {
  const input = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.' + b64(JSON.stringify(claims));
  return input + '.' + createHmac('sha256', SECRET).update(input).digest('base64url');
}
const expiry = () => Math.floor(Date.now() / 1000) + ttl;

async function publish(data) {
  const body = JSON.stringify({ method: 'publish', params: { channel: CHANNEL, data } });
  const sign = createHmac('sha256', SECRET).update(body).digest('hex');
  const response = await fetch(API_URL, { method: 'POST', body, headers: { 'X-API-Sign': sign } });
  const result = await response.json();
  if (result.error) throw new Error(`publish: ${result.error}`);
}

const next = (emitter, event) => new Promise(resolve => emitter.once(event, resolve));
const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms));
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

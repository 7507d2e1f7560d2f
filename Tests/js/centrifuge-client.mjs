// The real-client scenario: the official centrifuge SDK (with ws, as Node 20 has no WebSocket) against a
// gateway. Every step prints one JSON line {"step", ...}; the xunit test asserts them. Input from env:
// WS_URL, API_URL, SECRET, TOKEN, USER, CHANNEL, PRIVATE_CHANNEL, PRIVATE_TOKEN.
import { createHmac } from 'node:crypto';
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';

const { WS_URL, API_URL, SECRET, TOKEN, USER, CHANNEL, PRIVATE_CHANNEL, PRIVATE_TOKEN } = process.env;
const report = (step, fields = {}) => console.log(JSON.stringify({ step, ...fields }));
const fail = (error) => { report('failed', { error: String(error?.message ?? JSON.stringify(error)) }); process.exit(1); };
setTimeout(() => fail('scenario timed out'), 90_000).unref();

async function api(method, params) {
  const body = JSON.stringify({ method, params });
  const sign = createHmac('sha256', SECRET).update(body).digest('hex');
  const response = await fetch(API_URL, { method: 'POST', body, headers: { 'X-API-Sign': sign } });
  const result = await response.json();
  if (result.error) throw new Error(`${method}: ${result.error}`);
  return result.body;
}

function next(emitter, event, predicate = () => true) {
  return new Promise(resolve => {
    const handler = ctx => { if (predicate(ctx)) { emitter.off(event, handler); resolve(ctx); } };
    emitter.on(event, handler);
  });
}

function collect(sub, count) {
  const received = [];
  return new Promise(resolve => {
    const handler = ctx => { received.push(ctx.data); if (received.length === count) { sub.off('publication', handler); resolve(received); } };
    sub.on('publication', handler);
  });
}

try {
  const client = new Centrifuge(WS_URL, { websocket: WebSocket, token: TOKEN, minReconnectDelay: 100, maxReconnectDelay: 1000 });
  client.on('error', ctx => report('client-error', { error: ctx.error }));
  const sub = client.newSubscription(CHANNEL);
  const connected = next(client, 'connected');
  const subscribed = next(sub, 'subscribed');
  sub.subscribe();
  client.connect();
  report('connected', { client: (await connected).client });
  const first = await subscribed;
  report('subscribed', { recoverable: first.recoverable, offset: first.streamPosition?.offset, epoch: first.streamPosition?.epoch });

  const live = collect(sub, 1);
  await api('publish', { channel: CHANNEL, data: { n: 1 } });
  report('publication', { data: (await live)[0] });

  const presence = await sub.presence();
  report('presence', { users: Object.values(presence.clients).map(c => c.user) });
  const stats = await sub.presenceStats();
  report('presence-stats', { numClients: stats.numClients, numUsers: stats.numUsers });
  const history = await sub.history({ limit: 10 });
  report('history', { data: history.publications.map(p => p.data), offset: history.offset, epoch: history.epoch });

  const secret = client.newSubscription(PRIVATE_CHANNEL, { token: PRIVATE_TOKEN });
  const secretSubscribed = next(secret, 'subscribed');
  secret.subscribe();
  await secretSubscribed;
  const secretPub = collect(secret, 1);
  await api('publish', { channel: PRIVATE_CHANNEL, data: { secret: true } });
  report('private', { data: (await secretPub)[0] });

  // Missed while away: recovered on the resubscribe that follows the reconnect.
  const disconnected = next(client, 'disconnected');
  client.disconnect();
  await disconnected;
  await api('publish', { channel: CHANNEL, data: { n: 2 } });
  await api('publish', { channel: CHANNEL, data: { n: 3 } });
  const resubscribed = next(sub, 'subscribed');
  const missed = collect(sub, 2);
  client.connect();
  const again = await resubscribed;
  report('recovered', { wasRecovering: again.wasRecovering, recovered: again.recovered, data: await missed });

  const kicked = next(client, 'disconnected');
  await api('disconnect', { user: USER });
  const ctx = await kicked;
  // Give a wrongly scheduled reconnect time to show itself.
  await new Promise(resolve => setTimeout(resolve, 1500));
  report('disconnected', { code: ctx.code, reason: ctx.reason, state: client.state });
  process.exit(0);
} catch (error) {
  fail(error);
}

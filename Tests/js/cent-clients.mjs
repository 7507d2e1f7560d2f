// The official server API clients cent.js 2.x (Centrifugo v2/v3: POST /api, Authorization: apikey) and 6.x
// (v4-v6: POST /api/<method>, X-API-Key; its pipeline posts v2-style lines to /api) call every method they have,
// while a centrifuge SDK connection of the same user shows the effects. One JSON line {"step", ...} per step,
// named "<generation>:<method>". Input from env: API_URL (.../api), API_KEY, WS_URL, TOKEN, USER, CHANNEL (history and
// presence on), SERVER_CHANNEL (for server-side subscribe), OTHER_CHANNEL.
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';
import { CentClient as CentV2 } from 'cent-v2';
import { CentClient as CentV6 } from 'cent-v6';

const { API_URL, API_KEY, WS_URL, TOKEN, USER, CHANNEL, SERVER_CHANNEL, OTHER_CHANNEL } = process.env;
const report = (step, fields = {}) => console.log(JSON.stringify({ step, ...fields }));
const fail = (error) => { report('failed', { error: String(error?.stack ?? error?.message ?? JSON.stringify(error)) }); process.exit(1); };
setTimeout(() => fail('scenario timed out'), 90_000).unref();

function next(emitter, event, predicate = () => true) {
  return new Promise(resolve => {
    const handler = ctx => { if (predicate(ctx)) { emitter.off(event, handler); resolve(ctx); } };
    emitter.on(event, handler);
  });
}

async function connect() {
  const client = new Centrifuge(WS_URL, { websocket: WebSocket, token: TOKEN, minReconnectDelay: 100, maxReconnectDelay: 1000 });
  const sub = client.newSubscription(CHANNEL);
  const connected = next(client, 'connected');
  const subscribed = next(sub, 'subscribed');
  sub.subscribe();
  client.connect();
  const ctx = await connected;
  await subscribed;
  return { client, sub, id: ctx.client };
}

// Every method of one cent.js generation; `call` throws on an error reply.
async function run(generation, cent, call, connection) {
  const step = (method, fields) => report(`${generation}:${method}`, fields);

  const received = next(connection.sub, 'publication', ctx => ctx.data.generation === generation);
  step('publish', { result: await call(() => cent.publish({ channel: CHANNEL, data: { generation, n: 1 } })) });
  step('publication', { data: (await received).data });

  step('broadcast', { result: await call(() => cent.broadcast({ channels: [CHANNEL, OTHER_CHANNEL], data: { generation, n: 2 } })) });
  step('presence', { result: await call(() => cent.getPresence({ channel: CHANNEL })) });
  step('presence_stats', { result: await call(() => cent.getPresenceStats({ channel: CHANNEL })) });
  step('history', { result: await call(() => cent.getHistory({ channel: CHANNEL, limit: 10 })) });
  step('channels', { result: await call(() => cent.getChannels({ pattern: 'chat:*' })) });
  step('info', { result: await call(() => cent.getInfo({})) });

  const serverSubscribed = next(connection.client, 'subscribed', ctx => ctx.channel === SERVER_CHANNEL);
  step('subscribe', { result: await call(() => cent.subscribe({ user: USER, channel: SERVER_CHANNEL })) });
  step('server-subscribed', { channel: (await serverSubscribed).channel });
  const serverUnsubscribed = next(connection.client, 'unsubscribed', ctx => ctx.channel === SERVER_CHANNEL);
  step('unsubscribe', { result: await call(() => cent.unsubscribe({ user: USER, channel: SERVER_CHANNEL })) });
  step('server-unsubscribed', { channel: (await serverUnsubscribed).channel });

  step('refresh', { result: await call(() => cent.refresh({ user: USER })) });
  step('history_remove', { result: await call(() => cent.removeHistory({ channel: CHANNEL })) });
  step('history-after-remove', { result: await call(() => cent.getHistory({ channel: CHANNEL, limit: 10 })) });

  step('pipeline', { results: await cent.pipeline([
    { method: 'publish', params: { channel: CHANNEL, data: { generation, n: 3 } } },
    { method: 'presence_stats', params: { channel: CHANNEL } },
  ]) });

  // A client disconnected with Centrifugo's default (3503) stays disconnected.
  const disconnected = next(connection.client, 'disconnected');
  step('disconnect', { result: await call(() => cent.disconnect({ user: USER, client: connection.id })) });
  step('disconnected', { code: (await disconnected).code });
}

try {
  // cent.js 2.x answers `result` and leaves errors in the body: its call returns undefined then.
  const v2 = new CentV2({ url: API_URL, token: API_KEY });
  const v2call = async (method) => {
    const result = await method();
    if (result === undefined) throw new Error('cent.js 2.x got no result');
    return result;
  };
  await run('v2', v2, v2call, await connect());
  report('v2:unknown-channel', { result: await v2.publish({ channel: 'nowhere:x', data: {} }) ?? null });

  const v6 = new CentV6({ url: API_URL, apiKey: API_KEY });
  await run('v6', v6, method => method(), await connect());
  // cent.js 6.x throws on an error reply (a CentException wrapping the {code, message} object).
  report('v6:unknown-channel', { threw: await v6.publish({ channel: 'nowhere:x', data: {} }).then(() => false, () => true) });

  report('done');
  process.exit(0);
} catch (error) {
  fail(error);
}

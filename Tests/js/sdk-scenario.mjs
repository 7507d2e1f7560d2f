// The real-client scenario, the same for every official `centrifuge` SDK generation: connect, subscribe,
// receive a publication from the server API, presence, history, private channel, client publish, recovery
// after a reconnect, server-side disconnect. Every step prints one JSON line {"step", ...}; the xunit test
// asserts them. Input from env:
//   SDK              5 | 4 | 3 | 2 | 1 (the npm package: centrifuge, or the alias centrifuge-vN)
//   PROTOCOL         json | protobuf
//   TRANSPORT        websocket | http_stream | sse (5.x only for the last two)
//   WS_URL           the client's gateway (ws://host:port/connection/websocket; its HTTP base for the streams)
//   EMULATION_URL    where emulated transports post their commands (another gateway than the stream's, to test routing)
//   API_URL, API     the server API's gateway (http://host:port) and its generations, comma-separated: v1 (POST /api/,
//                    X-API-Sign), v2/v3 (POST /api, Authorization: apikey), v4/v5/v6 (POST /api/<method>, X-API-Key).
//                    The first publishes the scenario's messages, the last disconnects, each publishes once to the
//                    private channel (step "generations").
//   SECRET, API_KEY  the token/v1 API secret, the v2+ API key
//   USER, CHANNEL, PRIVATE_CHANNEL  (the channels need history with recovery, presence and client publish)
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';

const env = process.env;
const { SDK = '5', PROTOCOL = 'json', TRANSPORT = 'websocket', WS_URL, EMULATION_URL, API_URL, API = 'v1', SECRET, API_KEY, USER, CHANNEL, PRIVATE_CHANNEL } = env;
const binary = PROTOCOL === 'protobuf';
const GENERATIONS = API.split(',');
const report = (step, fields = {}) => console.log(JSON.stringify({ step, ...fields }));
const fail = (error) => { report('failed', { error: String(error?.message ?? JSON.stringify(error)) }); process.exit(1); };
setTimeout(() => fail('scenario timed out'), 90_000).unref();

// ---- tokens (HS256 JWT for v2+, HMAC signs for v1) ----
const b64url = (value) => Buffer.from(value).toString('base64url');
const hmac = (...parts) => { const h = createHmac('sha256', SECRET); for (const part of parts) h.update(part); return h; };
function jwt(claims) {
  const unsigned = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${unsigned}.${hmac(unsigned).digest('base64url')}`;
}

// ---- the server API, by generation ----
async function api(method, params, version = GENERATIONS[0]) {
  const generation = Number(version.replace('v', ''));
  let url = API_URL.replace(/\/$/, '');
  let body;
  const headers = { 'Content-Type': 'application/json' };
  if (generation === 1) {
    url += '/api/';
    body = JSON.stringify({ method, params });
    headers['X-API-Sign'] = hmac(body).digest('hex');
  } else if (generation <= 3) {
    url += '/api';
    body = JSON.stringify({ method, params });
    headers.Authorization = `apikey ${API_KEY}`;
  } else {
    url += `/api/${method}`;
    body = JSON.stringify(params);
    headers['X-API-Key'] = API_KEY;
  }

  const response = await fetch(url, { method: 'POST', body, headers });
  const text = await response.text();
  if (!response.ok) throw new Error(`${version} ${method}: HTTP ${response.status} ${text}`);
  const reply = JSON.parse(text.split('\n')[0]);
  if (reply.error) throw new Error(`${version} ${method}: ${JSON.stringify(reply.error)}`);
  return reply;
}

// Payloads are JSON; Protobuf SDKs carry them as bytes.
const encode = (value) => (binary ? Buffer.from(JSON.stringify(value)) : value);
const decode = (data) => (binary && data instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(data)) : data);

// The WebSocket the SDKs get (and fetch, for HTTP streams): records the subprotocol the server accepted, or the
// stream's content type, so the test sees what was spoken.
let subprotocol = null;
let streamType = null;
const recordingFetch = (url, init) => fetch(url, init).then(response => {
  if (String(url).includes('/connection/')) streamType = response.headers.get('content-type');
  return response;
});
class RecordingWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols);
    this.on('open', () => { subprotocol = this.protocol; });
  }
}

// ---- one adapter per SDK generation, with the same small surface ----
async function importSdk(path) {
  const module = await import(path);
  return module.Centrifuge ?? module.default?.Centrifuge ?? module.default?.default ?? module.default;
}

/** centrifuge 3.x, 4.x, 5.x: the current API (Centrifugo v4+). */
async function modern() {
  const pkg = SDK === '5' ? 'centrifuge' : `centrifuge-v${SDK}`;
  const Centrifuge = await importSdk(binary ? `${pkg}/build/protobuf${SDK === '5' ? '' : '/index.js'}` : pkg);
  let endpoint = WS_URL;
  const options = { websocket: RecordingWebSocket, protocol: PROTOCOL, token: jwt({ sub: USER }), minReconnectDelay: 100, maxReconnectDelay: 1000 };
  if (TRANSPORT !== 'websocket') {
    const base = WS_URL.replace(/^ws/, 'http').replace(/\/connection\/websocket$/, '');
    endpoint = [{ transport: TRANSPORT, endpoint: `${base}/connection/${TRANSPORT}` }];
    options.emulationEndpoint = `${(EMULATION_URL ?? base).replace(/\/$/, '')}/emulation`;
    options.fetch = recordingFetch;
    if (TRANSPORT === 'sse') options.eventsource = (await import('eventsource')).EventSource;
  }

  const client = new Centrifuge(endpoint, options);
  client.on('error', ctx => report('client-error', { error: ctx.error }));
  return {
    connect: () => { const p = once(client, 'connected'); client.connect(); return p.then(ctx => ({ client: ctx.client, transport: ctx.transport })); },
    goAway: () => { const p = once(client, 'disconnected'); client.disconnect(); return p; },
    comeBack: () => client.connect(),
    kicked: () => once(client, 'disconnected').then(ctx => ({ code: ctx.code, reason: ctx.reason })),
    state: () => client.state,
    subscribe(channel, privateChannel) {
      const sub = client.newSubscription(channel, privateChannel ? { getToken: async () => jwt({ sub: USER, channel }) } : {});
      const subscribed = () => once(sub, 'subscribed').then(ctx => ({ recoverable: ctx.recoverable, wasRecovering: ctx.wasRecovering, recovered: ctx.recovered }));
      const first = subscribed();
      sub.subscribe();
      return {
        subscribed: first,
        resubscribed: subscribed,
        onPublication: (handler) => sub.on('publication', ctx => handler(decode(ctx.data))),
        publish: (data) => sub.publish(encode(data)),
        presence: async () => Object.values((await sub.presence()).clients).map(c => c.user),
        presenceStats: async () => { const s = await sub.presenceStats(); return { numClients: s.numClients, numUsers: s.numUsers }; },
        history: async (limit) => { const h = await sub.history({ limit }); return { data: h.publications.map(p => decode(p.data)), offset: Number(h.offset) }; },
      };
    },
  };
}

/** centrifuge 2.x (Centrifugo v2/v3): subscribe() at once, 'publish' events, v2 private channel tokens. */
async function v2() {
  const Centrifuge = await importSdk(binary ? 'centrifuge-v2/dist/centrifuge.protobuf.js' : 'centrifuge-v2');
  const client = new Centrifuge(WS_URL, {
    websocket: RecordingWebSocket,
    protocol: binary ? 'protobuf' : '',
    minRetry: 100,
    maxRetry: 1000,
    onPrivateSubscribe: (ctx, callback) => callback({
      status: 200,
      data: { channels: ctx.data.channels.map(channel => ({ channel, token: jwt({ client: ctx.data.client, channel }) })) },
    }),
  });
  client.setToken(jwt({ sub: USER }));
  return legacyClient(client, 'connect', 'disconnect', 'publish', 'subscribe', result => result.presence, result => ({ numClients: result.num_clients, numUsers: result.num_users }), 'minRetry');
}

/** centrifuge 1.x (Centrifugo v1): user/timestamp/info credentials signed with the secret, private channels signed per client. */
async function v1() {
  globalThis.WebSocket = RecordingWebSocket;
  const { default: Centrifuge } = await import('centrifuge-v1');
  const timestamp = String(Math.floor(Date.now() / 1000));
  const info = '';
  const client = new Centrifuge({
    url: WS_URL.replace(/\/connection\/websocket$/, ''),
    user: USER,
    timestamp,
    info,
    token: hmac(USER, timestamp, info).digest('hex'),
    retry: 100,
    maxRetry: 1000,
    debug: !!env.DEBUG,
    onPrivateChannelAuth: (ctx, callback) => callback(false, Object.fromEntries(ctx.data.channels.map(channel =>
      [channel, { sign: hmac(ctx.data.client, channel, '').digest('hex'), info: '' }]))),
  });
  return legacyClient(client, 'connect', 'disconnect', 'message', 'subscribe', result => result.data, result => ({ numClients: Object.keys(result.data).length, numUsers: new Set(Object.values(result.data).map(c => c.user)).size }), 'retry', true);
}

/**
 * The shared shape of the 1.x and 2.x clients: centrifuge.subscribe(channel) with events, promise-returning calls.
 * They forget their subscriptions on disconnect(), so going away is losing the connection, with the reconnect
 * held back (retryOption) until the scenario comes back.
 */
function legacyClient(client, connectEvent, disconnectEvent, publicationEvent, subscribeEvent, presenceOf, statsOf, retryOption, isV1 = false) {
  const retry = [client._config[retryOption], client._config.maxRetry];
  return {
    connect: () => { const p = once(client, connectEvent); client.connect(); return p.then(ctx => ({ client: ctx.client, transport: ctx.transport })); },
    goAway: () => {
      const p = once(client, disconnectEvent);
      client._config[retryOption] = client._config.maxRetry = 4000; // 2-4 s with the SDK's jitter
      client._transport.close();
      return p;
    },
    comeBack: () => { [client._config[retryOption], client._config.maxRetry] = retry; },
    kicked: () => once(client, disconnectEvent).then(ctx => ({ reason: ctx.reason, reconnect: ctx.reconnect })),
    state: () => (client.isConnected() ? 'connected' : client._status),
    subscribe(channel) {
      const sub = client.subscribe(channel);
      const subscribed = () => once(sub, subscribeEvent).then(ctx => ({ recovered: ctx.recovered, wasRecovering: ctx.isResubscribe }));
      return {
        subscribed: subscribed(),
        resubscribed: subscribed,
        onPublication: (handler) => sub.on(publicationEvent, ctx => handler(decode(ctx.data))),
        publish: (data) => sub.publish(encode(data)),
        presence: async () => Object.values(presenceOf(await sub.presence())).map(c => c.user),
        presenceStats: async () => (isV1 ? statsOf(await sub.presence()) : statsOf(await sub.presenceStats())),
        history: async (limit) => {
          const h = await sub.history(isV1 ? undefined : { limit });
          const publications = isV1 ? h.data.slice().reverse() : h.publications;
          return { data: publications.map(p => decode(p.data)), offset: Number(h.offset ?? 0) };
        },
      };
    },
  };
}

function once(emitter, event) {
  return new Promise(resolve => {
    const handler = (ctx) => { emitter.off?.(event, handler) ?? emitter.removeListener(event, handler); resolve(ctx); };
    emitter.on(event, handler);
  });
}

function collect(sub, count, predicate = () => true) {
  const received = [];
  return new Promise(resolve => sub.onPublication(data => {
    if (predicate(data)) received.push(data);
    if (received.length === count) resolve(received);
  }));
}

try {
  const sdk = SDK === '1' ? await v1() : SDK === '2' ? await v2() : await modern();
  report('connected', { ...(await sdk.connect()), subprotocol, streamType });
  const sub = sdk.subscribe(CHANNEL);
  report('subscribed', await sub.subscribed);

  const live = collect(sub, 1, d => d.n === 1);
  await api('publish', { channel: CHANNEL, data: { n: 1 } });
  report('publication', { data: (await live)[0] });

  report('presence', { users: await sub.presence() });
  report('presence-stats', await sub.presenceStats());
  report('history', await sub.history(10));

  const secret = sdk.subscribe(PRIVATE_CHANNEL, true);
  await secret.subscribed;
  const secretPub = collect(secret, 1);
  await api('publish', { channel: PRIVATE_CHANNEL, data: { secret: true } });
  report('private', { data: (await secretPub)[0] });

  // One publication through each server API generation.
  const fromEach = collect(secret, GENERATIONS.length, d => typeof d.generation === 'string');
  for (const generation of GENERATIONS) {
    await api('publish', { channel: PRIVATE_CHANNEL, data: { generation } }, generation);
  }
  report('generations', { received: (await fromEach).map(d => d.generation) });

  const own = collect(sub, 1, d => d.from === 'client');
  await sub.publish({ from: 'client', user: USER });
  report('client-publish', { data: (await own)[0] });

  // Missed while away: recovered on the resubscribe that follows the reconnect.
  await sdk.goAway();
  const resubscribed = sub.resubscribed();
  const missed = collect(sub, 2, d => d.n === 2 || d.n === 3);
  await api('publish', { channel: CHANNEL, data: { n: 2 } });
  await api('publish', { channel: CHANNEL, data: { n: 3 } });
  sdk.comeBack();
  const again = await resubscribed;
  report('recovered', { ...again, data: await missed });

  const kicked = sdk.kicked();
  await api('disconnect', { user: USER }, GENERATIONS[GENERATIONS.length - 1]);
  const ctx = await kicked;
  // Give a wrongly scheduled reconnect time to show itself.
  await new Promise(resolve => setTimeout(resolve, 1500));
  report('disconnected', { ...ctx, state: sdk.state() });
  process.exit(0);
} catch (error) {
  fail(error);
}

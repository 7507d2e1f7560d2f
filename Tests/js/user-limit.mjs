// client_user_connection_limit with the official SDKs: LIMIT connections of USER are opened, then one more, which
// must end disconnected by the server and stay so (no reconnect). Prints one JSON line {"step", ...} per client;
// the xunit test asserts them. Input from env: WS_URL, SECRET, USER, LIMIT, and
//   SDK        5 | 2 | 1 (centrifuge, centrifuge-v2, centrifuge-v1)
//   TRANSPORT  websocket | http_stream | sse (5.x only for the last two)
//   PROTOCOL   json | protobuf (5.x and 2.x)
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import { report, fail, jwt, sleep } from './scenario.mjs';

const { WS_URL, SECRET, USER, LIMIT, SDK = '5', TRANSPORT = 'websocket', PROTOCOL = 'json' } = process.env;
const binary = PROTOCOL === 'protobuf';
const base = WS_URL.replace(/^ws/, 'http').replace(/\/connection\/websocket$/, '');
const once = (emitter, event) => new Promise(resolve => emitter.once(event, resolve));

/** A client of the SDK under test: connect() resolves when connected, ended() with how the server ended it. */
async function open() {
  if (SDK === '5') {
    const { Centrifuge } = await import(binary ? 'centrifuge/build/protobuf' : 'centrifuge');
    const options = { websocket: WebSocket, protocol: PROTOCOL, token: jwt({ sub: USER }), minReconnectDelay: 100, maxReconnectDelay: 500 };
    let endpoint = WS_URL;
    if (TRANSPORT !== 'websocket') {
      endpoint = [{ transport: TRANSPORT, endpoint: `${base}/connection/${TRANSPORT}` }];
      options.emulationEndpoint = `${base}/emulation`;
      if (TRANSPORT === 'sse') options.eventsource = (await import('eventsource')).EventSource;
    }

    const client = new Centrifuge(endpoint, options);
    return {
      client,
      connect: () => { const p = once(client, 'connected'); client.connect(); return p; },
      ended: () => once(client, 'disconnected').then(ctx => ({ code: ctx.code, reason: ctx.reason })),
      state: () => client.state,
      close: () => client.disconnect(),
    };
  }

  let client;
  if (SDK === '2') {
    const module = await import(binary ? 'centrifuge-v2/dist/centrifuge.protobuf.js' : 'centrifuge-v2');
    const Centrifuge = module.Centrifuge ?? module.default?.Centrifuge ?? module.default?.default ?? module.default;
    client = new Centrifuge(WS_URL, { websocket: WebSocket, protocol: binary ? 'protobuf' : '', minRetry: 100, maxRetry: 500 });
    client.setToken(jwt({ sub: USER }));
  } else {
    globalThis.WebSocket = WebSocket;
    const { default: Centrifuge } = await import('centrifuge-v1');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const token = createHmac('sha256', SECRET).update(USER).update(timestamp).update('').digest('hex');
    client = new Centrifuge({ url: base, user: USER, timestamp, info: '', token, retry: 100, maxRetry: 500 });
  }

  // A client told to reconnect would connect again and be refused again: each refusal is one more 'disconnect'.
  let refusals = 0;
  client.on('disconnect', () => refusals++);
  return {
    client,
    connect: () => { const p = once(client, 'connect'); client.connect(); return p; },
    ended: () => once(client, 'disconnect').then(ctx => ({ reason: ctx.reason, reconnect: ctx.reconnect })),
    state: () => (client.isConnected() ? 'connected' : refusals > 1 ? 'reconnecting' : 'disconnected'),
    close: () => client.disconnect(),
  };
}

try {
  const held = [];
  for (let i = 0; i < Number(LIMIT); i++) {
    const c = await open();
    await c.connect();
    held.push(c);
  }
  report('held', { count: held.length });

  const extra = await open();
  const ended = extra.ended();
  extra.client.connect();
  const how = await ended;
  // Long enough for several reconnect attempts (100-500 ms apart) if the SDK were told to retry.
  await sleep(2000);
  report('refused', { ...how, state: extra.state(), heldConnected: held.every(c => c.state() === 'connected') });
  for (const c of [...held, extra]) c.close();
  process.exit(0);
} catch (error) {
  fail(error);
}

// What the SDK scripts share: reporting steps as JSON lines for the xunit tests, HS256 tokens signed with the
// secret, and publishing through the signed v1 server API. Input from env: API_URL, SECRET.
import { createHmac } from 'node:crypto';

const { API_URL, SECRET } = process.env;

export const report = (step, fields = {}) => console.log(JSON.stringify({ step, ...fields }));
export const fail = (error) => { report('failed', { error: String(error?.message ?? JSON.stringify(error)) }); process.exit(1); };
setTimeout(() => fail('scenario timed out'), 90_000).unref();

const b64 = (value) => Buffer.from(value).toString('base64url');
export function jwt(claims) {
  const input = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.' + b64(JSON.stringify(claims));
  return input + '.' + createHmac('sha256', SECRET).update(input).digest('base64url');
}

export async function publish(channel, data) {
  const body = JSON.stringify({ method: 'publish', params: { channel, data } });
  const sign = createHmac('sha256', SECRET).update(body).digest('hex');
  const response = await fetch(API_URL, { method: 'POST', body, headers: { 'X-API-Sign': sign } });
  const result = await response.json();
  if (result.error) throw new Error(`publish: ${result.error}`);
}

export const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms));

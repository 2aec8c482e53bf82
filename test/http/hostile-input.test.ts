import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AuthorizeResponse } from '../../contracts/index.js';
import { klarnaClient } from '../support/klarna-client.js';
import { AUTHORIZE_URL, loadSamples } from '../support/samples.js';
import { servedApp } from '../support/test-app.js';

const STEP_UP = loadSamples()['initial-authorization-step-up']?.body as Record<string, unknown>;
const withReturnUrl = (returnUrl: string) => ({
  ...STEP_UP,
  step_up_config: { customer_interaction_config: { method: 'HANDOVER', return_url: returnUrl } },
});

const served = servedApp();

const client = klarnaClient(() => served.base);

/** Sends a request with a Host header of our choosing (fetch sets its own), over a plain socket. */
function rawRequest(head: string, body: string): Promise<string> {
  const { hostname, port } = new URL(served.base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(`${head}\r\n\r\n${body}`));
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
  });
}
async function stepUpWithHost(host: string | undefined) {
  const body = JSON.stringify(STEP_UP);
  const head = [
    `POST ${AUTHORIZE_URL()} HTTP/1.1`,
    ...(host === undefined ? [] : [`Host: ${host}`]),
    'Authorization: Basic klarna_test_api_k',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ].join('\r\n');
  const text = await rawRequest(head, body);
  const json = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
  return String(
    AuthorizeResponse.parse(json).payment_request?.state_context?.customer_interaction?.payment_request_url,
  );
}

describe('return_url', () => {
  it.each([
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'ftp://shop.example/back',
  ])('refuses %s: http and https only', async (returnUrl) => {
    const answer = await client.authorize(withReturnUrl(returnUrl));
    expect(answer.status).toBe(400);
    expect(answer.error()).toMatchObject({
      error_code: 'VALIDATION_ERROR',
      validation_errors: [{ parameter: 'step_up_config.customer_interaction_config.return_url' }],
    });
  });

  it.each([
    ['a non-ASCII character', 'https://example.com/€?q=ü', 'https://example.com/%E2%82%AC?q=%C3%BC'],
    ['a NUL', 'https://example.com/a\u0000b', 'https://example.com/a%00b'],
    ['a lone surrogate', 'https://example.com/a\ud800b', 'https://example.com/a%EF%BF%BDb'],
    ['a space', 'https://example.com/a b', 'https://example.com/a%20b'],
  ])('sends the browser on with a percent-encoded Location when it has %s', async (_name, returnUrl, location) => {
    const answer = await client.authorize(withReturnUrl(returnUrl));
    expect(answer.status).toBe(200);
    const id = String(answer.ok().payment_request?.payment_request_id);
    const response = await fetch(`${served.base}/pay/requests/${id.split(':').pop()}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect([response.status, response.statusText]).toEqual([303, 'See Other']);
    expect(response.headers.get('location')).toBe(location);
  });
});

describe('payment_request_url', () => {
  it('ignores a Host that is not host[:port] and names the address the request reached', async () => {
    const { port } = new URL(served.base);
    for (const host of ['127.0.0.1:4801@evil.example', 'evil.example/x?', 'a b', '[::1', 'h:99999']) {
      expect(await stepUpWithHost(host)).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/pay/requests/`));
    }
  });

  it('uses a Host that is host[:port], as before', async () => {
    expect(await stepUpWithHost('shop.localtest.me:8080')).toMatch(/^http:\/\/shop\.localtest\.me:8080\/pay\//);
    expect(await stepUpWithHost('[::1]:4747')).toMatch(/^http:\/\/\[::1\]:4747\/pay\//);
  });

  it('names the address the request reached when there is no Host', async () => {
    const { port } = new URL(served.base);
    expect(await stepUpWithHost(undefined)).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/pay/requests/`));
  });
});

describe('a __proto__ or constructor key', () => {
  it.each([
    ['{"currency":"USD","__proto__":{"x":1}}', '__proto__', 'a key named __proto__ is refused'],
    [
      '{"currency":"USD","supplementary_purchase_data":{"line_items":[{"name":"a","__proto__":{}}]}}',
      'supplementary_purchase_data.line_items[0].__proto__',
      'a key named __proto__ is refused',
    ],
    [
      '{"currency":"USD","x":{"constructor":{"prototype":{"y":1}}}}',
      'x.constructor',
      'a key named constructor holding prototype is refused',
    ],
    ['{"currency":"USD","\\u005f_proto__":1}', '__proto__', 'a key named __proto__ is refused'],
  ])('is refused in an authorize body %s as a validation error naming its path', async (text, parameter, reason) => {
    const response = await client.authorize(text);
    expect(response.status).toBe(400);
    expect(response.error()).toMatchObject({
      error_code: 'VALIDATION_ERROR',
      validation_errors: [{ parameter, reason }],
    });
  });

  it('is refused in an admin body the same way', async () => {
    const response = await client.admin.arm('{"scenario":{"name":"x","__proto__":{"error":"INTERNAL_ERROR"}}}');
    expect(response.status).toBe(400);
    expect(response.error().validation_errors).toEqual([
      { parameter: 'scenario.__proto__', reason: 'a key named __proto__ is refused' },
    ]);
  });

  it('is still JSON: a malformed body is still not valid JSON', async () => {
    const response = await client.authorize('{"__proto__":');
    expect(response.error().error_code).toBe('INVALID_CONTENT_TYPE');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftReport, RequestList } from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { buildProxy, type ProxyApp } from '../../mock-server/http/proxy/build-proxy.js';
import { ACCOUNT, AUTHORIZE_URL, loadSamples } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

// Upstream: a simulator. Two identical simulators (same clock, same ids) answer the same calls, one directly and
// one through the proxy: the answers must be the same, the journal must show them, and there is no drift.

const config = { publicUrl: 'http://shop.test' };
const AUTH = { authorization: 'Basic klarna_test_api_key', 'content-type': 'application/json' };
const STEP_UP = loadSamples()['initial-authorization-step-up']?.body;
const CREATE = { currency: 'USD', amount: 1000, customer_interaction_config: { method: 'SDK' } };
const REQUESTS = `/v2/accounts/${encodeURIComponent(ACCOUNT)}/payment/requests`;

let direct: { app: MockApp; base: string };
let upstream: MockApp;
let proxy: ProxyApp;
let proxied: string;

beforeAll(async () => {
  const first = (await testApp({ config })).app;
  direct = { app: first, base: await listening(first) };
  upstream = (await testApp({ config })).app;
  proxy = await buildProxy({ upstream: await listening(upstream) });
  await proxy.listen({ port: 0, host: '127.0.0.1' });
  proxied = `http://127.0.0.1:${(proxy.server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await proxy.close();
  await Promise.all([direct.app.close(), upstream.close()]);
});

/** The same call to both, answered with status, the headers that matter and the body. */
async function both(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const call = async (base: string) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      correlation: response.headers.get('klarna-correlation-id'),
      replayed: response.headers.get('idempotent-replayed'),
      body: await response.json(),
    };
  };
  const [answer, throughProxy] = [await call(direct.base), await call(proxied)];
  expect(throughProxy).toEqual(answer);
  return answer;
}

const journal = async () => RequestList.parse(await (await fetch(`${proxied}/__mock/requests`)).json()).requests;

describe('the proxy in front of a simulator', () => {
  it('answers authorize, payment request create and read as the simulator does directly', async () => {
    const key = { 'klarna-idempotency-key': '6c1b3e0a-2f4d-4b8e-9a71-1c2d3e4f5a6b' };
    const authorized = await both('POST', AUTHORIZE_URL(), { ...AUTH, ...key }, STEP_UP);
    expect(authorized.body.payment_transaction_response.result).toBe('STEP_UP_REQUIRED');
    const replay = await both('POST', AUTHORIZE_URL(), { ...AUTH, ...key }, STEP_UP);
    expect(replay.replayed).toBe('true');
    const created = await both('POST', REQUESTS, AUTH, CREATE);
    expect(created.status).toBe(201);
    const id = created.body.payment_request_id as string;
    const read = await both('GET', `${REQUESTS}/${encodeURIComponent(id)}`, { authorization: AUTH.authorization });
    expect(read.body).toMatchObject({ payment_request_id: id, state: 'SUBMITTED' });
    const missing = await both('GET', `${REQUESTS}/nope`, { authorization: AUTH.authorization });
    expect(missing.status).toBe(404);
  });

  it('journals each exchange like the simulator, credentials redacted, under the upstream correlation id', async () => {
    const entries = await journal();
    expect(entries.map((e) => [e.method, e.status, e.result ?? null, e.replayed])).toEqual([
      ['POST', 200, 'STEP_UP_REQUIRED', false],
      ['POST', 200, 'STEP_UP_REQUIRED', true],
      ['POST', 201, null, false],
      ['GET', 200, null, false],
      ['GET', 404, null, false],
    ]);
    const upstreamIds = (await upstream.journal.entries()).map((e) => e.id);
    expect(entries.map((e) => e.id)).toEqual(upstreamIds);
    expect(entries[0]?.headers.authorization).toBe('[redacted]');
    expect(entries[0]?.account).toBe(ACCOUNT);
    expect(entries[2]?.body).toEqual(CREATE);
    expect(entries[4]?.findings.map((f) => f.code)).toEqual(['RESOURCE_NOT_FOUND']);
  });

  it('gives the client report of the same requests as the simulator gives', async () => {
    const ofProxy = await (await fetch(`${proxied}/__mock/report?account=${encodeURIComponent(ACCOUNT)}`)).json();
    const ofUpstream = await (
      await fetch(`${direct.base}/__mock/report?account=${encodeURIComponent(ACCOUNT)}`)
    ).json();
    expect(ofProxy.requests).toBe(ofUpstream.requests);
    expect(ofProxy.findings.map((f: { code: string }) => f.code).sort()).toEqual(
      ofUpstream.findings.map((f: { code: string }) => f.code).sort(),
    );
  });

  it('checks transactions and webhook management against the same contracts', async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${proxied}${path}`, {
        method,
        headers: body === undefined ? { authorization: AUTH.authorization } : AUTH,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: response.status === 204 ? null : await response.json() };
    };
    const approved = await call('POST', AUTHORIZE_URL(), {
      currency: 'USD',
      request_payment_transaction: { amount: 1000, payment_transaction_reference: 'ref-1' },
    });
    const transaction = approved.body.payment_transaction_response.payment_transaction.payment_transaction_id;
    const path = `/v2/accounts/${encodeURIComponent(ACCOUNT)}/payment/transactions/${encodeURIComponent(transaction)}`;
    expect((await call('GET', path)).status).toBe(200);
    const key = await call('POST', '/v2/notification/signing-keys');
    expect(key.status).toBe(201);
    const hook = await call('POST', '/v2/notification/webhooks', {
      url: 'https://partner.example/klarna/webhooks',
      event_types: ['payment.*'],
      signing_key_id: key.body.signing_key_id,
    });
    expect(hook.status).toBe(201);
    expect((await call('GET', '/v2/notification/webhooks')).status).toBe(200);
    expect((await call('DELETE', `/v2/notification/webhooks/${encodeURIComponent(hook.body.webhook_id)}`)).status).toBe(
      204,
    );
  });

  it('finds no drift in the simulator', async () => {
    const report = DriftReport.parse(await (await fetch(`${proxied}/__mock/drift`)).json());
    expect(report).toMatchObject({
      checked: 11,
      unchecked: 0,
      upstream_failures: 0,
      unknown_fields: [],
      violations: [],
      undocumented_statuses: [],
      dropped: 0,
    });
  });
});

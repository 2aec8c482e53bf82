import { gunzipSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftReport, RequestList } from '../../contracts/index.js';
import { driftText } from '../../mock-server/core/proxy/drift-text.js';
import { buildProxy, type ProxyApp } from '../../mock-server/http/proxy/build-proxy.js';
import { ACCOUNT } from '../support/samples.js';
import { closedPort } from '../support/test-app.js';

// A fake upstream that drifts from the contracts in four known ways, one per route: the proxy must pass each answer
// on unchanged and name each drift by operation, status and path.

const PAYMENT = `/v2/accounts/${encodeURIComponent(ACCOUNT)}/payment`;
const AUTH = { authorization: 'Basic klarna_test_api_key' };
const REQUEST_ID = 'krn:payment:eu1:request:00000000-0000-4000-8000-000000000001';

function driftingUpstream(): FastifyInstance {
  const app = Fastify({ forceCloseConnections: true });
  const correlated = (id: string) => ({ 'klarna-correlation-id': id });
  // An unknown response field.
  app.post('/v2/accounts/:account/payment/authorize', async (_request, reply) =>
    reply.headers(correlated('c-authorize')).send({
      payment_transaction_response: { result: 'DECLINED', result_reason: 'RISK', risk_score: 7 },
    }),
  );
  // A wrong type.
  app.get('/v2/accounts/:account/payment/requests/:id', async (_request, reply) =>
    reply.headers(correlated('c-read')).send({ payment_request_id: REQUEST_ID, state: 'SUBMITTED', amount: '1000' }),
  );
  // A status code the operation does not document.
  app.post('/v2/accounts/:account/payment/requests', async (_request, reply) =>
    reply.code(202).headers(correlated('c-create')).send({ payment_request_id: REQUEST_ID, state: 'SUBMITTED' }),
  );
  // An error body without error_id.
  app.get('/v2/accounts/:account/payment/transactions/:id', async (_request, reply) =>
    reply
      .code(404)
      .headers(correlated('c-transaction'))
      .send({ error_type: 'RESOURCE_ERROR', error_code: 'RESOURCE_NOT_FOUND' }),
  );
  // Compressed: checked inflated, passed on as sent.
  app.get('/v2/notification/webhooks', async (_request, reply) =>
    reply
      .headers({ 'content-encoding': 'gzip', 'content-type': 'application/json', 'klarna-correlation-id': 'c-gzip' })
      .send(gzipSync(JSON.stringify({ webhooks: [], next_page: null }))),
  );
  // Echoes what arrived, for the pass-through test.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.all('/v2/echo/*', async (request, reply) =>
    reply
      .code(299)
      .headers({ 'x-upstream': 'yes', 'content-type': 'application/octet-stream' })
      .send(
        Buffer.concat([
          Buffer.from(`${request.method} ${request.url}\n${JSON.stringify(request.headers)}\n`),
          request.body as Buffer,
        ]),
      ),
  );
  // Never answers: the proxy's timeout.
  app.get('/v2/accounts/:account/payment/transactions/slow', () => new Promise(() => {}));
  return app;
}

let upstream: FastifyInstance;
let upstreamUrl: string;
let proxy: ProxyApp;

beforeAll(async () => {
  upstream = driftingUpstream();
  upstreamUrl = await upstream.listen({ port: 0, host: '127.0.0.1' });
  // Ample for the answers on a busy machine (300 ms once cut one short); the timeout test has a proxy of its own.
  proxy = await buildProxy({ upstream: upstreamUrl, timeoutMs: 10_000 });
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

describe('the proxy in front of an upstream that drifts', () => {
  it('passes every answer on unchanged', async () => {
    const authorized = await proxy.inject({
      method: 'POST',
      url: `${PAYMENT}/authorize`,
      headers: { ...AUTH, 'klarna-idempotency-key': 'k-1' },
      payload: { currency: 'USD', request_payment_transaction: { amount: 1000, payment_transaction_reference: 'r' } },
    });
    expect(authorized.statusCode).toBe(200);
    expect(authorized.headers['klarna-correlation-id']).toBe('c-authorize');
    expect(authorized.json().payment_transaction_response.risk_score).toBe(7);
    const read = await proxy.inject({ method: 'GET', url: `${PAYMENT}/requests/${REQUEST_ID}`, headers: AUTH });
    expect(read.json().amount).toBe('1000');
    const created = await proxy.inject({
      method: 'POST',
      url: `${PAYMENT}/requests`,
      headers: AUTH,
      payload: { currency: 'USD', amount: 1000 },
    });
    expect(created.statusCode).toBe(202);
    const transaction = await proxy.inject({ method: 'GET', url: `${PAYMENT}/transactions/krn:tx`, headers: AUTH });
    expect(transaction.statusCode).toBe(404);
    expect(transaction.json()).toEqual({ error_type: 'RESOURCE_ERROR', error_code: 'RESOURCE_NOT_FOUND' });
  });

  it('names each drift by operation, status and path in /__mock/drift', async () => {
    const report = DriftReport.parse((await proxy.inject({ method: 'GET', url: '/__mock/drift' })).json());
    expect(report.unknown_fields).toEqual([
      {
        operation: 'authorizePayment',
        status: 200,
        path: 'payment_transaction_response.risk_score',
        count: 1,
        examples: ['c-authorize'],
      },
    ]);
    expect(report.violations).toEqual([
      {
        operation: 'readPaymentRequest',
        status: 200,
        path: 'amount',
        expected: 'number (int)',
        count: 1,
        examples: [{ request_id: 'c-read', received: '"1000"' }],
      },
      {
        operation: 'readPaymentTransaction',
        status: 404,
        path: 'error_id',
        expected: 'string',
        count: 1,
        examples: [{ request_id: 'c-transaction', received: '(missing)' }],
      },
    ]);
    expect(report.undocumented_statuses).toEqual([
      {
        operation: 'createPaymentRequest',
        status: 202,
        documented: [201, 400, 401, 403, 404, 409, 429, 500, 503],
        count: 1,
        examples: ['c-create'],
      },
    ]);
    expect(report.checked).toBe(4);
  });

  it('prints the same drift when it stops, one line per kind', () => {
    const text = driftText(proxy.drift.report());
    expect(text).toContain('createPaymentRequest answered 202');
    expect(text).toContain('readPaymentRequest 200 amount: expected number (int), received "1000"');
    expect(text).toContain('readPaymentTransaction 404 error_id: expected string, received (missing)');
    expect(text).toContain('authorizePayment 200 payment_transaction_response.risk_score');
  });

  it("judges the client's requests against the contracts too: a violation is a finding in the client report", async () => {
    await proxy.inject({
      method: 'POST',
      url: `${PAYMENT}/authorize`,
      headers: AUTH,
      payload: { currency: 'usd', request_payment_transaction: { amount: '1000' } },
    });
    const [entry] = RequestList.parse(
      (await proxy.inject({ method: 'GET', url: '/__mock/requests' })).json(),
    ).requests.slice(-1);
    expect(entry?.findings.filter((f) => f.code === 'VALIDATION_ERROR').map((f) => f.parameter)).toEqual([
      'currency',
      'request_payment_transaction.amount',
    ]);
  });

  it('answers a Klarna-shaped 504 when the upstream does not answer in time, and journals it', async () => {
    const impatient = await buildProxy({ upstream: upstreamUrl, timeoutMs: 300 });
    try {
      const slow = await impatient.inject({ method: 'GET', url: `${PAYMENT}/transactions/slow`, headers: AUTH });
      expect(slow.statusCode).toBe(504);
      expect(slow.json()).toEqual({
        error_id: slow.headers['klarna-correlation-id'],
        error_type: 'TECHNICAL_ERROR',
        error_code: 'GATEWAY_TIMEOUT',
        error_message: 'The upstream did not answer within 300 ms',
      });
      const listed = await impatient.inject({ method: 'GET', url: '/__mock/requests' });
      const entries = RequestList.parse(listed.json()).requests;
      expect(entries.at(-1)).toMatchObject({ id: slow.headers['klarna-correlation-id'], status: 504 });
    } finally {
      await impatient.close();
    }
  });
});

describe('the proxy passing calls through', () => {
  it('sends method, path, query, headers and body bytes unchanged but hop-by-hop headers, and answers likewise', async () => {
    const body = Buffer.from([0xc3, 0xa4, 0x00, 0xff]);
    const answer = await proxy.inject({
      method: 'PUT',
      url: '/v2/echo/a%20b?x=1&token=secret',
      headers: { 'content-type': 'text/plain', 'x-partner': 'p', connection: 'keep-alive, x-drop', 'x-drop': 'd' },
      payload: body,
    });
    expect(answer.statusCode).toBe(299);
    expect(answer.headers['x-upstream']).toBe('yes');
    const [line, headers, ...rest] = answer.rawPayload.toString('latin1').split('\n');
    expect(line).toBe('PUT /v2/echo/a%20b?x=1&token=secret');
    const sent = JSON.parse(headers ?? '{}');
    expect(sent).toMatchObject({ 'content-type': 'text/plain', 'x-partner': 'p', 'content-length': '4' });
    expect(sent).not.toHaveProperty('x-drop');
    expect(Buffer.from(rest.join('\n'), 'latin1')).toEqual(body);
    const entries = RequestList.parse((await proxy.inject({ method: 'GET', url: '/__mock/requests' })).json()).requests;
    expect(entries.at(-1)?.path).toBe('/v2/echo/a%20b?x=1&token=[redacted]');
    expect(proxy.drift.report().unchecked).toBe(1);
  });
});

describe('the proxy and a compressed answer', () => {
  it('checks it inflated and passes it on compressed, as sent', async () => {
    const answer = await proxy.inject({ method: 'GET', url: '/v2/notification/webhooks', headers: AUTH });
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(answer.rawPayload).toString())).toEqual({ webhooks: [], next_page: null });
    expect(proxy.drift.report().unknown_fields).toContainEqual({
      operation: 'listWebhooks',
      status: 200,
      path: 'next_page',
      count: 1,
      examples: ['c-gzip'],
    });
  });
});

describe('the proxy in front of an upstream that is down', () => {
  it('answers a Klarna-shaped 502, journals it (a path naming no account under --account) and counts it', async () => {
    const down = await buildProxy({ upstream: `http://127.0.0.1:${await closedPort()}`, account: 'krn:key-account' });
    try {
      const answer = await down.inject({
        method: 'POST',
        url: `${PAYMENT}/authorize`,
        headers: { ...AUTH, 'klarna-network-session-token': 'secret-token' },
        payload: { currency: 'USD' },
      });
      expect(answer.statusCode).toBe(502);
      expect(answer.json()).toMatchObject({
        error_id: answer.headers['klarna-correlation-id'],
        error_type: 'TECHNICAL_ERROR',
        error_code: 'BAD_GATEWAY',
      });
      expect(answer.json().error_message).toMatch(/^The upstream could not be reached \(ECONNREFUSED/);
      const [entry] = RequestList.parse(
        (await down.inject({ method: 'GET', url: '/__mock/requests' })).json(),
      ).requests;
      expect(entry).toMatchObject({ status: 502, account: ACCOUNT });
      expect(entry?.headers).toMatchObject({
        authorization: '[redacted]',
        'klarna-network-session-token': '[redacted]',
      });
      await down.inject({ method: 'GET', url: '/v2/notification/webhooks', headers: AUTH });
      const entries = RequestList.parse(
        (await down.inject({ method: 'GET', url: '/__mock/requests' })).json(),
      ).requests;
      expect(entries[1]).toMatchObject({ status: 502, account: 'krn:key-account' });
      expect(down.drift.report().upstream_failures).toBe(2);
    } finally {
      await down.close();
    }
  });
});

import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizeResponse } from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { AUTHORIZE_URL } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

// Many clients at once over real HTTP: one idempotency key or one session token yields one transaction, distinct
// keys yield distinct ones, and every record survives (no lost update). docs/simulator-choices.md#concurrency.

const N = 1_000;
const BODY = { currency: 'USD', request_payment_transaction: { amount: 11800, payment_transaction_reference: 'ref' } };

let app: MockApp;
let base: URL;
// Enough sockets that the requests really overlap at the server; the rest queue in the agent, still in flight.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

beforeAll(async () => {
  ({ app } = await testApp());
  base = new URL(await listening(app));
});
afterAll(async () => {
  agent.destroy();
  await app.close();
});

interface Sent {
  status: number;
  body: string;
  replayed: boolean;
}

function post(headers: Record<string, string>, body: unknown = BODY): Promise<Sent> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path: AUTHORIZE_URL(),
        agent,
        headers: {
          authorization: 'Basic klarna_test_api_k',
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, replayed: res.headers['idempotent-replayed'] === 'true' }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const transactionId = (sent: Sent) =>
  AuthorizeResponse.parse(JSON.parse(sent.body)).payment_transaction_response?.payment_transaction
    ?.payment_transaction_id;

const times = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));

describe('concurrent authorizations over real HTTP', () => {
  it('answers 1,000 concurrent identical requests with one key with one transaction and identical bodies', async () => {
    const key = { 'klarna-idempotency-key': 'concurrent-same-key' };
    const answers = await Promise.all(times(N, () => post(key)));
    expect(answers.map((a) => a.status)).toEqual(times(N, () => 200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(new Set(answers.map(transactionId)).size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
  });

  it('answers 1,000 concurrent requests with one session token and distinct keys with one transaction', async () => {
    const headers = (i: number) => ({
      'klarna-network-session-token': 'concurrent-session-token',
      'klarna-idempotency-key': `token-key-${i}`,
    });
    const answers = await Promise.all(times(N, (i) => post(headers(i))));
    expect(answers.map((a) => a.status)).toEqual(times(N, () => 200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(new Set(answers.map(transactionId)).size).toBe(1);
    // Every key was recorded with that answer: a retry under any of them replays it.
    const retries = await Promise.all(times(N, (i) => post(headers(i))));
    expect(retries.every((a) => a.status === 200 && a.replayed && a.body === answers[0]?.body)).toBe(true);
  });

  it('answers 1,000 interleaved requests with distinct keys with 1,000 distinct transactions, none lost', async () => {
    // Distinct bodies too, sent in an order unlike the key order, so records of neighbours cannot be mixed up.
    const order = times(N, (i) => (i * 617) % N);
    const bodyFor = (i: number) => ({ ...BODY, request_payment_transaction: { amount: 1_000 + i } });
    const send = (i: number) => post({ 'klarna-idempotency-key': `distinct-key-${i}` }, bodyFor(i));
    const firsts = new Map<number, Sent>();
    await Promise.all(
      order.map(async (i) => {
        firsts.set(i, await send(i));
      }),
    );
    const answers = times(N, (i) => firsts.get(i) as Sent);
    expect(answers.map((a) => a.status)).toEqual(times(N, () => 200));
    expect(new Set(answers.map(transactionId)).size).toBe(N);
    expect(answers.map((a) => JSON.parse(a.body).payment_transaction_response.payment_transaction.amount)).toEqual(
      times(N, (i) => 1_000 + i),
    );
    // No lost update: each key still replays its own answer byte for byte.
    const replays = await Promise.all(order.map(async (i) => [i, await send(i)] as const));
    for (const [i, replay] of replays) {
      expect(replay.replayed).toBe(true);
      expect(replay.body).toBe(answers[i]?.body);
    }
  });
});

import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizeResponse } from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { MemoryAnswerStore } from '../../mock-server/core/store/memory-answer-store.js';
import { Store } from '../../mock-server/core/store/store.js';
import { deferredAnswerStore } from '../support/deferred-answer-store.js';
import { fakeClock } from '../support/fake-clock.js';
import { AUTHORIZE_URL } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';
import { transactionClient } from '../support/transaction-client.js';

// The claim → commit path of an answer store that answers later (as Redis does), over real HTTP: concurrent
// identical requests wait for the first one's answer instead of running too (issue 15).

const N = 200;
const BODY = { currency: 'USD', request_payment_transaction: { amount: 11800, payment_transaction_reference: 'ref' } };

let app: MockApp;
let answerStore: ReturnType<typeof deferredAnswerStore>;
let base: URL;
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

beforeAll(async () => {
  const clock = fakeClock();
  const store = new Store(10_000);
  answerStore = deferredAnswerStore(new MemoryAnswerStore(store, clock.now));
  ({ app } = await testApp({ store, answerStore }));
  base = new URL(await listening(app));
  // Open the agent's sockets first, so that the requests of a test reach the server together.
  await Promise.all(times(64, (i) => post(AUTHORIZE_URL(), { 'klarna-idempotency-key': `warm-up-${i}` })));
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

function post(path: string, headers: Record<string, string>, body: unknown = BODY): Promise<Sent> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path,
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

describe('an answer store that answers later', () => {
  it('answers concurrent identical requests with one key with one transaction and identical bodies', async () => {
    const answers = await Promise.all(times(N, () => post(AUTHORIZE_URL(), { 'klarna-idempotency-key': 'one-key' })));
    expect(answers.map((a) => a.status)).toEqual(times(N, () => 200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(new Set(answers.map(transactionId)).size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    // They overlapped: some claimed while the first one held the key, and waited.
    expect(answerStore.heldClaims()).toBeGreaterThan(0);
  });

  it('answers concurrent requests with one session token and distinct keys with one transaction', async () => {
    const headers = (i: number) => ({
      'klarna-network-session-token': 'deferred-session-token',
      'klarna-idempotency-key': `deferred-token-key-${i}`,
    });
    const answers = await Promise.all(times(N, (i) => post(AUTHORIZE_URL(), headers(i))));
    expect(answers.map((a) => a.status)).toEqual(times(N, () => 200));
    expect(new Set(answers.map(transactionId)).size).toBe(1);
    const retries = await Promise.all(times(N, (i) => post(AUTHORIZE_URL(), headers(i))));
    expect(retries.every((a) => a.status === 200 && a.replayed && a.body === answers[0]?.body)).toBe(true);
  });

  it('refuses another request under a key in use with 409, and lets an error go unrecorded', async () => {
    const key = { 'klarna-idempotency-key': 'deferred-conflict' };
    const first = await post(AUTHORIZE_URL(), key);
    const other = await post(AUTHORIZE_URL(), key, { ...BODY, request_payment_transaction: { amount: 1 } });
    const invalid = { 'klarna-idempotency-key': 'deferred-invalid' };
    const refused = await post(AUTHORIZE_URL(), invalid, { currency: 'USD' });
    const retried = await post(AUTHORIZE_URL(), invalid);
    expect([first.status, other.status, refused.status, retried.status, retried.replayed]).toEqual([
      200,
      409,
      400,
      200,
      false,
    ]);
  });

  it('captures once for concurrent identical captures with one key, each answered with that capture', async () => {
    const transactions = transactionClient(() => base.origin);
    const id = await transactions.approve();
    const key = { 'klarna-idempotency-key': 'deferred-capture' };
    const captures = await Promise.all(times(50, () => transactions.capture(id, { capture_amount: 1000 }, key)));
    const read = await transactions.read(id);
    expect([
      new Set(captures.map((c) => `${c.status} ${c.json.payment_capture_id}`)),
      captures.filter((c) => c.headers.get('idempotent-replayed') !== 'true').length,
      read.json.captured_amount,
    ]).toEqual([new Set([`201 ${id}:capture:1`]), 1, 1000]);
  });
});

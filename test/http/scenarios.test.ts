import { afterEach, describe, expect, it } from 'vitest';
import type { AuthorizeResponse } from '../../contracts/index.js';
import type { BuildAppOptions, MockApp } from '../../mock-server/app/build-app.js';
import { BUILT_IN_SCENARIOS } from '../../mock-server/core/scenarios/built-in.js';
import { type KlarnaAnswer, klarnaClient } from '../support/klarna-client.js';
import { rawPost } from '../support/raw-post.js';
import { recordingSleep } from '../support/recording-sleep.js';
import { ACCOUNT, AUTHORIZE_URL } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

const AUTH = { authorization: 'Basic klarna_test_api_k' };
const body = (amount = 11800, extra: Record<string, unknown> = {}) => ({
  currency: 'USD',
  request_payment_transaction: { amount, payment_transaction_reference: 'ref-1' },
  ...extra,
});

let app: MockApp;
let base: string;
const start = async (options: BuildAppOptions = {}) => {
  ({ app } = await testApp(options));
  base = await listening(app);
};
afterEach(() => app?.close());

const client = klarnaClient(() => base);
const result = (answer: KlarnaAnswer<AuthorizeResponse>) => answer.ok().payment_transaction_response?.result;

describe('results and Klarna errors', () => {
  it.each([
    ['declined', 'DECLINED'],
    ['step-up', 'STEP_UP_REQUIRED'],
    ['approved', 'APPROVED'],
  ])('the %s scenario answers %s', async (name, expected) => {
    await start();
    const answer = await client.authorize(body(11800, { step_up_config: { customer_interaction_config: {} } }), {
      scenario: name,
    });
    expect(answer.status).toBe(200);
    expect(result(answer)).toBe(expected);
  });

  const errors = BUILT_IN_SCENARIOS.filter((s) => s.error !== undefined);
  const status: Record<string, number> = {
    VALIDATION_ERROR: 400,
    UNAUTHORIZED: 401,
    OPERATION_FORBIDDEN: 403,
    RESOURCE_NOT_FOUND: 404,
    RESOURCE_CONFLICT: 409,
    RATE_LIMITED: 429,
    INTERNAL_ERROR: 500,
    TIMEOUT: 500,
    TEMPORARY_UNAVAILABLE: 503,
  };
  it('has built-in error scenarios to check (the table below is not empty)', () => {
    expect(errors.length).toBeGreaterThan(0);
  });

  it.each(errors.map((s) => [s.name, s.magicAmount, s.error] as const))(
    'the %s scenario (magic amount %i) answers %s in Klarna shape',
    async (_name, amount, code) => {
      await start();
      const answer = await client.authorize(body(amount));
      expect(answer.status).toBe(status[code as string]);
      const error = answer.error();
      expect(error.error_code).toBe(code);
      expect(answer.headers.get('klarna-correlation-id')).toBe(error.error_id);
      if (code === 'RATE_LIMITED') expect(answer.headers.get('retry-after')).toBe('1');
    },
  );

  it("answers TIMEOUT with Klarna's documented body", async () => {
    await start();
    const answer = await client.authorize(body(), { scenario: 'timeout' });
    expect(answer.body).toEqual({
      error_id: answer.headers.get('klarna-correlation-id'),
      error_type: 'TECHNICAL_ERROR',
      error_code: 'TIMEOUT',
      error_message: 'Request processing timeout.',
    });
  });

  it('gives a DECLINED scenario its result_reason', async () => {
    await start();
    await client.admin.arm({
      account: ACCOUNT,
      scenario: { name: 'nsf', result: 'DECLINED', result_reason: 'INSUFFICIENT_FUNDS' },
    });
    const answer = await client.authorize(body());
    expect(answer.body).toEqual({
      payment_transaction_response: { result: 'DECLINED', result_reason: 'INSUFFICIENT_FUNDS' },
    });
  });
});

describe('network faults', () => {
  it('delays by the scenario, measured on the injected sleep, then answers', async () => {
    const timer = recordingSleep('held');
    await start({ sleep: timer.sleep });
    const waiting = timer.nextWait();
    const pending = client.authorize(body(9970));
    await waiting;
    expect(timer.waits).toEqual([3000]);
    timer.releaseAll();
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(result(answer)).toBe('APPROVED');
  });

  it('journals requests in the order they arrived, though a delayed one is answered last', async () => {
    const timer = recordingSleep('held');
    await start({ sleep: timer.sleep });
    const waiting = timer.nextWait();
    const slow = client.authorize(body(9970), { idempotencyKey: 'first' });
    await waiting;
    expect((await client.authorize(body(), { idempotencyKey: 'second' })).status).toBe(200);
    timer.releaseAll();
    expect((await slow).status).toBe(200);
    const keys = (await app.journal.entries(ACCOUNT)).map((entry) => entry.headers['klarna-idempotency-key']);
    expect(keys).toEqual(['first', 'second']);
  });

  it('draws a ranged delay inside its range', async () => {
    const timer = recordingSleep();
    await start({ sleep: timer.sleep });
    await client.admin.arm({
      account: ACCOUNT,
      times: 20,
      scenario: { name: 'slow', delay_ms: { min: 100, max: 200 } },
    });
    for (let i = 0; i < 20; i++) await client.authorize(body());
    expect(timer.waits).toHaveLength(20);
    expect(timer.waits.every((ms) => ms >= 100 && ms <= 200)).toBe(true);
    expect(new Set(timer.waits).size).toBeGreaterThan(1);
  });

  it('resets the connection: the client sees ECONNRESET and no bytes', async () => {
    await start();
    const answer = await rawPost(base, AUTHORIZE_URL(), AUTH, body(9972));
    expect(answer.errorCode).toBe('ECONNRESET');
    expect(answer.text).toBe('');
  });

  it('closes with an empty reply: no bytes, no error', async () => {
    await start();
    const answer = await rawPost(base, AUTHORIZE_URL(), AUTH, body(9973));
    expect(answer).toEqual({ text: '', errorCode: undefined });
  });

  it('hangs without answering until the bound, then closes the connection', async () => {
    const timer = recordingSleep('held');
    await start({ sleep: timer.sleep, config: { hangMaxMs: 1234 } });
    const waiting = timer.nextWait();
    const pending = rawPost(base, AUTHORIZE_URL(), AUTH, body(9971));
    await waiting;
    expect(timer.waits).toEqual([1234]);
    timer.releaseAll();
    expect(await pending).toEqual({ text: '', errorCode: undefined });
  });

  it('lets a hang go when the app closes', async () => {
    const timer = recordingSleep('held');
    await start({ sleep: timer.sleep });
    const waiting = timer.nextWait();
    const pending = rawPost(base, AUTHORIZE_URL(), AUTH, body(9971));
    await waiting;
    await app.close();
    expect((await pending).text).toBe('');
  });

  it('loses the response after committing it; a retry with the same key replays the APPROVED result', async () => {
    await start();
    const key = { 'Klarna-Idempotency-Key': 'lost-1' };
    const lost = await rawPost(base, AUTHORIZE_URL(), { ...AUTH, ...key }, body(9974));
    expect(lost).toEqual({ text: '', errorCode: undefined });
    expect(app.store.size.keys).toBe(1);
    const retry = await client.authorize(body(9974), { idempotencyKey: 'lost-1' });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(result(retry)).toBe('APPROVED');
  });

  it('loses the response of a final authorization; a retry with the same token replays it', async () => {
    await start();
    const token = { 'Klarna-Network-Session-Token': 'krn:payment:eu1:klarna-network-session-token:lost' };
    await rawPost(base, AUTHORIZE_URL(), { ...AUTH, ...token }, body(9974));
    const retry = await client.authorize(body(9974), { sessionToken: token['Klarna-Network-Session-Token'] });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(result(retry)).toBe('APPROVED');
  });

  it('never stores errors or faults: a retry under the same key is processed afresh', async () => {
    await start();
    await client.admin.arm({ account: ACCOUNT, name: 'internal-error' });
    expect((await client.authorize(body(), { idempotencyKey: 'k1' })).status).toBe(500);
    await client.admin.arm({ account: ACCOUNT, name: 'reset' });
    expect((await rawPost(base, AUTHORIZE_URL(), { ...AUTH, 'Klarna-Idempotency-Key': 'k1' }, body())).errorCode).toBe(
      'ECONNRESET',
    );
    const retry = await client.authorize(body(), { idempotencyKey: 'k1' });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { BuildAppOptions, MockApp } from '../../mock-server/app/build-app.js';
import type { ReloadResult } from '../../mock-server/io/fixture-loader.js';
import { type KlarnaAnswer, klarnaClient } from '../support/klarna-client.js';
import { ACCOUNT } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

const ACCOUNT_B = 'krn:partner:global:account:test:BBBBBBBB';
const body = (amount = 11800, reference = 'ref-1') => ({
  currency: 'USD',
  request_payment_transaction: { amount, payment_transaction_reference: reference },
});

let app: MockApp;
let base: string;
const start = async (options: BuildAppOptions = {}) => {
  ({ app } = await testApp(options));
  base = await listening(app);
};
afterEach(() => app?.close());

const client = klarnaClient(() => base);
/** Any key will do; this file sends a short one. */
const authorize = (headers: Record<string, string> = {}, payload: unknown = body(), account = ACCOUNT) =>
  client.authorize(payload, { account, apiKey: 'k', headers });
/** The outcome as one word: the result, or the error code. */
const outcome = async (headers: Record<string, string> = {}, payload: unknown = body(), account = ACCOUNT) => {
  const answer = await authorize(headers, payload, account);
  if (answer.status !== 200) return answer.error().error_code;
  const parsed = answer.ok().payment_transaction_response;
  return parsed?.result_reason ? `${parsed.result}:${parsed.result_reason}` : parsed?.result;
};
const statusAndBody = ({ status, body }: KlarnaAnswer) => ({ status, body });
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
function fixtureDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'klarna-mock-fixtures-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}
const rule = { name: 'rule-decline', match: { reference_prefix: 'decline-me-' }, result: 'DECLINED' };

describe('precedence: admin API, then header, then fixture rules, then magic amounts, then the default', () => {
  it('walks down the order as each source steps aside', async () => {
    await start({ config: { fixturesDir: fixtureDir({ 'a.json': { scenarios: [rule] } }), watchFixtures: false } });
    const everything = body(9901, 'decline-me-1');
    await client.admin.arm({ account: ACCOUNT, name: 'timeout' });
    expect(await outcome({ 'mock-scenario': 'rate-limited' }, everything)).toBe('TIMEOUT');
    expect(await outcome({ 'mock-scenario': 'rate-limited' }, everything)).toBe('RATE_LIMITED');
    expect(await outcome({}, { ...everything, currency: 'USD' })).toBe('DECLINED');
    expect(await outcome({}, body(9941, 'decline-me-2'))).toBe('DECLINED');
    expect(await outcome({}, body(9941))).toBe('UNAUTHORIZED');
    expect(await outcome({}, body(11800))).toBe('APPROVED');
  });

  it('prefers a scenario armed for the account over one armed for all', async () => {
    await start();
    await client.admin.arm({ name: 'unavailable' });
    await client.admin.arm({ account: ACCOUNT, name: 'declined' });
    expect(await outcome()).toBe('DECLINED');
    expect(await outcome()).toBe('TEMPORARY_UNAVAILABLE');
    expect(await outcome()).toBe('APPROVED');
  });
});

describe('the admin API', () => {
  it('arms a scenario for the next n matching requests, lists it, then drops it', async () => {
    await start();
    const armed = await client.admin.arm({
      account: ACCOUNT,
      times: 2,
      scenario: { name: 'eur-declines', match: { currency: 'EUR' }, result: 'DECLINED' },
    });
    expect(armed.status).toBe(201);
    expect(armed.body).toMatchObject({ account: ACCOUNT, remaining: 2, scenario: { name: 'eur-declines' } });
    expect(await outcome({}, { ...body(), currency: 'USD' })).toBe('APPROVED');
    expect(await outcome({}, { ...body(), currency: 'EUR' })).toBe('DECLINED');
    const listed = (await client.admin.scenarios(`?account=${encodeURIComponent(ACCOUNT)}`)).ok();
    expect(listed.armed.map((a) => a.remaining)).toEqual([1]);
    expect(listed.available.map((a) => a.name)).toContain('response-lost');
    expect(await outcome({}, { ...body(), currency: 'EUR' })).toBe('DECLINED');
    expect(await outcome({}, { ...body(), currency: 'EUR' })).toBe('APPROVED');
    expect((await client.admin.scenarios()).ok().armed).toEqual([]);
  });

  it('keeps an armed scenario for the next request when a session-token check refuses this one', async () => {
    await app.close();
    await start({ config: { strictSessionTokens: true } });
    await client.admin.arm({ account: ACCOUNT, name: 'declined' });
    expect(await outcome({ 'klarna-network-session-token': 'never-issued' })).toBe('VALIDATION_ERROR');
    expect(await outcome()).toBe('DECLINED');
  });

  it('disarms by id', async () => {
    await start();
    const armed = await client.admin.arm({ account: ACCOUNT, name: 'declined' });
    expect((await client.admin.disarm(armed.ok().id)).status).toBe(204);
    expect(await outcome()).toBe('APPROVED');
    expect((await client.admin.disarm(armed.ok().id)).status).toBe(404);
  });

  it('rejects an unknown name and a bad scenario with every path listed', async () => {
    await start();
    const unknown = await client.admin.arm({ name: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.error().validation_errors?.[0]?.reason).toContain('valid: approved, declined');
    const bad = await client.admin.arm({
      scenario: { name: 'Bad Name', error: 'TEAPOT', times: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.error().validation_errors?.map((v) => v.parameter)).toEqual([
      'scenario.name',
      'scenario.error',
      'scenario.times',
    ]);
  });

  it("refuses a scenario given in full under a built-in's name, as a scenario file would be refused", async () => {
    await start();
    const clash = await client.admin.arm({ scenario: { name: 'declined', result: 'APPROVED' } });
    expect(clash.status).toBe(400);
    expect(clash.error().validation_errors).toEqual([
      {
        parameter: 'scenario.name',
        reason: '"declined" is already a scenario\'s name: arm that one by name, or give yours another',
      },
    ]);
    expect((await client.admin.scenarios()).ok().armed).toEqual([]);
  });

  it('resets one account without touching another', async () => {
    await start();
    const key = { 'klarna-idempotency-key': 'shared-key' };
    const a = await authorize(key);
    const b = await authorize(key, body(), ACCOUNT_B);
    await client.admin.arm({ account: ACCOUNT, name: 'declined' });
    await client.admin.arm({ account: ACCOUNT_B, name: 'declined' });
    const reset = await client.admin.reset(ACCOUNT);
    expect(reset.body).toEqual({ account: ACCOUNT, disarmed: 1 });
    const aAgain = await authorize(key, body(11800, 'another'));
    expect(aAgain.status).toBe(200);
    expect(aAgain.body).not.toEqual(a.body);
    expect(statusAndBody(await authorize(key, body(), ACCOUNT_B))).toEqual(statusAndBody(b));
    expect(await outcome({}, body(), ACCOUNT_B)).toBe('DECLINED');
  });
});

describe('the Mock-Scenario header', () => {
  it('answers an unknown name with 400 listing the valid names', async () => {
    await start();
    const answer = await authorize({ 'mock-scenario': 'no-such-thing' });
    expect(answer.status).toBe(400);
    const error = answer.error();
    expect(error.validation_errors?.[0]?.parameter).toBe('Mock-Scenario');
    expect(error.validation_errors?.[0]?.reason).toMatch(/valid: approved, declined, step-up, .*response-lost/);
  });

  it('names fixture scenarios too', async () => {
    const fixture = { name: 'my-nsf', result: 'DECLINED', result_reason: 'INSUFFICIENT_FUNDS' };
    await start({ config: { fixturesDir: fixtureDir({ 'x.json': { scenarios: [fixture] } }), watchFixtures: false } });
    expect(await outcome({ 'mock-scenario': 'my-nsf' })).toBe('DECLINED:INSUFFICIENT_FUNDS');
    expect(await outcome()).toBe('APPROVED');
  });
});

describe('what Klarna never answers', () => {
  // A new token each time: one token yields one result.
  const finalAuthorization = () => ({
    'klarna-network-session-token': `krn:payment:eu1:klarna-network-session-token:${randomUUID()}`,
  });
  const tokenCharge = () => ({ 'klarna-customer-token': 'krn:customer-token:eu1:c' });

  it('a step-up scenario steps aside for a final authorization or a token charge, by header, magic amount or arming', async () => {
    // Any token finalizes here, so that a made-up token stands for one the simulator issued.
    await start({ config: { unknownSessionTokens: 'final' } });
    for (const headers of [finalAuthorization, tokenCharge]) {
      expect(await outcome({ ...headers(), 'mock-scenario': 'step-up' })).toBe('APPROVED');
      expect(await outcome(headers(), body(9902))).toBe('APPROVED');
    }
    await client.admin.arm({ account: ACCOUNT, name: 'step-up' });
    expect(await outcome(finalAuthorization())).toBe('APPROVED');
    // Untouched, still armed for the next request that can step up.
    expect((await client.admin.scenarios()).ok().armed).toHaveLength(1);
    expect(await outcome()).toBe('STEP_UP_REQUIRED');
  });

  it('a step-up scenario applies to an initial authorization that carries a session token as context', async () => {
    await start();
    const context = { ...finalAuthorization(), 'mock-scenario': 'step-up' };
    expect(await outcome(context)).toBe('STEP_UP_REQUIRED');
    expect(await outcome(finalAuthorization(), body(9902))).toBe('STEP_UP_REQUIRED');
  });

  it('refuses a step-up scenario that matches only final authorizations: it could never apply', async () => {
    await start();
    const armed = await client.admin.arm({
      scenario: { name: 'never', result: 'STEP_UP_REQUIRED', match: { session_token: true } },
    });
    expect(armed.status).toBe(400);
    expect(armed.error().validation_errors).toEqual([
      {
        parameter: 'scenario.match.session_token',
        reason: 'a final authorization never steps up: this scenario could never apply',
      },
    ]);
  });
});

describe('fixture rules', () => {
  it('apply by their match, `times` per account', async () => {
    const limited = { ...rule, name: 'twice', times: 2 };
    await start({ config: { fixturesDir: fixtureDir({ 'r.json': { scenarios: [limited] } }), watchFixtures: false } });
    const decline = body(11800, 'decline-me-9');
    expect([await outcome({}, decline), await outcome({}, decline), await outcome({}, decline)]).toEqual([
      'DECLINED',
      'DECLINED',
      'APPROVED',
    ]);
    expect(await outcome({}, decline, ACCOUNT_B)).toBe('DECLINED');
  });

  it('match the nth request only', async () => {
    const third = { name: 'third', match: { nth: 3 }, error: 'INTERNAL_ERROR' };
    await start({ config: { fixturesDir: fixtureDir({ 'n.json': { scenarios: [third] } }), watchFixtures: false } });
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await outcome());
    expect(seen).toEqual(['APPROVED', 'APPROVED', 'INTERNAL_ERROR', 'APPROVED']);
  });

  it.each([
    ['not JSON', '{ "scenarios": [', /bad\.json: not valid JSON/],
    [
      'a wrong field',
      { scenarios: [{ name: 'x', result: 'MAYBE' }] },
      /bad\.json: scenarios\[0\]\.result: Invalid option/,
    ],
    ['no effect', { scenarios: [{ name: 'x' }] }, /bad\.json: scenarios\[0\]: a scenario needs one of/],
    ['a built-in name', { scenarios: [{ name: 'declined', result: 'DECLINED' }] }, /already defined in the built-in/],
  ])('stop the start when a file has %s, naming the file, the path and the reason', async (_what, content, message) => {
    await expect(testApp({ config: { fixturesDir: fixtureDir({ 'bad.json': content }) } })).rejects.toThrow(message);
  });

  it('reload on change without a restart, and keep the last good set after a bad edit', async () => {
    const dir = fixtureDir({ 'live.json': { scenarios: [rule] } });
    await start({ config: { fixturesDir: dir } });
    expect(await outcome({}, body(11800, 'decline-me-1'))).toBe('DECLINED');
    const reloaded = (): Promise<ReloadResult> => new Promise((resolve) => app.fixtureEvents.once('reload', resolve));

    let next = reloaded();
    writeFileSync(join(dir, 'live.json'), JSON.stringify({ scenarios: [{ ...rule, result: 'STEP_UP_REQUIRED' }] }));
    expect((await next).ok).toBe(true);
    expect(await outcome({}, body(11800, 'decline-me-1'))).toBe('STEP_UP_REQUIRED');

    next = reloaded();
    writeFileSync(join(dir, 'live.json'), '{ "scenarios": [ { "name": "oops" ');
    const bad = await next;
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.error).toContain('live.json');
    expect(await outcome({}, body(11800, 'decline-me-1'))).toBe('STEP_UP_REQUIRED');
  });
});

describe('parallel accounts', () => {
  it('two accounts armed differently each get their own outcome, interleaved', async () => {
    await start();
    await client.admin.arm({ account: ACCOUNT, name: 'declined', times: 5 });
    await client.admin.arm({ account: ACCOUNT_B, name: 'timeout', times: 5 });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => outcome({}, body(), i % 2 === 0 ? ACCOUNT : ACCOUNT_B)),
    );
    expect(answers.filter((_, i) => i % 2 === 0)).toEqual(Array(5).fill('DECLINED'));
    expect(answers.filter((_, i) => i % 2 === 1)).toEqual(Array(5).fill('TIMEOUT'));
  });
});

describe('probability', () => {
  const run = async (seed: string) => {
    await start({ config: { seed } });
    await client.admin.arm({
      account: ACCOUNT,
      times: 1000,
      scenario: { name: 'coin', result: 'DECLINED', probability: 0.5 },
    });
    const seen: string[] = [];
    for (let i = 0; i < 40; i++) seen.push(String(await outcome()));
    await app.close();
    return seen.join(',');
  };

  it('is reproducible from the seed and changes with it', async () => {
    const first = await run('seed-1');
    expect(first).toContain('DECLINED');
    expect(first).toContain('APPROVED');
    expect(await run('seed-1')).toBe(first);
    expect(await run('seed-2')).not.toBe(first);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClientCheck } from '../../contract-suite/client-check.js';
import type { MockApp } from '../../mock-server/build-app.js';
import { AUTHORIZE_URL, loadSamples } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

const GOOD = 'krn:partner:global:account:test:GOODCLNT';
const BAD = 'krn:partner:global:account:test:BADCLNT1';
const SLOPPY = 'krn:partner:global:account:test:SLOPPY11';
const sample = loadSamples()['initial-authorization-step-up'];
const goodBody = { ...sample?.body, step_up_config: undefined };

let app: MockApp;
let base: string;
beforeAll(async () => {
  ({ app } = await testApp());
  base = await listening(app);
  const send = (account: string, headers: Record<string, string>, body: unknown) =>
    fetch(`${base}${AUTHORIZE_URL(account)}`, {
      method: 'POST',
      headers: { authorization: 'Basic k', 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  await send(GOOD, { 'klarna-idempotency-key': randomUUID() }, goodBody);
  await send(BAD, { 'klarna-idempotency-key': randomUUID() }, { request_payment_transaction: { amount: 1.5 } });
  await send(SLOPPY, {}, goodBody);
});
afterAll(() => app.close());

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runClientCheck(argv, {}, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('npm run contract:client', () => {
  it('passes a good client', async () => {
    const result = await run('--base-url', base, '--account', GOOD);
    expect(result.code).toBe(0);
    expect(result.out).toContain('0 errors, 0 warnings');
  });

  it('fails a bad client with exit code 1, naming each parameter', async () => {
    const result = await run('--base-url', base, '--account', BAD);
    expect(result.code).toBe(1);
    expect(result.out).toContain('✗ error   VALIDATION_ERROR (2×)');
    expect(result.out).toContain('currency: ');
    expect(result.out).toContain('request_payment_transaction.amount: ');
  });

  it('passes warnings unless --strict', async () => {
    expect((await run('--base-url', base, '--account', SLOPPY)).code).toBe(0);
    const strict = await run('--base-url', base, '--account', SLOPPY, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.out).toContain('missing_idempotency_key');
  });

  it('prints JSON with --json', async () => {
    const result = await run('--base-url', base, '--account', BAD, '--json');
    expect(JSON.parse(result.out)).toMatchObject({ account: BAD, errors: 2 });
  });

  it('exits 2 when it cannot run', async () => {
    expect((await run('--base-url', 'http://127.0.0.1:1')).code).toBe(2);
    expect((await run('--base-url', 'nope')).code).toBe(2);
    expect((await run('--bogus')).code).toBe(2);
  });
});

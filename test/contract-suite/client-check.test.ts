import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClientCheck } from '../../contract-suite/client-check.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { klarnaClient } from '../support/klarna-client.js';
import { loadSamples } from '../support/samples.js';
import { closedPort, listening, testApp } from '../support/test-app.js';

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
  const client = klarnaClient(base);
  const send = (account: string, headers: Record<string, string>, body: unknown) =>
    client.authorize(body, { account, apiKey: 'k', headers });
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

  it('exits 2 when it cannot run, saying why', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}`;
    expect(await run('--base-url', closed)).toEqual({
      code: 2,
      out: '',
      err: `contract:client: could not read ${closed}/__mock/report: connection refused (ECONNREFUSED)\n`,
    });
    expect((await run('--base-url', 'nope')).err).toBe(
      'contract:client: --base-url: expected an http:// or https:// URL\n',
    );
    expect((await run()).err).toMatch(/^contract:client: --base-url is required/);
    expect((await run('--bogus')).code).toBe(2);
    const emptyAccount = await runClientCheck(['--base-url', base], { KLARNA_ACCOUNT_ID: '' }, { out() {}, err() {} });
    expect(emptyAccount).toBe(2);
  });

  describe('against a server that is not the simulator', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((request, response) => {
        if (request.url?.startsWith('/silent')) return; // accepts, never answers
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>hello</body></html>');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('names an answer that is not JSON', async () => {
      const result = await run('--base-url', url);
      expect(result.code).toBe(2);
      expect(result.err).toBe(
        `contract:client: ${url}/__mock/report answered 200 with something that is not JSON ` +
          '("<html><body>hello</body></html>"); is it klarna-mock?\n',
      );
    });

    it('gives up after --timeout on a server that never answers', async () => {
      const result = await run('--base-url', `${url}/silent`, '--timeout', '100');
      expect(result).toEqual({
        code: 2,
        out: '',
        err: `contract:client: could not read ${url}/silent/__mock/report: no answer within 100 ms\n`,
      });
    });
  });
});

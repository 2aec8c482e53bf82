import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMock } from '../mock-server/app/start-mock.js';

const dir = mkdtempSync(join(tmpdir(), 'start-mock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('startMock', () => {
  it('closes what it built when it cannot listen, so nothing holds the process open', () => {
    // In a process of its own: whether it exits once the first mock is closed is the point.
    const script = `
      import { startMock } from ${JSON.stringify(join(import.meta.dirname, '../mock-server/app/start-mock.ts'))};
      const first = await startMock();
      const port = Number(new URL(first.url).port);
      const error = await startMock({ port, config: { fixturesDir: ${JSON.stringify(dir)} } }).catch((e) => e);
      console.log(error.code);
      await first.close();
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.stdout.trim()).toBe('EADDRINUSE');
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
  }, 30_000);

  it('refuses to bind beyond loopback without an admin token, as the command does', async () => {
    await expect(startMock({ host: '0.0.0.0' })).rejects.toThrow(
      /refusing to listen on 0\.0\.0\.0 without an admin token/,
    );
  });

  it('binds every interface with an admin token and gives a URL a client can use', async () => {
    const mock = await startMock({ host: '0.0.0.0', config: { adminToken: 'a-long-enough-admin-token' } });
    try {
      expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${mock.url}/__mock/health`)).status).toBe(401);
    } finally {
      await mock.close();
    }
  });

  it('says which scenario directory is missing', async () => {
    const missing = join(dir, 'nope');
    await expect(startMock({ config: { fixturesDir: missing } })).rejects.toThrow(
      `scenario directory ${missing} does not exist`,
    );
  });

  it('names the reasons of a refused arm() in the error message a test runner shows', async () => {
    const mock = await startMock();
    try {
      expect(() => mock.arm({ name: 'no-such' })).toThrow(
        /^One or more input parameters failed validation: name: unknown scenario "no-such"; valid: approved, /,
      );
    } finally {
      await mock.close();
    }
  });

  it('reads the memory journal at once and through readRequests and readReport alike', async () => {
    const mock = await startMock({ logger: false });
    try {
      const account = 'krn:partner:global:account:test:STARTMCK';
      const answer = await fetch(mock.authorizeUrl(account), {
        method: 'POST',
        headers: { authorization: 'Basic klarna_test_api_k', 'content-type': 'application/json' },
        body: JSON.stringify({ currency: 'EUR', request_payment_transaction: { amount: 1000 } }),
      });
      expect(answer.status).toBe(200);
      expect(mock.requests(account)).toHaveLength(1);
      expect(await mock.readRequests(account)).toEqual(mock.requests(account));
      expect(await mock.readReport(account)).toEqual(mock.report(account));
      await mock.reset(account);
      expect(mock.requests(account)).toEqual([]);
    } finally {
      await mock.close();
    }
  });
});

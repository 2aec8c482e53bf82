import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandArgs } from '../support/command-bundle.js';

// `klarna-mock proxy` in a child process, as a user runs it: the ready line, the calls, and the drift report printed
// when it is stopped. Every wait is on an event, with a timeout that only matters when something is broken.

const ROOT = join(import.meta.dirname, '../..');
const upstream = Fastify({ forceCloseConnections: true });
upstream.post('/v2/accounts/:account/payment/authorize', async (_request, reply) =>
  reply
    .headers({ 'klarna-correlation-id': 'c-1' })
    .send({ payment_transaction_response: { result: 'DECLINED', mood: 'grumpy' } }),
);
let upstreamUrl: string;
beforeAll(async () => {
  upstreamUrl = await upstream.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => upstream.close());

function startProxy(args: string[]) {
  const child = spawn(process.execPath, commandArgs(['proxy', ...args]), {
    cwd: ROOT,
    env: { ...process.env, PORT: undefined, HOST: undefined, KLARNA_MOCK_UPSTREAM: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const closed = once(child, 'close').then(([code]) => code as number | null);
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line: ${stdout}${stderr}`)), 15_000);
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+), forwarding to/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void closed.then(() => clearTimeout(timer));
  });
  return { child, ready, closed, stdout: () => stdout, stderr: () => stderr };
}

describe.concurrent('klarna-mock proxy', () => {
  it('forwards, and prints the drift report when stopped with SIGTERM', async () => {
    const proxy = startProxy(['--upstream', upstreamUrl, '--port', '0', '--log-level', 'silent']);
    try {
      const url = await proxy.ready;
      const answer = await fetch(`${url}/v2/accounts/acc/payment/authorize`, {
        method: 'POST',
        headers: { authorization: 'Basic key', 'content-type': 'application/json' },
        body: JSON.stringify({ currency: 'USD' }),
      });
      expect(await answer.json()).toEqual({ payment_transaction_response: { result: 'DECLINED', mood: 'grumpy' } });
      proxy.child.kill('SIGTERM');
      expect(await proxy.closed).toBe(0);
      expect(proxy.stdout()).toContain('1 answers checked');
      expect(proxy.stdout()).toContain('unknown  authorizePayment 200 payment_transaction_response.mood ×1 (e.g. c-1)');
    } finally {
      proxy.child.kill('SIGKILL');
    }
  });

  it('refuses to start without --upstream, naming the flag', async () => {
    const proxy = startProxy(['--port', '0']);
    expect(await proxy.closed).toBe(2);
    expect(proxy.stderr()).toContain('--upstream: required');
  });
});

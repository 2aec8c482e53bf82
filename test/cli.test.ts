import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AUTHORIZE_URL, loadSamples } from './support/samples.js';
import { type SpawnedSimulator, spawnSimulator } from './support/spawned-simulator.js';

// The real entry point in a child process: what a user gets from `npm start`. Nothing sleeps; every wait is on
// an event (a stdout chunk, the process closing) with a timeout that only matters when something is broken.

/** Only a broken child reaches it: under tsx, beside a dozen others and the suite, exits once took up to 10 s. */
const WAIT_MS = 30_000;
const READY_LINE = /^klarna-mock listening on (http:\/\/\S+) \(ready in \d+ ms\)$/m;

type Cli = SpawnedSimulator;

// The tests run concurrently (each waits mostly on a child starting up), so children are filed under their test.
const running = new Map<string, Set<ChildProcess>>();

afterEach(({ task }) => {
  for (const child of running.get(task.id) ?? []) child.kill('SIGKILL');
  running.delete(task.id);
});

function startCli(test: { id: string }, args: string[], env: Record<string, string> = {}): Cli {
  const cli = spawnSimulator(args, env);
  const children = running.get(test.id) ?? new Set();
  running.set(test.id, children.add(cli.child));
  cli.closed.then(() => children.delete(cli.child));
  return cli;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function exitOf(cli: Cli) {
  return withTimeout(cli.closed, 'the process to exit');
}

async function baseUrlOf(cli: Cli): Promise<string> {
  const [, url] = await cli.waitForStdout(READY_LINE);
  return url as string;
}

/** A port that was free a moment ago: the OS picks it, then it is released for the child to take. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const sample = loadSamples()['final-authorization'];
if (sample === undefined) throw new Error('fixtures/samples/final-authorization.json is missing');

// Each test starts the bundled command, concurrently with the others. Under tsx, on a loaded 2-core machine, a start
// once took 23 s; a test gets 90 s, more than a start's wait (40 s) and an exit's (30 s)
// together: a limit for a broken child, not a measure of speed.
describe.concurrent('the klarna-mock command', { timeout: 90_000 }, () => {
  it('prints its URL once, answers over HTTP, logs one redacted JSON line per request and stops on SIGTERM', async ({
    task,
  }) => {
    const cli = startCli(task, ['--port', '0', '--log-format', 'json']);
    const base = await baseUrlOf(cli);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await fetch(`${base}/__mock/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', pid: expect.any(Number) });

    const path = AUTHORIZE_URL();
    const authorize = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { ...(sample.headers as Record<string, string>), 'content-type': 'application/json' },
      body: JSON.stringify(sample.body),
    });
    expect(authorize.status).toBe(200);
    expect(await authorize.json()).toMatchObject({ payment_transaction_response: { result: 'APPROVED' } });
    await cli.waitForStdout(/"msg":"POST [^"]*"/);

    cli.child.kill('SIGTERM');
    expect(await exitOf(cli)).toEqual({ code: 0, signal: null });

    const output = cli.stdout() + cli.stderr();
    const lines = cli.stdout().trimEnd().split('\n');
    expect(lines.filter((line) => line.includes(base))).toEqual([expect.stringMatching(READY_LINE)]);
    // With --log-format json, the ready line is the only one that is not a JSON log line.
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([expect.stringMatching(READY_LINE)]);
    const logs = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(logs.filter((log) => log.request?.url === path)).toEqual([
      expect.objectContaining({
        statusCode: 200,
        request: expect.objectContaining({
          method: 'POST',
          headers: expect.objectContaining({
            authorization: '[redacted]',
            'klarna-network-session-token': '[redacted]',
          }),
        }),
      }),
    ]);
    for (const secret of Object.values(sample.headers)) {
      expect(output).not.toContain(secret);
    }
  });

  it('on SIGTERM finishes a request sitting in a scenario delay, resets nothing, then exits 0', async ({ task }) => {
    const cli = startCli(task, ['--port', '0', '--log-format', 'json', '--log-level', 'debug']);
    const base = await baseUrlOf(cli);
    const account = 'krn:partner:global:account:test:SHUTDOWN';
    const armed = await fetch(`${base}/__mock/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account, scenario: { name: 'slow', delay_ms: 1500 } }),
    });
    expect(armed.status).toBe(201);
    const inFlight = fetch(`${base}${AUTHORIZE_URL(account)}`, {
      method: 'POST',
      headers: { authorization: 'Basic k', 'content-type': 'application/json' },
      body: JSON.stringify({ currency: 'USD', request_payment_transaction: { amount: 100 } }),
    });
    await cli.waitForStdout(/delaying the answer 1500 ms/);
    cli.child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ payment_transaction_response: { result: 'APPROVED' } });
    expect(await exitOf(cli)).toEqual({ code: 0, signal: null });
  });

  it('stops with exit code 0 on SIGINT (Ctrl-C)', async ({ task }) => {
    const cli = startCli(task, ['--port', '0', '--log-format', 'json']);
    await baseUrlOf(cli);
    cli.child.kill('SIGINT');
    expect(await exitOf(cli)).toEqual({ code: 0, signal: null });
  });

  it('listens on the port given in PORT', async ({ task }) => {
    const port = await freePort();
    const cli = startCli(task, ['--log-format', 'json'], { PORT: String(port) });
    expect(await baseUrlOf(cli)).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`http://127.0.0.1:${port}/__mock/health`)).status).toBe(200);
  });

  // The whole of 127.0.0.0/8 is loopback on Linux; elsewhere only 127.0.0.1 is configured by default.
  it.runIf(process.platform === 'linux')('binds the address given in HOST', async ({ task }) => {
    const cli = startCli(task, ['--port', '0', '--log-format', 'json'], { HOST: '127.0.0.2' });
    const base = await baseUrlOf(cli);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    expect((await fetch(`${base}/__mock/health`)).status).toBe(200);
  });

  it('refuses to bind every interface without an admin token, with exit code 2 and the ways out', async ({ task }) => {
    const cli = startCli(task, ['--port', '0'], { HOST: '0.0.0.0' });
    expect(await exitOf(cli)).toEqual({ code: 2, signal: null });
    expect(cli.stderr()).toMatch(/^klarna-mock: refusing to listen on 0\.0\.0\.0 without an admin token/);
    for (const way of ['--admin-token <token>', 'KLARNA_MOCK_ADMIN_TOKEN', '--admin-open']) {
      expect(cli.stderr()).toContain(way);
    }
    expect(cli.stdout()).not.toContain('listening');
  });

  it('binds every interface with an admin token from the environment, says so, and asks for the token', async ({
    task,
  }) => {
    const token = 'a-long-enough-admin-token';
    const cli = startCli(task, ['--port', '0', '--log-format', 'json'], {
      HOST: '0.0.0.0',
      KLARNA_MOCK_ADMIN_TOKEN: token,
    });
    const [, base] = await cli.waitForStdout(
      /^klarna-mock listening on (http:\/\/127\.0\.0\.1:\d+) \(ready in \d+ ms; bound to 0\.0\.0\.0: every IPv4 interface\)$/m,
    );
    expect((await fetch(`${base}/__mock/health`)).status).toBe(401);
    const health = await fetch(`${base}/__mock/health`, { headers: { authorization: `Bearer ${token}` } });
    expect(health.status).toBe(200);
    expect(cli.stdout() + cli.stderr()).not.toContain(token);
  });

  it('binds every interface with --admin-open and warns that the admin API is open', async ({ task }) => {
    const cli = startCli(task, ['--port', '0', '--log-format', 'json', '--admin-open'], { HOST: '0.0.0.0' });
    await cli.waitForStdout(/^klarna-mock listening on http:\/\/127\.0\.0\.1:\d+ /m);
    expect(cli.stdout()).toMatch(/"level":40,.*"msg":"the \/__mock admin API is open/);
  });

  it('prints every option with --help and exits 0', async ({ task }) => {
    const cli = startCli(task, ['--help']);
    expect(await exitOf(cli)).toEqual({ code: 0, signal: null });
    for (const option of [
      '--port',
      '--host',
      '--config',
      '--fixtures',
      '--seed',
      '--log-level',
      '--log-format',
      '--admin-token',
      '--admin-open',
    ]) {
      expect(cli.stdout()).toContain(option);
    }
  });

  // The other argument errors are tested in-process (test/cli-options.test.ts); this one checks what main.ts does
  // with them: the message after `klarna-mock: `, exit code 2, no server.
  it('refuses --port nope with exit code 2 and a message naming the option', async ({ task }) => {
    const cli = startCli(task, ['--port', 'nope']);
    expect(await exitOf(cli)).toEqual({ code: 2, signal: null });
    expect(cli.stderr()).toMatch(/^klarna-mock: --port: expected a whole number from 0 to 65535\nRun with --help/);
    expect(cli.stdout()).not.toContain('listening');
  });

  it('says how to pick another port when its port is taken', async ({ task }) => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    try {
      const { port } = taken.address() as { port: number };
      const cli = startCli(task, ['--port', String(port)]);
      expect(await exitOf(cli)).toEqual({ code: 1, signal: null });
      expect(cli.stderr()).toMatch(/could not start: .*EADDRINUSE.* \(another port: --port <n> or PORT=<n>\)/);
    } finally {
      taken.close();
    }
  });

  describe('with --fixtures', () => {
    const dir = mkdtempSync(join(tmpdir(), 'klarna-mock-fixtures-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses to start on a bad scenario file, naming the file, the path inside it and the reason', async ({
      task,
    }) => {
      const bad = mkdtempSync(join(dir, 'bad-'));
      writeFileSync(join(bad, 'rules.json'), JSON.stringify({ scenarios: [{ name: 'x', error: 'TEAPOT' }] }));
      const cli = startCli(task, ['--port', '0', '--fixtures', bad]);
      expect((await exitOf(cli)).code).toBe(1);
      expect(cli.stderr()).toContain(`${join(bad, 'rules.json')}: scenarios[0].error: Invalid option`);
    });
  });
});
